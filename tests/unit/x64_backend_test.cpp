// The x86-64 JIT against the IR interpreter: hand-built blocks run in both
// on copies of one CpuState, states compared; plus chaining, indirect
// branches and return prediction, invalidation, cache flushes and fault mapping.
#include <gtest/gtest.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <ucontext.h>

#include <cstring>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <vector>

#include "backend/interp/interpreter.h"
#include "backend/x64/x64_backend.h"
#include "ir/builder.h"
#include "ir/semantics.h"

namespace ferry::x64 {
namespace {

using namespace ir;

constexpr uint64_t kExitPc = 0x9000;
constexpr Type kIntTypes[] = {Type::U8, Type::U16, Type::U32, Type::U64};

Block make_block(uint64_t pc, const std::function<void(Builder&)>& body) {
    Block b;
    b.pc = pc;
    b.end_pc = pc + 4;
    b.guest_instructions = 1;
    Builder ir(b);
    ir.exit(kExitPc);
    body(ir);
    EXPECT_EQ(verify(b), "") << to_string(b);
    return b;
}

// Edge values of a width, then a few shift counts around it.
std::vector<uint64_t> edge_values(unsigned bits) {
    const uint64_t mask = width_mask(bits), min = uint64_t{1} << (bits - 1);
    return {0, 1, 2, 3, mask, mask - 1, min, min - 1, min + 1, 0x5555555555555555 & mask,
            bits - 1, bits, bits + 1, 2 * bits, 0xff & mask, 0x7fffffff & mask};
}

struct Rng {
    std::mt19937_64 gen{12345};
    uint64_t next() { return gen(); }
    // Mostly edge values, sometimes anything.
    uint64_t operand(unsigned bits) {
        const auto edges = edge_values(bits);
        const uint64_t r = next();
        if (r % 3 == 0) return r >> 3;
        if (r % 3 == 1) return (next() >> (r % 64));
        return edges[(r >> 8) % edges.size()] | (next() & ~width_mask(bits));  // garbage above the width
    }
};

CpuState random_state(Rng& rng) {
    CpuState s;
    for (auto& x : s.x) x = rng.operand(64);
    s.sp = rng.next();
    s.nzcv = static_cast<uint32_t>(rng.next()) & 0xf0000000u;
    for (auto& v : s.v) v = {rng.next(), rng.next()};
    s.guest_base = 0;
    s.guest_mask = ~uint64_t{0};
    return s;
}

void expect_same_state(const CpuState& jit, const CpuState& ref, const Block& b, const char* what = "") {
    bool same = std::memcmp(jit.x, ref.x, sizeof jit.x) == 0 && jit.sp == ref.sp && jit.pc == ref.pc &&
                jit.nzcv == ref.nzcv && jit.fpcr == ref.fpcr && jit.fpsr == ref.fpsr &&
                std::memcmp(jit.v, ref.v, sizeof jit.v) == 0 && jit.tpidr_el0 == ref.tpidr_el0 &&
                jit.exit_reason == ref.exit_reason && jit.exit_info == ref.exit_info;
    if (same) return;
    std::string diff;
    char buf[160];
    for (int i = 0; i < 31; ++i)
        if (jit.x[i] != ref.x[i]) {
            snprintf(buf, sizeof buf, "x%d jit=%#llx ref=%#llx\n", i, (unsigned long long)jit.x[i],
                     (unsigned long long)ref.x[i]);
            diff += buf;
        }
    for (int i = 0; i < 32; ++i)
        if (!(jit.v[i] == ref.v[i])) {
            snprintf(buf, sizeof buf, "v%d jit=%#llx:%#llx ref=%#llx:%#llx\n", i, (unsigned long long)jit.v[i].hi,
                     (unsigned long long)jit.v[i].lo, (unsigned long long)ref.v[i].hi, (unsigned long long)ref.v[i].lo);
            diff += buf;
        }
    snprintf(buf, sizeof buf, "nzcv jit=%#x ref=%#x pc jit=%#llx ref=%#llx\n", jit.nzcv, ref.nzcv,
             (unsigned long long)jit.pc, (unsigned long long)ref.pc);
    diff += buf;
    ADD_FAILURE() << what << "\n" << diff << to_string(b);
}

// Runs blocks in one backend; each differential check compiles once and runs
// on many states.
class Differential {
public:
    explicit Differential(bool baseline) : backend_(BackendOptions{.baseline_x86_64 = baseline}) {}

