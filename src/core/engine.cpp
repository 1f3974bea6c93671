#include "core/engine.h"

#include <setjmp.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <map>
#include <unordered_set>
#include <vector>

#include "backend/interp/interpreter.h"
#include "backend/x64/x64_backend.h"
#include "common/log.h"
#include "core/fault.h"
#include "core/guest_memory.h"
#include "core/system_hooks.h"
#include "ir/passes/passes.h"
#include "ir/semantics.h"

namespace ferry {

void optimize(ir::Block& block) {
    ir::passes::get_set_elimination(block);
    ir::passes::constant_folding(block);
    ir::passes::simplify(block);
    ir::passes::constant_folding(block);  // the identities simplify exposed (x | 0 once 0 | x)
    ir::passes::flag_fusion(block);
    ir::passes::dead_flag_elimination(block);
    ir::passes::dead_code_elimination(block);
}

namespace {
// The engine whose guest is running on this thread, for raise_guest_fault.
thread_local sigjmp_buf* active_fault_target = nullptr;

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Adds the duration of its scope to `seconds` when `enabled` (--stats): the
// clock reads cost 1% of a boot translating block after block.
class StatsTimer {
public:
    StatsTimer(bool enabled, double& seconds) : seconds_(enabled ? &seconds : nullptr) {
        if (enabled) t0_ = std::chrono::steady_clock::now();
    }
    ~StatsTimer() {
        if (seconds_) *seconds_ += seconds_since(t0_);
    }
    StatsTimer(const StatsTimer&) = delete;
    StatsTimer& operator=(const StatsTimer&) = delete;

private:
    double* seconds_;
    std::chrono::steady_clock::time_point t0_;
};
}  // namespace

void raise_guest_fault(CpuState& s, ExitReason reason, uint64_t address, uint64_t pc) {
    s.exit_reason = reason;
    s.fault_address = address;
    s.pc = pc;
    if (!active_fault_target) {
        std::fprintf(stderr, "ferry: internal error: guest fault at pc 0x%" PRIx64 " outside guest execution\n", pc);
        std::_Exit(70);
    }
    siglongjmp(*active_fault_target, 1);
}

void log_host_code(const ir::Block& b, const void* code, size_t bytes) {
    log::printf("OUT: [guest 0x%" PRIx64 ", %zu host bytes]\n%s\n", b.pc, bytes, log::disassemble_x64(code, bytes).c_str());
}

namespace {
// perf's map of JIT code: one "START SIZE name" line per compiled block,
// named by the guest symbol when the program's ELF has one.
void write_perf_map_line(const ir::Block& b, const void* code, size_t bytes, const SymbolTable& symbols) {
    static FILE* map = std::fopen(("/tmp/perf-" + std::to_string(getpid()) + ".map").c_str(), "a");
    if (!map) return;
    const std::string symbol = symbols.lookup(b.pc);
    std::fprintf(map, "%" PRIxPTR " %zx %s%sguest_0x%" PRIx64 "%s\n", reinterpret_cast<uintptr_t>(code), bytes,
                 symbol.c_str(), symbol.empty() ? "" : " (", b.pc, symbol.empty() ? "" : ")");
    std::fflush(map);
}

// symbols: Engine::set_symbols's table, filled in later.
std::function<void(const ir::Block&, const void*, size_t)> compiled_block_observer(const EngineOptions& o,
                                                                                   const SymbolTable* symbols) {
    const bool out_asm = log::enabled(log::OutAsm);
    if (!out_asm && !o.perf_map) return nullptr;
    return [out_asm, perf_map = o.perf_map, symbols](const ir::Block& b, const void* code, size_t bytes) {
        if (out_asm) log_host_code(b, code, bytes);
        if (perf_map) write_perf_map_line(b, code, bytes, *symbols);
    };
}

// The blocks that ran once (interpret_first_run), by a hash of (pc, flags):
// a flat table, since a lookup follows every dispatch to a new block. Being
// wrong is harmless: a collision compiles a block at its first run, and the
// table forgets everything when half full (long runs with many ASIDs), which
// only has blocks interpreted once more.
class RanOnceSet {
public:
    // True if the block had not run yet (and now has).
    bool first_run(uint64_t pc, uint64_t flags) {
        const uint64_t key = (pc ^ flags * 0xC2B2AE3D27D4EB4Full) | 1;  // 0 marks a free slot
        size_t i = (key * 0x9E3779B97F4A7C15ull) >> (64 - kSlotBits);
        for (; slots_[i] != 0; i = (i + 1) & (kSlots - 1))
            if (slots_[i] == key) return false;
        if (2 * ++count_ > kSlots) {
            std::fill(slots_.begin(), slots_.end(), 0);
            count_ = 0;
        }
        slots_[i] = key;
        return true;
    }

private:
    static constexpr unsigned kSlotBits = 18;
    static constexpr size_t kSlots = size_t{1} << kSlotBits;
    std::vector<uint64_t> slots_ = std::vector<uint64_t>(kSlots);
    size_t count_ = 0;
};
}  // namespace

struct Engine::Impl {
    a64::FetchFn fetch;
    EngineOptions options;
    x64::Backend backend;
    // IR of translated blocks by (pc, translation flags), kept for the interpreter and lockstep.
    std::map<std::pair<uint64_t, uint64_t>, ir::Block> ir_blocks;
    ir::Block scratch;  // JIT mode: the block being compiled (its storage reused block after block)
    RanOnceSet ran_once;  // interpret_first_run
    std::vector<interp::StoreRecord> journal;
    // Debugging: options.translate.breakpoints and CpuState::watchpoints point
    // at these while they are non-empty (no cost to a run without a debugger).
    std::unordered_set<uint64_t> breakpoints;
    WatchList watchpoints;

