#include "system/cpu/mmu.h"

#include <algorithm>
#include <cinttypes>
#include <cstring>

#include "common/log.h"

namespace ferry::system {

namespace {

constexpr uint64_t ones(unsigned n) { return n >= 64 ? ~uint64_t{0} : (uint64_t{1} << n) - 1; }
constexpr uint64_t field(uint64_t value, unsigned lsb, unsigned width) { return (value >> lsb) & ones(width); }
constexpr uint64_t kOutputAddressMask = ones(48);  // descriptors' and TTBRs' address bits 47:0

// One of a regime's VA ranges (TTBR0 or TTBR1) as TCR describes it.
struct Range {
    uint64_t ttbr;
    unsigned txsz;
    unsigned granule_shift;  // 12, 14 or 16
    bool walks_disabled;     // EPDn
    bool top_byte_ignored;   // TBIn
    bool upper;              // the TTBR1 range: VA bits above the input size are ones
};

unsigned granule_shift_tg0(uint64_t tg0) { return tg0 == 0b01 ? 16 : tg0 == 0b10 ? 14 : 12; }
unsigned granule_shift_tg1(uint64_t tg1) { return tg1 == 0b11 ? 16 : tg1 == 0b01 ? 14 : 12; }

// TCR_ELx and TTBRn_ELx for va in a regime (D5.2: VA range selection).
Range select_range(const SysRegs& r, unsigned regime, uint64_t va) {
    if (regime != 1) {
        const uint64_t tcr = r.tcr[regime];
        return {r.ttbr0[regime], unsigned(field(tcr, 0, 6)), granule_shift_tg0(field(tcr, 14, 2)), false,
                field(tcr, 20, 1) != 0, false};
    }
    const uint64_t tcr = r.tcr[1];
    if (field(va, 55, 1))
        return {r.ttbr1_el1, unsigned(field(tcr, 16, 6)), granule_shift_tg1(field(tcr, 30, 2)), field(tcr, 23, 1) != 0,
                field(tcr, 38, 1) != 0, true};
    return {r.ttbr0[1], unsigned(field(tcr, 0, 6)), granule_shift_tg0(field(tcr, 14, 2)), field(tcr, 7, 1) != 0,
            field(tcr, 37, 1) != 0, false};
}

// Are the VA bits above the input size all equal to the range's fill (bit 55
// with top-byte-ignore, else bit 63 too)?
bool va_in_range(uint64_t va, const Range& range, unsigned input_bits) {
    const unsigned top = range.top_byte_ignored ? 56 : 64;
    const uint64_t high = field(va, input_bits, top - input_bits);
    return high == (range.upper ? ones(top - input_bits) : 0);
}

// May a descriptor at level map a block with this granule (no 52-bit addresses)?
bool block_allowed(unsigned level, unsigned granule_shift) {
    return granule_shift == 12 ? (level == 1 || level == 2) : level == 2;
}

// Hierarchical attributes collected from table descriptors (APTable, XNTable, PXNTable).
struct TableLimits {
    bool no_el0 = false, read_only = false, xn = false, pxn = false;
    void add(uint64_t table_desc) {
        pxn |= field(table_desc, 59, 1) != 0;
        xn |= field(table_desc, 60, 1) != 0;
        no_el0 |= field(table_desc, 61, 1) != 0;
        read_only |= field(table_desc, 62, 1) != 0;
    }
};

// Access permissions of a block or page descriptor for an access at el (D5.4).
void set_permissions(Mapping& m, uint64_t desc, const TableLimits& limits, unsigned el, unsigned regime, bool wxn) {
    const bool ap_el0 = field(desc, 6, 1) != 0;   // AP[1]: EL0 access (EL1&0 regime only)
    const bool ap_ro = field(desc, 7, 1) != 0;    // AP[2]: read-only
    const bool xn = field(desc, 54, 1) != 0;      // UXN in EL1&0, XN otherwise
    const bool pxn = field(desc, 53, 1) != 0;
    if (regime == 1) {
        const bool el0_readable = ap_el0 && !limits.no_el0;
        const bool el0_writable = el0_readable && !ap_ro && !limits.read_only;
        if (el == 0) {
            m.readable = el0_readable;
            m.writable = el0_writable;
            m.executable = !xn && !limits.xn;
        } else {
            m.readable = true;
            m.writable = !ap_ro && !limits.read_only;
            // Memory EL0 can write is never privileged-executable.
            m.executable = !pxn && !limits.pxn && !el0_writable;
        }
    } else {
        m.readable = true;
        m.writable = !ap_ro && !limits.read_only;
        m.executable = !xn && !limits.xn;
    }
    if (wxn && m.writable) m.executable = false;
}

const char* fault_kind(uint8_t fault) {
    switch (fault & ~3u) {
    case fsc::AddressSize: return "address size fault";
    case fsc::Translation: return "translation fault";
    case fsc::AccessFlag: return "access flag fault";
    case fsc::Permission: return "permission fault";
    case fsc::SyncExternalOnWalk: return "external abort on the walk";
    }
    return fault == fsc::Alignment ? "alignment fault" : "external abort";
}

const char* access_name(Access access) {
    return access == Access::Read ? "read" : access == Access::Write ? "write" : "fetch";
}

// -d mmu: faulting translations only. Successful walks are left out: every
// TLB miss walks, and a Linux boot misses millions of times.
void log_fault(uint64_t va, unsigned el, Access access, uint8_t fault) {
    log::printf("mmu: %s of VA 0x%" PRIx64 " at EL%u faults: %s, level %u (status 0x%02x)\n", access_name(access), va,
                el, fault_kind(fault), fault & 3u, fault);
}

}  // namespace

Mmu::Mmu(const SysRegs& regs, Bus& bus) : regs_(regs), bus_(bus) { flush_all(); }

bool Mmu::enabled(unsigned el) const { return regs_.sctlr[regime_el(el)] & bits::SCTLR_M; }

uint16_t Mmu::asid() const {
    const bool asid_in_ttbr1 = field(regs_.tcr[1], 22, 1);  // TCR_EL1.A1
    const uint16_t asid = static_cast<uint16_t>((asid_in_ttbr1 ? regs_.ttbr1_el1 : regs_.ttbr0[1]) >> 48);
    return field(regs_.tcr[1], 36, 1) ? asid : asid & 0xff;  // TCR_EL1.AS: 16-bit ASIDs
}

bool Mmu::read_descriptor(uint64_t pa, uint64_t& desc) const {
    uint8_t* page = bus_.ram_page(pa);
    if (!page) return false;
    std::memcpy(&desc, page + (pa & 0xfff), sizeof desc);
    return true;
}

WalkResult Mmu::walk(uint64_t va, unsigned el) const {
    WalkResult result;
    Mapping& m = result.mapping;
    const unsigned regime = regime_el(el);
    const uint64_t sctlr = regs_.sctlr[regime];
    if (!(sctlr & bits::SCTLR_M)) {  // MMU off: flat, everything allowed
        m.pa = va;
        return result;
    }
    const Range range = select_range(regs_, regime, va);
    const unsigned txsz = range.txsz < 16 ? 16 : range.txsz > 39 ? 39 : range.txsz;
    const unsigned input_bits = 64 - txsz;
    const unsigned g = range.granule_shift, stride = g - 3;
    if (range.walks_disabled || !va_in_range(va, range, input_bits)) {
        result.fault = fsc::Translation + 0;
        return result;
    }
    unsigned level = 4 - (input_bits - g + stride - 1) / stride;
    uint64_t table = range.ttbr & kOutputAddressMask & ~uint64_t{1};
    TableLimits limits;
    while (true) {
        const unsigned shift = g + stride * (3 - level);
        const unsigned index_bits = std::min(stride, input_bits - shift);
        uint64_t desc;
        if (!read_descriptor(table + 8 * field(va, shift, index_bits), desc)) {
            result.fault = static_cast<uint8_t>(fsc::SyncExternalOnWalk + level);
            return result;
        }
        const bool valid = desc & 1, table_or_page = desc & 2;
        if (!valid || (level == 3 && !table_or_page) || (level < 3 && !table_or_page && !block_allowed(level, g))) {
            result.fault = static_cast<uint8_t>(fsc::Translation + level);
            return result;
        }
        if (level < 3 && table_or_page) {  // next-level table
            limits.add(desc);
            table = desc & kOutputAddressMask & ~ones(g);
            ++level;
            continue;
        }
        m.level = level;
        m.size_shift = shift;
        m.pa = (desc & kOutputAddressMask & ~ones(shift)) | (va & ones(shift));
        if (!field(desc, 10, 1)) {  // AF = 0: no hardware access flag management
            result.fault = static_cast<uint8_t>(fsc::AccessFlag + level);
            return result;
        }
        m.attr = static_cast<uint8_t>(regs_.mair[regime] >> (8 * field(desc, 2, 3)));
        m.device = (m.attr & 0xf0) == 0;
        set_permissions(m, desc, limits, el, regime, sctlr & bits::SCTLR_WXN);
        return result;
    }
}

uint8_t Mmu::permission_fault(const Mapping& m, Access access) {
    const bool allowed = access == Access::Read ? m.readable : access == Access::Write ? m.writable : m.executable;
    return allowed ? 0 : static_cast<uint8_t>(fsc::Permission + m.level);
}

bool Mmu::translate(uint64_t va, unsigned el, Access access, Target& out, uint8_t& fault) {
    Table& t = tables_[el];
    const unsigned index = soft_tlb_index(va);
    const SoftTlbEntry& e = t.entries[index];
    const uint64_t page = va & kSoftTlbPageMask;
    const uint64_t tag = access == Access::Read ? e.read_tag : access == Access::Write ? e.write_tag : e.exec_tag;
    if (tag == page || tag == (page | kSoftTlbSlow)) {
        const TlbPage& p = t.pages[index];
        out = {e.addend ? reinterpret_cast<uint8_t*>(va + e.addend) : nullptr, p.pa_page | (va & 0xfff), p.device};
        return true;
    }
    return fill(t, va, el, access, out, fault);
}

// A TLB miss: walk, check, and cache the 4 KiB page holding va.
bool Mmu::fill(Table& t, uint64_t va, unsigned el, Access access, Target& out, uint8_t& fault) {
    const WalkResult w = walk(va, el);
    fault = w.ok() ? permission_fault(w.mapping, access) : w.fault;
    if (fault) {
        if (log::enabled(log::Mmu)) log_fault(va, el, access, fault);
        return false;
    }
    const Mapping& m = w.mapping;
    const uint64_t page = va & kSoftTlbPageMask, pa_page = m.pa & kSoftTlbPageMask;
    uint8_t* host = bus_.ram_page(pa_page);
    const uint64_t fast = host && !m.device ? page : page | kSoftTlbSlow;
    // SCTLR_ELx.A: every data access has its alignment checked on the slow path.
    const bool strict_alignment = regs_.sctlr[regime_el(el)] & bits::SCTLR_A;
    const uint64_t data = strict_alignment ? page | kSoftTlbSlow : fast;
    const unsigned index = soft_tlb_index(va);
    SoftTlbEntry& e = t.entries[index];
    e.read_tag = m.readable ? data : kSoftTlbInvalid;
    e.write_tag = !m.writable ? kSoftTlbInvalid : code_.holds_code(pa_page) ? page | kSoftTlbSlow : data;
    e.exec_tag = m.executable && host ? page : kSoftTlbInvalid;  // fetches need no alignment care
    e.addend = host ? reinterpret_cast<uintptr_t>(host) - page : 0;
    t.pages[index] = {pa_page, m.device};
    if (m.size_shift > 12) {
        const uint64_t base = va & ~ones(m.size_shift), end = base + (uint64_t{1} << m.size_shift) - 1;
        t.large_lo = std::min(t.large_lo, base);
        t.large_hi = std::max(t.large_hi, end);
    }
    out = {host ? host + (m.pa & 0xfff) : nullptr, m.pa, m.device};
    return true;
}

void Mmu::invalidate(Table& t, unsigned index) {
    t.entries[index] = {kSoftTlbInvalid, kSoftTlbInvalid, kSoftTlbInvalid, 0};
    t.pages[index] = {0, false};
}

void Mmu::flush(Table& t) {
    for (unsigned i = 0; i < kSoftTlbEntries; ++i) invalidate(t, i);
    t.large_lo = ~uint64_t{0};
    t.large_hi = 0;
}

void Mmu::flush_all() {
    for (Table& t : tables_) flush(t);
}

void Mmu::flush_page(uint64_t va) {
    for (Table& t : tables_) {
        if (va >= t.large_lo && va <= t.large_hi) {
            flush(t);
            continue;
        }
        // Every tag (any top byte) of this page shares the slot.
        invalidate(t, soft_tlb_index(va));
    }
}

void Mmu::flush_physical_page(uint64_t pa_page) {
    for (Table& t : tables_)
        for (unsigned i = 0; i < kSoftTlbEntries; ++i)
            if (t.pages[i].pa_page == pa_page && t.entries[i].addend) invalidate(t, i);
}

void Mmu::note_code(uint64_t va, uint64_t pa) {
    if (code_.note(va, pa)) flush_physical_page(pa & kSoftTlbPageMask);  // its fast write tags go
}

std::vector<uint64_t> Mmu::take_code(uint64_t pa) {
    std::vector<uint64_t> pages = code_.take_physical(pa);
    flush_physical_page(pa & kSoftTlbPageMask);  // refilled with fast write tags
    return pages;
}

// ---- CodePages -------------------------------------------------------------------

bool CodePages::note(uint64_t va, uint64_t pa) {
    const uint64_t va_page = va & kSoftTlbPageMask, pa_page = pa & kSoftTlbPageMask;
    if (va_page == last_va_ && pa_page == last_pa_) return false;
    last_va_ = va_page;
    last_pa_ = pa_page;
    if (virtual_.insert(va_page).second) virtual_filter_.add(va_page);
    auto [it, is_new] = by_physical_.try_emplace(pa_page);
    if (is_new) physical_filter_.add(pa_page);
    std::vector<uint64_t>& vas = it->second;
    if (std::find(vas.begin(), vas.end(), va_page) == vas.end()) vas.push_back(va_page);
    return is_new;
}

std::vector<uint64_t> CodePages::take_physical(uint64_t pa) {
    auto it = by_physical_.find(pa & kSoftTlbPageMask);
    if (it == by_physical_.end()) return {};
    std::vector<uint64_t> pages = std::move(it->second);
    physical_filter_.remove(it->first);
    by_physical_.erase(it);
    last_va_ = last_pa_ = 1;
    return pages;
}

bool CodePages::take_virtual(uint64_t lo, uint64_t hi) {
    if (hi <= lo) return false;
    const uint64_t first = lo >> kSoftTlbPageShift, last = (hi - 1) >> kSoftTlbPageShift;  // page numbers
    size_t taken = 0;
    auto take = [&](uint64_t page) {
        virtual_filter_.remove(page);
        ++taken;
    };
    if (last - first >= virtual_.size()) {
        std::erase_if(virtual_, [&](uint64_t page) {
            const bool in_range = page >> kSoftTlbPageShift >= first && page >> kSoftTlbPageShift <= last;
            if (in_range) take(page);
            return in_range;
        });
    } else {
        for (uint64_t n = first; n <= last; ++n) {
            const uint64_t page = n << kSoftTlbPageShift;
            if (virtual_filter_.may_hold(page) && virtual_.erase(page)) take(page);
        }
    }
    if (taken) last_va_ = last_pa_ = 1;
    return taken != 0;
}

}  // namespace ferry::system
