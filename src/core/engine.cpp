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
// perf's map of JIT code: one "START SIZE name" line per compiled block.
void write_perf_map_line(const ir::Block& b, const void* code, size_t bytes) {
    static FILE* map = std::fopen(("/tmp/perf-" + std::to_string(getpid()) + ".map").c_str(), "a");
    if (!map) return;
    std::fprintf(map, "%" PRIxPTR " %zx guest_0x%" PRIx64 "\n", reinterpret_cast<uintptr_t>(code), bytes, b.pc);
    std::fflush(map);
}

std::function<void(const ir::Block&, const void*, size_t)> compiled_block_observer(const EngineOptions& o) {
    const bool out_asm = log::enabled(log::OutAsm);
    if (!out_asm && !o.perf_map) return nullptr;
    return [out_asm, perf_map = o.perf_map](const ir::Block& b, const void* code, size_t bytes) {
        if (out_asm) log_host_code(b, code, bytes);
        if (perf_map) write_perf_map_line(b, code, bytes);
    };
}
}  // namespace

struct Engine::Impl {
    a64::FetchFn fetch;
    EngineOptions options;
    x64::Backend backend;
    // IR of translated blocks by (pc, translation flags), kept for the interpreter and lockstep.
    std::map<std::pair<uint64_t, uint64_t>, ir::Block> ir_blocks;
    ir::Block scratch;  // JIT mode: the block being compiled (its storage reused block after block)
    std::vector<interp::StoreRecord> journal;
    // Debugging: options.translate.breakpoints and CpuState::watchpoints point
    // at these while they are non-empty (no cost to a run without a debugger).
    std::unordered_set<uint64_t> breakpoints;
    WatchList watchpoints;

    Impl(a64::FetchFn f, EngineOptions o)
        : fetch(std::move(f)), options(std::move(o)),
          backend(x64::BackendOptions{
              .code_cache_bytes = 64u << 20,
              .chaining = options.chaining && options.mode == ExecMode::Jit,
              .count_indirect_hits = options.count_indirect_hits,
              .inline_guest_memory = options.inline_guest_memory,
              .soft_tlb = options.soft_tlb,
              .on_compiled = compiled_block_observer(options)}) {}
};

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
    snprintf(buf, sizeof buf, " SP=%016" PRIx64 "\nPC=%016" PRIx64 " NZCV=%x\n", s.sp, s.pc, s.nzcv >> 28);
    line += buf;
    log::printf("%s", line.c_str());
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

    // Translates the block at (pc, flags) into b and optimises it.
    auto translate = [&](ir::Block& b, uint64_t pc, uint64_t flags) {
        const auto t0 = std::chrono::steady_clock::now();
        a64::TranslateOptions options = im.options.translate;
        options.el = current_el(s);
        a64::translate_block(b, pc, im.fetch, options);
        b.flags = flags;
        log_translation(b, im.fetch);
        if (im.options.optimize) optimize(b);
        if (log::enabled(log::Op)) log::printf("OP after optimization:\n%s\n", ir::to_string(b).c_str());
        stats_.blocks_translated++;
        stats_.guest_instructions_translated += b.guest_instructions;
        if (im.options.on_translate) im.options.on_translate(b.pc, b.end_pc);
        stats_.translate_seconds += seconds_since(t0);
    };
    auto ir_block = [&](uint64_t pc, uint64_t flags) -> const ir::Block& {
        auto it = im.ir_blocks.find({pc, flags});
        if (it != im.ir_blocks.end()) return it->second;
        ir::Block& b = im.ir_blocks[{pc, flags}];
        translate(b, pc, flags);
        return b;
    };
    auto compile = [&](const ir::Block& b) {
        const auto t0 = std::chrono::steady_clock::now();
        const void* code = im.backend.compile(b);
        stats_.translate_seconds += seconds_since(t0);
        return code;
    };
    auto jit_code = [&](uint64_t pc, uint64_t flags) -> const void* {
        if (const void* code = im.backend.lookup(pc, flags)) return code;
        // Only lockstep runs the IR again; the JIT alone drops it once compiled.
        if (im.options.mode == ExecMode::Lockstep) return compile(ir_block(pc, flags));
        translate(im.scratch, pc, flags);
        return compile(im.scratch);
    };

    const bool user_mode = s.system == nullptr;
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
            const void* code = jit_code(pc, flags);
            run_guarded(user_mode, [&] { im.backend.run(s, code); });
            break;
        }
        case ExecMode::Interpreter: {
            const ir::Block& b = ir_block(pc, flags);
            stats_.instructions_stepped += b.guest_instructions;
            run_guarded(user_mode, [&] { interp::run_block(b, s); });
            break;
        }
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
    return s.exit_reason;
}

uint64_t Engine::guest_pc_for_fault(uintptr_t host_pc) const {
    uint64_t pc;
    if (impl_->backend.guest_pc_for_host_pc(host_pc, pc)) return pc;
    return state_.fault_pc;
}

std::string Engine::stats_report() const {
    const x64::BackendStats& b = impl_->backend.stats();
    auto im_counts_hits = [&] { return impl_->options.count_indirect_hits; };
    char buf[1024];
    const double guest = static_cast<double>(b.guest_instructions_compiled ? b.guest_instructions_compiled : 1);
    snprintf(buf, sizeof buf,
             "ferry stats:\n"
             "  blocks translated       %" PRIu64 " (%.1f guest instructions each)\n"
             "  time translating        %.3f s of %.3f s running (%.1f%%)\n"
             "  host bytes per guest insn %.1f\n"
             "  dispatcher entries      %" PRIu64 " (block exits looked up by the run loop)\n"
             "  chained links           %" PRIu64 " (direct jumps patched block to block)\n"
             "  indirect branches       %" PRIu64 " hits, %" PRIu64 " misses in the inline table%s\n"
             "  code cache flushes      %" PRIu64 "\n",
             stats_.blocks_translated,
             stats_.blocks_translated ? double(stats_.guest_instructions_translated) / double(stats_.blocks_translated) : 0.0,
             stats_.translate_seconds, stats_.run_seconds,
             stats_.run_seconds > 0 ? 100.0 * stats_.translate_seconds / stats_.run_seconds : 0.0,
             double(b.host_bytes) / guest, stats_.dispatches, b.chained_links, b.indirect_hits, b.indirect_misses,
             im_counts_hits() ? "" : " (hits not counted)", b.cache_flushes);
    std::string report = buf;
    if (impl_->options.soft_tlb && im_counts_hits()) {
        const uint64_t lookups = b.soft_tlb_hits + b.soft_tlb_misses;
        snprintf(buf, sizeof buf,
                 "  softmmu TLB (inline)    %" PRIu64 " hits, %" PRIu64 " slow paths (%.2f%% hits; slow = miss, MMIO, "
                 "page crossing, code page)\n",
                 b.soft_tlb_hits, b.soft_tlb_misses, lookups ? 100.0 * double(b.soft_tlb_hits) / double(lookups) : 0.0);
        report += buf;
    }
    return report;
}

}  // namespace ferry
