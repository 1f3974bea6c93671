// Stage 1 address translation (Arm ARM D5) for the EL1&0, EL2 and EL3
// regimes with 4K, 16K and 64K granules and 25..48-bit input addresses, and a
// softmmu TLB in front of it.
//
// The TLB is direct-mapped, one table per EL (EL0 and EL1 share a regime but
// not permissions), of 4 KiB virtual pages (larger mappings are cached 4 KiB
// at a time). An entry holds one tag per access kind: the page's VA when that
// access may use host memory directly, the VA with kTlbSlow when it is
// allowed but needs the slow path (MMIO, Device memory), or kTlbInvalid. So
// a hit is one compare of (va & ~0xfff) with the tag and an add of `addend`:
// the shape of a future inline JIT fast path. TLB entries belong to the
// current ASID and VMID; changing either (or any translation register)
// flushes the tables, which is always allowed since the TLB only caches page
// tables.
#pragma once
#include <array>
#include <cstdint>
#include <vector>

#include "system/bus.h"
#include "system/cpu/sysregs.h"

namespace ferry::system {

enum class Access : uint8_t { Read, Write, Fetch };

// Fault status codes (DFSC/IFSC); the translation-table kinds add the level.
namespace fsc {
inline constexpr uint8_t AddressSize = 0x00, Translation = 0x04, AccessFlag = 0x08, Permission = 0x0c;
inline constexpr uint8_t SyncExternal = 0x10, SyncExternalOnWalk = 0x14, Alignment = 0x21;
}  // namespace fsc

// What a walk found for one VA.
struct Mapping {
    uint64_t pa = 0;
    unsigned level = 0;      // of the final descriptor (permission faults report it)
    unsigned size_shift = 12;  // log2 of the block or page size
    bool readable = true, writable = true, executable = true;
    bool device = false;     // MAIR says Device: unaligned accesses fault
    uint8_t attr = 0xff;     // the MAIR attribute byte (PAR_EL1)
};

struct WalkResult {
    Mapping mapping;
    uint8_t fault = 0;  // 0, or a fault status code
    bool ok() const { return fault == 0; }
};

struct TlbEntry {
    uint64_t read_tag, write_tag, exec_tag;
    uintptr_t addend;   // host address = va + addend (RAM pages)
    uint64_t pa_page;   // physical page (MMIO pages)
    bool device;        // Device memory: unaligned data accesses fault
};
inline constexpr uint64_t kTlbInvalid = ~uint64_t{0};
inline constexpr uint64_t kTlbSlow = 1;
inline constexpr unsigned kTlbEntries = 1024;
inline constexpr uint64_t kTlbPageMask = ~uint64_t{0xfff};

// Where an access goes: host memory, or an MMIO physical address.
struct Target {
    uint8_t* host = nullptr;  // nullptr: MMIO at pa
    uint64_t pa = 0;
    bool device = false;
};

class Mmu {
public:
    Mmu(const SysRegs& regs, Bus& bus);

    // The translation of va for `access` at `el`, through the TLB; on a fault
    // returns false with the fault status code in fault.
    bool translate(uint64_t va, unsigned el, Access access, Target& out, uint8_t& fault);
    // A table walk, bypassing the TLB (AT instructions, tests).
    WalkResult walk(uint64_t va, unsigned el) const;
    // Checks a walk result against an access at el: 0 or the permission fault.
    static uint8_t permission_fault(const Mapping& m, Access access);

    // Is the MMU of the regime that el uses on?
    bool enabled(unsigned el) const;
    // The ASID that tags non-global entries of the EL1&0 regime.
    uint16_t asid() const;

    void flush_all();
    // TLBI by VA: the entries for the page holding va (every table); a
    // larger mapping cached there flushes everything.
    void flush_page(uint64_t va);

private:
    struct Table {
        std::array<TlbEntry, kTlbEntries> entries;
        uint64_t large_lo, large_hi;  // VA span of cached pages of mappings larger than 4 KiB
    };
    static unsigned regime_el(unsigned el) { return el == 0 ? 1 : el; }
    void flush(Table& t);
    bool fill(Table& t, uint64_t va, unsigned el, Access access, Target& out, uint8_t& fault);
    bool read_descriptor(uint64_t pa, uint64_t& desc) const;

    const SysRegs& regs_;
    Bus& bus_;
    std::array<Table, 4> tables_;
};

}  // namespace ferry::system
