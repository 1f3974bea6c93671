// Loads and stores of one register or a pair (Arm ARM C4.1.88): LDR/STR in
// every addressing mode, LDP/STP/LDNP/STNP/LDPSW, literal loads and PRFM, for
// general and FP/SIMD registers. Exclusive, ordered and atomic accesses are in
// translate_atomic.cpp.
//
// Precise faults: every handler emits all of its memory accesses before it
// writes any register, so a faulting access leaves the registers as they were.
#include <optional>

#include "frontend/a64/translate_common.h"
#include "frontend/a64/translate_simd_common.h"

namespace ferry::a64 {

namespace {

enum class MemOp { Store, Load, Prefetch };

// What one register transfer moves: the size/opc/V decode of the Arm ARM.
struct Transfer {
    MemOp op = MemOp::Load;
    unsigned scale = 0;        // log2 of the access size in bytes
    bool vector = false;       // Bt/Ht/St/Dt/Qt rather than Wt/Xt
    // LDRS*: the loaded value is sign-extended to this regsize (32 or 64; a W
    // result is then zero-extended into X). 0: the load zero-extends.
    unsigned signed_regsize = 0;

    unsigned bytes() const { return 1u << scale; }
    Type type() const { return ir::int_type_of_width(8 * bytes()); }
};

Transfer vector_transfer(MemOp op, unsigned scale) { return {op, scale, true, 0}; }
Transfer general_transfer(MemOp op, unsigned scale) { return {op, scale, false, 0}; }
Transfer signed_load(unsigned scale, unsigned regsize) { return {MemOp::Load, scale, false, regsize}; }

// The decode shared by LDR/STR (immediate and register): size, opc and V
// give the access; nullopt for the unallocated combinations.
std::optional<Transfer> decode_transfer(unsigned size, unsigned opc, bool vector) {
    const bool opc_load = opc & 1;
    if (vector) {
        const unsigned scale = (opc & 2) << 1 | size;  // opc<1>:size; only Q has opc<1> = 1
        if (scale > 4) return std::nullopt;
        return vector_transfer(opc_load ? MemOp::Load : MemOp::Store, scale);
    }
    if (!(opc & 2)) return general_transfer(opc_load ? MemOp::Load : MemOp::Store, size);
    if (size == 3) {
        if (opc_load) return std::nullopt;
        return general_transfer(MemOp::Prefetch, size);
    }
    if (size == 2 && opc_load) return std::nullopt;  // LDRSW into W
    return signed_load(size, opc_load ? 32 : 64);     // opc = 10: into X; 11: into W
}

Value address_plus(Translator& t, Value base, uint64_t offset) {
    return offset == 0 ? base : t.ir.add(base, t.ir.imm64(offset));
}

Value load(Translator& t, const Transfer& x, Value address) { return t.ir.load(x.type(), address, t.pc); }

// Writes a loaded value to register rt: a general load extends into W or X,
// a scalar FP/SIMD load zeroes the rest of the V register.
void write_loaded(Translator& t, const Transfer& x, unsigned rt, Value v) {
    if (x.vector) {
        t.ir.set_v(rt, x.bytes() == 16 ? v : simd::from_u64(t, t.ir.zext(Type::U64, v)));
    } else if (x.signed_regsize) {
        t.set_reg(x.signed_regsize == 64, rt, t.ir.sext(ir::int_type_of_width(x.signed_regsize), v));
    } else {
        t.set_X(rt, t.ir.zext(Type::U64, v));
    }
}

// The low bytes of register rt that a store writes.
Value value_to_store(Translator& t, const Transfer& x, unsigned rt) {
    if (!x.vector) return t.ir.trunc(x.type(), t.X(rt));
    const Value q = t.ir.get_v(rt);
    if (x.bytes() == 16) return q;
    return t.ir.trunc(x.type(), simd::low64(t, q));
}

void store(Translator& t, const Transfer& x, unsigned rt, Value address) {
    t.ir.store(address, value_to_store(t, x, rt), t.pc);
}

// One register transfer. A prefetch is a hint that never faults: nothing.
void load_store(Translator& t, const Transfer& x, unsigned rt, Value address) {
    switch (x.op) {
    case MemOp::Load: write_loaded(t, x, rt, load(t, x, address)); break;
    case MemOp::Store: store(t, x, rt, address); break;
    case MemOp::Prefetch: break;
    }
}

// The base register update of the pre/post-index forms. It comes after the
// transfer, so it wins when a load's Rt is also Rn (CONSTRAINED
// UNPREDICTABLE; qemu-aarch64 does the same), and a store of Rt == Rn
// stores the value before the update.
void write_back(Translator& t, unsigned rn, Value new_base) { t.set_X_sp(rn, new_base); }

}  // namespace

// LDR/STR/PRFM (immediate, unsigned offset): imm12 scaled by the access size.
bool LDST_uimm(Translator& t, Insn in) {
    const auto x = decode_transfer(in["size"], in["opc"], in["V"]);
    if (!x) return false;
    if (x->op == MemOp::Prefetch) return true;
    const uint64_t offset = uint64_t{in["imm12"]} << x->scale;
    load_store(t, *x, in["Rt"], address_plus(t, t.X_sp(in["Rn"]), offset));
    return true;
}

// LDUR/STUR/PRFUM (idx 00), post-index (01), LDTR/STTR (10), pre-index (11),
// all with an unscaled signed imm9.
bool LDST_imm9(Translator& t, Insn in) {
    enum : unsigned { Unscaled = 0b00, PostIndex = 0b01, Unprivileged = 0b10, PreIndex = 0b11 };
    const unsigned idx = in["idx"];
    const auto x = decode_transfer(in["size"], in["opc"], in["V"]);
    if (!x) return false;
    if (idx == Unprivileged && x->vector) return false;
    if (x->op == MemOp::Prefetch) return idx == Unscaled;  // PRFUM; the other idx are unallocated
    const unsigned rn = in["Rn"];
    const Value base = t.X_sp(rn);
    const Value offset_address = address_plus(t, base, sign_extend(in["imm9"], 9));
    // LDTR/STTR access memory with EL0 permissions: as ordinary accesses
    // here, which is exact at EL0 (system mode at EL1 will need more).
    load_store(t, *x, in["Rt"], idx == PostIndex ? base : offset_address);
    if (idx == PostIndex || idx == PreIndex) write_back(t, rn, offset_address);
    return true;
}

// LDR/STR/PRFM (register): Rn + ExtendReg(Rm, option, S ? scale : 0).
bool LDST_regoff(Translator& t, Insn in) {
    const unsigned option = in["option"];
    if (!(option & 2)) return false;  // a sub-word index register
    const auto x = decode_transfer(in["size"], in["opc"], in["V"]);
    if (!x) return false;
    if (x->op == MemOp::Prefetch) return true;
    const Value index = extend_reg(t, true, in["Rm"], option, in["S"] ? x->scale : 0);
    load_store(t, *x, in["Rt"], t.ir.add(t.X_sp(in["Rn"]), index));
    return true;
}

// LDR (literal) of W, X, S, D, Q; LDRSW; PRFM (literal): pc + imm19 * 4.
bool LDR_literal(Translator& t, Insn in) {
    const unsigned opc = in["opc"];
    Transfer x;
    if (in["V"]) {
        if (opc == 3) return false;
        x = vector_transfer(MemOp::Load, 2 + opc);
    } else {
        switch (opc) {
        case 0: x = general_transfer(MemOp::Load, 2); break;
        case 1: x = general_transfer(MemOp::Load, 3); break;
        case 2: x = signed_load(2, 64); break;
        default: return true;  // PRFM
        }
    }
    const uint64_t address = t.pc + (sign_extend(in["imm19"], 19) << 2);
    load_store(t, x, in["Rt"], t.ir.imm64(address));
    return true;
}

// LDP/STP/LDNP/STNP of W, X, S, D, Q and LDPSW: idx 00 no-allocate, 01
// post-index, 10 signed offset, 11 pre-index; imm7 scaled by the element.
// (The non-temporal hint of LDNP/STNP changes nothing here.)
bool LDST_pair(Translator& t, Insn in) {
    enum : unsigned { PostIndex = 0b01, PreIndex = 0b11 };
    const unsigned opc = in["opc"], idx = in["idx"];
    const bool is_load = in["L"];
    const MemOp op = is_load ? MemOp::Load : MemOp::Store;
    if (opc == 3) return false;
    Transfer x;
    if (in["V"]) {
        x = vector_transfer(op, 2 + opc);
    } else if (opc == 1) {
        if (!is_load || idx == 0) return false;  // STGP (ARMv8.5) or LDNP of signed words
        x = signed_load(2, 64);                  // LDPSW
    } else {
        x = general_transfer(op, opc == 2 ? 3 : 2);
    }
    const unsigned rn = in["Rn"], rt = in["Rt"], rt2 = in["Rt2"];
    const Value base = t.X_sp(rn);
    const Value offset_address = address_plus(t, base, sign_extend(in["imm7"], 7) << x.scale);
    const Value address = idx == PostIndex ? base : offset_address;
    const Value address2 = address_plus(t, address, x.bytes());
    if (is_load) {
        const Value first = load(t, x, address), second = load(t, x, address2);
        // Rt == Rt2 is CONSTRAINED UNPREDICTABLE. As qemu-aarch64 7.2 does,
        // the first element wins for general registers, the second for
        // FP/SIMD registers.
        if (x.vector) {
            write_loaded(t, x, rt, first);
            write_loaded(t, x, rt2, second);
        } else {
            write_loaded(t, x, rt2, second);
            write_loaded(t, x, rt, first);
        }
    } else {
        store(t, x, rt, address);
        store(t, x, rt2, address2);
    }
    if (idx == PostIndex || idx == PreIndex) write_back(t, rn, offset_address);
    return true;
}

}  // namespace ferry::a64
