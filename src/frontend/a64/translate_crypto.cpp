// The Crypto extension (Arm ARM C4.1.90: Crypto AES, Crypto three-register
// SHA, Crypto two-register SHA, and the 64-bit PMULL of AdvSIMD three
// different). The rounds themselves are the AES*/SHA* IR ops.
#include "frontend/a64/translate_crypto.h"

#include "frontend/a64/translate_simd_common.h"

namespace ferry::a64 {

using namespace simd;

bool translate_pmull64(Translator& t, Insn in) {
    const auto part = [&](unsigned r) { return in["Q"] ? high64(t, V(t, r)) : low64(t, V(t, r)); };
    t.ir.set_v(in["Rd"], t.ir.emit(Opcode::PolyMul64, Type::U128, part(in["Rn"]), part(in["Rm"])));
    return true;
}

// AESE/AESD: the round key added, then (Inv)ShiftRows and (Inv)SubBytes.
// AESMC/AESIMC: (Inv)MixColumns.
bool Crypto_aes(Translator& t, Insn in) {
    const unsigned opcode = in["opcode"], rd = in["Rd"];
    if (opcode < 0b00100 || opcode > 0b00111) return false;
    const bool inverse = opcode & 1;
    const Value n = V(t, in["Rn"]);
    if (opcode < 0b00110) {
        const Value state = t.ir.emit(Opcode::VecXor, Type::U128, V(t, rd), n);
        t.ir.set_v(rd, t.ir.emit(Opcode::AESRound, Type::U128, state, {}, {}, inverse));
    } else {
        t.ir.set_v(rd, t.ir.emit(Opcode::AESMixColumns, Type::U128, n, {}, {}, inverse));
    }
    return true;
}

namespace {
// SHA1SU0: W[i-16] ^ W[i-14] ^ W[i-8], the first step of the schedule:
// (Vn<63:0> : Vd<127:64>) ^ Vd ^ Vm.
Value sha1_su0(Translator& t, Value d, Value n, Value m) {
    const Value w14 = from_u64x2(t, high64(t, d), low64(t, n));
    return t.ir.emit(Opcode::VecXor, Type::U128, t.ir.emit(Opcode::VecXor, Type::U128, w14, d), m);
}
}  // namespace

bool Crypto_sha3(Translator& t, Insn in) {
    const unsigned opcode = in["opcode"], rd = in["Rd"];
    if (opcode == 0b111) return false;
    const Value d = V(t, rd), n = V(t, in["Rn"]), m = V(t, in["Rm"]);
    Value result;
    switch (opcode) {
    case 0b000:
    case 0b001:
    case 0b010: {  // SHA1C, SHA1P, SHA1M: Qd, Sn, Vm.4S
        const Value e = t.ir.trunc(Type::U32, low64(t, n));
        result = t.ir.emit(Opcode::SHA1Hash, Type::U128, d, e, m, opcode);
        break;
    }
    case 0b011: result = sha1_su0(t, d, n, m); break;
    case 0b100:
    case 0b101: result = t.ir.emit(Opcode::SHA256Hash, Type::U128, d, n, m, opcode & 1); break;  // SHA256H, H2
    default: result = t.ir.emit(Opcode::SHA256SU1, Type::U128, d, n, m); break;
    }
    t.ir.set_v(rd, result);
    return true;
}

bool Crypto_sha2(Translator& t, Insn in) {
    const unsigned opcode = in["opcode"], rd = in["Rd"];
    if (opcode > 0b00010) return false;
    const Value n = V(t, in["Rn"]);
    switch (opcode) {
    case 0b00000:  // SHA1H: ROL(Sn, 30), the rotation of b into c
        write_fp(t, rd, t.ir.ror(t.ir.trunc(Type::U32, low64(t, n)), 2));
        return true;
    case 0b00001: t.ir.set_v(rd, t.ir.emit(Opcode::SHA1SU1, Type::U128, V(t, rd), n)); return true;
    default: t.ir.set_v(rd, t.ir.emit(Opcode::SHA256SU0, Type::U128, V(t, rd), n)); return true;
    }
}

}  // namespace ferry::a64
