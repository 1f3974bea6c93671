// Emits IR into a Block. Translators speak only through this class.
#pragma once
#include "ir/ir.h"

namespace ferry::ir {

// A typed handle on an SSA value.
struct Value {
    ValueId id = kNoValue;
    Type type = Type::Void;
    bool valid() const { return id != kNoValue; }
};

class Builder {
public:
    explicit Builder(Block& block) : block_(block) {}
    Block& block() { return block_; }

    Value emit(Opcode op, Type type, Value a = {}, Value b = {}, Value c = {}, uint64_t imm0 = 0, uint64_t imm1 = 0) {
        Inst inst{op};
        inst.type = type;
        inst.args = {a.id, b.id, c.id};
        inst.imm0 = imm0;
        inst.imm1 = imm1;
        block_.insts.push_back(inst);
        return {static_cast<ValueId>(block_.insts.size() - 1), type};
    }

    // Constants
    Value imm(Type t, uint64_t v) { return emit(Opcode::Const, t, {}, {}, {}, v); }
    Value imm64(uint64_t v) { return imm(Type::U64, v); }
    Value imm32(uint32_t v) { return imm(Type::U32, v); }
    Value imm1(bool v) { return imm(Type::U1, v); }

    // Guest state
    Value get_x(unsigned r) { return emit(Opcode::GetX, Type::U64, {}, {}, {}, r); }
    void set_x(unsigned r, Value v) { emit(Opcode::SetX, Type::Void, v, {}, {}, r); }
    Value get_sp() { return emit(Opcode::GetSP, Type::U64); }
    void set_sp(Value v) { emit(Opcode::SetSP, Type::Void, v); }
    Value get_nzcv() { return emit(Opcode::GetNZCV, Type::U32); }
    void set_nzcv(Value v) { emit(Opcode::SetNZCV, Type::Void, v); }
    Value get_v(unsigned r) { return emit(Opcode::GetV, Type::U128, {}, {}, {}, r); }
    void set_v(unsigned r, Value v) { emit(Opcode::SetV, Type::Void, v, {}, {}, r); }

    // Conversions
    Value zext(Type t, Value v) { return v.type == t ? v : emit(Opcode::ZeroExt, t, v, {}, {}, bit_width(v.type)); }
    Value sext(Type t, Value v) { return v.type == t ? v : emit(Opcode::SignExt, t, v, {}, {}, bit_width(v.type)); }
    Value trunc(Type t, Value v) { return v.type == t ? v : emit(Opcode::Trunc, t, v, {}, {}, bit_width(v.type)); }

    // Flags of AddWithCarry(a, b, carry) and AddWithCarry(a, NOT b, carry).
    Value nzcv_add(Value a, Value b, Value carry) { return emit(Opcode::NZCVAdd, Type::U32, a, b, carry, bit_width(a.type)); }
    Value nzcv_sub(Value a, Value b, Value carry) { return emit(Opcode::NZCVSub, Type::U32, a, b, carry, bit_width(a.type)); }
    Value nzcv_logic(Value result) { return emit(Opcode::NZCVLogic, Type::U32, result, {}, {}, bit_width(result.type)); }
    Value get_carry(Value nzcv) { return emit(Opcode::GetCarry, Type::U1, nzcv); }

    // Integer ops; the result has the type of the first operand.
    Value op2(Opcode op, Value a, Value b) { return emit(op, a.type, a, b); }
    Value add(Value a, Value b) { return op2(Opcode::Add, a, b); }
    Value sub(Value a, Value b) { return op2(Opcode::Sub, a, b); }
    Value mul(Value a, Value b) { return op2(Opcode::Mul, a, b); }
    Value and_(Value a, Value b) { return op2(Opcode::And, a, b); }
    Value or_(Value a, Value b) { return op2(Opcode::Or, a, b); }
    Value xor_(Value a, Value b) { return op2(Opcode::Xor, a, b); }
    Value not_(Value a) { return emit(Opcode::Not, a.type, a); }
    Value lsl(Value a, Value b) { return op2(Opcode::Lsl, a, b); }
    Value lsr(Value a, Value b) { return op2(Opcode::Lsr, a, b); }
    Value asr(Value a, Value b) { return op2(Opcode::Asr, a, b); }
    Value ror(Value a, Value b) { return op2(Opcode::Ror, a, b); }
    Value lsl(Value a, unsigned n) { return lsl(a, imm(a.type, n)); }
    Value lsr(Value a, unsigned n) { return lsr(a, imm(a.type, n)); }
    Value asr(Value a, unsigned n) { return asr(a, imm(a.type, n)); }
    Value ror(Value a, unsigned n) { return ror(a, imm(a.type, n)); }
    Value select(Value c, Value a, Value b) { return emit(Opcode::Select, a.type, c, a, b); }
    Value cond_holds(unsigned cond, Value nzcv) { return emit(Opcode::CondHolds, Type::U1, nzcv, {}, {}, cond); }
    Value is_zero(Value a) { return emit(Opcode::IsZero, Type::U1, a); }
    Value test_bit(Value a, unsigned bit) { return emit(Opcode::TestBit, Type::U1, a, {}, {}, bit); }

    // Memory; pc is the guest address of the instruction (for precise faults).
    Value load(Type t, Value addr, uint64_t pc) { return emit(Opcode::Load, t, addr, {}, {}, pc); }
    void store(Value addr, Value v, uint64_t pc) { emit(Opcode::Store, Type::Void, addr, v, {}, pc, bit_width(v.type) / 8); }
    Value load_exclusive(Type t, Value addr, uint64_t pc) { return emit(Opcode::LoadExclusive, t, addr, {}, {}, pc); }
    // Returns the U32 status: 0 = stored, 1 = failed.
    Value store_exclusive(Value addr, Value v, uint64_t pc) {
        return emit(Opcode::StoreExclusive, Type::U32, addr, v, {}, pc, bit_width(v.type) / 8);
    }
    // Both return the old memory value, of the operand's type.
    Value atomic_rmw(AtomicOp op, Value addr, Value operand, uint64_t pc) {
        return emit(Opcode::AtomicRmw, operand.type, addr, operand, {}, pc, static_cast<uint64_t>(op));
    }
    Value atomic_cas(Value addr, Value expected, Value desired, uint64_t pc) {
        return emit(Opcode::AtomicCas, expected.type, addr, expected, desired, pc);
    }

    void raise(uint32_t reason, uint32_t info) { emit(Opcode::RaiseException, Type::Void, {}, {}, {}, reason, info); }

    // Terminals
    void jump(uint64_t target) {
        block_.terminal = {};
        block_.terminal.kind = Terminal::Kind::Jump;
        block_.terminal.target = target;
    }
    void branch(Value cond, uint64_t taken, uint64_t not_taken) {
        block_.terminal = {};
        block_.terminal.kind = Terminal::Kind::Branch;
        block_.terminal.value = cond.id;
        block_.terminal.target = taken;
        block_.terminal.fallthrough = not_taken;
    }
    void indirect(Value target, Terminal::Hint hint = Terminal::Hint::None, uint64_t return_address = 0) {
        block_.terminal = {};
        block_.terminal.kind = Terminal::Kind::Indirect;
        block_.terminal.value = target.id;
        block_.terminal.hint = hint;
        block_.terminal.return_address = return_address;
    }
    void exit(uint64_t pc) {
        block_.terminal = {};
        block_.terminal.kind = Terminal::Kind::Exit;
        block_.terminal.target = pc;
    }

private:
    Block& block_;
};

}  // namespace ferry::ir
