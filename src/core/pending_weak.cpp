// TEMPORARY during bring-up: weak placeholders so the tree links while the
// translators and semantics are written in parallel. Deleted before landing.
#include <cstdio>
#include <cstdlib>

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
