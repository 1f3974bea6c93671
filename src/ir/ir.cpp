#include "ir/ir.h"

#include <cstdio>

namespace ferry::ir {

unsigned bit_width(Type t) {
    switch (t) {
    case Type::Void: return 0;
    case Type::U1: return 1;
    case Type::U8: return 8;
    case Type::U16: return 16;
    case Type::U32: return 32;
    case Type::U64: return 64;
    case Type::U128: return 128;
    }
    return 0;
}

Type int_type_of_width(unsigned bits) {
    switch (bits) {
    case 1: return Type::U1;
    case 8: return Type::U8;
    case 16: return Type::U16;
    case 32: return Type::U32;
    case 64: return Type::U64;
    case 128: return Type::U128;
    }
    return Type::Void;
}

const char* type_name(Type t) {
    static const char* names[] = {"void", "u1", "u8", "u16", "u32", "u64", "u128"};
    return names[static_cast<unsigned>(t)];
}

namespace {
using enum TypeClass;
constexpr uint8_t ReadsState = ir::ReadsState, WritesState = ir::WritesState;
constexpr uint8_t Pure = ir::Pure, Faults = ir::Faults, Effect = ir::Effect;
constexpr OpInfo kOps[] = {
#define OPCODE(name, res, a0, a1, a2, fl) {#name, res, {a0, a1, a2}, fl},
#include "ir/opcodes.inc"
#undef OPCODE
};
static_assert(std::size(kOps) == static_cast<size_t>(Opcode::Count));

bool is_int(Type t) { return t == Type::U8 || t == Type::U16 || t == Type::U32 || t == Type::U64; }

bool type_matches(TypeClass c, Type actual, Type own) {
    switch (c) {
    case TypeClass::None: return false;
    case TypeClass::Void: return actual == Type::Void;
    case TypeClass::U1: return actual == Type::U1;
    case TypeClass::U8: return actual == Type::U8;
    case TypeClass::U16: return actual == Type::U16;
    case TypeClass::U32: return actual == Type::U32;
    case TypeClass::U64: return actual == Type::U64;
    case TypeClass::U128: return actual == Type::U128;
    case TypeClass::Int: return is_int(actual);
    case TypeClass::Same: return actual == own;
    case TypeClass::Any: return actual != Type::Void;
    }
    return false;
}
}  // namespace

unsigned OpInfo::num_args() const {
    unsigned n = 0;
    while (n < 3 && args[n] != TypeClass::None) ++n;
    return n;
}

const OpInfo& op_info(Opcode op) { return kOps[static_cast<size_t>(op)]; }

std::string verify(const Block& block) {
    char buf[160];
    for (ValueId i = 0; i < block.insts.size(); ++i) {
        const Inst& inst = block.insts[i];
        if (inst.removed) continue;
        const OpInfo& info = op_info(inst.op);
        if (info.result == TypeClass::Int && !(is_int(inst.type) || (inst.op == Opcode::Const && inst.type == Type::U1))) {
            snprintf(buf, sizeof buf, "%%%u %s: bad result type %s", i, info.name, type_name(inst.type));
            return buf;
        }
        if (info.result != TypeClass::Int && info.result != TypeClass::Any &&
            !type_matches(info.result, inst.type, inst.type)) {
            snprintf(buf, sizeof buf, "%%%u %s: result type %s", i, info.name, type_name(inst.type));
            return buf;
        }
        for (unsigned a = 0; a < 3; ++a) {
            const bool expected = info.args[a] != TypeClass::None;
            const ValueId v = inst.args[a];
            if (!expected) {
                if (v != kNoValue) { snprintf(buf, sizeof buf, "%%%u %s: extra argument %u", i, info.name, a); return buf; }
                continue;
            }
            if (v == kNoValue || v >= i || block.insts[v].removed) {
                snprintf(buf, sizeof buf, "%%%u %s: argument %u undefined", i, info.name, a);
                return buf;
            }
            if (!type_matches(info.args[a], block.insts[v].type, inst.type)) {
                snprintf(buf, sizeof buf, "%%%u %s: argument %u has type %s", i, info.name, a,
                         type_name(block.insts[v].type));
                return buf;
            }
        }
    }
    const Terminal& t = block.terminal;
    if (t.kind == Terminal::Kind::Branch || t.kind == Terminal::Kind::Indirect) {
        if (t.value == kNoValue || t.value >= block.insts.size() || block.insts[t.value].removed)
            return "terminal: value undefined";
        const Type want = t.kind == Terminal::Kind::Branch ? Type::U1 : Type::U64;
        if (block.insts[t.value].type != want) return "terminal: value has the wrong type";
    }
    return {};
}

std::string to_string(const Block& block) {
    std::string out;
    char buf[200];
    snprintf(buf, sizeof buf, "block pc=0x%llx end=0x%llx insns=%u\n", (unsigned long long)block.pc,
             (unsigned long long)block.end_pc, block.guest_instructions);
    out += buf;
    for (ValueId i = 0; i < block.insts.size(); ++i) {
        const Inst& inst = block.insts[i];
        if (inst.removed) continue;
        const OpInfo& info = op_info(inst.op);
        int n = inst.type == Type::Void ? snprintf(buf, sizeof buf, "        %s", info.name)
                                        : snprintf(buf, sizeof buf, "  %%%-4u = %s.%s", i, info.name, type_name(inst.type));
        out.append(buf, n);
        for (unsigned a = 0; a < info.num_args(); ++a) {
            n = snprintf(buf, sizeof buf, "%s%%%u", a ? ", " : " ", inst.args[a]);
            out.append(buf, n);
        }
        if (inst.imm0 || inst.imm1) {
            n = snprintf(buf, sizeof buf, " [0x%llx, 0x%llx]", (unsigned long long)inst.imm0, (unsigned long long)inst.imm1);
            out.append(buf, n);
        }
        out += '\n';
    }
    const Terminal& t = block.terminal;
    static const char* kinds[] = {"jump", "branch", "indirect", "exit"};
    snprintf(buf, sizeof buf, "  %s value=%%%d target=0x%llx fallthrough=0x%llx\n", kinds[static_cast<int>(t.kind)],
             t.value == kNoValue ? -1 : static_cast<int>(t.value), (unsigned long long)t.target,
             (unsigned long long)t.fallthrough);
    out += buf;
    return out;
}

}  // namespace ferry::ir
