// The IR: a translation block is a list of typed SSA instructions over guest
// state, ending in one terminal. Opcodes live in opcodes.inc.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace ferry::ir {

enum class Type : uint8_t { Void, U1, U8, U16, U32, U64, U128 };

unsigned bit_width(Type t);            // 0 for Void, 128 for U128
Type int_type_of_width(unsigned bits); // 1/8/16/32/64/128
const char* type_name(Type t);

enum class Opcode : uint8_t {
#define OPCODE(name, ...) name,
#include "ir/opcodes.inc"
#undef OPCODE
    Count
};

// Argument / result type classes used in opcodes.inc.
enum class TypeClass : uint8_t { None, Void, U1, U8, U16, U32, U64, U128, Int, Same, Any };

enum OpFlags : uint8_t {
    Pure = 1,         // no side effects; removable when unused
    Faults = 2,       // may leave the block with a guest fault
    Effect = 4,       // side effect; keep, in order
    ReadsState = 8,   // reads guest state named by the op
    WritesState = 16, // writes guest state named by the op
};

struct OpInfo {
    const char* name;
    TypeClass result;
    std::array<TypeClass, 3> args;
    uint8_t flags;
    unsigned num_args() const;
};
const OpInfo& op_info(Opcode op);

// Values are indices of the instruction that produced them.
using ValueId = uint32_t;
inline constexpr ValueId kNoValue = UINT32_MAX;

struct Inst {
    Opcode op;
    Type type = Type::Void;
    std::array<ValueId, 3> args{kNoValue, kNoValue, kNoValue};
    uint64_t imm0 = 0;
    uint64_t imm1 = 0;
    bool removed = false;   // dead; skipped by every consumer
};

// The comparison whose flags CondCompare tests.
enum class CompareKind : uint8_t {
    Sub,    // AddWithCarry(a, NOT b, 1): CMP / SUBS
    Add,    // AddWithCarry(a, b, 0): CMN / ADDS
    Logic,  // a AND b: TST / ANDS (C = V = 0)
};

enum class AtomicOp : uint8_t { Add, Clr, Eor, Set, SMax, SMin, UMax, UMin, Swp };
enum class BarrierKind : uint8_t { DataMemory, DataSync, InstructionSync };
// FP rounding (Arm ARM FPRounding); the first four match FPCR.RMode.
enum class FPRounding : uint8_t { TieEven, PosInf, NegInf, Zero, TieAway, Fpcr = 7 /* FPCR.RMode at run time */ };
// How VecPairwise and VecReduce combine lanes.
enum class VecReduceOp : uint8_t { Add, AddLongU, AddLongS, MaxU, MinU, MaxS, MinS };

// How the block ends.
struct Terminal {
    enum class Kind : uint8_t {
        Jump,          // pc = target
        Branch,        // pc = cond ? target : fallthrough
        Indirect,      // pc = value
        Exit,          // pc = target, then back to the run loop (exceptions, syscalls)
    };
    enum class Hint : uint8_t { None, Call, Return };
    Kind kind = Kind::Exit;
    Hint hint = Hint::None;     // Indirect: a RET predicts; a call (BL/BLR) pushes
    ValueId value = kNoValue;   // Branch: condition (U1); Indirect: target pc (U64)
    uint64_t target = 0;
    uint64_t fallthrough = 0;
    uint64_t return_address = 0;  // for Hint::Call: the link value pushed to the return stack
};

struct Block {
    uint64_t pc = 0;              // first guest instruction
    uint64_t end_pc = 0;          // one past the last guest instruction
    uint64_t flags = 0;           // translation key beyond the pc (EL, MMU state, ...)
    uint32_t guest_instructions = 0;
    std::vector<Inst> insts;
    Terminal terminal;

    Inst& at(ValueId v) { return insts[v]; }
    const Inst& at(ValueId v) const { return insts[v]; }
};

// Checks types and argument references; returns an empty string when valid.
std::string verify(const Block& block);
std::string to_string(const Block& block);

}  // namespace ferry::ir
