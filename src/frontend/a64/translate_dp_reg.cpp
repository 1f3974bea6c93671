// Data processing (register): logical and add/subtract with shifted or
// extended operands, add/subtract with carry, conditional compare and
// select, multiply, divide, variable shifts, CRC32 and bit/byte operations.
#include "frontend/a64/translate_common.h"

namespace ferry::a64 {

using ir::Opcode;

bool LOGICAL_shifted(Translator& t, Insn in) {
    const bool sf = in["sf"];
    const unsigned amount = in["imm6"];
    if (!sf && amount >= 32) return false;
    const Value operand1 = t.reg(sf, in["Rn"]);
    const Value operand2 = shift_reg(t, sf, in["Rm"], in["shift"], amount);
    const bool invert = in["N"];  // BIC, ORN, EON, BICS
    enum { AND, ORR, EOR, ANDS };
    static constexpr Opcode kPlain[] = {Opcode::And, Opcode::Or, Opcode::Xor, Opcode::And};
    static constexpr Opcode kInverted[] = {Opcode::AndNot, Opcode::OrNot, Opcode::XorNot, Opcode::AndNot};
    const unsigned opc = in["opc"];
    const Value result = t.ir.op2(invert ? kInverted[opc] : kPlain[opc], operand1, operand2);
    if (opc == ANDS) t.ir.set_nzcv(t.ir.nzcv_logic(result));
    t.set_reg(sf, in["Rd"], result);
    return true;
}

bool ADDSUB_shifted(Translator& t, Insn in) {
    const bool sf = in["sf"];
    const unsigned shift = in["shift"], amount = in["imm6"];
    if (shift == static_cast<unsigned>(ShiftType::ROR)) return false;
    if (!sf && amount >= 32) return false;
    const Value operand2 = shift_reg(t, sf, in["Rm"], shift, amount);
    t.set_reg(sf, in["Rd"], add_sub(t, in["op"], in["S"], t.reg(sf, in["Rn"]), operand2));
    return true;
}

bool ADDSUB_extended(Translator& t, Insn in) {
    const bool sf = in["sf"], set_flags = in["S"];
    const unsigned shift = in["imm3"];
    if (in["opt"] != 0 || shift > 4) return false;
    const Value operand2 = extend_reg(t, sf, in["Rm"], in["option"], shift);
    const Value result = add_sub(t, in["op"], set_flags, t.reg_sp(sf, in["Rn"]), operand2);
    if (set_flags)
        t.set_reg(sf, in["Rd"], result);
    else
        t.set_reg_sp(sf, in["Rd"], result);
    return true;
}

// ADC/SBC: AddWithCarry(Rn, Rm or NOT Rm, PSTATE.C).
bool ADDSUB_carry(Translator& t, Insn in) {
    const bool sf = in["sf"], sub = in["op"];
    const Value operand1 = t.reg(sf, in["Rn"]);
    const Value operand2 = t.reg(sf, in["Rm"]);
    const Value carry = t.ir.get_carry(t.ir.get_nzcv());
    if (in["S"])
        t.ir.set_nzcv(sub ? t.ir.nzcv_sub(operand1, operand2, carry) : t.ir.nzcv_add(operand1, operand2, carry));
    const Value addend = sub ? t.ir.not_(operand2) : operand2;
    t.set_reg(sf, in["Rd"], t.ir.emit(Opcode::AddCarry, operand1.type, operand1, addend, carry));
    return true;
}

namespace {

// CCMN/CCMP: the flags of Rn + operand2 or Rn - operand2 if the condition
// holds, else the immediate nzcv.
bool conditional_compare(Translator& t, Insn in, Value operand2) {
    if (in["o2"] != 0 || in["o3"] != 0) return false;
    const bool sf = in["sf"], sub = in["op"];
    const Value operand1 = t.reg(sf, in["Rn"]);
    const Value compared = sub ? t.ir.nzcv_sub(operand1, operand2, t.ir.imm1(true))
                               : t.ir.nzcv_add(operand1, operand2, t.ir.imm1(false));
    const Value otherwise = t.ir.imm32(in["nzcv"] << 28);
    t.ir.set_nzcv(t.ir.select(condition_holds(t, in["cond"]), compared, otherwise));
    return true;
}

}  // namespace

bool CONDCMP_reg(Translator& t, Insn in) { return conditional_compare(t, in, t.reg(in["sf"], in["Rm"])); }

bool CONDCMP_imm(Translator& t, Insn in) { return conditional_compare(t, in, t.imm(in["sf"], in["imm5"])); }

bool CONDSEL(Translator& t, Insn in) {
    if (in["S"] != 0 || in["op2"] > 1) return false;
    const bool sf = in["sf"];
    const bool invert = in["op"], increment = in["op2"];
    Value otherwise = t.reg(sf, in["Rm"]);
    if (invert) otherwise = t.ir.not_(otherwise);                        // CSINV, CSNEG
    if (increment) otherwise = t.ir.add(otherwise, t.imm(sf, 1));       // CSINC, CSNEG
    const Value result = t.ir.select(condition_holds(t, in["cond"]), t.reg(sf, in["Rn"]), otherwise);
    t.set_reg(sf, in["Rd"], result);
    return true;
}

namespace {

// MADD/MSUB and the widening SMADDL/SMSUBL/UMADDL/UMSUBL: Ra +/- Rn * Rm,
// with 32-bit sources extended to 64 bits first for the widening forms.
enum class Widen { No, Signed, Unsigned };

void multiply_add(Translator& t, Insn in, Widen widen) {
    const bool sf = in["sf"], sub = in["o0"];
    auto source = [&](unsigned r) {
        switch (widen) {
        case Widen::Signed: return t.ir.sext(Type::U64, t.W(r));
        case Widen::Unsigned: return t.ir.zext(Type::U64, t.W(r));
        case Widen::No: break;
        }
        return t.reg(sf, r);
    };
    const Value product = t.ir.mul(source(in["Rn"]), source(in["Rm"]));
    const Value addend = t.reg(sf, in["Ra"]);
    t.set_reg(sf, in["Rd"], sub ? t.ir.sub(addend, product) : t.ir.add(addend, product));
}

}  // namespace

bool DP_3src(Translator& t, Insn in) {
    const bool sf = in["sf"];
    if (in["op54"] != 0) return false;
    const unsigned op31 = in["op31"];
    if (op31 == 0) {
        multiply_add(t, in, Widen::No);
        return true;
    }
    if (!sf) return false;
    enum { SMADDL = 1, SMULH = 2, UMADDL = 5, UMULH = 6 };  // and their o0 = 1 SUB forms
    switch (op31) {
    case SMADDL: multiply_add(t, in, Widen::Signed); return true;
    case UMADDL: multiply_add(t, in, Widen::Unsigned); return true;
    case SMULH:
    case UMULH: {
        if (in["o0"]) return false;
        const Opcode op = op31 == SMULH ? Opcode::SMulHigh : Opcode::UMulHigh;
        t.set_X(in["Rd"], t.ir.op2(op, t.X(in["Rn"]), t.X(in["Rm"])));
        return true;
    }
    }
    return false;
}

namespace {

// CRC32{B,H,W,X} and CRC32C{B,H,W,X}: sz selects the data width; only the X
// forms use a 64-bit register.
bool crc32(Translator& t, Insn in, unsigned sz, bool castagnoli) {
    const bool sf = in["sf"];
    if (sf != (sz == 3)) return false;
    static constexpr Type kDataType[] = {Type::U8, Type::U16, Type::U32, Type::U64};
    const Value accumulator = t.W(in["Rn"]);
    const Value data = t.ir.trunc(kDataType[sz], t.X(in["Rm"]));
    const Value crc = t.ir.emit(Opcode::Crc32, Type::U32, accumulator, data, {}, castagnoli, 8u << sz);
    t.set_W(in["Rd"], crc);
    return true;
}

}  // namespace

bool DP_2src(Translator& t, Insn in) {
    if (in["S"] != 0) return false;
    const bool sf = in["sf"];
    const unsigned opcode = in["opcode"];
    if ((opcode & 0b111000) == 0b010000) return crc32(t, in, opcode & 3, opcode & 4);
    static constexpr struct {
        unsigned opcode;
        Opcode op;
    } kOps[] = {
        {0b000010, Opcode::UDiv}, {0b000011, Opcode::SDiv}, {0b001000, Opcode::Lsl},
        {0b001001, Opcode::Lsr},  {0b001010, Opcode::Asr},  {0b001011, Opcode::Ror},
    };
    for (const auto& entry : kOps) {
        if (entry.opcode != opcode) continue;
        // The IR's divide gives Arm's x/0 = 0 and MIN/-1 = MIN; its shifts take
        // the amount modulo the width, as LSLV and friends do.
        t.set_reg(sf, in["Rd"], t.ir.op2(entry.op, t.reg(sf, in["Rn"]), t.reg(sf, in["Rm"])));
        return true;
    }
    return false;
}

namespace {

// REV16: swap the bytes of every halfword.
Value reverse_bytes_in_halfwords(Translator& t, bool sf, Value v) {
    const uint64_t even_bytes = replicate(0x00ff, 16, datasize(sf));
    const Value high_down = t.ir.and_(t.ir.lsr(v, 8), t.imm(sf, even_bytes));
    const Value low_up = t.ir.and_(t.ir.lsl(v, 8), t.imm(sf, even_bytes << 8));
    return t.ir.or_(high_down, low_up);
}

}  // namespace

bool DP_1src(Translator& t, Insn in) {
    if (in["S"] != 0 || in["opcode2"] != 0) return false;
    const bool sf = in["sf"];
    const Value v = t.reg(sf, in["Rn"]);
    auto unary = [&](Opcode op) { return t.ir.emit(op, v.type, v); };
    enum { RBIT, REV16, REV32_or_REV_W, REV_X, CLZ, CLS };
    Value result;
    switch (in["opcode"]) {
    case RBIT: result = unary(Opcode::Rbit); break;
    case REV16: result = reverse_bytes_in_halfwords(t, sf, v); break;
    case REV32_or_REV_W:
        // REV32 of a doubleword: reversing all 8 bytes also swaps the words back.
        result = sf ? t.ir.ror(unary(Opcode::ByteRev), 32) : unary(Opcode::ByteRev);
        break;
    case REV_X:
        if (!sf) return false;
        result = unary(Opcode::ByteRev);
        break;
    case CLZ: result = unary(Opcode::Clz); break;
    case CLS: result = unary(Opcode::Cls); break;
    default: return false;
    }
    t.set_reg(sf, in["Rd"], result);
    return true;
}

}  // namespace ferry::a64
