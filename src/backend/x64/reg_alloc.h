// Single-pass register allocation over one block. Each IR value lives in a
// host register (GPR for U1..U64, XMM for U128) from its definition to its
// last use; under pressure the value whose last use is furthest away is
// spilled to a frame slot. Constants stay unmaterialised until an emitter
// needs them in a register, so most become x86 immediates.
//
// Protocol per instruction: begin(); claim() fixed registers; use_*() the
// operands; def_*() the result (and scratch_*() temporaries); emit; end().
// Registers handed out during an instruction stay valid until end().
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <vector>
#include <xbyak/xbyak.h>

#include "ir/ir.h"

namespace ferry::x64 {

class RegAlloc {
public:
    RegAlloc(Xbyak::CodeGenerator& code, const ir::Block& block);

    void begin(ir::ValueId inst);
    void end();

    bool is_const(ir::ValueId v) const;
    bool dies_here(ir::ValueId v) const;
    // The last instruction that reads v (the block's size: the terminal).
    ir::ValueId last_use(ir::ValueId v) const { return values_[v].last_use; }
    uint64_t const_value(ir::ValueId v) const;
    // v as the immediate of an operation `bits` wide (x86 sign-extends 32-bit
    // immediates of 64-bit operations), if it is a constant that fits.
    std::optional<uint32_t> imm(ir::ValueId v, unsigned bits) const;

    Xbyak::Reg64 use_gpr(ir::ValueId v);
    // v read for an operand the emitter folded into this instruction (and
    // skipped): v lives at least until here and is freed at end() if it dies.
    Xbyak::Reg64 use_gpr_for_folded(ir::ValueId v);
    Xbyak::Xmm use_xmm(ir::ValueId v);

    // The result in a fresh register.
    Xbyak::Reg64 def_gpr();
    Xbyak::Xmm def_xmm();
    // The result, possibly in the register of an operand that dies here: the
    // emitter must read every operand before it writes the result.
    Xbyak::Reg64 def_gpr_after_reads();
    Xbyak::Xmm def_xmm_after_reads();
    // The result, holding a copy of v to update in place (v's own register
    // when v dies here and is not another operand too).
    Xbyak::Reg64 def_gpr_copy(ir::ValueId v);
    Xbyak::Xmm def_xmm_copy(ir::ValueId v);
    // The result is in r, which the emitter claimed.
    void def_fixed(Xbyak::Reg64 r);
    void def_fixed(Xbyak::Xmm x);

    // FP values live in GPRs; an FP result may also keep its bits in an XMM
    // (its shadow) so that the next FP op reads it without a GPR-to-XMM move.
    // A shadow is dropped whenever its XMM is wanted. fp_shadow() locks it
    // for this instruction; keep_fp_shadow(x): this instruction's result is
    // also in x, one of its scratch XMMs.
    std::optional<Xbyak::Xmm> fp_shadow(ir::ValueId v);
    void keep_fp_shadow(Xbyak::Xmm x);

    // Registers holding a value or handed out during this instruction (bit = index).
    uint32_t busy_gprs() const;
    uint32_t busy_xmms() const;
    static constexpr uint32_t kCallerSavedGprs = (1u << Xbyak::Operand::RAX) | (1u << Xbyak::Operand::RCX) |
                                                 (1u << Xbyak::Operand::RDX) | (1u << Xbyak::Operand::RSI) |
                                                 (1u << Xbyak::Operand::RDI) | (1u << Xbyak::Operand::R8) |
                                                 (1u << Xbyak::Operand::R9) | (1u << Xbyak::Operand::R10) |
                                                 (1u << Xbyak::Operand::R11);

    Xbyak::Reg64 scratch_gpr();
    Xbyak::Xmm scratch_xmm();
    // Takes r for this instruction (the value in it moves or is spilled).
    // Claim before use_*(): an operand may move.
    void claim(Xbyak::Reg64 r);

    // Host calls: spill every value in a caller-saved register that lives
    // past this instruction, write the operands as Vec128s at [rsp + offset],
    // then after the call forget what the caller-saved registers held.
    void spill_caller_saved();
    void store_args_as_vec128(int offset);
    void after_call();

private:
    struct ValueInfo {
        int8_t gpr = -1;
        int8_t xmm = -1;
        int32_t slot = -1;
        ir::ValueId last_use = 0;
    };
    static constexpr ir::ValueId kFree = ir::kNoValue;

    bool is_xmm_value(ir::ValueId v) const;
    bool holds_shadow(int xmm) const;
    void drop_shadow(int xmm);
    std::array<ir::ValueId, 3> operands() const;
    unsigned operand_count(ir::ValueId v) const;
    bool take_over_gpr(ir::ValueId v);
    bool take_over_xmm(ir::ValueId v);
    int alloc_gpr();
    int alloc_xmm();
    void spill(ir::ValueId v);
    void release(ir::ValueId v);
    void bind_gpr(ir::ValueId v, int reg);
    void bind_xmm(ir::ValueId v, int reg);
    int new_slot();
    Xbyak::Address slot_address(int slot, int offset = 0) const;
    void load_const(Xbyak::Reg64 r, uint64_t value);

    Xbyak::CodeGenerator& code_;
    const ir::Block& block_;
    std::vector<ValueInfo> values_;
    std::array<ir::ValueId, 16> gpr_owner_;
    std::array<ir::ValueId, 16> xmm_owner_;
    uint32_t gpr_locked_ = 0;
    uint32_t xmm_locked_ = 0;
    std::vector<int> free_slots_;
    int next_slot_ = 0;
    ir::ValueId cur_ = 0;
    ir::ValueId folded_use_ = kFree;
};

}  // namespace ferry::x64
