// The run loop: find or translate the block at pc, run it (JIT by default,
// interpreter on request, or both in lockstep), until something needs the
// embedder (a system call, a fault, UNDEF, an exit request).
#pragma once
#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "common/symbols.h"
#include "core/cpu_state.h"
#include "core/debug.h"
#include "core/profile.h"
#include "frontend/a64/translator.h"

namespace ferry {

enum class ExecMode { Jit, Interpreter, Lockstep };

struct EngineOptions {
    ExecMode mode = ExecMode::Jit;
    bool chaining = true;
    bool optimize = true;
    bool count_indirect_hits = false;  // --stats: also block execution counts, exits by cause, the profiler
    bool inline_guest_memory = true;   // user mode's flat guest memory; false in system mode
    bool soft_tlb = false;             // system mode: the softmmu TLB looked up inline (core/soft_tlb.h)
    // JIT mode: a block's first run is interpreted and it is compiled when it
    // runs again (system mode: a Linux boot runs 40% of its blocks only once).
    bool interpret_first_run = false;
    bool perf_map = false;  // --perf-map: name each compiled block in /tmp/perf-PID.map for perf
    a64::TranslateOptions translate;
    // Called once per newly translated guest range [pc, end) (user mode
    // write-protects the page to catch self-modifying code).
    std::function<void(uint64_t pc, uint64_t end)> on_translate;
    // Stop with ExitReason::ExitRequest after this many dispatches (0: never); the fuzzer's bound on loops.
    uint64_t dispatch_limit = 0;
    // Lockstep divergence: called with a one-line description; run() then returns ExitReason::Undefined.
    std::function<void(const std::string&)> on_divergence;
    // System mode: the state a block's translation depends on beyond its pc
    // (EL, MMU on, ASID...). Blocks are kept and looked up by (pc, flags);
    // translate.el follows PSTATE.EL. Null (user mode): flags are 0.
    std::function<uint64_t(const CpuState&)> translation_flags;
};

struct EngineStats {
    uint64_t blocks_translated = 0;
    uint64_t guest_instructions_translated = 0;
    uint64_t dispatches = 0;
    uint64_t instructions_stepped = 0;  // guest instructions run block by block (interpreter, lockstep)
    double translate_seconds = 0;  // with count_indirect_hits (--stats) only
    double run_seconds = 0;
    // --stats only:
    // Instructions of entered blocks that did not run: the block left early at
    // an instruction that did not complete (a fault, UNDEF, BRK, exit request).
    uint64_t instructions_not_completed = 0;
    uint64_t instructions_single_stepped = 0;  // completed by Engine::step (a debugger's stepi)
    // How runs of guest code ended, by ExitReason (None: back to the dispatcher with nothing to report).
    std::array<uint64_t, 32> exits{};
};
static_assert(static_cast<size_t>(ExitReason::Watchpoint) < std::tuple_size_v<decltype(EngineStats::exits)>);

class Engine {
public:
    Engine(CpuState& state, a64::FetchFn fetch, EngineOptions options);
    ~Engine();

    // Runs until a block sets state.exit_reason; returns it (state.pc is the
    // pc to resume at, or the faulting instruction).
    ExitReason run();

    // Self-modifying code: forget every block overlapping guest [lo, hi).
    void invalidate(uint64_t lo, uint64_t hi);
    // Forget every translated block (system mode: a mapping changed).
    void invalidate_all();
    // Forget the blocks whose (pc, translation flags) `doomed` picks
    // (system mode: the mappings of one ASID changed).
    void invalidate_if(const std::function<bool(uint64_t pc, uint64_t flags)>& doomed);

    // Debugging (core/debug.h). Inserting or removing a breakpoint drops the
    // translated code around it; the first watchpoint switches translated
    // code to out-of-line memory accesses and the last one switches it back.
    void insert_breakpoint(uint64_t va);
    void remove_breakpoint(uint64_t va);
    void insert_watchpoint(const Watchpoint& w);
    // false if no such watchpoint was inserted.
    bool remove_watchpoint(const Watchpoint& w);
    void remove_all_debug_points();
    // Runs exactly the one guest instruction at state.pc, ignoring any
    // breakpoint there (a debugger stepping off it), and returns how it left:
    // ExitReason::None if it simply completed (state.pc is the next one).
    ExitReason step();

    // The host signal handler asks: which guest instruction made the access
    // at host_pc (inside JIT code)? Falls back to state.fault_pc.
    uint64_t guest_pc_for_fault(uintptr_t host_pc) const;

    CpuState& state() { return state_; }
    const EngineStats& stats() const { return stats_; }
    std::string stats_report() const;
    // --stats and --perf-map name guest addresses with these symbols.
    void set_symbols(SymbolTable symbols);
    // --stats: every block translation and its counts, in translation order.
    const std::deque<BlockProfile>& block_profiles() const;
    // --stats: guest instructions run to completion.
    uint64_t guest_instructions_executed() const;

private:
    // --stats: the `count` blocks that took most time, one line each.
    std::string hottest_blocks_report(size_t count) const;

    struct Impl;
    CpuState& state_;
    EngineStats stats_;
    std::unique_ptr<Impl> impl_;
};

// Runs the IR passes in order (get/set elimination, constant folding, dead
// flag elimination, dead code elimination).
void optimize(ir::Block& block);

}  // namespace ferry
