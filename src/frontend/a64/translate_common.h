// Operand helpers shared by the A64 translators, named after the Arm ARM's
// shared pseudocode: DecodeBitMasks, ShiftReg, ExtendReg, AddWithCarry flags
// and ConditionHolds.
#pragma once
#include <bit>
#include <cstdint>
#include <optional>

#include "frontend/a64/translator.h"

namespace ferry::a64 {

// ---- Translate-time constants -------------------------------------------------

constexpr uint64_t ones(unsigned n) { return n >= 64 ? ~uint64_t{0} : (uint64_t{1} << n) - 1; }

// SignExtend(value<bits-1:0>) as a 64-bit two's complement number.
constexpr uint64_t sign_extend(uint64_t value, unsigned bits) {
    const uint64_t sign = uint64_t{1} << (bits - 1);
    value &= ones(bits);
    return (value ^ sign) - sign;
}

constexpr unsigned datasize(bool sf) { return sf ? 64 : 32; }

// ROR(value<esize-1:0>, amount) within an esize-bit element.
constexpr uint64_t rotate_right(uint64_t value, unsigned amount, unsigned esize) {
    value &= ones(esize);
    amount %= esize;
    return amount == 0 ? value : ((value >> amount) | (value << (esize - amount))) & ones(esize);
}

// Replicate(element<esize-1:0>) to fill size bits.
constexpr uint64_t replicate(uint64_t element, unsigned esize, unsigned size) {
    uint64_t result = element & ones(esize);
    for (unsigned filled = esize; filled < size; filled *= 2) result |= result << filled;
    return result & ones(size);
}

struct BitMasks {
    uint64_t wmask;
    uint64_t tmask;
};

// DecodeBitMasks(immN, imms, immr, immediate, M): nullopt where the Arm ARM
// says UNDEFINED (no element size, an all-ones logical immediate, or an
// element wider than the operation).
constexpr std::optional<BitMasks> decode_bit_masks(unsigned n, unsigned imms, unsigned immr, bool immediate,
                                                   unsigned size) {
    const unsigned n_not_imms = (n << 6) | (~imms & 0x3f);
    if (n_not_imms == 0) return std::nullopt;
    const unsigned len = std::bit_width(n_not_imms) - 1;
    if (len < 1) return std::nullopt;
    const unsigned esize = 1u << len;
    if (esize > size) return std::nullopt;
    const unsigned levels = esize - 1;
    if (immediate && (imms & levels) == levels) return std::nullopt;
    const unsigned s = imms & levels;
    const unsigned r = immr & levels;
    const unsigned d = (s - r) & levels;
    const uint64_t welem = ones(s + 1);
    const uint64_t telem = ones(d + 1);
    return BitMasks{replicate(rotate_right(welem, r, esize), esize, size), replicate(telem, esize, size)};
}

// ---- Operands ------------------------------------------------------------------

enum class ShiftType : unsigned { LSL = 0, LSR = 1, ASR = 2, ROR = 3 };

// ShiftReg(r, type, amount): register r (XZR/WZR for 31) shifted by a constant.
inline Value shift_reg(Translator& t, bool sf, unsigned r, unsigned type, unsigned amount) {
    const Value v = t.reg(sf, r);
    if (amount == 0) return v;
    switch (static_cast<ShiftType>(type)) {
    case ShiftType::LSL: return t.ir.lsl(v, amount);
    case ShiftType::LSR: return t.ir.lsr(v, amount);
    case ShiftType::ASR: return t.ir.asr(v, amount);
    case ShiftType::ROR: return t.ir.ror(v, amount);
    }
    return v;
}

// ExtendReg(r, option, shift): option<2> selects signed, option<1:0> the
// source width (B, H, W, X). Extending the low len bits and then shifting
// equals the pseudocode's Extend(val<len-1:0>:Zeros(shift)) truncated to the
// operation's size.
inline Value extend_reg(Translator& t, bool sf, unsigned r, unsigned option, unsigned shift) {
    static constexpr Type kSource[] = {Type::U8, Type::U16, Type::U32, Type::U64};
    const Type type = sf ? Type::U64 : Type::U32;
    const Type source = kSource[option & 3];
    Value v = t.reg(sf, r);
    if (ir::bit_width(source) < ir::bit_width(type)) {
        const Value low = t.ir.trunc(source, v);
        v = (option & 4) ? t.ir.sext(type, low) : t.ir.zext(type, low);
    }
    return shift == 0 ? v : t.ir.lsl(v, shift);
}

// ---- Flags -----------------------------------------------------------------------

// a + b or a - b, as ADD/SUB and their S forms do: the S forms set NZCV from
// AddWithCarry(a, b, 0) or AddWithCarry(a, NOT b, 1).
inline Value add_sub(Translator& t, bool sub, bool set_flags, Value a, Value b) {
    if (set_flags)
        t.ir.set_nzcv(sub ? t.ir.nzcv_sub(a, b, t.ir.imm1(true)) : t.ir.nzcv_add(a, b, t.ir.imm1(false)));
    return sub ? t.ir.sub(a, b) : t.ir.add(a, b);
}

// Conditions 1110 (AL) and 1111 (NV) both mean "always" in A64.
constexpr bool is_always(unsigned cond) { return (cond & 0xe) == 0xe; }

// ConditionHolds(cond) on the current PSTATE.NZCV; AL and NV read no flags.
inline Value condition_holds(Translator& t, unsigned cond) {
    return is_always(cond) ? t.ir.imm1(true) : t.ir.cond_holds(cond, t.ir.get_nzcv());
}

}  // namespace ferry::a64
