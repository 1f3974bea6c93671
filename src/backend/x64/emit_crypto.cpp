// The crypto extension on AES-NI and PCLMULQDQ.
//
// Arm splits an AES round differently from x86: AESE is AddRoundKey then
// ShiftRows and SubBytes (the translator emits the key XOR, AESRound the
// rest), AESMC is MixColumns alone. x86's aesenclast with a zero key is
// exactly ShiftRows + SubBytes, aesdeclast the inverse; MixColumns is
// aesenc's MixColumns after undoing its ShiftRows + SubBytes with aesdeclast,
// and aesimc is InvMixColumns. PMULL.1Q is pclmulqdq.
#include "backend/x64/block_emitter.h"

namespace ferry::x64 {

using namespace Xbyak;
using ir::Opcode;

bool BlockEmitter::emit_crypto(const ir::Inst& inst) {
    switch (inst.op) {
    case Opcode::AESRound: {
        if (!ctx_.features.aes) return false;
        const Xmm zero = ra_.scratch_xmm();
        const Xmm res = ra_.def_xmm_copy(inst.args[0]);
        c_.pxor(zero, zero);
        inst.imm0 ? c_.aesdeclast(res, zero) : c_.aesenclast(res, zero);
        return true;
    }
    case Opcode::AESMixColumns: {
        if (!ctx_.features.aes) return false;
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
