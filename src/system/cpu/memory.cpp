// Guest memory in system mode: every access of the reference semantics (and
// the slow path of translated code's inline TLB lookups) goes through the MMU
// at the current EL, to RAM or to the Bus (MMIO), and faults become data
// aborts with the fault status and FAR of the Arm ARM. Writes to RAM that
// translated code came from drop that code.
#include <algorithm>
#include <cinttypes>
#include <cstring>

#include "common/log.h"
#include "core/fault.h"
#include "system/cpu/cpu_context.h"

namespace ferry::system {

namespace {
constexpr uint64_t kPageBytes = 0x1000;
bool crosses_page(uint64_t va, unsigned bytes) { return (va & (kPageBytes - 1)) + bytes > kPageBytes; }
}  // namespace

void CpuContext::raise(const Syndrome& syndrome, ExitReason reason, uint64_t pc) {
    pending = syndrome;
    raise_guest_fault(state, reason, syndrome.far.value_or(0), pc);
}

void CpuContext::raise_data_abort(uint64_t va, uint8_t fault_status, Access access, uint64_t pc) {
    const uint32_t wnr = access == Access::Write ? kIssWnR : 0;
    raise({ExceptionClass::DataAbort, wnr | fault_status, va}, ExitReason::DataAbort, pc);
}

// Translates a data access, with the alignment checks of SCTLR_ELx.A and of
// Device memory.
Target CpuContext::data_target(uint64_t va, unsigned bytes, Access access, uint64_t pc) {
    Target t;
    uint8_t fault = 0;
    if (!mmu.translate(va, el(), access, t, fault)) raise_data_abort(va, fault, access, pc);
    const bool aligned = (va & (bytes - 1)) == 0;
    if (!aligned && (t.device || strict_alignment())) raise_data_abort(va, fsc::Alignment, access, pc);
    return t;
}

bool CpuContext::strict_alignment() const { return regs.sctlr[el() == 0 ? 1 : el()] & bits::SCTLR_A; }

// Writes to a code page reach here (its TLB write tags are slow): its blocks
// go at the next block boundary.
void CpuContext::note_write(const Target& t) {
    if (!t.host || !mmu.holds_code(t.pa)) return;
    for (uint64_t page : mmu.take_code(t.pa)) invalidate_code(page, page + kPageBytes);
}

uint64_t CpuContext::mmio_read(const Target& t, uint64_t va, unsigned bytes, uint64_t pc) {
    uint64_t value = 0;
    if (!bus.read(t.pa, bytes, value)) {
        log::printf_if(log::GuestErrors,
                       "invalid read of %u bytes at physical address 0x%" PRIx64 " (VA 0x%" PRIx64 ", pc 0x%" PRIx64
                       "): nothing is mapped there, external abort\n", bytes, t.pa, va, pc);
        raise_data_abort(va, fsc::SyncExternal, Access::Read, pc);
    }
    return value;
}

void CpuContext::mmio_write(const Target& t, uint64_t va, uint64_t value, unsigned bytes, uint64_t pc) {
    if (!bus.write(t.pa, bytes, value)) {
        log::printf_if(log::GuestErrors,
                       "invalid write of %u bytes at physical address 0x%" PRIx64 " (VA 0x%" PRIx64 ", pc 0x%" PRIx64
                       "): nothing is mapped there, external abort\n", bytes, t.pa, va, pc);
        raise_data_abort(va, fsc::SyncExternal, Access::Write, pc);
    }
}

Vec128 CpuContext::load_within_page(uint64_t va, unsigned bytes, uint64_t pc) {
    const Target t = data_target(va, bytes, Access::Read, pc);
    Vec128 v{};
    if (t.host) {
        std::memcpy(&v, t.host, bytes);
    } else if (bytes == 16) {  // a 128-bit access to a device is two 64-bit ones
        v.lo = mmio_read(t, va, 8, pc);
        v.hi = mmio_read({nullptr, t.pa + 8, t.device}, va + 8, 8, pc);
    } else {
        v.lo = mmio_read(t, va, bytes, pc);
    }
    return v;
}

Vec128 CpuContext::load(CpuState&, uint64_t va, unsigned bytes, uint64_t pc) {
    if (!crosses_page(va, bytes)) return load_within_page(va, bytes, pc);
    // Byte by byte across the boundary: rare, and each byte sees its own page.
    if (strict_alignment()) raise_data_abort(va, fsc::Alignment, Access::Read, pc);
    uint8_t buf[16];
    for (unsigned i = 0; i < bytes; ++i) buf[i] = static_cast<uint8_t>(load_within_page(va + i, 1, pc).lo);
    Vec128 v{};
    std::memcpy(&v, buf, bytes);
    return v;
}

void CpuContext::store(CpuState&, uint64_t va, const Vec128& value, unsigned bytes, uint64_t pc) {
    if (crosses_page(va, bytes)) {
        // Both pages must allow the store before any byte of it is written.
        if (strict_alignment()) raise_data_abort(va, fsc::Alignment, Access::Write, pc);
        const unsigned first = static_cast<unsigned>(kPageBytes - (va & (kPageBytes - 1)));
        data_target(va, 1, Access::Write, pc);
        data_target(va + first, 1, Access::Write, pc);
        uint8_t buf[16];
        std::memcpy(buf, &value, bytes);
        for (unsigned i = 0; i < bytes; ++i) store(state, va + i, Vec128{buf[i], 0}, 1, pc);
        return;
    }
    const Target t = data_target(va, bytes, Access::Write, pc);
    note_write(t);
    if (t.host) {
        std::memcpy(t.host, &value, bytes);
    } else if (bytes == 16) {
        mmio_write(t, va, value.lo, 8, pc);
        mmio_write({nullptr, t.pa + 8, t.device}, va + 8, value.hi, 8, pc);
    } else {
        mmio_write(t, va, value.lo, bytes, pc);
    }
}

// Atomics need host memory: on MMIO they are an external abort.
uint8_t* CpuContext::rmw_pointer(CpuState&, uint64_t va, unsigned bytes, uint64_t pc) {
    const Target t = data_target(va, bytes, Access::Write, pc);
    if (!t.host) raise_data_abort(va, fsc::SyncExternal, Access::Write, pc);
    note_write(t);
    return t.host;
}

bool CpuContext::fetch(uint64_t pc, uint32_t& word) {
    if (pc & 3) {
        fetch_fault = Syndrome{ExceptionClass::PcAlignment, 0, pc};
        return false;
    }
    Target t;
    uint8_t fault = 0;
    if (!mmu.translate(pc, el(), Access::Fetch, t, fault) || !t.host) {
        if (!fault)
            log::printf_if(log::GuestErrors, "invalid fetch at physical address 0x%" PRIx64 " (pc 0x%" PRIx64
                           "): not RAM, external abort\n", t.pa, pc);
        fetch_fault = Syndrome{ExceptionClass::InstructionAbort, fault ? fault : fsc::SyncExternal, pc};
        return false;
    }
    mmu.note_code(pc, t.pa);
    std::memcpy(&word, t.host, sizeof word);
    return true;
}

bool CpuContext::access_virtual(uint64_t va, void* data, size_t bytes, Access access) {
    auto* p = static_cast<uint8_t*>(data);
    while (bytes > 0) {
        const size_t chunk = std::min<size_t>(bytes, kPageBytes - (va & (kPageBytes - 1)));
        Target t;
        uint8_t fault = 0;
        if (!mmu.translate(va, el(), access, t, fault) || !t.host) return false;
        if (access == Access::Write) {
            note_write(t);
            std::memcpy(t.host, p, chunk);
        } else {
            std::memcpy(p, t.host, chunk);
        }
        va += chunk;
        p += chunk;
        bytes -= chunk;
    }
    return true;
}

}  // namespace ferry::system
