// Data processing (immediate): PC-relative addressing, add/subtract,
// logical, move wide, bitfield and extract. Every immediate is decoded here,
// at translate time, into a constant.
#include "frontend/a64/translate_common.h"

namespace ferry::a64 {

namespace {

// value & mask, leaving out the AND when the mask keeps every bit.
Value and_mask(Translator& t, Value value, uint64_t mask) {
    if (mask == ones(ir::bit_width(value.type))) return value;
    return t.ir.and_(value, t.ir.imm(value.type, mask));
}

Value rotate_right(Translator& t, Value value, unsigned amount) {
    return amount == 0 ? value : t.ir.ror(value, amount);
}

}  // namespace

bool ADR(Translator& t, Insn in) {
    const uint64_t imm = sign_extend((in["immhi"] << 2) | in["immlo"], 21);
    const bool page = in["op"];  // ADRP
    const uint64_t address = page ? (t.pc & ~uint64_t{0xfff}) + (imm << 12) : t.pc + imm;
    t.set_X(in["Rd"], t.ir.imm64(address));
    return true;
}

bool ADDSUB_imm(Translator& t, Insn in) {
    const bool sf = in["sf"], sub = in["op"], set_flags = in["S"];
    const uint64_t imm = uint64_t{in["imm12"]} << (in["sh"] ? 12 : 0);
    const Value result = add_sub(t, sub, set_flags, t.reg_sp(sf, in["Rn"]), t.imm(sf, imm));
    if (set_flags)
        t.set_reg(sf, in["Rd"], result);
    else
        t.set_reg_sp(sf, in["Rd"], result);
    return true;
}

bool LOGICAL_imm(Translator& t, Insn in) {
    const bool sf = in["sf"];
    if (!sf && in["N"]) return false;
    const auto masks = decode_bit_masks(in["N"], in["imms"], in["immr"], true, datasize(sf));
    if (!masks) return false;
    const Value operand1 = t.reg(sf, in["Rn"]);
    const Value imm = t.imm(sf, masks->wmask);
    enum { AND, ORR, EOR, ANDS };
    switch (in["opc"]) {
    case AND: t.set_reg_sp(sf, in["Rd"], t.ir.and_(operand1, imm)); break;
    case ORR: t.set_reg_sp(sf, in["Rd"], t.ir.or_(operand1, imm)); break;
    case EOR: t.set_reg_sp(sf, in["Rd"], t.ir.xor_(operand1, imm)); break;
    case ANDS: {
        const Value result = t.ir.and_(operand1, imm);
        t.ir.set_nzcv(t.ir.nzcv_logic(result));
        t.set_reg(sf, in["Rd"], result);
        break;
    }
    }
    return true;
}

bool MOVE_wide(Translator& t, Insn in) {
    const bool sf = in["sf"];
    const unsigned hw = in["hw"];
    if (!sf && hw >= 2) return false;
    const unsigned pos = hw * 16;
    const uint64_t imm = uint64_t{in["imm16"]} << pos;
    enum { MOVN, UNALLOCATED, MOVZ, MOVK };
    switch (in["opc"]) {
    case MOVN: t.set_reg(sf, in["Rd"], t.imm(sf, ~imm)); return true;
    case MOVZ: t.set_reg(sf, in["Rd"], t.imm(sf, imm)); return true;
    case MOVK: {
        const Value kept = and_mask(t, t.reg(sf, in["Rd"]), ~(uint64_t{0xffff} << pos) & ones(datasize(sf)));
        t.set_reg(sf, in["Rd"], t.ir.or_(kept, t.imm(sf, imm)));
        return true;
    }
    }
    return false;
}

// SBFM, BFM and UBFM as the Arm ARM's shared execute pseudocode:
//   bot = (dst AND NOT(wmask)) OR (ROR(src, R) AND wmask)
//   top = extend ? Replicate(src<S>) : dst
//   Rd  = (top AND NOT(tmask)) OR (bot AND tmask)
// with dst = Zeros() for SBFM/UBFM, so their zero terms are left out.
// SBFM/UBFM as the two shifts they amount to: the field ending at bit imms
// moves to the top, then back down, sign- or zero-filling. With imms >= immr
// that extracts bits imms:immr (SBFX/UBFX, ASR/LSR, SXT*/UXT*); with
// imms < immr it inserts bits imms:0 at bit size - immr (SBFIZ/UBFIZ, LSL).
Value signed_or_unsigned_bitfield_move(Translator& t, Value src, bool is_signed, unsigned size, unsigned immr,
                                       unsigned imms) {
    if (immr == 0 && (imms == 7 || imms == 15 || imms == 31) && imms + 1 < size) {
        // SXTB/SXTH/SXTW, UXTB/UXTH: one extension.
        const Value field = t.ir.trunc(ir::int_type_of_width(imms + 1), src);
        return is_signed ? t.ir.sext(src.type, field) : t.ir.zext(src.type, field);
    }
    const unsigned up = size - 1 - imms;
    const unsigned down = imms >= immr ? up + immr : immr - 1 - imms;
    const Value top = up ? t.ir.lsl(src, up) : src;
    if (down == 0) return top;
    return is_signed ? t.ir.asr(top, down) : t.ir.lsr(top, down);
}

bool BITFIELD(Translator& t, Insn in) {
    const bool sf = in["sf"];
    const unsigned n = in["N"], immr = in["immr"], imms = in["imms"];
    if (n != unsigned{sf}) return false;
    if (!sf && (immr >= 32 || imms >= 32)) return false;
    const unsigned size = datasize(sf);
    const auto masks = decode_bit_masks(n, imms, immr, false, size);
    if (!masks) return false;
    const uint64_t not_wmask = ~masks->wmask & ones(size), not_tmask = ~masks->tmask & ones(size);

    const Value src = t.reg(sf, in["Rn"]);
    const Value src_rotated = and_mask(t, rotate_right(t, src, immr), masks->wmask);
    enum { SBFM, BFM, UBFM, UNALLOCATED };
    Value result;
    switch (in["opc"]) {
    case SBFM:
    case UBFM:
        result = signed_or_unsigned_bitfield_move(t, src, in["opc"] == SBFM, size, immr, imms);
        break;
    case BFM: {
        const Value dst = t.reg(sf, in["Rd"]);
        const Value bot = t.ir.or_(and_mask(t, dst, not_wmask), src_rotated);
        result = t.ir.or_(and_mask(t, dst, not_tmask), and_mask(t, bot, masks->tmask));
        break;
    }
    default: return false;
    }
    t.set_reg(sf, in["Rd"], result);
    return true;
}

bool EXTR(Translator& t, Insn in) {
    const bool sf = in["sf"];
    const unsigned lsb = in["imms"];
    if (in["op21"] != 0 || in["o0"] != 0 || in["N"] != unsigned{sf}) return false;
    if (!sf && lsb >= 32) return false;
    // Rd = (Rn:Rm)<lsb+datasize-1:lsb>
    const unsigned rn = in["Rn"], rm = in["Rm"];
    const Value low = t.reg(sf, rm);
    Value result;
    if (lsb == 0)
        result = low;
    else if (rn == rm)
        result = t.ir.ror(low, lsb);  // the ROR (immediate) alias
    else
        result = t.ir.or_(t.ir.lsr(low, lsb), t.ir.lsl(t.reg(sf, rn), datasize(sf) - lsb));
    t.set_reg(sf, in["Rd"], result);
    return true;
}

}  // namespace ferry::a64