    // --stats (see core/profile.h).
    std::unique_ptr<Profiler> profiler;
    std::deque<BlockProfile> profiles;
    std::map<std::pair<uint64_t, uint64_t>, BlockProfile*> current_profiles;  // the latest translation of each (pc, flags)
    SymbolTable symbols;

    void new_profile(const ir::Block& b);
    BlockProfile* profile_of(const ir::Block& b) const;
    void count_interpreted(const ir::Block& b, CpuState& s) const;
    void account_exit(const CpuState& s, EngineStats& stats) const;
    void classify_samples();

    Impl(a64::FetchFn f, EngineOptions o)
        : fetch(std::move(f)), options(std::move(o)),
          backend(x64::BackendOptions{
              .code_cache_bytes = 64u << 20,
              .chaining = options.chaining && options.mode == ExecMode::Jit,
              .count_indirect_hits = options.count_indirect_hits,
              .inline_guest_memory = options.inline_guest_memory,
              .soft_tlb = options.soft_tlb,
              .on_compiled = compiled_block_observer(options, &symbols)}),
          profiler(options.count_indirect_hits ? std::make_unique<Profiler>() : nullptr) {}
};

void Engine::Impl::new_profile(const ir::Block& b) {
    BlockProfile& p = profiles.emplace_back();
    p.pc = b.pc;
    p.flags = b.flags;
    p.instructions = b.guest_instructions;
    current_profiles[{b.pc, b.flags}] = &p;
}

BlockProfile* Engine::Impl::profile_of(const ir::Block& b) const {
    auto it = current_profiles.find({b.pc, b.flags});
    return it == current_profiles.end() ? nullptr : it->second;
}

// What a JIT block's entry does (count_execution in emit_terminal.cpp), for the interpreter.
void Engine::Impl::count_interpreted(const ir::Block& b, CpuState& s) const {
    BlockProfile* p = profile_of(b);
    if (!p) return;
    ++p->executions;
    s.current_block = p;
}

namespace {
// Exits whose state.pc is an instruction that did not complete.
bool stops_before_pc(ExitReason reason) {
    switch (reason) {
    case ExitReason::Undefined:
    case ExitReason::Breakpoint:
    case ExitReason::DataAbort:
    case ExitReason::InstructionAbort:
    case ExitReason::Alignment:
    case ExitReason::ExitRequest:
    case ExitReason::DebugBreakpoint:
    case ExitReason::Watchpoint: return true;
    default: return false;
    }
}
}  // namespace

// Counts how a run of guest code ended; a block left early counts only the instructions before state.pc.
void Engine::Impl::account_exit(const CpuState& s, EngineStats& stats) const {
    stats.exits[static_cast<size_t>(s.exit_reason)]++;
    const auto* p = static_cast<const BlockProfile*>(s.current_block);
    if (!p || !stops_before_pc(s.exit_reason) || s.pc < p->pc || s.pc >= p->pc + 4ull * p->instructions) return;
    stats.instructions_not_completed += p->instructions - (s.pc - p->pc) / 4;
}

// Charges the samples taken so far to the blocks whose code they hit; must
// run before a flush lets new code reuse the addresses.
void Engine::Impl::classify_samples() {
    if (!profiler) return;
    // The rest (helpers, devices, run loop) is what the blocks do not account for.
    profiler->drain([this](uintptr_t host_pc) {
        if (BlockProfile* p = backend.profile_for_host_pc(host_pc)) ++p->samples;
    });
}

namespace {
// Samples are recorded (or not) until the end of the scope: only while
// running guest code, not while translating (which the clock times).
class ProfileRecording {
public:
    ProfileRecording(Profiler* profiler, bool on) : profiler_(profiler), outer_(profiler && profiler->recording()) {
        if (profiler_) profiler_->set_recording(on);
    }
    ~ProfileRecording() {
        if (profiler_) profiler_->set_recording(outer_);
    }
    ProfileRecording(const ProfileRecording&) = delete;
    ProfileRecording& operator=(const ProfileRecording&) = delete;

private:
    Profiler* profiler_;
    bool outer_;
};
}  // namespace

Engine::Engine(CpuState& state, a64::FetchFn fetch, EngineOptions options)
    : state_(state), impl_(std::make_unique<Impl>(std::move(fetch), std::move(options))) {}

Engine::~Engine() = default;

namespace {

// Runs fn; returns false if the guest faulted inside (state already says how).
// User-mode faults arrive in a SIGSEGV handler, whose signal mask the jump
// must undo; system-mode faults are raised by plain calls, and saving the
// mask would cost a system call per block dispatch.
template <typename Fn>
bool run_guarded(bool from_signal_handlers, Fn&& fn) {
    sigjmp_buf here;
    sigjmp_buf* outer = active_fault_target;
    if (sigsetjmp(here, from_signal_handlers ? 1 : 0)) {
        active_fault_target = outer;
        return false;
    }
    active_fault_target = &here;
    fn();
    active_fault_target = outer;
    return true;
}

void log_translation(const ir::Block& b, const a64::FetchFn& fetch) {
    if (log::enabled(log::InAsm)) {
        std::vector<uint32_t> words(b.guest_instructions);
        for (uint32_t i = 0; i < b.guest_instructions; ++i) fetch(b.pc + 4 * i, words[i]);
        log::printf("IN:\n%s\n", log::disassemble_a64(b.pc, words.data(), words.size()).c_str());
    }
    if (log::enabled(log::Op)) log::printf("OP:\n%s\n", ir::to_string(b).c_str());
}

void log_dispatch(const CpuState& s) {
    if (log::enabled(log::Exec)) log::printf("Trace: pc=0x%016" PRIx64 "\n", s.pc);
    if (!log::enabled(log::Cpu)) return;
    std::string line;
    char buf[64];
    for (unsigned r = 0; r < 31; ++r) {
        snprintf(buf, sizeof buf, "X%02u=%016" PRIx64 "%s", r, s.x[r], r % 4 == 3 ? "\n" : " ");
        line += buf;
    }
    snprintf(buf, sizeof buf, " SP=%016" PRIx64 "\nPC=%016" PRIx64 " NZCV=%x", s.sp, s.pc, s.nzcv >> 28);
    line += buf;
    if (s.system) {  // QEMU's PSTATE line: the EL, which stack pointer (t: SP_EL0, h: SP_ELx), DAIF
        snprintf(buf, sizeof buf, " PSTATE=%08x EL%u%c DAIF=%x", s.nzcv | s.pstate, current_el(s),
                 (s.pstate & pstate::SPSel) ? 'h' : 't', (s.pstate & pstate::DAIF) >> 6);
        line += buf;
    }
    log::printf("%s\n", line.c_str());
}

std::string describe_divergence(const CpuState& want, const CpuState& got) {
    char buf[200];
    for (unsigned r = 0; r < 31; ++r)
        if (want.x[r] != got.x[r]) {
            snprintf(buf, sizeof buf, "x%u: interpreter 0x%016" PRIx64 ", jit 0x%016" PRIx64, r, want.x[r], got.x[r]);
            return buf;
        }
    auto field = [&](const char* name, uint64_t a, uint64_t b) -> std::string {
        if (a == b) return {};
        snprintf(buf, sizeof buf, "%s: interpreter 0x%" PRIx64 ", jit 0x%" PRIx64, name, a, b);
        return buf;
    };
    for (const std::string& d :
         {field("sp", want.sp, got.sp), field("pc", want.pc, got.pc), field("nzcv", want.nzcv, got.nzcv),
          field("fpcr", want.fpcr, got.fpcr), field("fpsr", want.fpsr, got.fpsr),
          field("tpidr_el0", want.tpidr_el0, got.tpidr_el0),
          field("exit_reason", static_cast<uint64_t>(want.exit_reason), static_cast<uint64_t>(got.exit_reason)),
          field("exit_info", want.exit_info, got.exit_info),
          field("fault_address", want.fault_address, got.fault_address),
          field("exclusive_size", want.exclusive_size, got.exclusive_size)})
        if (!d.empty()) return d;
    for (unsigned r = 0; r < 32; ++r)
        if (!(want.v[r] == got.v[r])) {
            snprintf(buf, sizeof buf, "v%u: interpreter 0x%016" PRIx64 "%016" PRIx64 ", jit 0x%016" PRIx64 "%016" PRIx64, r,
                     want.v[r].hi, want.v[r].lo, got.v[r].hi, got.v[r].lo);
            return buf;
        }
    return {};
}

}  // namespace

ExitReason Engine::run() {
    Impl& im = *impl_;
    CpuState& s = state_;
    s.exit_reason = ExitReason::None;

    const bool user_mode = s.system == nullptr;
    // Translates the block at (pc, flags) into b and optimises it unless told not to.
    auto translate = [&](ir::Block& b, uint64_t pc, uint64_t flags, bool optimized = true) {
        const ProfileRecording translating(im.profiler.get(), false);
        const StatsTimer timing(im.profiler != nullptr, stats_.translate_seconds);
        a64::TranslateOptions options = im.options.translate;
        options.el = current_el(s);
        a64::translate_block(b, pc, im.fetch, options);
        b.flags = flags;
        log_translation(b, im.fetch);
        if (optimized && im.options.optimize) optimize(b);
        if (optimized && log::enabled(log::Op)) log::printf("OP after optimization:\n%s\n", ir::to_string(b).c_str());
        stats_.blocks_translated++;
        stats_.guest_instructions_translated += b.guest_instructions;
        if (im.options.on_translate) im.options.on_translate(b.pc, b.end_pc);
        if (im.profiler) im.new_profile(b);
    };
    auto ir_block = [&](uint64_t pc, uint64_t flags) -> const ir::Block& {
        auto it = im.ir_blocks.find({pc, flags});
        if (it != im.ir_blocks.end()) return it->second;
        ir::Block& b = im.ir_blocks[{pc, flags}];
        translate(b, pc, flags);
        return b;
    };
    auto compile = [&](const ir::Block& b) {
        im.classify_samples();  // compiling may flush the cache
        const ProfileRecording translating(im.profiler.get(), false);
        const StatsTimer timing(im.profiler != nullptr, stats_.translate_seconds);
        return im.backend.compile(b, im.profile_of(b));
    };
    auto interpret = [&](const ir::Block& b) {
        stats_.instructions_stepped += b.guest_instructions;
        im.count_interpreted(b, s);
        run_guarded(user_mode, [&] { interp::run_block(b, s); });
    };
    // Compiled code for (pc, flags); null if the block ran in the interpreter
    // instead: with interpret_first_run a block's first run interprets its
    // unoptimised IR, the cheapest way to run a block that never comes back,
    // and its second translates it again and compiles it.
    auto jit_code = [&](uint64_t pc, uint64_t flags) -> const void* {
        if (const void* code = im.backend.lookup(pc, flags)) return code;
        // Only lockstep runs the IR again; the JIT alone drops it once compiled.
        if (im.options.mode == ExecMode::Lockstep) return compile(ir_block(pc, flags));
        if (im.options.interpret_first_run && im.ran_once.first_run(pc, flags)) {
            translate(im.scratch, pc, flags, false);
            interpret(im.scratch);
            return nullptr;
        }
        translate(im.scratch, pc, flags);
        return compile(im.scratch);
    };

    if (im.profiler) im.profiler->start();
    const ProfileRecording running(im.profiler.get(), true);
    const auto t0 = std::chrono::steady_clock::now();
    while (s.exit_reason == ExitReason::None) {
        if (s.exit_request || (im.options.dispatch_limit && stats_.dispatches >= im.options.dispatch_limit)) {
            s.exit_reason = ExitReason::ExitRequest;
            break;
        }
        stats_.dispatches++;
        const uint64_t pc = s.pc;
        const uint64_t flags = im.options.translation_flags ? im.options.translation_flags(s) : 0;
        log_dispatch(s);
        switch (im.options.mode) {
        case ExecMode::Jit: {
            if (const void* code = jit_code(pc, flags)) run_guarded(user_mode, [&] { im.backend.run(s, code); });
            break;
        }
        case ExecMode::Interpreter: interpret(ir_block(pc, flags)); break;
        case ExecMode::Lockstep: {
            const ir::Block& b = ir_block(pc, flags);
            const void* code = jit_code(pc, flags);
            stats_.instructions_stepped += b.guest_instructions;
            s.frozen_counter = ir::generic_timer_count();  // both runs see the same time
            const CpuState before = s;
            im.journal.clear();
            run_guarded(user_mode, [&] { interp::run_block(b, s, &im.journal); });
            const CpuState want = s;
            // What the interpreter wrote, then undo it so the JIT starts from the same memory.
            std::vector<std::array<uint8_t, 64>> written(im.journal.size());
            for (size_t i = 0; i < im.journal.size(); ++i)
                std::memcpy(written[i].data(), guest_host_ptr(s, im.journal[i].addr), im.journal[i].size);
            for (size_t i = im.journal.size(); i-- > 0;)
                std::memcpy(guest_host_ptr(s, im.journal[i].addr), im.journal[i].old_bytes.data(), im.journal[i].size);
            s = before;
            run_guarded(user_mode, [&] { im.backend.run(s, code); });
            s.frozen_counter = 0;
            std::string diff = describe_divergence(want, s);
            for (size_t i = 0; diff.empty() && i < im.journal.size(); ++i)
                if (std::memcmp(written[i].data(), guest_host_ptr(s, im.journal[i].addr), im.journal[i].size) != 0) {
                    char buf[120];
                    snprintf(buf, sizeof buf, "memory at 0x%" PRIx64 " (%u bytes) differs", im.journal[i].addr,
                             im.journal[i].size);
                    diff = buf;
                }
            if (!diff.empty()) {
                uint32_t word = 0;
                im.fetch(pc, word);
                char head[120];
                snprintf(head, sizeof head, "lockstep divergence in block 0x%" PRIx64 " (first insn 0x%08x): ", pc, word);
                if (im.options.on_divergence) im.options.on_divergence(head + diff);
                s.exit_reason = ExitReason::Undefined;
                s.exit_info = word;
            }
            break;
        }
        }
        if (im.profiler) im.account_exit(s, stats_);
    }
    stats_.run_seconds += seconds_since(t0);
    return s.exit_reason;
}

void Engine::invalidate(uint64_t lo, uint64_t hi) {
    // Blocks never cross a page, so only those starting within a page before lo can overlap.
    // One starting in the range overlaps it even if empty (a fetch fault at its first instruction).
    auto it = impl_->ir_blocks.lower_bound({lo > 0x1000 ? lo - 0x1000 : 0, 0});
    while (it != impl_->ir_blocks.end() && it->first.first < hi) {
        if (it->second.end_pc > lo || it->first.first >= lo)
            it = impl_->ir_blocks.erase(it);
        else
            ++it;
    }
    impl_->backend.invalidate(lo, hi);
}

void Engine::invalidate_if(const std::function<bool(uint64_t pc, uint64_t flags)>& doomed) {
    std::erase_if(impl_->ir_blocks, [&](const auto& entry) { return doomed(entry.first.first, entry.first.second); });
    impl_->backend.invalidate_if(doomed);
}

void Engine::invalidate_all() {
    impl_->classify_samples();  // before the flush reuses code addresses
    impl_->ir_blocks.clear();
    impl_->backend.flush();
}

// ---- Debugging (core/debug.h) ----

void Engine::insert_breakpoint(uint64_t va) {
    impl_->breakpoints.insert(va);
    impl_->options.translate.breakpoints = &impl_->breakpoints;
    invalidate(va, va + 4);
}

void Engine::remove_breakpoint(uint64_t va) {
    if (impl_->breakpoints.erase(va) == 0) return;
    if (impl_->breakpoints.empty()) impl_->options.translate.breakpoints = nullptr;
    invalidate(va, va + 4);
}

void Engine::insert_watchpoint(const Watchpoint& w) {
    Impl& im = *impl_;
    im.watchpoints.points.push_back(w);
    if (im.watchpoints.points.size() > 1) return;
    // Inline accesses would go past the check: the JIT calls the reference semantics instead.
    state_.watchpoints = &im.watchpoints;
    im.backend.set_inline_memory(false, false);
}

bool Engine::remove_watchpoint(const Watchpoint& w) {
    Impl& im = *impl_;
    auto& points = im.watchpoints.points;
    const auto it = std::find(points.begin(), points.end(), w);
    if (it == points.end()) return false;
    points.erase(it);
    if (points.empty()) {
        state_.watchpoints = nullptr;
        im.backend.set_inline_memory(im.options.inline_guest_memory, im.options.soft_tlb);
    }
    return true;
}

void Engine::remove_all_debug_points() {
    while (!impl_->breakpoints.empty()) remove_breakpoint(*impl_->breakpoints.begin());
    while (!impl_->watchpoints.points.empty()) remove_watchpoint(impl_->watchpoints.points.back());
}

ExitReason Engine::step() {
    Impl& im = *impl_;
    CpuState& s = state_;
    s.exit_reason = ExitReason::None;
    // A block of its own, not cached: the instruction runs even with a breakpoint on it.
    a64::TranslateOptions options = im.options.translate;
    options.single_step = true;
    options.breakpoints = nullptr;
    options.el = current_el(s);
    ir::Block block;
    a64::translate_block(block, s.pc, im.fetch, options);
    if (im.options.optimize) optimize(block);
    stats_.dispatches++;
    stats_.instructions_stepped += block.guest_instructions;
    run_guarded(s.system == nullptr, [&] { interp::run_block(block, s); });
    if (!stops_before_pc(s.exit_reason)) stats_.instructions_single_stepped += block.guest_instructions;
    return s.exit_reason;
}

uint64_t Engine::guest_pc_for_fault(uintptr_t host_pc) const {
    uint64_t pc;
    if (impl_->backend.guest_pc_for_host_pc(host_pc, pc)) return pc;
    return state_.fault_pc;
}

namespace {

const char* exit_reason_name(ExitReason reason) {
    switch (reason) {
    case ExitReason::None: return "dispatcher";
    case ExitReason::Syscall: return "syscall";
    case ExitReason::Undefined: return "undefined";
    case ExitReason::Breakpoint: return "brk";
    case ExitReason::Halt: return "hlt";
    case ExitReason::DataAbort: return "data abort";
    case ExitReason::InstructionAbort: return "instruction abort";
    case ExitReason::Alignment: return "alignment";
    case ExitReason::ExitRequest: return "exit request";
    case ExitReason::CodeModified: return "code modified";
    case ExitReason::HypervisorCall: return "hvc";
    case ExitReason::SecureMonitorCall: return "smc";
    case ExitReason::WaitForInterrupt: return "wfi";
    case ExitReason::ExceptionReturn: return "eret";
    case ExitReason::WaitForEvent: return "wfe";
    case ExitReason::SendEvent: return "sev";
    case ExitReason::DebugBreakpoint: return "debugger breakpoint";
    case ExitReason::Watchpoint: return "watchpoint";
    }
    return "?";
}

double percent(double part, double whole) { return whole > 0 ? 100.0 * part / whole : 0.0; }

// Appends one printf-formatted line to out.
template <typename... Args>
void append(std::string& out, const char* format, Args... args) {
    char line[512];
    snprintf(line, sizeof line, format, args...);
    out += line;
}

}  // namespace

void Engine::set_symbols(SymbolTable symbols) { impl_->symbols = std::move(symbols); }

const std::deque<BlockProfile>& Engine::block_profiles() const { return impl_->profiles; }

uint64_t Engine::guest_instructions_executed() const {
    uint64_t total = 0;
    for (const BlockProfile& p : impl_->profiles) total += p.executions * p.instructions;
    return total + stats_.instructions_single_stepped - stats_.instructions_not_completed;
}

std::string Engine::stats_report() const {
    Impl& im = *impl_;
    im.classify_samples();
    const x64::BackendStats& b = im.backend.stats();
    std::string out = "ferry stats:\n";
    if (!im.profiler) return out + "  (counts need --stats from the start)\n";

    append(out, "  guest instructions executed  %" PRIu64 "\n", guest_instructions_executed());
    append(out, "  blocks translated            %" PRIu64 " (%.1f instructions each), %.1f host bytes per guest instruction, %" PRIu64 " code cache flushes\n",
           stats_.blocks_translated, stats_.blocks_translated ? double(stats_.guest_instructions_translated) / double(stats_.blocks_translated) : 0.0,
           b.guest_instructions_compiled ? double(b.host_bytes) / double(b.guest_instructions_compiled) : 0.0, b.cache_flushes);

    // Time inside run(): translating is timed by the clock, samples split the rest.
    uint64_t block_samples = 0, executions = 0;
    for (const BlockProfile& p : im.profiles) {
        block_samples += p.samples;
        executions += p.executions;
    }
    const double total = stats_.run_seconds, rest = std::max(0.0, total - stats_.translate_seconds);
    const uint64_t samples = im.profiler->samples_drained();
    const double in_code = samples ? rest * double(block_samples) / double(samples) : 0.0;
    append(out, "  time                         translating %.3f s (%.1f%%), translated code %.3f s (%.1f%%), helpers/devices/run loop %.3f s (%.1f%%)  [from %" PRIu64 " samples, %" PRIu64 " dropped]\n",
           stats_.translate_seconds, percent(stats_.translate_seconds, total), in_code, percent(in_code, total),
           rest - in_code, percent(rest - in_code, total), samples, im.profiler->samples_dropped());

    // Every block execution ends in exactly one exit: to the dispatcher, through the indirect table, or chained.
    const uint64_t dispatched = stats_.dispatches, indirect = b.indirect_hits;
    const uint64_t chained = executions > dispatched + indirect ? executions - dispatched - indirect : 0;
    append(out, "  block exits                  chained %" PRIu64 ", indirect-table %" PRIu64 " (hit rate %.1f%%), dispatcher %" PRIu64 "\n",
           chained, indirect, percent(double(indirect), double(indirect + b.indirect_misses)), dispatched);
    if (im.options.soft_tlb)
        append(out, "  softmmu TLB                  %" PRIu64 " hits, %" PRIu64 " slow paths (hit rate %.2f%%; slow = miss, MMIO, page crossing, code page)\n",
               b.soft_tlb_hits, b.soft_tlb_misses, percent(double(b.soft_tlb_hits), double(b.soft_tlb_hits + b.soft_tlb_misses)));

    std::string causes;
    for (size_t r = 0; r < stats_.exits.size(); ++r)
        if (stats_.exits[r]) append(causes, "%s%s %" PRIu64, causes.empty() ? "" : ", ", exit_reason_name(static_cast<ExitReason>(r)), stats_.exits[r]);
    append(out, "  exits by cause               %s\n", causes.empty() ? "none" : causes.c_str());
    out += hottest_blocks_report(20);
    return out;
}

std::string Engine::hottest_blocks_report(size_t count) const {
    const Impl& im = *impl_;
    // One row per guest pc, whatever the number of translations (flushes, flags).
    std::map<uint64_t, BlockProfile> by_pc;
    for (const BlockProfile& p : im.profiles) {
        if (!p.executions) continue;
        BlockProfile& row = by_pc.try_emplace(p.pc, BlockProfile{.pc = p.pc, .instructions = p.instructions}).first->second;
        row.executions += p.executions;
        row.samples += p.samples;
    }
    // By time (samples), then by instructions run, for programs too short to sample.
    std::vector<const BlockProfile*> hot;
    for (const auto& [pc, row] : by_pc) hot.push_back(&row);
    auto weight = [](const BlockProfile* p) { return std::pair(p->samples, p->executions * p->instructions); };
    const size_t shown = std::min(count, hot.size());
    std::partial_sort(hot.begin(), hot.begin() + static_cast<ptrdiff_t>(shown), hot.end(),
                      [&](const BlockProfile* a, const BlockProfile* b) { return weight(a) > weight(b); });
    // A block's share of the time inside run(): its share of the samples, of the time not translating.
    const double not_translating = stats_.run_seconds > 0 ? std::max(0.0, 1.0 - stats_.translate_seconds / stats_.run_seconds) : 0.0;
    const double samples = double(im.profiler->samples_drained());
    std::string out = "  hottest blocks (by time):\n"
                      "     #  guest pc            symbol                              executions   time%  insns\n";
    for (size_t i = 0; i < shown; ++i) {
        const BlockProfile& p = *hot[i];
        std::string symbol = im.symbols.lookup(p.pc);
        if (symbol.empty()) symbol = "-";
        append(out, "    %2zu  0x%016" PRIx64 "  %-32.32s  %12" PRIu64 "  %5.1f%%  %5u\n", i + 1, p.pc, symbol.c_str(),
               p.executions, percent(double(p.samples) * not_translating, samples), p.instructions);
    }
    return out;
}

}  // namespace ferry
