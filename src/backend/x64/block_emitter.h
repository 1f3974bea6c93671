// Compiles one IR block into the code cache. The driver (block_emitter.cpp)
// walks the instructions; the emitters are split by domain:
// emit_integer.cpp (arithmetic, logic, shifts, flags), emit_memory.cpp (guest
// state and guest memory), emit_fp.cpp (scalar FP on SSE), emit_vector.cpp
// (U128 lane arithmetic), emit_vector_permute.cpp (lanes, permutes, tables,
// reductions), emit_crypto.cpp (AES, PMULL), emit_terminal.cpp (block entry,
// exits, chaining, indirect lookup, return stack). Anything without an
// inline emitter calls the opcode's reference function, and inline emitters
// whose fast path cannot give the exact Arm result call it out of line.
#pragma once
#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <initializer_list>
#include <optional>
#include <vector>
#include <xbyak/xbyak.h>

#include "backend/x64/block_table.h"
#include "backend/x64/reg_alloc.h"
#include "core/profile.h"
#include "ir/ir.h"

namespace ferry::x64 {

// The register of r for an operation `bits` wide: 8/16/32-bit operations run
// on 32-bit registers and re-mask their result.
inline Xbyak::Reg32e op_reg(const Xbyak::Reg64& r, unsigned bits) {
    return bits > 32 ? Xbyak::Reg32e(r) : Xbyak::Reg32e(r.cvt32());
}
// The register of r exactly `bits` wide.
inline Xbyak::Reg exact_reg(const Xbyak::Reg64& r, unsigned bits) {
    switch (bits) {
    case 8: return r.cvt8();
    case 16: return r.cvt16();
    case 32: return r.cvt32();
    default: return r;
    }
}

// Host instruction-set extensions the emitters may use.
struct HostFeatures {
    bool lzcnt = false;
    bool bmi1 = false;
    bool bmi2 = false;
    bool ssse3 = false;
    bool sse41 = false;
    bool fma = false;
    bool aes = false;
    bool pclmul = false;
    static HostFeatures detect();
};

// Loads MXCSR for the guest from state.fpcr (and keeps a copy in the frame).
void load_guest_mxcsr(Xbyak::CodeGenerator& c, const Xbyak::Reg32& t, const Xbyak::Reg32& u);

// Points the rel32 of a jump emitted by hand (field: its last four bytes) at
// the current position: a forward jump without an xbyak Label.
void bind_rel32_here(Xbyak::CodeGenerator& c, uint8_t* field);

// What a block's code needs from the backend.
struct EmitContext {
    const void* epilogue;        // return to run()'s caller; state.pc already stored
    const void* indirect_miss;   // the same, after an indirect-table miss
    const abi::IndirectEntry* indirect_table;
    uint64_t* indirect_hits;     // counted when not null
    uint64_t* soft_tlb_hits;     // the same
    uint64_t* soft_tlb_misses;
    bool chaining;
    bool inline_guest_memory;    // user mode's guest_base + (addr & guest_mask)
    bool soft_tlb;               // system mode's inline softmmu TLB lookup; neither: the reference calls
    HostFeatures features;
    std::array<const void*, 6> soft_tlb_slow_paths;  // Load of U8, U16, U32, U64, U128; Store (emit_memory.cpp)
};

// The soft-TLB slow paths that every block's misses call (in the cache's fixed prefix).
void emit_soft_tlb_slow_paths(Xbyak::CodeGenerator& c, EmitContext& context);

class BlockEmitter {
public:
    // With a profile, the block counts its executions there (--stats).
    BlockEmitter(Xbyak::CodeGenerator& code, const ir::Block& block, const EmitContext& context,
                 BlockProfile* profile = nullptr);

