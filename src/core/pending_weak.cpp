// TEMPORARY during bring-up: weak placeholders so the tree links while the
// translators and semantics are written in parallel. Deleted before landing.
#include <cstdio>
#include <cstdlib>

#include "backend/x64/x64_backend.h"
#include "frontend/a64/translator.h"
#include "ir/semantics.h"

namespace ferry::a64 {
#define INST(handler, name, pattern) __attribute__((weak)) bool handler(Translator&, Insn) { return false; }
#include "frontend/a64/a64.inc"
#undef INST
}  // namespace ferry::a64

namespace ferry::ir::sem {
#define OPCODE(name, ...)                                                                   \
    __attribute__((weak)) Vec128 name(CpuState*, const Vec128*, uint64_t, uint64_t, uint32_t) { \
        std::fprintf(stderr, "ferry: opcode %s has no semantics yet\n", #name);               \
        std::abort();                                                                        \
    }
#include "ir/opcodes.inc"
#undef OPCODE
}  // namespace ferry::ir::sem

namespace ferry::x64 {
[[noreturn]] static void no_backend() {
    std::fprintf(stderr, "ferry: the x64 backend is not built yet\n");
    std::abort();
}
struct Backend::Impl {};
__attribute__((weak)) Backend::Backend(const BackendOptions&) {}
__attribute__((weak)) Backend::~Backend() {}
__attribute__((weak)) const void* Backend::lookup(uint64_t, uint64_t) const { return nullptr; }
__attribute__((weak)) const void* Backend::compile(const ir::Block&) { no_backend(); }
__attribute__((weak)) void Backend::run(CpuState&, const void*) { no_backend(); }
__attribute__((weak)) void Backend::invalidate(uint64_t, uint64_t) {}
__attribute__((weak)) void Backend::flush() {}
__attribute__((weak)) bool Backend::contains(uintptr_t) const { return false; }
__attribute__((weak)) bool Backend::guest_pc_for_host_pc(uintptr_t, uint64_t&) const { return false; }
__attribute__((weak)) const BackendStats& Backend::stats() const { static BackendStats s; return s; }
}  // namespace ferry::x64
