#include "backend/x64/x64_backend.h"

#include <cstdio>
#include <cstdlib>
#include <map>

#include "backend/x64/block_emitter.h"
#include "backend/x64/block_table.h"
#include "backend/x64/code_cache.h"
#include "backend/x64/jit_abi.h"

namespace ferry::x64 {

using namespace Xbyak;

struct Backend::Impl {
    explicit Impl(const BackendOptions& options);
    void emit_runtime_stubs();
    const void* compile(const ir::Block& block, BlockProfile* profile);
    const void* try_compile(const ir::Block& block, BlockProfile* profile);
    void flush();

    BackendOptions options;
    BackendStats stats;
    CodeCache cache;
    BlockTable table;
    EmitContext context{};
    void (*run)(CpuState*, const void*) = nullptr;
    // Profiled blocks by the start of their host code: {end, profile}. Emptied by flush, which reuses the addresses.
    std::map<uintptr_t, std::pair<uintptr_t, BlockProfile*>> profiled_code;
};

Backend::Impl::Impl(const BackendOptions& opts) : options(opts), cache(opts.code_cache_bytes), table(opts.chaining) {
    context.indirect_table = table.indirect_table();
    context.indirect_hits = options.count_indirect_hits ? &stats.indirect_hits : nullptr;
    context.soft_tlb_hits = options.count_indirect_hits ? &stats.soft_tlb_hits : nullptr;
    context.soft_tlb_misses = options.count_indirect_hits ? &stats.soft_tlb_misses : nullptr;
    context.chaining = options.chaining;
    context.inline_guest_memory = options.inline_guest_memory;
    context.soft_tlb = options.soft_tlb;
    context.features = options.baseline_x86_64 ? HostFeatures{} : HostFeatures::detect();
    emit_runtime_stubs();
    cache.seal_prefix();
}

// run(state, code): saves the callee-saved registers, reserves the frame,
// pins the state and the guest memory window, switches MXCSR to the guest's
// (emit_fp.cpp), empties the return stack and jumps to the code. The
// epilogue undoes it; blocks jump there to leave.
void Backend::Impl::emit_runtime_stubs() {
    CodeGenerator& c = cache.code();
    const Reg64 regs[] = {c.rbx, c.rbp, c.r12, c.r13, c.r14, c.r15};
    Label epilogue;
    run = c.getCurr<void (*)(CpuState*, const void*)>();
    for (const Reg64& r : regs) c.push(r);
    c.sub(c.rsp, abi::kFrameBytes);
    c.mov(abi::kState, c.rdi);
    c.mov(abi::kGuestBase, abi::state_qword(offsetof(CpuState, guest_base)));
    c.mov(abi::kGuestMask, abi::state_qword(offsetof(CpuState, guest_mask)));
    c.stmxcsr(c.dword[c.rsp + abi::kHostMxcsrOffset]);
    load_guest_mxcsr(c, c.eax, c.ecx);
    // Every entry predicts "go to the epilogue", which is right for any pc.
    c.mov(c.qword[c.rsp + abi::kRsbTopOffset], 0);
    c.lea(c.rax, c.ptr[c.rip + epilogue]);
    for (int i = 0; i < abi::kRsbEntries; ++i) {
        c.mov(c.qword[c.rsp + abi::kRsbOffset + i * abi::kRsbEntryBytes], c.rax);
        c.mov(c.qword[c.rsp + abi::kRsbOffset + i * abi::kRsbEntryBytes + 8], c.rax);
    }
    c.jmp(c.rsi);

    c.align(16);
    c.L(epilogue);
    context.epilogue = c.getCurr();
    c.ldmxcsr(c.dword[c.rsp + abi::kHostMxcsrOffset]);
    c.add(c.rsp, abi::kFrameBytes);
    for (int i = 5; i >= 0; --i) c.pop(regs[i]);
    c.ret();

    c.align(16);
    context.indirect_miss = c.getCurr();
    c.mov(c.rax, reinterpret_cast<uint64_t>(&stats.indirect_misses));
    c.inc(c.qword[c.rax]);
    c.jmp(epilogue, CodeGenerator::T_NEAR);

    emit_soft_tlb_slow_paths(c, context);
}

const void* Backend::Impl::try_compile(const ir::Block& block, BlockProfile* profile) {
    const uint8_t* mark = cache.cursor();
    try {
        BlockEmitter emitter(cache.code(), block, context, profile);
        const void* entry = emitter.emit();
        table.add({block.pc, block.flags}, block.end_pc, entry, std::move(emitter.link_sites()),
                  std::move(emitter.accesses()));
        const size_t bytes = static_cast<size_t>(cache.cursor() - mark);
        stats.host_bytes += bytes;
        if (options.on_compiled) options.on_compiled(block, mark, bytes);
        if (profile) {
            profile->host_bytes = static_cast<uint32_t>(bytes);
            profiled_code[reinterpret_cast<uintptr_t>(mark)] = {reinterpret_cast<uintptr_t>(mark) + bytes, profile};
        }
        stats.chained_links = table.chained_links();
        return entry;
    } catch (const Xbyak::Error& e) {
        if (static_cast<int>(e) != ERR_CODE_IS_TOO_BIG) throw;
        cache.rewind_to(mark);
        return nullptr;
    }
}

const void* Backend::Impl::compile(const ir::Block& block, BlockProfile* profile) {
    const void* entry = try_compile(block, profile);
    if (!entry) {
        flush();
        entry = try_compile(block, profile);
        if (!entry) {
            std::fprintf(stderr, "ferry: a block at 0x%llx does not fit in the %zu-byte code cache\n",
                         static_cast<unsigned long long>(block.pc), options.code_cache_bytes);
            std::abort();
        }
    }
    ++stats.blocks_compiled;
    stats.guest_instructions_compiled += block.guest_instructions;
    return entry;
}

void Backend::Impl::flush() {
    cache.rewind();
    table.clear();
    profiled_code.clear();
    ++stats.cache_flushes;
}

Backend::Backend(const BackendOptions& options) : impl_(std::make_unique<Impl>(options)) {}
Backend::~Backend() = default;

const void* Backend::lookup(uint64_t pc, uint64_t flags) const { return impl_->table.find({pc, flags}); }

const void* Backend::compile(const ir::Block& block, BlockProfile* profile) { return impl_->compile(block, profile); }

void Backend::run(CpuState& state, const void* code) {
    impl_->run(&state, code);
    ++impl_->stats.dispatcher_exits;
}

void Backend::invalidate(uint64_t lo, uint64_t hi) { impl_->table.invalidate(lo, hi); }

void Backend::invalidate_if(const std::function<bool(uint64_t pc, uint64_t flags)>& doomed) {
    impl_->table.invalidate_if([&](const BlockKey& key) { return doomed(key.pc, key.flags); });
}

void Backend::flush() { impl_->flush(); }

void Backend::set_inline_memory(bool inline_guest_memory, bool soft_tlb) {
    impl_->options.inline_guest_memory = impl_->context.inline_guest_memory = inline_guest_memory;
    impl_->options.soft_tlb = impl_->context.soft_tlb = soft_tlb;
    impl_->flush();
}

bool Backend::contains(uintptr_t host_pc) const { return impl_->cache.contains(host_pc); }

bool Backend::guest_pc_for_host_pc(uintptr_t host_pc, uint64_t& guest_pc) const {
    return impl_->table.guest_pc_for_host_pc(host_pc, guest_pc);
}

BlockProfile* Backend::profile_for_host_pc(uintptr_t host_pc) const {
    auto it = impl_->profiled_code.upper_bound(host_pc);
    if (it == impl_->profiled_code.begin()) return nullptr;
    --it;
    return host_pc < it->second.first ? it->second.second : nullptr;
}

const BackendStats& Backend::stats() const { return impl_->stats; }

}  // namespace ferry::x64