    // Emits the block and returns its entry point. Throws Xbyak::Error when
    // the cache is full.
    const void* emit();
    std::vector<LinkSite>& link_sites() { return sites_; }
    std::vector<AccessRecord>& accesses() { return accesses_; }

private:
    // An x86 source operand: an immediate when the IR value is a constant that fits.
    struct Source {
        std::optional<uint32_t> imm;
        Xbyak::Reg64 reg;
        // For stores of an immediate, which xbyak takes as a 64-bit value.
        uint64_t imm_sign_extended() const { return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(*imm))); }
    };
    enum class Alu { Add, Adc, Sub, Sbb, And, Or, Xor, Cmp };
    enum class Shift { Lsl, Lsr, Asr, Ror };
    // x86 condition codes in encoding order, so that negating one flips bit 0.
    enum class Cond : uint8_t { O, NO, B, AE, E, NE, BE, A, S, NS, P, NP, L, GE, LE, G };
    // The x86 flags last set hold the value of a U1 instruction whose only
    // user (the next instruction or the terminal) reads them directly.
    struct FusedFlags {
        ir::ValueId value;
        Cond cond;
    };

    void emit_inst(const ir::Inst& inst, ir::ValueId id);
    ir::ValueId next_emitted(ir::ValueId v) const;
    bool only_user_is_next(ir::ValueId v) const;
    bool shift_folds_into_add(ir::ValueId v) const;
    bool get_loads_low_half(ir::ValueId v) const;
    std::optional<Cond> fused_cond(ir::ValueId v);
    void call_reference(const ir::Inst& inst);
    void emit_call(const ir::Inst& inst);
    void fallback_out_of_line(const ir::Inst& inst, std::initializer_list<Xbyak::Reg> args, const Xbyak::Reg& result,
                              Xbyak::Label& entry, Xbyak::Label& resume,
                              std::optional<Xbyak::Xmm> result_shadow = std::nullopt);
    // A call of fallback_out_of_line, emitted with the rest of the out-of-line code.
    struct FallbackCall {
        const ir::Inst* inst;
        std::array<Xbyak::Reg, 3> args;  // an instruction's operands: at most three
        size_t num_args;
        Xbyak::Reg result;
        Xbyak::Label* entry;
        Xbyak::Label* resume;
        uint32_t saved_gprs;
        uint32_t saved_xmms;
        std::optional<Xbyak::Xmm> result_shadow;
    };
    void emit_fallback_call(const FallbackCall& call);
    Xbyak::Label& new_label() { return labels_.emplace_back(); }
    void emit_out_of_line();

    // Shared helpers.
    const ir::Inst& arg(const ir::Inst& inst, unsigned i) const { return block_.insts[inst.args[i]]; }
    Source source(ir::ValueId v, unsigned bits);
    Source constant_source(uint64_t value, unsigned bits);
    void alu(Alu op, const Xbyak::Reg& dst, const Source& src);
    void zero_extend(const Xbyak::Reg64& r, unsigned bits);
    void not_within(const Xbyak::Reg64& r, unsigned bits);
    void set_bool(const Xbyak::Reg64& res, Cond cond);
    void setcc(const Xbyak::Reg8& r, Cond cond);
    void cmovcc(const Xbyak::Reg& dst, const Xbyak::Reg& src, Cond cond);
    void jcc(Xbyak::Label& target, Cond cond);
    void pack_flags_into_rax(bool invert_carry);

    // emit_integer.cpp
    void emit_binary(const ir::Inst& inst, Alu op, bool commutative);
    bool and_as_zero_extension(ir::ValueId a, uint64_t mask);
    bool add_with_lea(ir::ValueId a, ir::ValueId b, bool subtract, unsigned bits);
    bool add_scaled_with_lea(ir::ValueId a, ir::ValueId b);
    void emit_add_carry(const ir::Inst& inst);
    void emit_mul(const ir::Inst& inst);
    void emit_mul_high(const ir::Inst& inst, bool is_signed);
    void emit_div(const ir::Inst& inst, bool is_signed);
    void emit_and_not(const ir::Inst& inst);
    void emit_or_not(const ir::Inst& inst);
    void emit_xor_not(const ir::Inst& inst);
    void emit_not(const ir::Inst& inst);
    void emit_neg(const ir::Inst& inst);
    void emit_shift(const ir::Inst& inst, Shift kind);
    void emit_clz(const ir::Inst& inst);
    void emit_byte_rev(const ir::Inst& inst);
    void emit_zero_ext(const ir::Inst& inst);
    void emit_sign_ext(const ir::Inst& inst);
    void emit_trunc(const ir::Inst& inst);
    void emit_select(const ir::Inst& inst);
    void emit_condition(const ir::Inst& inst, ir::ValueId id);
    Cond emit_compare_flags(const ir::Inst& inst);
    Cond emit_cond_compare_flags(const ir::Inst& inst);
    void emit_eq_u128(const ir::Inst& inst);
    void emit_is_zero_u128(const ir::Inst& inst);
    void emit_nzcv_add(const ir::Inst& inst, bool subtract);
    void emit_nzcv_logic(const ir::Inst& inst);
    void emit_cond_holds(const ir::Inst& inst);
    void emit_get_carry(const ir::Inst& inst);

    // emit_memory.cpp
    void emit_get(size_t offset, unsigned bits);
    void emit_read_sp_el0(const ir::Inst& inst);
    void emit_set(const ir::Inst& inst, size_t offset, unsigned bits);
    void emit_get_v(const ir::Inst& inst);
    void emit_set_v(const ir::Inst& inst);
    void emit_set_nzcv(const ir::Inst& inst);
    void emit_load(const ir::Inst& inst);
    void emit_store(const ir::Inst& inst);
    Xbyak::Reg64 host_address(ir::ValueId addr);
    void record_access(const uint8_t* begin, uint64_t guest_pc);
    void count(uint64_t* counter, const Xbyak::Reg64& scratch);  // flags change
    void emit_soft_tlb_load(const ir::Inst& inst);
    void emit_soft_tlb_store(const ir::Inst& inst);
    // Returns the rel32 field of the jump taken on a miss (bound by bind_rel32_here).
    uint8_t* soft_tlb_lookup(const Xbyak::Reg64& addr, unsigned bytes, size_t tag_offset, const Xbyak::Reg64& addend,
                             const Xbyak::Reg64& scratch);
    void soft_tlb_miss_thunk(const ir::Inst& inst, uint8_t* miss, const Xbyak::Reg64& scratch, const Xbyak::Reg& addr,
                             std::optional<Xbyak::Reg> value, std::optional<Xbyak::Reg> result, const uint8_t* resume);
    struct SoftTlbMiss {
        const ir::Inst* inst;
        uint8_t* miss;
        Xbyak::Reg64 scratch;
        Xbyak::Reg addr;
        std::optional<Xbyak::Reg> value, result;
        const uint8_t* resume;
    };
    void emit_soft_tlb_miss(const SoftTlbMiss& m);

    // emit_fp.cpp; false = no inline form (the caller falls back).
    bool emit_fp(const ir::Inst& inst);
    // An FP operand: its GPR, and its XMM shadow if it has one.
    struct FpOperand {
        Xbyak::Reg64 gpr;
        std::optional<Xbyak::Xmm> shadow;
    };
    FpOperand fp_operand(ir::ValueId v);
    void load_fp(const Xbyak::Xmm& x, const FpOperand& o, unsigned bits);
    Xbyak::Xmm fp_source(const FpOperand& o, const Xbyak::Xmm& scratch, unsigned bits);
    void fp_to_xmm(const Xbyak::Xmm& x, const Xbyak::Reg64& r, unsigned bits);
    void fp_from_xmm(const Xbyak::Reg64& r, const Xbyak::Xmm& x, unsigned bits);
    void fp_exponent(const Xbyak::Reg64& t, const Xbyak::Reg64& value, unsigned bits);
    void screen_result(const Xbyak::Reg64& value, const Xbyak::Reg64& t, unsigned bits, bool low_too, Xbyak::Label& out);
    void fp_with_fallbacks(const ir::Inst& inst, std::initializer_list<Xbyak::Reg> args, const Xbyak::Reg64& res,
                           const Xbyak::Xmm& x, const Xbyak::Reg64& t, unsigned result_bits, bool needs_ixc,
                           bool underflows, const std::function<void(Xbyak::Label& checked)>& screen,
                           const std::function<void()>& compute, bool nan_to_reference = false);
    void merge_inexact();
    void emit_fp_arith(const ir::Inst& inst);
    void emit_fp_mul_add(const ir::Inst& inst);
    void emit_fp_max_min(const ir::Inst& inst);
    void emit_fp_compare(const ir::Inst& inst);
    void emit_fp_round_int(const ir::Inst& inst, uint8_t mode, bool exact);
    void emit_fp_convert(const ir::Inst& inst);
    bool emit_fp_to_int(const ir::Inst& inst);
    bool emit_int_to_fp(const ir::Inst& inst);

    // emit_vector.cpp; false = no inline form (the caller falls back).
    // An SSE instruction dst = dst op src (xbyak declares some on Mmx, some on Xmm).
    using LaneInsn = void (*)(Xbyak::CodeGenerator&, const Xbyak::Xmm&, const Xbyak::Operand&);
    template <auto Insn>
    static void sse(Xbyak::CodeGenerator& c, const Xbyak::Xmm& dst, const Xbyak::Operand& src) {
        (c.*Insn)(dst, src);
    }
    bool emit_vector(const ir::Inst& inst);
    std::optional<LaneInsn> lane_insn(ir::Opcode op, unsigned esize) const;
    Xbyak::Address vec_constant(uint64_t lo, uint64_t hi);
    Xbyak::Address splat_constant(uint64_t value, unsigned esize);
    void emit_vec_logic(const ir::Inst& inst);
    void emit_vec_not_variant(const ir::Inst& inst);
    void emit_vec_bsl(const ir::Inst& inst);
    bool emit_vec_lanes(const ir::Inst& inst);
    bool emit_vec_mul8(const ir::Inst& inst);
    bool emit_vec_compare(const ir::Inst& inst);
    void emit_vec_from_u64(const ir::Inst& inst);
    void emit_vec_from_u64x2(const ir::Inst& inst);
    void emit_vec_half(const ir::Inst& inst, bool high);
    bool emit_vec_shift_imm(const ir::Inst& inst);
    void emit_vec_neg(const ir::Inst& inst);
    bool emit_vec_abs(const ir::Inst& inst);
    void emit_vec_dup(const ir::Inst& inst);
    bool emit_vec_sat_add(const ir::Inst& inst);
    void all_ones(const Xbyak::Xmm& x);

    // emit_vector_permute.cpp
    bool emit_vector_permute(const ir::Inst& inst);
    void emit_vec_get_lane(const ir::Inst& inst);
    bool emit_vec_set_lane(const ir::Inst& inst);
    void emit_vec_zip(const ir::Inst& inst);
    void permute_bytes(const Xbyak::Xmm& res, const Xbyak::Xmm& a, const Xbyak::Xmm& b, const uint8_t (&from)[16]);
    void emit_vec_permute_lanes(const ir::Inst& inst);
    void emit_vec_ext(const ir::Inst& inst);
    void emit_vec_rev(const ir::Inst& inst);
    void emit_vec_table_lookup(const ir::Inst& inst);
    bool emit_vec_extend_low(const ir::Inst& inst);
    void emit_vec_cnt(const ir::Inst& inst);
    bool emit_vec_reduce(const ir::Inst& inst);
    bool emit_vec_pairwise(const ir::Inst& inst);
    bool emit_vec_shr_narrow(const ir::Inst& inst);

    // emit_crypto.cpp
    bool emit_crypto(const ir::Inst& inst, ir::ValueId id);
    bool round_feeds_mix_columns(const ir::Inst& round, ir::ValueId id) const;

    // emit_terminal.cpp
    bool may_loop() const;
    void emit_entry_check();
    void count_execution();
    void emit_terminal();
    void emit_exit_stubs();
    void store_pc(uint64_t pc);
    void pad_until_aligned(size_t prefix_bytes, size_t alignment);
    void jump_to_block(uint64_t pc, std::optional<Cond> cond);
    void push_return_address(uint64_t return_address);
    void predict_return();
    void indirect_lookup();

    struct PendingExit {
        uint8_t* field;  // the rel32 of the jump to the block's stub, then to the block
        uint64_t pc;
    };

    Xbyak::CodeGenerator& c_;
    const ir::Block& block_;
    const EmitContext& ctx_;
    BlockProfile* profile_;
    RegAlloc ra_;
    Xbyak::Label exit_request_;
    std::vector<PendingExit> exits_;
    std::vector<LinkSite> sites_;
    std::vector<AccessRecord> accesses_;
    std::optional<FusedFlags> fused_;
    std::optional<ir::ValueId> fused_aes_round_;  // an AESRound that also did the next AESMixColumns
    bool soft_tlb_loaded_ = false;                // abi::kSoftTlb holds this block's table
    std::deque<Xbyak::Label> labels_;
    struct VecConstant {
        uint64_t lo, hi;
        Xbyak::Label label;
    };
    std::deque<VecConstant> constants_;
    std::vector<std::function<void()>> out_of_line_;
    std::vector<SoftTlbMiss> soft_tlb_misses_;
    std::vector<FallbackCall> fallback_calls_;
};

}  // namespace ferry::x64
