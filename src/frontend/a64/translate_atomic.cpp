// Exclusive, ordered and atomic accesses (Arm ARM C4.1.88): LDXR/STXR and
// their pair and acquire/release forms, LDAR/STLR/LDLAR/STLLR, and the
// ARMv8.1 LSE instructions CAS, CASP, LD<op> and SWP.
//
// Memory order on an x86-64 host (TSO): a plain load already has acquire and
// a plain store release semantics, and the IR's exclusive and atomic ops are
// host locked instructions, which are full barriers. So the A/L variants
// need nothing more, except that a store-release must stay ordered before a
// later load-acquire (Arm's RCsc rule, which TSO's store buffer breaks): a
// barrier follows each store-release.
//
// Every memory access is emitted before any register write (precise faults).
#include <optional>

#include "frontend/a64/translate_simd_common.h"

namespace ferry::a64 {

namespace {

Type access_type(unsigned size) { return ir::int_type_of_width(8u << size); }

// A register pair as one value, Rt in the low half: U64 for W pairs, U128
// for X pairs (the layout of a pair in little-endian memory).
Value pair_value(Translator& t, bool x_pair, unsigned r1, unsigned r2) {
    if (x_pair) return simd::from_u64x2(t, t.X(r1), t.X(r2));
    return t.ir.or_(t.ir.zext(Type::U64, t.W(r1)), t.ir.lsl(t.X(r2), 32));
}

void set_pair(Translator& t, bool x_pair, unsigned r1, unsigned r2, Value pair) {
    if (x_pair) {
        t.set_X(r1, simd::low64(t, pair));
        t.set_X(r2, simd::high64(t, pair));
    } else {
        t.set_W(r1, t.ir.trunc(Type::U32, pair));
        t.set_W(r2, t.ir.trunc(Type::U32, t.ir.lsr(pair, 32)));
    }
}

void barrier_after_release(Translator& t) {
    t.ir.emit(ir::Opcode::Barrier, Type::Void, {}, {}, {}, static_cast<uint64_t>(ir::BarrierKind::DataMemory));
}

// The LSE operation of LD<op>/SWP: o3 = 0 selects by opc in the order of
// ir::AtomicOp; o3 = 1 with opc = 000 is SWP. LDAPR (o3 = 1, opc = 100) is
// ARMv8.3 and the rest is unallocated.
std::optional<ir::AtomicOp> atomic_op(unsigned o3, unsigned opc) {
    using enum ir::AtomicOp;
    static constexpr ir::AtomicOp by_opc[8] = {Add, Clr, Eor, Set, SMax, SMin, UMax, UMin};
    if (o3) return opc == 0 ? std::optional(Swp) : std::nullopt;
    return by_opc[opc];
}

}  // namespace

// LDXR/LDAXR/STXR/STLXR of B, H, W, X. (Rt2 and, for loads, Rs are
// should-be-one fields, ignored as qemu-aarch64 does.)
bool LDST_exclusive(Translator& t, Insn in) {
    const Type type = access_type(in["size"]);
    const Value address = t.X_sp(in["Rn"]);
    const unsigned rt = in["Rt"];
    if (in["L"]) {
        t.set_X(rt, t.ir.zext(Type::U64, t.ir.load_exclusive(type, address, t.pc)));
    } else {
        t.set_W(in["Rs"], t.ir.store_exclusive(address, t.ir.trunc(type, t.X(rt)), t.pc));
    }
    return true;
}

// LDXP/LDAXP/STXP/STLXP: one exclusive access of the whole pair, so that the
// pair is single-copy atomic (as the architecture requires for the store).
bool LDST_exclusive_pair(Translator& t, Insn in) {
    const bool x_pair = in["sz"];
    const Value address = t.X_sp(in["Rn"]);
    const unsigned rt = in["Rt"], rt2 = in["Rt2"];
    if (in["L"]) {
        const Type type = x_pair ? Type::U128 : Type::U64;
        set_pair(t, x_pair, rt, rt2, t.ir.load_exclusive(type, address, t.pc));
    } else {
        t.set_W(in["Rs"], t.ir.store_exclusive(address, pair_value(t, x_pair, rt, rt2), t.pc));
    }
    return true;
}

// LDAR/STLR and the LORegion forms LDLAR/STLLR (o0 = 0), which order at
// least as strongly: plain accesses, see the top of the file.
bool LDST_ordered(Translator& t, Insn in) {
    const Type type = access_type(in["size"]);
    const Value address = t.X_sp(in["Rn"]);
    const unsigned rt = in["Rt"];
    if (in["L"]) {
        t.set_X(rt, t.ir.zext(Type::U64, t.ir.load(type, address, t.pc)));
    } else {
        t.ir.store(address, t.ir.trunc(type, t.X(rt)), t.pc);
        barrier_after_release(t);
    }
    return true;
}

// CAS/CASA/CASL/CASAL of B, H, W, X: Rs receives the old memory value,
// zero-extended, whether or not the swap happened.
bool CAS(Translator& t, Insn in) {
    const Type type = access_type(in["size"]);
    const unsigned rs = in["Rs"];
    const Value old = t.ir.atomic_cas(t.X_sp(in["Rn"]), t.ir.trunc(type, t.X(rs)), t.ir.trunc(type, t.X(in["Rt"])), t.pc);
    t.set_X(rs, t.ir.zext(Type::U64, old));
    return true;
}

// CASP/CASPA/CASPL/CASPAL: compares <Rs, Rs+1> with the pair in memory and
// stores <Rt, Rt+1> if equal; the old pair goes to <Rs, Rs+1>.
bool CASP(Translator& t, Insn in) {
    const bool x_pair = in["sz"];
    const unsigned rs = in["Rs"], rt = in["Rt"];
    if ((rs & 1) || (rt & 1)) return false;
    const Value old = t.ir.atomic_cas(t.X_sp(in["Rn"]), pair_value(t, x_pair, rs, rs + 1),
                                      pair_value(t, x_pair, rt, rt + 1), t.pc);
    set_pair(t, x_pair, rs, rs + 1, old);
    return true;
}

// LDADD/LDCLR/LDEOR/LDSET/LDSMAX/LDSMIN/LDUMAX/LDUMIN/SWP and their A/L
// forms: Rt receives the old memory value, zero-extended (Rt = XZR discards
// it: the ST<op> aliases).
bool ATOMIC_memop(Translator& t, Insn in) {
    const auto op = atomic_op(in["o3"], in["opc"]);
    if (!op) return false;
    const Type type = access_type(in["size"]);
    const Value old = t.ir.atomic_rmw(*op, t.X_sp(in["Rn"]), t.ir.trunc(type, t.X(in["Rs"])), t.pc);
    t.set_X(in["Rt"], t.ir.zext(Type::U64, old));
    return true;
}

}  // namespace ferry::a64
