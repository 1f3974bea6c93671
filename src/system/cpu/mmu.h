// Stage 1 address translation (Arm ARM D5) for the EL1&0, EL2 and EL3
// regimes with 4K, 16K and 64K granules and 25..48-bit input addresses, and a
// softmmu TLB in front of it.
//
// The TLB is direct-mapped, one table per EL (EL0 and EL1 share a regime but
// not permissions), of 4 KiB virtual pages (larger mappings are cached 4 KiB
// at a time). Its entries have the layout of core/soft_tlb.h, which
// translated code looks up inline: one tag per access kind, the page's VA
// when that access may use host memory directly, the VA with kSoftTlbSlow
// when it is allowed but needs the slow path (MMIO, Device memory, strict
// alignment, writes to pages holding translated code), or kSoftTlbInvalid.
// TLB entries belong to the current ASID and VMID; changing either (or any
// translation register) flushes the tables, which is always allowed since the
// TLB only caches page tables.
//
// Self-modifying code: the physical pages that translated code was fetched
// from are remembered (CodePages); writes to them always take the slow path,
// which tells the CPU which virtual pages' blocks to drop.
#pragma once
#include <array>
#include <cstdint>
#include <cstddef>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/soft_tlb.h"
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

// The physical pages holding translated code, and the virtual pages that
// code was translated at.
// How many pages of a set fall in each slot (page number modulo 2^16): a
// zero says a page is not in the set without a hash lookup, the answer for
// nearly every page that a data write or an invalidation names.
class PageFilter {
public:
    void add(uint64_t page) { ++counts_[slot(page)]; }
    void remove(uint64_t page) { --counts_[slot(page)]; }
    bool may_hold(uint64_t page) const { return counts_[slot(page)] != 0; }

private:
    static constexpr size_t kSlots = size_t{1} << 16;
    static size_t slot(uint64_t page) { return (page >> kSoftTlbPageShift) & (kSlots - 1); }
    std::vector<uint32_t> counts_ = std::vector<uint32_t>(kSlots);
};

class CodePages {
public:
    // The fetch at va read pa. True if pa's page was not code until now.
    bool note(uint64_t va, uint64_t pa);
    bool holds_code(uint64_t pa) const {
        const uint64_t page = pa & kSoftTlbPageMask;
        return physical_filter_.may_hold(page) && by_physical_.count(page) != 0;
    }
    // pa's page is being written: it stops being code; returns the virtual
    // pages whose blocks may have come from it.
    std::vector<uint64_t> take_physical(uint64_t pa);
    // Was code translated in guest [lo, hi)? The caller drops those blocks,
    // so the range stops counting as code.
    bool take_virtual(uint64_t lo, uint64_t hi);
    const std::unordered_map<uint64_t, std::vector<uint64_t>>& physical_pages() const { return by_physical_; }

private:
    std::unordered_map<uint64_t, std::vector<uint64_t>> by_physical_;  // pa page -> va pages
    std::unordered_set<uint64_t> virtual_;                              // va pages
    PageFilter physical_filter_;  // by_physical_'s keys
    PageFilter virtual_filter_;   // virtual_
    uint64_t last_va_ = 1, last_pa_ = 1;  // the last note() (fetches come in runs)
};

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

    // The table translated code looks up at el (CpuState::soft_tlb).
    const SoftTlbEntry* tlb(unsigned el) const { return tables_[el].entries.data(); }

    // Translated code was fetched from pa (at va): from now on writes to
    // pa's page take the slow path.
    void note_code(uint64_t va, uint64_t pa);
    bool holds_code(uint64_t pa) const { return code_.holds_code(pa); }
    // A write to pa's page, which holds code: returns the virtual pages whose
    // blocks must go; writes to the page are fast again.
    std::vector<uint64_t> take_code(uint64_t pa);
    CodePages& code_pages() { return code_; }

private:
    // What the slow path needs beyond the tags.
    struct TlbPage {
        uint64_t pa_page;
        bool device;  // Device memory: unaligned data accesses fault
    };
    struct Table {
        std::array<SoftTlbEntry, kSoftTlbEntries> entries;
        std::array<TlbPage, kSoftTlbEntries> pages;
        uint64_t large_lo, large_hi;  // VA span of cached pages of mappings larger than 4 KiB
    };
    static unsigned regime_el(unsigned el) { return el == 0 ? 1 : el; }
    static void invalidate(Table& t, unsigned index);
    void flush(Table& t);
    // Drops every entry (of any table) that maps to pa_page.
    void flush_physical_page(uint64_t pa_page);
    bool fill(Table& t, uint64_t va, unsigned el, Access access, Target& out, uint8_t& fault);
    bool read_descriptor(uint64_t pa, uint64_t& desc) const;

    const SysRegs& regs_;
    Bus& bus_;
    std::array<Table, 4> tables_;
    CodePages code_;
};

}  // namespace ferry::system
