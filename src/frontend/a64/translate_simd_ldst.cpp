// AdvSIMD structure loads and stores (Arm ARM C4.1.88: LD1-LD4/ST1-ST4
// multiple and single structures, LD1R-LD4R). Every access is made before any
// register is written, so a fault leaves the registers as they were.
#include <vector>

#include "frontend/a64/translate_simd_common.h"

namespace ferry::a64 {

using namespace simd;

namespace {

Type bytes_type(unsigned bytes) { return ir::int_type_of_width(8 * bytes); }

// Post-index writeback: Rm = 31 means "by the bytes transferred".
void post_index(Translator& t, unsigned rn, unsigned rm, Value address, unsigned bytes) {
    const Value offset = rm == 31 ? t.ir.imm64(bytes) : t.X(rm);
    t.set_X_sp(rn, t.ir.add(address, offset));
}

}  // namespace

bool SIMD_LDST_multiple(Translator& t, Insn in) {
    struct Form { unsigned rpt, selem; };
    static constexpr Form kForms[16] = {{1, 4}, {0, 0}, {4, 1}, {0, 0}, {1, 3}, {0, 0}, {3, 1}, {1, 1},
                                        {1, 2}, {0, 0}, {2, 1}, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}};
    const Form form = kForms[in["opcode"]];
    const bool q = in["Q"], load = in["L"], post = in["post"];
    const unsigned size = in["size"], rt = in["Rt"], rn = in["Rn"], rm = in["Rm"];
    if (form.rpt == 0 || (size == 3 && !q && form.selem != 1) || (!post && rm != 0)) return false;
    const unsigned esize = 8u << size, ebytes = esize / 8, datasize = q ? 128 : 64, elements = datasize / esize;
    const Value address = t.X_sp(rn);
    const auto at = [&](unsigned offset) { return t.ir.add(address, t.ir.imm64(offset)); };
    const unsigned regs = form.rpt * form.selem;
    std::vector<Value> values(regs);
    unsigned offset = 0;
    if (form.selem == 1) {
        // Consecutive whole registers: each is one little-endian access.
        const Type type = q ? Type::U128 : Type::U64;
        for (unsigned r = 0; r < regs; ++r, offset += datasize / 8) {
            const unsigned reg = (rt + r) % 32;
            if (load) {
                const Value v = t.ir.load(type, at(offset), t.pc);
                values[r] = q ? v : from_u64(t, v);
            } else {
                const Value v = V(t, reg);
                t.ir.store(at(offset), q ? v : low64(t, v), t.pc);
            }
        }
    } else {
        // Interleaved structures: element e of register s at (e * selem + s) * ebytes.
        for (unsigned r = 0; r < regs; ++r) values[r] = load ? zero_vec(t) : V(t, (rt + r) % 32);
        for (unsigned e = 0; e < elements; ++e)
            for (unsigned s = 0; s < form.selem; ++s, offset += ebytes) {
                if (load)
                    values[s] = set_lane(t, values[s], esize, e, t.ir.load(bytes_type(ebytes), at(offset), t.pc));
                else
                    t.ir.store(at(offset), t.ir.trunc(bytes_type(ebytes), lane(t, values[s], esize, e)), t.pc);
            }
    }
    if (load)
        for (unsigned r = 0; r < regs; ++r) t.ir.set_v((rt + r) % 32, values[r]);
    if (post) post_index(t, rn, rm, address, regs * datasize / 8);
    return true;
}

bool SIMD_LDST_single(Translator& t, Insn in) {
    const unsigned opcode = in["opcode"], size = in["size"], rt = in["Rt"], rn = in["Rn"], rm = in["Rm"];
    const bool q = in["Q"], load = in["L"], post = in["post"], s_bit = in["S"];
    const unsigned selem = (((opcode & 1) << 1) | in["R"]) + 1;
    unsigned scale = opcode >> 1, index = 0;
    bool replicate = false;
    if (!post && rm != 0) return false;
    switch (scale) {
    case 3:  // LD1R-LD4R
        if (!load || s_bit) return false;
        scale = size;
        replicate = true;
        break;
    case 0: index = (q << 3) | (s_bit << 2) | size; break;
    case 1:
        if (size & 1) return false;
        index = (q << 2) | (s_bit << 1) | (size >> 1);
        break;
    case 2:
        if (size & 2) return false;
        if ((size & 1) == 0) {
            index = (q << 1) | s_bit;
        } else {
            if (s_bit) return false;
            index = q;
            scale = 3;
        }
        break;
    }
    const unsigned esize = 8u << scale, ebytes = esize / 8;
    const Type type = bytes_type(ebytes);
    const Value address = t.X_sp(rn);
    std::vector<Value> values(selem);
    for (unsigned s = 0; s < selem; ++s) {
        const Value at = t.ir.add(address, t.ir.imm64(s * ebytes));
        if (replicate) {
            const Value v = dup(t, esize, t.ir.load(type, at, t.pc));
            values[s] = q ? v : from_u64(t, low64(t, v));
        } else if (load) {
            values[s] = set_lane(t, V(t, (rt + s) % 32), esize, index, t.ir.load(type, at, t.pc));
        } else {
            t.ir.store(at, t.ir.trunc(type, lane(t, V(t, (rt + s) % 32), esize, index)), t.pc);
        }
    }
    if (load)
        for (unsigned s = 0; s < selem; ++s) t.ir.set_v((rt + s) % 32, values[s]);
    if (post) post_index(t, rn, rm, address, selem * ebytes);
    return true;
}

}  // namespace ferry::a64
