// The crypto extension on AES-NI and PCLMULQDQ.
//
// Arm splits an AES round differently from x86: AESE is AddRoundKey then
// ShiftRows and SubBytes (the translator emits the key XOR, AESRound the
// rest), AESMC is MixColumns alone. x86's aesenclast with a zero key is
// exactly ShiftRows + SubBytes, aesdeclast the inverse; MixColumns is
// aesenc's MixColumns after undoing its ShiftRows + SubBytes with aesdeclast,
// and aesimc is InvMixColumns; a round followed by its MixColumns is one
// aesenc (aesdec) with a zero key. PMULL.1Q is pclmulqdq.
#include "backend/x64/block_emitter.h"

namespace ferry::x64 {

using namespace Xbyak;
using ir::Opcode;

// Is the round's only user the next instruction, its (Inv)MixColumns?
bool BlockEmitter::round_feeds_mix_columns(const ir::Inst& round, ir::ValueId id) const {
    ir::ValueId next = id + 1;
    while (next < block_.insts.size() && (block_.insts[next].removed || block_.insts[next].op == Opcode::Const)) ++next;
    if (next == block_.insts.size() || ra_.last_use(id) != next) return false;
    const ir::Inst& user = block_.insts[next];
    return user.op == Opcode::AESMixColumns && user.args[0] == id && user.imm0 == round.imm0;
}

bool BlockEmitter::emit_crypto(const ir::Inst& inst, ir::ValueId id) {
    switch (inst.op) {
    case Opcode::AESRound: {
        if (!ctx_.features.aes) return false;
        // AESE + AESMC (AESD + AESIMC) is one aesenc (aesdec) with a zero key.
        const bool fuse = round_feeds_mix_columns(inst, id);
        const Xmm zero = ra_.scratch_xmm();
        const Xmm res = ra_.def_xmm_copy(inst.args[0]);
        c_.pxor(zero, zero);
        if (fuse) inst.imm0 ? c_.aesdec(res, zero) : c_.aesenc(res, zero);
        else inst.imm0 ? c_.aesdeclast(res, zero) : c_.aesenclast(res, zero);
        if (fuse) fused_aes_round_ = id;
        return true;
    }
    case Opcode::AESMixColumns: {
        if (!ctx_.features.aes) return false;
        if (fused_aes_round_ == inst.args[0]) {  // done by the round
            ra_.def_xmm_copy(inst.args[0]);
            fused_aes_round_.reset();
            return true;
        }
        if (inst.imm0) {
            const Xmm a = ra_.use_xmm(inst.args[0]);
            c_.aesimc(ra_.def_xmm(), a);
            return true;
        }
        const Xmm zero = ra_.scratch_xmm();
        const Xmm res = ra_.def_xmm_copy(inst.args[0]);
        c_.pxor(zero, zero);
        c_.aesdeclast(res, zero);
        c_.aesenc(res, zero);
        return true;
    }
    case Opcode::PolyMul64: {
        if (!ctx_.features.pclmul) return false;
        const Reg64 a = ra_.use_gpr(inst.args[0]), b = ra_.use_gpr(inst.args[1]);
        const Xmm other = ra_.scratch_xmm();
        const Xmm res = ra_.def_xmm();
        c_.movq(res, a);
        c_.movq(other, b);
        c_.pclmulqdq(res, other, 0x00);
        return true;
    }
    default: return false;
    }
}

}  // namespace ferry::x64
