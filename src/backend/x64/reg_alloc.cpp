#include "backend/x64/reg_alloc.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "backend/x64/jit_abi.h"

namespace ferry::x64 {

using namespace Xbyak;
using ir::ValueId;

namespace {
// Callee-saved registers first: values there survive host calls.
constexpr int kGprOrder[] = {Operand::RBX, Operand::RBP, Operand::R12, Operand::RSI, Operand::RDI, Operand::R8,
                             Operand::R9,  Operand::R10, Operand::R11, Operand::RDX, Operand::RCX, Operand::RAX};
constexpr int kXmmCount = 16;
}  // namespace

RegAlloc::RegAlloc(CodeGenerator& code, const ir::Block& block) : code_(code), block_(block) {
    gpr_owner_.fill(kFree);
    xmm_owner_.fill(kFree);
    values_.resize(block.insts.size());
    for (ValueId i = 0; i < block.insts.size(); ++i) {
        const ir::Inst& inst = block.insts[i];
        if (inst.removed) continue;
        values_[i].last_use = i;
        for (ValueId a : inst.args)
            if (a != ir::kNoValue) values_[a].last_use = i;
    }
    const ir::Terminal& t = block.terminal;
    if (t.kind == ir::Terminal::Kind::Branch || t.kind == ir::Terminal::Kind::Indirect)
        values_[t.value].last_use = static_cast<ValueId>(block.insts.size());
}

void RegAlloc::begin(ValueId inst) { cur_ = inst; }

std::array<ValueId, 3> RegAlloc::operands() const {
    if (cur_ < block_.insts.size()) return block_.insts[cur_].args;
    return {block_.terminal.value, ir::kNoValue, ir::kNoValue};
}

unsigned RegAlloc::operand_count(ValueId v) const {
    unsigned n = 0;
    for (ValueId a : operands()) n += a == v;
    return n;
}

bool RegAlloc::dies_here(ValueId v) const { return values_[v].last_use <= cur_; }

void RegAlloc::end() {
    for (ValueId a : operands())
        if (a != ir::kNoValue && dies_here(a)) release(a);
    if (folded_use_ != kFree && dies_here(folded_use_)) release(folded_use_);  // release() is idempotent
    folded_use_ = kFree;
    if (cur_ < block_.insts.size() && block_.insts[cur_].type != ir::Type::Void && dies_here(cur_)) release(cur_);
    gpr_locked_ = 0;
    xmm_locked_ = 0;
}

bool RegAlloc::is_xmm_value(ValueId v) const { return block_.insts[v].type == ir::Type::U128; }

bool RegAlloc::is_const(ValueId v) const { return block_.insts[v].op == ir::Opcode::Const; }

uint64_t RegAlloc::const_value(ValueId v) const { return block_.insts[v].imm0; }

std::optional<uint32_t> RegAlloc::imm(ValueId v, unsigned bits) const {
    if (!is_const(v)) return std::nullopt;
    const uint64_t value = const_value(v);
    if (bits <= 32) return static_cast<uint32_t>(value);
    const auto s = static_cast<int64_t>(value);
    if (s < INT32_MIN || s > INT32_MAX) return std::nullopt;
    return static_cast<uint32_t>(value);
}

Address RegAlloc::slot_address(int slot, int offset) const {
    return util::ptr[util::rsp + abi::kSpillOffset + slot * abi::kSpillSlotBytes + offset];
}

int RegAlloc::new_slot() {
    if (!free_slots_.empty()) {
        const int s = free_slots_.back();
        free_slots_.pop_back();
        return s;
    }
    if (next_slot_ == abi::kSpillSlots) {
        // Over a thousand values live at once: no translator makes such a block.
        std::fprintf(stderr, "ferry: x64 backend: block needs more than %d spill slots\n", abi::kSpillSlots);
        std::abort();
    }
    return next_slot_++;
}

void RegAlloc::spill(ValueId v) {
    ValueInfo& info = values_[v];
    if (!is_const(v) && info.slot < 0) {
        info.slot = new_slot();
        if (info.gpr >= 0) code_.mov(slot_address(info.slot), Reg64(info.gpr));
        else code_.movdqu(slot_address(info.slot), Xmm(info.xmm));
    }
    if (info.gpr >= 0) gpr_owner_[info.gpr] = kFree;
    if (info.xmm >= 0) xmm_owner_[info.xmm] = kFree;
    info.gpr = info.xmm = -1;
}

void RegAlloc::release(ValueId v) {
    ValueInfo& info = values_[v];
    if (info.gpr >= 0 && gpr_owner_[info.gpr] == v) gpr_owner_[info.gpr] = kFree;
    if (info.xmm >= 0 && xmm_owner_[info.xmm] == v) xmm_owner_[info.xmm] = kFree;
    if (info.slot >= 0) free_slots_.push_back(info.slot);
    info = {-1, -1, -1, info.last_use};
}

void RegAlloc::bind_gpr(ValueId v, int reg) {
    gpr_owner_[reg] = v;
    values_[v].gpr = static_cast<int8_t>(reg);
    gpr_locked_ |= 1u << reg;
}

void RegAlloc::bind_xmm(ValueId v, int reg) {
    xmm_owner_[reg] = v;
    values_[v].xmm = static_cast<int8_t>(reg);
    xmm_locked_ |= 1u << reg;
}

int RegAlloc::alloc_gpr() {
    int victim = -1;
    for (int r : kGprOrder) {
        if (gpr_locked_ & (1u << r)) continue;
        if (gpr_owner_[r] == kFree) {
            gpr_locked_ |= 1u << r;
            return r;
        }
        if (victim < 0 || values_[gpr_owner_[r]].last_use > values_[gpr_owner_[victim]].last_use) victim = r;
    }
    if (victim < 0) {
        std::fprintf(stderr, "ferry: x64 backend: out of registers\n");
        std::abort();
    }
    spill(gpr_owner_[victim]);
    gpr_locked_ |= 1u << victim;
    return victim;
}

bool RegAlloc::holds_shadow(int xmm) const { return xmm_owner_[xmm] != kFree && !is_xmm_value(xmm_owner_[xmm]); }

void RegAlloc::drop_shadow(int xmm) {
    values_[xmm_owner_[xmm]].xmm = -1;
    xmm_owner_[xmm] = kFree;
}

std::optional<Xmm> RegAlloc::fp_shadow(ValueId v) {
    const int x = values_[v].xmm;
    if (x < 0 || is_xmm_value(v)) return std::nullopt;
    xmm_locked_ |= 1u << x;
    return Xmm(x);
}

void RegAlloc::keep_fp_shadow(Xmm x) {
    xmm_owner_[x.getIdx()] = cur_;
    values_[cur_].xmm = static_cast<int8_t>(x.getIdx());
}

int RegAlloc::alloc_xmm() {
    int victim = -1;
    for (int pass = 0; pass < 2; ++pass) {  // a free register, else one holding a shadow
        for (int r = 0; r < kXmmCount; ++r) {
            if (xmm_locked_ & (1u << r)) continue;
            if (pass == 1 && holds_shadow(r)) drop_shadow(r);
            if (xmm_owner_[r] == kFree) {
                xmm_locked_ |= 1u << r;
                return r;
            }
        }
    }
    for (int r = 0; r < kXmmCount; ++r) {
        if (xmm_locked_ & (1u << r)) continue;
        if (victim < 0 || values_[xmm_owner_[r]].last_use > values_[xmm_owner_[victim]].last_use) victim = r;
    }
    if (victim < 0) {
        std::fprintf(stderr, "ferry: x64 backend: out of vector registers\n");
        std::abort();
    }
    spill(xmm_owner_[victim]);
    xmm_locked_ |= 1u << victim;
    return victim;
}

void RegAlloc::load_const(Reg64 r, uint64_t value) {
    // mov, not xor: materialising must not disturb flags an emitter is using.
    code_.mov(r, value);
}

Reg64 RegAlloc::use_gpr(ValueId v) {
    ValueInfo& info = values_[v];
    if (info.gpr >= 0) {
        gpr_locked_ |= 1u << info.gpr;
        return Reg64(info.gpr);
    }
    const Reg64 r(alloc_gpr());
    if (is_const(v)) load_const(r, const_value(v));
    else code_.mov(r, slot_address(info.slot));
    bind_gpr(v, r.getIdx());
    return r;
}

Reg64 RegAlloc::use_gpr_for_folded(ValueId v) {
    values_[v].last_use = std::max(values_[v].last_use, cur_);
    folded_use_ = v;
    return use_gpr(v);
}

Xmm RegAlloc::use_xmm(ValueId v) {
    ValueInfo& info = values_[v];
    if (info.xmm >= 0) {
        xmm_locked_ |= 1u << info.xmm;
        return Xmm(info.xmm);
    }
    const Xmm x(alloc_xmm());
    code_.movdqu(x, slot_address(info.slot));
    bind_xmm(v, x.getIdx());
    return x;
}

Reg64 RegAlloc::def_gpr() {
    const int r = alloc_gpr();
    bind_gpr(cur_, r);
    return Reg64(r);
}

Xmm RegAlloc::def_xmm() {
    const int r = alloc_xmm();
    bind_xmm(cur_, r);
    return Xmm(r);
}

bool RegAlloc::take_over_gpr(ValueId v) {
    ValueInfo& info = values_[v];
    if (!dies_here(v) || info.gpr < 0) return false;
    const int r = info.gpr;
    info.gpr = -1;
    bind_gpr(cur_, r);
    return true;
}

bool RegAlloc::take_over_xmm(ValueId v) {
    ValueInfo& info = values_[v];
    if (!dies_here(v) || info.xmm < 0) return false;
    const int r = info.xmm;
    info.xmm = -1;
    bind_xmm(cur_, r);
    return true;
}

Reg64 RegAlloc::def_gpr_after_reads() {
    for (ValueId a : operands())
        if (a != ir::kNoValue && !is_xmm_value(a) && take_over_gpr(a)) return Reg64(values_[cur_].gpr);
    return def_gpr();
}

Xmm RegAlloc::def_xmm_after_reads() {
    for (ValueId a : operands())
        if (a != ir::kNoValue && is_xmm_value(a) && take_over_xmm(a)) return Xmm(values_[cur_].xmm);
    return def_xmm();
}

Reg64 RegAlloc::def_gpr_copy(ValueId v) {
    const Reg64 src = use_gpr(v);
    if (operand_count(v) == 1 && take_over_gpr(v)) return src;
    const Reg64 r = def_gpr();
    code_.mov(r, src);
    return r;
}

Xmm RegAlloc::def_xmm_copy(ValueId v) {
    const Xmm src = use_xmm(v);
    if (operand_count(v) == 1 && take_over_xmm(v)) return src;
    const Xmm r = def_xmm();
    code_.movdqa(r, src);
    return r;
}

void RegAlloc::def_fixed(Reg64 r) { bind_gpr(cur_, r.getIdx()); }
void RegAlloc::def_fixed(Xmm x) { bind_xmm(cur_, x.getIdx()); }

uint32_t RegAlloc::busy_gprs() const {
    uint32_t mask = gpr_locked_;
    for (int r = 0; r < 16; ++r)
        if (gpr_owner_[r] != kFree) mask |= 1u << r;
    return mask;
}

uint32_t RegAlloc::busy_xmms() const {
    uint32_t mask = xmm_locked_;
    for (int r = 0; r < kXmmCount; ++r)
        if (xmm_owner_[r] != kFree) mask |= 1u << r;
    return mask;
}

Reg64 RegAlloc::scratch_gpr() { return Reg64(alloc_gpr()); }
Xmm RegAlloc::scratch_xmm() { return Xmm(alloc_xmm()); }

void RegAlloc::claim(Reg64 r) {
    const int idx = r.getIdx();
    const ValueId owner = gpr_owner_[idx];
    const bool in_use = (gpr_locked_ & (1u << idx)) || (owner != kFree && operand_count(owner) > 0);
    gpr_locked_ |= 1u << idx;
    if (owner == kFree) return;
    if (in_use) {
        // An operand of this instruction: move it aside.
        const int other = alloc_gpr();
        code_.mov(Reg64(other), r);
        bind_gpr(owner, other);
    } else {
        spill(owner);
    }
    gpr_owner_[idx] = kFree;
}

void RegAlloc::spill_caller_saved() {
    for (int r = 0; r < 16; ++r) {
        const ValueId v = gpr_owner_[r];
        if ((kCallerSavedGprs & (1u << r)) && v != kFree && !dies_here(v)) spill(v);
    }
    for (int r = 0; r < kXmmCount; ++r) {
        const ValueId v = xmm_owner_[r];
        if (holds_shadow(r)) drop_shadow(r);
        else if (v != kFree && !dies_here(v)) spill(v);
    }
}

void RegAlloc::store_args_as_vec128(int offset) {
    const auto args = operands();
    auto lo = [&](unsigned i) { return util::qword[util::rsp + offset + 16 * i]; };
    auto hi = [&](unsigned i) { return util::qword[util::rsp + offset + 16 * i + 8]; };
    // Register operands first: the copies below go through rax and xmm0.
    for (unsigned i = 0; i < 3; ++i) {
        const ValueId v = args[i];
        if (v == ir::kNoValue) continue;
        const ValueInfo& info = values_[v];
        if (info.gpr >= 0) {
            code_.mov(lo(i), Reg64(info.gpr));
            code_.mov(hi(i), 0);
        } else if (info.xmm >= 0) {
            code_.movdqu(util::xword[util::rsp + offset + 16 * i], Xmm(info.xmm));
        }
    }
    for (unsigned i = 0; i < 3; ++i) {
        const ValueId v = args[i];
        if (v == ir::kNoValue) continue;
        const ValueInfo& info = values_[v];
        if (info.gpr >= 0 || info.xmm >= 0) continue;
        if (is_xmm_value(v)) {
            code_.movdqu(code_.xmm0, slot_address(info.slot));
            code_.movdqu(util::xword[util::rsp + offset + 16 * i], code_.xmm0);
            continue;
        }
        if (is_const(v)) load_const(code_.rax, const_value(v));
        else code_.mov(code_.rax, slot_address(info.slot));
        code_.mov(lo(i), code_.rax);
        code_.mov(hi(i), 0);
    }
}

void RegAlloc::after_call() {
    for (int r = 0; r < 16; ++r) {
        if (!(kCallerSavedGprs & (1u << r)) || gpr_owner_[r] == kFree) continue;
        values_[gpr_owner_[r]].gpr = -1;
        gpr_owner_[r] = kFree;
    }
    for (int r = 0; r < kXmmCount; ++r) {
        if (xmm_owner_[r] == kFree) continue;
        values_[xmm_owner_[r]].xmm = -1;
        xmm_owner_[r] = kFree;
    }
}

}  // namespace ferry::x64
