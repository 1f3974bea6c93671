// AdvSIMD permute (ZIP/UZP/TRN), extract (EXT) and table lookup (TBL/TBX),
// Arm ARM C4.1.90.
#include "frontend/a64/translate_simd_common.h"

namespace ferry::a64 {

using namespace simd;

bool SIMD_permute(Translator& t, Insn in) {
    const bool q = in["Q"];
    const unsigned size = in["size"], opcode = in["opcode"], esize = 8u << size;
    if ((opcode & 3) == 0 || (size == 3 && !q)) return false;
    const unsigned part = opcode >> 2;
    const Value n = V(t, in["Rn"]), m = V(t, in["Rm"]);
    Value result;
    switch (opcode & 3) {
    case 1: {  // UZP: lanes of the concatenation m:n over the datasize
        if (q) {
            result = vop(t, Opcode::VecUzp, esize, n, m, part);
        } else {
            const Value both = from_u64x2(t, low64(t, n), low64(t, m));
            result = vop(t, Opcode::VecUzp, esize, both, both, part);
        }
        break;
    }
    case 2: result = vop(t, Opcode::VecTrn, esize, n, m, part); break;
    default:  // ZIP: with Q = 0, ZIP2 interleaves the upper halves of the 64-bit operands
        if (q || part == 0) {
            result = vop(t, Opcode::VecZip, esize, n, m, part);
        } else {
            result = upper_half(t, vop(t, Opcode::VecZip, esize, n, m, 0));
        }
        break;
    }
    set_V(t, in["Rd"], result, q);
    return true;
}

bool SIMD_extract(Translator& t, Insn in) {
    const bool q = in["Q"];
    const unsigned imm4 = in["imm4"];
    if (!q && imm4 >= 8) return false;
    const Value n = V(t, in["Rn"]), m = V(t, in["Rm"]);
    if (q) {
        t.ir.set_v(in["Rd"], vop(t, Opcode::VecExt, 8, n, m, imm4));
    } else {
        const Value both = from_u64x2(t, low64(t, n), low64(t, m));
        set_V(t, in["Rd"], vop(t, Opcode::VecExt, 8, both, zero_vec(t), imm4), false);
    }
    return true;
}

// TBL/TBX with len+1 table registers from Rn (wrapping at V31): each table
// register serves the indices 16*i .. 16*i+15; out-of-range indices give 0
// (TBL) or keep Vd's byte (TBX).
bool SIMD_table(Translator& t, Insn in) {
    const bool q = in["Q"], tbx = in["op"];
    const unsigned regs = in["len"] + 1, rn = in["Rn"], rd = in["Rd"];
    const Value indices = V(t, in["Rm"]);
    Value result = tbx ? V(t, rd) : zero_vec(t);
    for (unsigned i = 0; i < regs; ++i) {
        // Subtracting 16*i wraps smaller indices to 256-16*i and up, out of range.
        const Value local = i == 0 ? indices : vop(t, Opcode::VecSub, 8, indices, dup_const(t, 8, 16 * i));
        result = t.ir.emit(Opcode::VecTableLookup, Type::U128, V(t, (rn + i) % 32), local, result);
    }
    set_V(t, rd, result, q);
    return true;
}

}  // namespace ferry::a64