    void check(const Block& b, Rng& rng, int iterations, const std::function<void(CpuState&)>& prepare = {}) {
        const void* code = backend_.compile(b);
        for (int i = 0; i < iterations && !::testing::Test::HasFailure(); ++i) {
            CpuState ref = random_state(rng);
            if (prepare) prepare(ref);
            CpuState jit = ref;
            interp::run_block(b, ref);
            backend_.run(jit, code);
            expect_same_state(jit, ref, b);
        }
    }
    Backend& backend() { return backend_; }

private:
    Backend backend_;
};

// An operand of type t: guest register r truncated, or a constant.
Value operand(Builder& ir, Type t, unsigned r, std::optional<uint64_t> constant) {
    if (constant) return ir.imm(t, *constant & width_mask(bit_width(t)));
    const Value x = ir.get_x(r);
    return t == Type::U64 ? x : ir.trunc(t, x);
}

Value widen(Builder& ir, Value v) { return v.type == Type::U64 ? v : ir.zext(Type::U64, v); }

// result = op(a, b) into x0; with keep_alive the operands are stored after
// it too, so that they live past the operation.
Block binary_block(Opcode op, Type t, std::optional<uint64_t> ca, std::optional<uint64_t> cb, bool keep_alive) {
    return make_block(0x1000, [&](Builder& ir) {
        const Value a = operand(ir, t, 1, ca), b = operand(ir, t, 2, cb);
        const Type result_type = op == Opcode::Eq ? Type::U1 : t;
        ir.set_x(0, widen(ir, ir.emit(op, result_type, a, b)));
        if (keep_alive) {
            ir.set_x(3, widen(ir, a));
            ir.set_x(4, widen(ir, b));
        }
    });
}

class X64Backend : public ::testing::TestWithParam<bool> {};
INSTANTIATE_TEST_SUITE_P(X64, X64Backend, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Baseline" : "Native"; });

TEST_P(X64Backend, BinaryOpsMatchInterpreter) {
    Differential d(GetParam());
    Rng rng;
    const Opcode ops[] = {Opcode::Add, Opcode::Sub, Opcode::Mul, Opcode::And, Opcode::Or, Opcode::Xor,
                          Opcode::AndNot, Opcode::OrNot, Opcode::XorNot, Opcode::Lsl, Opcode::Lsr, Opcode::Asr,
                          Opcode::Ror, Opcode::UDiv, Opcode::SDiv, Opcode::Eq};
    for (Opcode op : ops)
        for (Type t : kIntTypes) {
            for (bool keep : {false, true}) d.check(binary_block(op, t, {}, {}, keep), rng, 300);
            d.check(make_block(0x1000, [&](Builder& ir) {  // both operands one value
                const Value a = operand(ir, t, 1, {});
                ir.set_x(0, widen(ir, ir.emit(op, op == Opcode::Eq ? Type::U1 : t, a, a)));
            }), rng, 50);
            for (uint64_t c : edge_values(bit_width(t))) {
                d.check(binary_block(op, t, {}, c, false), rng, 20);
                d.check(binary_block(op, t, c, {}, true), rng, 20);
            }
            if (HasFailure()) return;
        }
}

TEST_P(X64Backend, MulHighAndAddCarryMatchInterpreter) {
    Differential d(GetParam());
    Rng rng;
    for (Opcode op : {Opcode::UMulHigh, Opcode::SMulHigh})
        for (bool keep : {false, true}) d.check(binary_block(op, Type::U64, {}, {}, keep), rng, 300);
    for (Type t : kIntTypes)
        for (std::optional<uint64_t> carry : {std::optional<uint64_t>{}, std::optional<uint64_t>{0}, std::optional<uint64_t>{1}})
            d.check(make_block(0x1000, [&](Builder& ir) {
                const Value c = carry ? ir.imm1(*carry) : ir.test_bit(ir.get_x(5), 0);
                ir.set_x(0, widen(ir, ir.emit(Opcode::AddCarry, t, operand(ir, t, 1, {}), operand(ir, t, 2, {}), c)));
            }), rng, 300);
}

TEST_P(X64Backend, UnaryOpsMatchInterpreter) {
    Differential d(GetParam());
    Rng rng;
    // Clz, Not, Neg and ByteRev inline; Rbit and Cls through the reference functions.
    for (Opcode op : {Opcode::Not, Opcode::Neg, Opcode::Clz, Opcode::ByteRev, Opcode::Rbit, Opcode::Cls})
        for (Type t : kIntTypes)
            for (bool keep : {false, true})
                d.check(make_block(0x1000, [&](Builder& ir) {
                    const Value a = operand(ir, t, 1, {});
                    ir.set_x(0, widen(ir, ir.emit(op, t, a)));
                    if (keep) ir.set_x(3, widen(ir, a));
                }), rng, 300);
    for (Type t : kIntTypes) {
        const unsigned bits = bit_width(t);
        d.check(make_block(0x1000, [&](Builder& ir) { ir.set_x(0, widen(ir, ir.is_zero(operand(ir, t, 1, {})))); }),
                rng, 300);
        for (unsigned bit : {0u, bits / 2, bits - 1})
            d.check(make_block(0x1000, [&](Builder& ir) {
                ir.set_x(0, widen(ir, ir.test_bit(operand(ir, t, 1, {}), bit)));
            }), rng, 100);
    }
}

TEST_P(X64Backend, ConversionsMatchInterpreter) {
    Differential d(GetParam());
    Rng rng;
    const Type all[] = {Type::U1, Type::U8, Type::U16, Type::U32, Type::U64};
    for (Type from : all)
        for (Type to : all) {
            if (to == Type::U1 || from == to) continue;
            const bool widening = bit_width(from) < bit_width(to);
            for (Opcode op : {Opcode::ZeroExt, Opcode::SignExt, Opcode::Trunc}) {
                if ((op == Opcode::Trunc) == widening) continue;
                d.check(make_block(0x1000, [&](Builder& ir) {
                    const Value a = from == Type::U1 ? ir.test_bit(ir.get_x(1), 3) : operand(ir, from, 1, {});
                    ir.set_x(0, widen(ir, ir.emit(op, to, a, {}, {}, bit_width(from))));
                }), rng, 200);
            }
        }
}

TEST_P(X64Backend, SelectMatchesInterpreter) {
    Differential d(GetParam());
    Rng rng;
    for (Type t : kIntTypes)
        for (bool const_a : {false, true})
            d.check(make_block(0x1000, [&](Builder& ir) {
                const Value c = ir.test_bit(ir.get_x(3), 0);
                const Value a = operand(ir, t, 1, const_a ? std::optional<uint64_t>(7) : std::nullopt);
                ir.set_x(0, widen(ir, ir.select(c, a, operand(ir, t, 2, {}))));
            }), rng, 200);
}

TEST_P(X64Backend, FlagsMatchInterpreter) {
    Differential d(GetParam());
    Rng rng;
    for (Type t : {Type::U32, Type::U64})
        for (Opcode op : {Opcode::NZCVAdd, Opcode::NZCVSub})
            for (int carry = -1; carry <= 1; ++carry)
                for (std::optional<uint64_t> cb : {std::optional<uint64_t>{}, std::optional<uint64_t>{1},
                                                   std::optional<uint64_t>{width_mask(bit_width(t))}})
                    d.check(make_block(0x1000, [&](Builder& ir) {
                        const Value c = carry < 0 ? ir.get_carry(ir.get_nzcv()) : ir.imm1(carry);
                        const Value a = operand(ir, t, 1, {}), b = operand(ir, t, 2, cb);
                        const Value flags = ir.emit(op, Type::U32, a, b, c, bit_width(t));
                        ir.set_nzcv(flags);
                        ir.set_x(0, widen(ir, flags));
                        ir.set_x(3, widen(ir, a));
                    }), rng, 400);
    for (Type t : kIntTypes)
        d.check(make_block(0x1000, [&](Builder& ir) { ir.set_nzcv(ir.nzcv_logic(operand(ir, t, 1, {}))); }), rng, 200);
    for (unsigned cond = 0; cond < 16; ++cond)
        d.check(make_block(0x1000, [&](Builder& ir) {
            const Value nzcv = ir.get_nzcv();
            ir.set_x(0, widen(ir, ir.cond_holds(cond, nzcv)));
            ir.set_x(1, widen(ir, ir.get_carry(nzcv)));
        }), rng, 100);
    // SetNZCV of an arbitrary word keeps only bits 31:28.
    d.check(make_block(0x1000, [&](Builder& ir) { ir.set_nzcv(ir.trunc(Type::U32, ir.get_x(1))); }), rng, 50);
}

// How a test block uses a condition: the x86 flags stay live only for a
// Select or Branch right after it that is its only user.
enum class CondUse { Materialised, Select, Branch, SelectAndStored };

// cond feeds `use`; the result (or the branch taken) lands in x0 / pc.
void use_condition(Builder& ir, Value cond, CondUse use) {
    switch (use) {
    case CondUse::Materialised: ir.set_x(0, widen(ir, cond)); break;
    case CondUse::Select: ir.set_x(0, ir.select(cond, ir.get_x(5), ir.imm64(0x77))); break;
    case CondUse::Branch: ir.branch(cond, 0x2000, 0x3000); break;
    case CondUse::SelectAndStored:
        ir.set_x(0, ir.select(cond, ir.get_x(5), ir.get_x(6)));
        ir.set_x(7, widen(ir, cond));
        break;
    }
}

// Operands that make compares interesting: equal, off by one, negations.
void relate_x2_to_x1(CpuState& s, Rng& rng) {
    switch (rng.next() % 6) {
    case 0: s.x[2] = s.x[1]; break;
    case 1: s.x[2] = s.x[1] + 1; break;
    case 2: s.x[2] = s.x[1] - 1; break;
    case 3: s.x[2] = 0 - s.x[1]; break;
    default: break;
    }
}

constexpr CondUse kCondUses[] = {CondUse::Materialised, CondUse::Select, CondUse::Branch, CondUse::SelectAndStored};

// CondCompare for all 16 conditions x 3 compare kinds x widths, with a
// register, a constant or the same value as second operand, and each use.
TEST_P(X64Backend, CondCompareMatchesInterpreter) {
    Differential d(GetParam());
    Rng rng;
    const auto prepare = [&rng](CpuState& s) { relate_x2_to_x1(s, rng); };
    for (CompareKind kind : {CompareKind::Sub, CompareKind::Add, CompareKind::Logic})
        for (Type t : kIntTypes)
            for (unsigned cond = 0; cond < 16; ++cond)
                for (int second = 0; second < 4; ++second)
                    for (CondUse use : kCondUses) {
                        const unsigned bits = bit_width(t);
                        const std::optional<uint64_t> constant =
                            second == 1 ? std::optional<uint64_t>(1) : second == 2 ? std::optional<uint64_t>(width_mask(bits)) : std::nullopt;
                        d.check(make_block(0x1000, [&](Builder& ir) {
                            const Value a = operand(ir, t, 1, {});
                            const Value b = second == 3 ? a : operand(ir, t, 2, constant);
                            const uint64_t how = static_cast<uint64_t>(kind) | uint64_t{bits} << 8;
                            use_condition(ir, ir.emit(Opcode::CondCompare, Type::U1, a, b, {}, cond, how), use);
                        }), rng, 40, prepare);
                        if (HasFailure()) return;
                    }
}

// Eq, IsZero and TestBit left in the flags for a Select or a Branch.
TEST_P(X64Backend, ConditionsFuseWithSelectAndBranch) {
    Differential d(GetParam());
    Rng rng;
    const auto prepare = [&rng](CpuState& s) { relate_x2_to_x1(s, rng); };
    for (CondUse use : kCondUses)
        for (Type t : kIntTypes) {
            const unsigned bits = bit_width(t);
            d.check(make_block(0x1000, [&](Builder& ir) {
                use_condition(ir, ir.emit(Opcode::Eq, Type::U1, operand(ir, t, 1, {}), operand(ir, t, 2, {})), use);
            }), rng, 100, prepare);
            d.check(make_block(0x1000, [&](Builder& ir) {
                use_condition(ir, ir.emit(Opcode::Eq, Type::U1, operand(ir, t, 1, {}), operand(ir, t, 2, 3)), use);
            }), rng, 100, prepare);
            d.check(make_block(0x1000, [&](Builder& ir) { use_condition(ir, ir.is_zero(operand(ir, t, 1, {})), use); }),
                    rng, 100, [](CpuState& s) { s.x[1] &= s.x[2] & 0xff00ff00ff00ff00; });
            for (unsigned bit : {0u, bits / 2, bits - 1})
                d.check(make_block(0x1000, [&](Builder& ir) {
                    use_condition(ir, ir.test_bit(operand(ir, t, 1, {}), bit), use);
                }), rng, 100);
        }
}

// Division edge cases with the Arm results written out.
TEST_P(X64Backend, DivisionNeverTraps) {
    Differential d(GetParam());
    struct Case { Opcode op; Type t; uint64_t a, b, expected; };
    const Case cases[] = {
        {Opcode::UDiv, Type::U64, 123, 0, 0},
        {Opcode::SDiv, Type::U64, 123, 0, 0},
        {Opcode::SDiv, Type::U64, 0x8000000000000000, ~uint64_t{0}, 0x8000000000000000},
        {Opcode::SDiv, Type::U32, 0x80000000, 0xffffffff, 0x80000000},
        {Opcode::SDiv, Type::U16, 0x8000, 0xffff, 0x8000},
        {Opcode::SDiv, Type::U8, 0x80, 0xff, 0x80},
        {Opcode::SDiv, Type::U32, 0xfffffff9, 2, 0xfffffffd},  // -7 / 2 = -3
        {Opcode::SDiv, Type::U64, 7, ~uint64_t{0}, ~uint64_t{0} - 6},
        {Opcode::UDiv, Type::U32, 0xffffffff, 0xffffffff, 1},
        {Opcode::UDiv, Type::U8, 200, 0, 0},
    };
    for (const Case& c : cases) {
        const Block b = binary_block(c.op, c.t, {}, {}, false);
        CpuState s;
        s.x[1] = c.a;
        s.x[2] = c.b;
        d.backend().run(s, d.backend().compile(b));
        EXPECT_EQ(s.x[0], c.expected) << op_info(c.op).name << " " << type_name(c.t) << " " << c.a << " / " << c.b;
    }
}

TEST_P(X64Backend, StateAccessMatchesInterpreter) {
    Differential d(GetParam());
    Rng rng;
    d.check(make_block(0x1000, [&](Builder& ir) {
        ir.set_sp(ir.add(ir.get_sp(), ir.imm64(16)));
        ir.emit(Opcode::SetTPIDR, Type::Void, ir.get_x(4));
        ir.set_x(5, ir.emit(Opcode::GetTPIDR, Type::U64));
        ir.emit(Opcode::SetFPCR, Type::Void, ir.trunc(Type::U32, ir.get_x(1)));
        ir.emit(Opcode::SetFPSR, Type::Void, ir.imm32(0x12345678));
        ir.set_x(6, ir.zext(Type::U64, ir.emit(Opcode::GetFPCR, Type::U32)));
        ir.set_x(7, ir.imm64(0x123456789abcdef0));
        ir.set_x(8, ir.imm64(~uint64_t{0}));
        ir.set_v(3, ir.get_v(9));
    }), rng, 20);
}

// x & 0xff, 0xffff or 0xffffffff, which the backend does as one
// zero-extending move: every width, the mask on either side, the operand
// dying there or living on.
TEST_P(X64Backend, AndWithLowMaskMatchesInterpreter) {
    Differential d(GetParam());
    Rng rng;
    for (Type t : kIntTypes)
        for (uint64_t mask : {0xffull, 0xffffull, 0xffffffffull})
            for (bool keep : {false, true}) {
                d.check(binary_block(Opcode::And, t, {}, mask, keep), rng, 50);
                d.check(binary_block(Opcode::And, t, mask, {}, keep), rng, 50);
            }
}

// A 64-bit Get read only by Truncs to 32 bits or fewer loads its low half:
// one Trunc, two of different widths, a Get that also has a 64-bit user (not
// narrowed), the other 64-bit Gets, and the narrow value spilled under pressure.
TEST_P(X64Backend, TruncatedGetMatchesInterpreter) {
    Differential d(GetParam());
    Rng rng;
    d.check(make_block(0x1000, [&](Builder& ir) {
        ir.set_x(0, ir.zext(Type::U64, ir.add(ir.trunc(Type::U32, ir.get_x(1)), ir.imm32(1))));
    }), rng, 50);
    d.check(make_block(0x1000, [&](Builder& ir) {
        const Value x = ir.get_x(1);
        ir.set_x(0, ir.zext(Type::U64, ir.trunc(Type::U32, x)));
        ir.set_x(2, ir.zext(Type::U64, ir.trunc(Type::U8, x)));
        ir.set_x(3, ir.zext(Type::U64, ir.trunc(Type::U16, x)));
    }), rng, 50);
    d.check(make_block(0x1000, [&](Builder& ir) {
        const Value x = ir.get_x(1);
        ir.set_x(0, ir.zext(Type::U64, ir.trunc(Type::U32, x)));
        ir.set_x(2, ir.add(x, ir.imm64(3)));
    }), rng, 50);
    d.check(make_block(0x1000, [&](Builder& ir) {
        ir.set_x(0, ir.zext(Type::U64, ir.trunc(Type::U32, ir.get_sp())));
        ir.set_x(2, ir.zext(Type::U64, ir.trunc(Type::U32, ir.emit(Opcode::GetTPIDR, Type::U64))));
    }), rng, 50, [](CpuState& s) { s.tpidr_el0 = ~s.sp; });
    d.check(make_block(0x1000, [&](Builder& ir) {
        const Value low = ir.trunc(Type::U32, ir.get_x(1));
        std::vector<Value> x;
        for (unsigned r = 2; r < 31; ++r) x.push_back(ir.get_x(r));
        for (unsigned r = 2; r < 31; ++r) ir.set_x(r, ir.add(x[r - 2], x[(r - 1) % 29]));
        ir.set_x(0, ir.zext(Type::U64, low));
    }), rng, 50);
}

// base + (index << n), a register-offset address, which the backend computes
// in one lea for n = 1..3 when the shift has no other user: the index dying
// at the shift or living on, the shift separated from its Add by other code,
// the shift used twice (not folded), the index also the base, and spills in between.
TEST_P(X64Backend, ScaledIndexAddMatchesInterpreter) {
    Differential d(GetParam());
    Rng rng;
    for (unsigned n = 0; n <= 4; ++n) {
        d.check(make_block(0x1000, [&](Builder& ir) {
            ir.set_x(0, ir.add(ir.get_x(1), ir.lsl(ir.get_x(2), n)));
        }), rng, 50);
        d.check(make_block(0x1000, [&](Builder& ir) {
            const Value index = ir.get_x(2);
            const Value shifted = ir.lsl(index, n);
            ir.set_x(0, ir.add(shifted, ir.get_x(1)));
            ir.set_x(3, ir.xor_(index, ir.get_x(4)));
        }), rng, 50);
        d.check(make_block(0x1000, [&](Builder& ir) {
            const Value shifted = ir.lsl(ir.get_x(2), n);
            ir.set_x(0, ir.add(ir.get_x(1), shifted));
            ir.set_x(3, shifted);
        }), rng, 50);
        d.check(make_block(0x1000, [&](Builder& ir) {
            const Value x = ir.get_x(2);
            ir.set_x(0, ir.add(x, ir.lsl(x, n)));
        }), rng, 50);
        d.check(make_block(0x1000, [&](Builder& ir) {
            const Value shifted = ir.lsl(ir.get_x(2), n);
            std::vector<Value> x;
            for (unsigned r = 3; r < 31; ++r) x.push_back(ir.get_x(r));
            const Value sum = ir.add(ir.get_x(1), shifted);
            for (unsigned r = 3; r < 31; ++r) ir.set_x(r, ir.add(x[r - 3], x[(r - 2) % 28]));
            ir.set_x(0, sum);
        }), rng, 50);
    }
}

// Every guest register live at once, with a host call in the middle: forces
// spills and caller-saved saves.
TEST_P(X64Backend, RegisterPressureAcrossCalls) {
    Differential d(GetParam());
    Rng rng;
    d.check(make_block(0x1000, [&](Builder& ir) {
        std::vector<Value> x, v;
        for (unsigned r = 0; r < 31; ++r) x.push_back(ir.get_x(r));
        for (unsigned r = 0; r < 20; ++r) v.push_back(ir.get_v(r));
        const Value called = ir.emit(Opcode::Rbit, Type::U64, ir.add(x[0], x[1]));
        std::vector<Value> sums;
        for (unsigned r = 0; r < 31; ++r) sums.push_back(ir.xor_(ir.add(x[r], x[(r + 7) % 31]), called));
        for (unsigned r = 0; r < 31; ++r) ir.set_x(r, ir.sub(sums[r], x[(r + 3) % 31]));
        for (unsigned r = 0; r < 20; ++r) ir.set_v(31 - r, ir.emit(Opcode::VecXor, Type::U128, v[r], v[(r + 1) % 20]));
        ir.set_sp(called);
    }), rng, 50);
}

TEST_P(X64Backend, VectorOpsMatchInterpreter) {
    Differential d(GetParam());
    Rng rng;
    for (Opcode op : {Opcode::VecAnd, Opcode::VecOr, Opcode::VecXor, Opcode::VecAndNot, Opcode::VecOrNot})
        for (bool keep : {false, true})
            d.check(make_block(0x1000, [&](Builder& ir) {
                const Value a = ir.get_v(1), b = ir.get_v(2);
                ir.set_v(0, ir.emit(op, Type::U128, a, b));
                if (keep) ir.set_v(3, ir.emit(Opcode::VecAnd, Type::U128, a, b));
            }), rng, 50);
    for (unsigned esize : {8u, 16u, 32u, 64u}) {
        for (Opcode op : {Opcode::VecAdd, Opcode::VecSub, Opcode::VecCmpEq, Opcode::VecCmpGtS})
            d.check(make_block(0x1000, [&](Builder& ir) {
                ir.set_v(0, ir.emit(op, Type::U128, ir.get_v(1), ir.get_v(2), {}, esize));
                ir.set_v(4, ir.emit(op, Type::U128, ir.get_v(1), ir.get_v(1), {}, esize));
            }), rng, 50);
        for (Opcode op : {Opcode::VecShlImm, Opcode::VecLsrImm, Opcode::VecAsrImm})
            for (unsigned shift : {0u, 1u, esize - 1, esize})
                d.check(make_block(0x1000, [&](Builder& ir) {
                    ir.set_v(0, ir.emit(op, Type::U128, ir.get_v(1), {}, {}, esize, shift));
                }), rng, 20);
        d.check(make_block(0x1000, [&](Builder& ir) {
            ir.set_v(0, ir.emit(Opcode::VecDup, Type::U128, ir.get_x(1), {}, {}, esize));
            ir.set_v(1, ir.emit(Opcode::VecNeg, Type::U128, ir.get_v(2), {}, {}, esize));
        }), rng, 50);
    }
    d.check(make_block(0x1000, [&](Builder& ir) {
        const Value v = ir.get_v(1);
        ir.set_v(0, ir.emit(Opcode::VecNot, Type::U128, v));
        ir.set_x(0, ir.emit(Opcode::VecLow64, Type::U64, v));
        ir.set_x(1, ir.emit(Opcode::VecHigh64, Type::U64, v));
        ir.set_v(2, ir.emit(Opcode::VecFromU64, Type::U128, ir.get_x(2)));
        ir.set_v(3, ir.emit(Opcode::VecFromU64x2, Type::U128, ir.get_x(3), ir.get_x(4)));
        ir.set_x(5, ir.zext(Type::U64, ir.emit(Opcode::Eq, Type::U1, v, ir.get_v(4))));
        ir.set_x(6, ir.zext(Type::U64, ir.emit(Opcode::Eq, Type::U1, v, v)));
        ir.set_x(7, ir.zext(Type::U64, ir.is_zero(v)));
        ir.set_x(8, ir.zext(Type::U64, ir.is_zero(ir.emit(Opcode::VecFromU64, Type::U128, ir.imm64(0)))));
        ir.set_x(9, ir.trunc(Type::U64, ir.get_v(5)));
        ir.set_x(10, ir.zext(Type::U64, ir.test_bit(ir.get_v(6), 100)));
    }), rng, 100);
}

TEST_P(X64Backend, MemoryMatchesInterpreter) {
    Differential d(GetParam());
    Rng rng;
    // Guest addresses are masked into a 256-byte window of each state's own buffer.
    std::vector<uint8_t> jit_mem(512), ref_mem(512);
    for (Type t : {Type::U8, Type::U16, Type::U32, Type::U64, Type::U128})
        for (bool const_value : {false, true}) {
            if (const_value && t == Type::U128) continue;
            const Block b = make_block(0x1000, [&](Builder& ir) {
                const Value loaded = ir.load(t, ir.get_x(1), 0x1000);
                if (t == Type::U128) ir.set_v(0, loaded);
                else ir.set_x(0, widen(ir, loaded));
                const Value value = t == Type::U128 ? ir.get_v(2)
                                  : operand(ir, t, 3, const_value ? std::optional<uint64_t>(0x80) : std::nullopt);
                ir.store(ir.get_x(2), value, 0x1004);
                ir.store(ir.get_x(4), loaded, 0x1008);
            });
            const void* code = d.backend().compile(b);
            for (int i = 0; i < 200; ++i) {
                CpuState ref = random_state(rng);
                for (size_t k = 0; k < ref_mem.size(); ++k) ref_mem[k] = jit_mem[k] = static_cast<uint8_t>(rng.next());
                ref.guest_mask = 0xff;
                CpuState jit = ref;
                ref.guest_base = reinterpret_cast<uint64_t>(ref_mem.data());
                jit.guest_base = reinterpret_cast<uint64_t>(jit_mem.data());
                interp::run_block(b, ref);
                d.backend().run(jit, code);
                jit.guest_base = ref.guest_base;
                expect_same_state(jit, ref, b);
                ASSERT_EQ(jit_mem, ref_mem) << to_string(b);
            }
        }
}

// ---- Multi-block programs: a run loop over a map of blocks ----------------

using Program = std::map<uint64_t, Block>;

void run_jit(Backend& backend, const Program& program, CpuState& s, uint64_t stop_pc) {
    for (int dispatches = 0; s.pc != stop_pc && dispatches < 1000000; ++dispatches) {
        const void* code = backend.lookup(s.pc, 0);
        if (!code) code = backend.compile(program.at(s.pc));
        backend.run(s, code);
    }
}

void run_interp(const Program& program, CpuState& s, uint64_t stop_pc) {
    while (s.pc != stop_pc) interp::run_block(program.at(s.pc), s);
}

void add(Program& p, uint64_t pc, const std::function<void(Builder&)>& body) { p[pc] = make_block(pc, body); }

// 0x1000: x0 += 1, jump 0x2000. 0x2000: x1 -= 1, x1 == 0 ? exit : back to 0x1000.
Program counting_loop() {
    Program p;
    add(p, 0x1000, [](Builder& ir) {
        ir.set_x(0, ir.add(ir.get_x(0), ir.imm64(1)));
        ir.jump(0x2000);
    });
    add(p, 0x2000, [](Builder& ir) {
        const Value left = ir.sub(ir.get_x(1), ir.imm64(1));
        ir.set_x(1, left);
        ir.branch(ir.is_zero(left), kExitPc, 0x1000);
    });
    return p;
}

TEST(X64BackendChaining, LoopRunsChainedAndUnchained) {
    for (bool chaining : {true, false}) {
        Backend backend(BackendOptions{.chaining = chaining});
        CpuState s;
        s.pc = 0x1000;
        s.x[1] = 1000;
        run_jit(backend, counting_loop(), s, kExitPc);
        EXPECT_EQ(s.x[0], 1000u);
        EXPECT_EQ(s.x[1], 0u);
        if (chaining) {
            EXPECT_GT(backend.stats().chained_links, 0u);
            EXPECT_LE(backend.stats().dispatcher_exits, 3u);
        } else {
            EXPECT_EQ(backend.stats().chained_links, 0u);
            EXPECT_GE(backend.stats().dispatcher_exits, 2000u);
        }
    }
}

// 0x1000 jumps forward to 0x2000, which may branch back: only 0x2000 checks.
TEST(X64BackendChaining, ExitRequestLeavesAtTheLoopingBlock) {
    Backend backend;
    CpuState s;
    s.pc = 0x1000;
    s.x[1] = 1000;
    const Program p = counting_loop();
    run_jit(backend, p, s, kExitPc);  // compile and chain everything
    s.pc = 0x1000;
    s.x[0] = 0;
    s.x[1] = 1000;
    s.exit_request = 1;
    backend.run(s, backend.lookup(0x1000, 0));
    EXPECT_EQ(s.pc, 0x2000u);
    EXPECT_EQ(s.x[0], 1u);
    EXPECT_EQ(s.x[1], 1000u);
    s.exit_request = 0;
    run_jit(backend, p, s, kExitPc);
    EXPECT_EQ(s.x[0], 1000u);
}

// A block ending in ISB (Barrier InstructionSync, then Exit) goes straight on
// to the next block while nothing is pending, and to the run loop, at the
// next pc, when exit_request is set.
TEST(X64BackendChaining, IsbExitLeavesOnlyWhenExitRequested) {
    Program p;
    add(p, 0x1000, [](Builder& ir) {
        ir.set_x(0, ir.add(ir.get_x(0), ir.imm64(1)));
        ir.emit(Opcode::Barrier, Type::Void, {}, {}, {}, static_cast<uint64_t>(BarrierKind::InstructionSync));
        ir.exit(0x1004);
    });
    add(p, 0x1004, [](Builder& ir) {
        ir.set_x(1, ir.add(ir.get_x(1), ir.imm64(1)));
        ir.exit(kExitPc);
    });
    Backend backend;
    CpuState s;
    s.pc = 0x1000;
    run_jit(backend, p, s, kExitPc);  // compile and chain both
    s.pc = 0x1000;
    backend.run(s, backend.lookup(0x1000, 0));
    EXPECT_EQ(s.pc, kExitPc);  // through both blocks in one run
    EXPECT_EQ(s.x[0], 2u);
    EXPECT_EQ(s.x[1], 2u);
    s.exit_request = 1;
    backend.run(s, backend.lookup(0x1000, 0));
    EXPECT_EQ(s.pc, 0x1004u);  // after the ISB, before the next block
    EXPECT_EQ(s.x[0], 3u);
    EXPECT_EQ(s.x[1], 2u);
}

// Calls through BL (Jump + Hint::Call) and BLR (Indirect + Hint::Call) into a
// function returning with RET (Indirect + Hint::Return); on odd iterations the
// function returns elsewhere (the prediction is wrong), and a computed BR
// (no hint) alternates between two targets.
Program call_program() {
    Program p;
    add(p, 0x1000, [](Builder& ir) {  // BL 0x5000
        ir.set_x(30, ir.imm64(0x1004));
        ir.jump(0x5000);
        ir.block().terminal.hint = Terminal::Hint::Call;
        ir.block().terminal.return_address = 0x1004;
    });
    add(p, 0x1004, [](Builder& ir) {  // BLR x9 (x9 = 0x5000)
        ir.set_x(30, ir.imm64(0x1008));
        ir.indirect(ir.get_x(9), Terminal::Hint::Call, 0x1008);
    });
    add(p, 0x1008, [](Builder& ir) {  // BR to 0x3000 or 0x3004 by bit 1 of x1
        const Value target = ir.select(ir.test_bit(ir.get_x(1), 1), ir.imm64(0x3000), ir.imm64(0x3004));
        ir.indirect(target);
    });
    for (uint64_t pc : {0x3000, 0x3004})
        add(p, pc, [pc](Builder& ir) {
            ir.set_x(pc == 0x3000 ? 3 : 4, ir.add(ir.get_x(pc == 0x3000 ? 3 : 4), ir.imm64(1)));
            const Value left = ir.sub(ir.get_x(1), ir.imm64(1));
            ir.set_x(1, left);
            ir.branch(ir.is_zero(left), kExitPc, 0x1000);
        });
    add(p, 0x5000, [](Builder& ir) {  // x0 += 10; on odd x1 return to 0x6000 instead; RET
        ir.set_x(0, ir.add(ir.get_x(0), ir.imm64(10)));
        const Value lr = ir.select(ir.test_bit(ir.get_x(1), 0), ir.imm64(0x6000), ir.get_x(30));
        ir.indirect(lr, Terminal::Hint::Return);
    });
    add(p, 0x6000, [](Builder& ir) {  // x2 += 1, then where the caller expected: x30
        ir.set_x(2, ir.add(ir.get_x(2), ir.imm64(1)));
        ir.indirect(ir.get_x(30));
    });
    return p;
}

TEST(X64BackendIndirect, CallsReturnsAndComputedBranches) {
    for (bool chaining : {true, false}) {
        Backend backend(BackendOptions{.chaining = chaining, .count_indirect_hits = true});
        const Program p = call_program();
        CpuState jit;
        jit.pc = 0x1000;
        jit.x[1] = 501;
        jit.x[9] = 0x5000;
        CpuState ref = jit;
        run_jit(backend, p, jit, kExitPc);
        run_interp(p, ref, kExitPc);
        EXPECT_EQ(std::memcmp(jit.x, ref.x, sizeof jit.x), 0);
        EXPECT_EQ(jit.x[0], 501u * 20);
        EXPECT_GT(jit.x[2], 0u);
        EXPECT_GT(jit.x[3], 0u);
        EXPECT_GT(jit.x[4], 0u);
        if (chaining) {
            EXPECT_GT(backend.stats().indirect_hits, 1000u);
            EXPECT_LT(backend.stats().dispatcher_exits, 100u);
        }
    }
}

TEST(X64BackendInvalidate, RerunsNewCode) {
    Backend backend;
    Program p;
    add(p, 0x2000, [](Builder& ir) { ir.jump(0x1000); });             // chained jump
    add(p, 0x2004, [](Builder& ir) { ir.indirect(ir.get_x(5)); });    // indirect-table jump
    add(p, 0x1000, [](Builder& ir) {
        ir.set_x(0, ir.add(ir.get_x(0), ir.imm64(1)));
    });
    CpuState s;
    s.x[5] = 0x1000;
    for (uint64_t entry : {0x2000, 0x2004, 0x2000, 0x2004}) {
        s.pc = entry;
        run_jit(backend, p, s, kExitPc);
    }
    EXPECT_EQ(s.x[0], 4u);
    backend.invalidate(0x1000, 0x1004);
    EXPECT_EQ(backend.lookup(0x1000, 0), nullptr);
    EXPECT_NE(backend.lookup(0x2000, 0), nullptr);
    add(p, 0x1000, [](Builder& ir) { ir.set_x(0, ir.add(ir.get_x(0), ir.imm64(100))); });
    for (uint64_t entry : {0x2000, 0x2004}) {
        s.pc = entry;
        run_jit(backend, p, s, kExitPc);
    }
    EXPECT_EQ(s.x[0], 204u);
}

// A chain of 600 distinct blocks through a cache that holds far fewer.
TEST(X64BackendFlush, TinyCacheKeepsRunningCorrectly) {
    Backend backend(BackendOptions{.code_cache_bytes = 16 << 10});
    Program p;
    constexpr uint64_t kBlocks = 600;
    for (uint64_t i = 0; i < kBlocks; ++i)
        add(p, 0x10000 + 4 * i, [i](Builder& ir) {
            ir.set_x(0, ir.add(ir.get_x(0), ir.imm64(i)));
            ir.set_x(1, ir.xor_(ir.get_x(1), ir.get_x(0)));
            ir.jump(i + 1 < kBlocks ? 0x10000 + 4 * (i + 1) : kExitPc);
        });
    for (int round = 0; round < 3; ++round) {
        CpuState jit;
        jit.pc = 0x10000;
        CpuState ref = jit;
        run_jit(backend, p, jit, kExitPc);
        run_interp(p, ref, kExitPc);
        EXPECT_EQ(jit.x[0], kBlocks * (kBlocks - 1) / 2);
        EXPECT_EQ(jit.x[1], ref.x[1]);
    }
    EXPECT_GT(backend.stats().cache_flushes, 0u);
}

// ---- Fault mapping -----------------------------------------------------------

sigjmp_buf g_fault_jump;
volatile uintptr_t g_fault_host_pc;

void on_segv(int, siginfo_t*, void* context) {
    g_fault_host_pc = static_cast<ucontext_t*>(context)->uc_mcontext.gregs[REG_RIP];
    siglongjmp(g_fault_jump, 1);
}

// True when running code faulted (g_fault_host_pc says where).
[[gnu::noinline]] bool faults(Backend& backend, CpuState& s, const void* code) {
    if (sigsetjmp(g_fault_jump, 1) != 0) return true;
    backend.run(s, code);
    return false;
}

TEST(X64BackendFaults, InlineAccessMapsToGuestPc) {
    Backend backend;
    void* page = mmap(nullptr, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ASSERT_NE(page, MAP_FAILED);
    struct sigaction action {}, old {};
    action.sa_sigaction = on_segv;
    action.sa_flags = SA_SIGINFO;
    sigemptyset(&action.sa_mask);
    sigaction(SIGSEGV, &action, &old);
    for (Type t : {Type::U8, Type::U32, Type::U64, Type::U128})
        for (bool store : {false, true}) {
            const uint64_t guest_pc = 0x4000 + 8 * static_cast<unsigned>(t) + store;
            const Block b = make_block(0x4000, [&](Builder& ir) {
                ir.set_x(2, ir.add(ir.get_x(2), ir.imm64(1)));  // written before the fault: must be in state
                const Value ok = ir.load(Type::U64, ir.get_x(3), 0x3ff0);
                ir.set_x(4, ok);
                if (store) ir.store(ir.get_x(1), t == Type::U128 ? ir.get_v(0) : operand(ir, t, 5, {}), guest_pc);
                else ir.set_x(0, ir.emit(Opcode::Trunc, Type::U64, ir.load(t, ir.get_x(1), guest_pc), {}, {}, bit_width(t)));
            });
            if (t == Type::U128 && !store) continue;  // (Trunc of U128 covered elsewhere)
            const void* code = backend.compile(b);
            uint64_t readable = 0x1122334455667788;
            CpuState s;
            s.guest_mask = ~uint64_t{0};
            s.x[1] = reinterpret_cast<uint64_t>(page) + 64;
            s.x[2] = 41;
            s.x[3] = reinterpret_cast<uint64_t>(&readable);
            g_fault_host_pc = 0;
            if (!faults(backend, s, code)) {
                ADD_FAILURE() << "no fault";
                continue;
            }
            uint64_t mapped = 0;
            EXPECT_TRUE(backend.contains(g_fault_host_pc));
            EXPECT_TRUE(backend.guest_pc_for_host_pc(g_fault_host_pc, mapped));
            EXPECT_EQ(mapped, guest_pc) << type_name(t) << (store ? " store" : " load");
            EXPECT_EQ(s.x[2], 42u);
            EXPECT_EQ(s.x[4], readable);
        }
    sigaction(SIGSEGV, &old, nullptr);
    munmap(page, 4096);
    uint64_t unused;
    EXPECT_FALSE(backend.guest_pc_for_host_pc(reinterpret_cast<uintptr_t>(&unused), unused));
}

}  // namespace
}  // namespace ferry::x64
