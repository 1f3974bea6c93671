// The x86-64 JIT: compiles optimised IR blocks into a code cache (xbyak),
// chains them, and runs them.
//
// Contract with the rest of Ferry:
// - Guest state lives in CpuState, addressed from a pinned host register.
// - At every instruction that may fault (ir::Faults) all guest state written
//   earlier in the block is already stored in CpuState, and the host pc of an
//   inline guest access maps back to the guest pc (guest_pc_for_host_pc), so
//   that a host SIGSEGV there becomes a precise guest fault.
// - A block returns to run()'s caller when its terminal cannot be chained,
//   after an exit (RaiseException, Terminal::Exit), or when
//   CpuState::exit_request is set at the entry of a block that may branch
//   backwards or indirectly: chained code notices a request within one loop
//   iteration. state.pc is always the next guest pc.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

#include "core/cpu_state.h"
#include "core/profile.h"
#include "ir/ir.h"

namespace ferry::x64 {

struct BackendOptions {
    size_t code_cache_bytes = 64u << 20;
    bool chaining = true;   // -d nochain turns it off: every block returns to the dispatcher
    bool count_indirect_hits = false;  // --stats: count inline indirect-table hits (costs an inc per hit)
    // User mode accesses guest memory inline (guest_base + (addr & guest_mask)).
    bool inline_guest_memory = true;
    // System mode (inline_guest_memory false): Load/Store look up the softmmu
    // TLB of CpuState::soft_tlb inline and call the reference semantics (page
    // walk, MMIO, faults) only on a miss. Neither: every access is that call.
    bool soft_tlb = false;
    bool baseline_x86_64 = false;      // emit no lzcnt/BMI/SSE4.1 (tests the fallback code paths)
    // Told about every compiled block (-d out_asm, perf maps).
    std::function<void(const ir::Block&, const void* code, size_t bytes)> on_compiled = nullptr;
};

struct BackendStats {
    uint64_t blocks_compiled = 0;
    uint64_t host_bytes = 0;
    uint64_t guest_instructions_compiled = 0;
    uint64_t dispatcher_exits = 0;    // block exits that came back to run()'s caller
    uint64_t chained_links = 0;       // jumps patched to go block to block
    uint64_t indirect_hits = 0;       // only counted when stats are enabled
    uint64_t indirect_misses = 0;
    uint64_t soft_tlb_hits = 0;       // system mode, counted with the indirect hits
    uint64_t soft_tlb_misses = 0;     // inline lookups that took the slow path (miss, MMIO, page crossing...)
    uint64_t cache_flushes = 0;
};

class Backend {
public:
    explicit Backend(const BackendOptions& options = {});
    ~Backend();
    Backend(const Backend&) = delete;
    Backend& operator=(const Backend&) = delete;

    // Host code for (pc, flags) if compiled, else nullptr.
    const void* lookup(uint64_t pc, uint64_t flags) const;
    // Compiles block (already optimised). If the cache is full it is flushed
    // first (all blocks dropped), so the result is never null. With a
    // profile (--stats), the code counts its executions there and leaves the
    // record in CpuState::current_block at entry.
    const void* compile(const ir::Block& block, BlockProfile* profile = nullptr);
    // Runs translated code from `code` until a block returns to the dispatcher.
    void run(CpuState& state, const void* code);

    // Drops every block overlapping guest [lo, hi): later lookups miss, and
    // jumps chained into them go back through the dispatcher.
    void invalidate(uint64_t lo, uint64_t hi);
    // Drops every block whose (pc, flags) `doomed` picks.
    void invalidate_if(const std::function<bool(uint64_t pc, uint64_t flags)>& doomed);
    void flush();
    // Switches how translated code reaches guest memory (BackendOptions'
    // inline_guest_memory and soft_tlb; both false: every access calls the
    // reference semantics, which check watchpoints) and flushes the code
    // compiled the other way.
    void set_inline_memory(bool inline_guest_memory, bool soft_tlb);

    // Fault support: is host_pc in the code cache, and which guest instruction
    // made the access there.
    bool contains(uintptr_t host_pc) const;
    bool guest_pc_for_host_pc(uintptr_t host_pc, uint64_t& guest_pc) const;
    // The profile of the block compiled with one whose code holds host_pc (until the next flush), or nullptr.
    BlockProfile* profile_for_host_pc(uintptr_t host_pc) const;

    const BackendStats& stats() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ferry::x64
