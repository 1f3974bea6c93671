// Random-encoding fuzzer: draws instructions from the decode table, runs the
// same stream from the same state in the JIT and in the interpreter (the
// engine's lockstep mode compares state and memory after every block) and
// reports the first divergence. Usage:
//   ferry-fuzz [--instructions N] [--seed S] [--coverage]
#include <sys/mman.h>

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "core/engine.h"
#include "frontend/a64/decoder.h"

using namespace ferry;

namespace {

constexpr uint64_t kCodeBase = 0x100000;
constexpr unsigned kStreamLength = 12;
constexpr uint64_t kDataBytes = 1u << 20;  // the guest sees only this much data memory (guest_mask)

struct Options {
    uint64_t instructions = 100000;
    uint64_t seed = 1;
    bool coverage = false;
};

[[noreturn]] void usage_error(const char* why) {
    std::fprintf(stderr, "ferry-fuzz: %s (usage: ferry-fuzz [--instructions N] [--seed S] [--coverage])\n", why);
    std::exit(2);
}

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        auto number = [&]() -> uint64_t {
            if (i + 1 >= argc) usage_error("missing value");
            char* end;
            const uint64_t v = std::strtoull(argv[++i], &end, 0);
            if (*end) usage_error("bad number");
            return v;
        };
        if (a == "--instructions") o.instructions = number();
        else if (a == "--seed") o.seed = number();
        else if (a == "--coverage") o.coverage = true;
        else usage_error("unknown option");
    }
    return o;
}

// Reads of the generic timer's counters legitimately differ between two runs.
bool nondeterministic(const a64::Encoding& e, uint32_t word) {
    if (std::string_view(e.handler_name) != "MOVE_sysreg") return false;
    const uint32_t crn = (word >> 12) & 0xf;
    return crn == 14;  // CNT* registers
}

// A word of the row: each field is random, all zeros or all ones (fields of
// all ones or zeros are where encodings hide their "should be" bits: RET's
// op2 = 11111, register 31 as SP/ZR, ...).
uint32_t draw_encoding(const a64::Pattern& p, std::mt19937_64& rng) {
    uint32_t word = (static_cast<uint32_t>(rng()) & ~p.mask) | p.value;
    for (unsigned i = 0; i < p.num_fields; ++i) {
        const a64::Field& f = p.fields[i];
        const uint32_t field_mask = static_cast<uint32_t>(((uint64_t{1} << f.width) - 1) << f.lsb);
        switch (rng() % 4) {
        case 0: word &= ~field_mask; break;
        case 1: word |= field_mask; break;
        default: break;
        }
    }
    return word;
}

bool is_undefined(uint32_t word) {
    for (const ir::Inst& inst : a64::translate_one(0, word).insts)
        if (inst.op == ir::Opcode::RaiseException && inst.imm0 == static_cast<uint64_t>(ExitReason::Undefined)) return true;
    return false;
}

uint64_t interesting_value(std::mt19937_64& rng) {
    static constexpr uint64_t specials[] = {0,          1,          2,          0x7f,       0x80,
                                            0xff,       0x7fffffff, 0x80000000, 0xffffffff, 0x100000000,
                                            INT64_MAX,  0x8000000000000000ull, ~0ull, 63, 64};
    switch (rng() % 4) {
    case 0: return specials[rng() % std::size(specials)];
    case 1: return rng() % 4096;
    default: return rng();
    }
}

}  // namespace

int main(int argc, char** argv) {
    const Options opt = parse(argc, argv);
    std::mt19937_64 rng(opt.seed);
    const auto table = a64::encodings();
    std::vector<uint64_t> drawn(table.size()), allocated(table.size());

    // Data memory: every address the guest forms is masked into it; a page of slack covers accesses at the end.
    void* data = mmap(nullptr, kDataBytes + 0x1000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (data == MAP_FAILED) { std::perror("ferry-fuzz: mmap"); return 1; }

    std::vector<uint32_t> code(kStreamLength);
    auto fetch = [&](uint64_t pc, uint32_t& word) {
        if (pc < kCodeBase || pc >= kCodeBase + 4 * code.size() || (pc & 3)) return false;
        word = code[(pc - kCodeBase) / 4];
        return true;
    };

    uint64_t executed = 0, streams = 0;
    std::string divergence;
    while (executed < opt.instructions && divergence.empty()) {
        for (uint32_t& w : code) {
            const a64::Encoding* e;
            do {
                e = &table[rng() % table.size()];
                w = draw_encoding(e->pattern, rng);
            } while (nondeterministic(*e, w) || a64::decode(w) != e);
            drawn[a64::encoding_index(*e)]++;
        }
        CpuState s;
        s.guest_base = reinterpret_cast<uint64_t>(data);
        s.guest_mask = kDataBytes - 1;
        for (uint64_t& x : s.x) x = interesting_value(rng);
        s.sp = rng() % kDataBytes & ~uint64_t{15};
        s.nzcv = static_cast<uint32_t>(rng()) & 0xf0000000u;
        for (Vec128& v : s.v) v = {interesting_value(rng), interesting_value(rng)};
        s.pc = kCodeBase;

        EngineOptions eo;
        eo.mode = ExecMode::Lockstep;
        eo.dispatch_limit = 64;
        eo.on_divergence = [&](const std::string& d) { divergence = d; };
        Engine engine(s, fetch, eo);
        // Run on past syscalls and exceptions: the stream continues at the pc they leave.
        for (int exits = 0; exits < 16 && divergence.empty(); ++exits) {
            const ExitReason r = engine.run();
            if (r == ExitReason::ExitRequest || !divergence.empty()) break;
            if (s.pc < kCodeBase || s.pc >= kCodeBase + 4 * code.size()) break;
            if (r != ExitReason::Syscall) s.pc += 4;  // skip the faulting/undefined instruction
            s.exit_reason = ExitReason::None;
        }
        for (uint32_t w : code)
            if (!is_undefined(w)) allocated[a64::encoding_index(*a64::decode(w))]++;
        executed += engine.stats().instructions_stepped;
        ++streams;
        if (!divergence.empty()) {
            std::fprintf(stderr, "ferry-fuzz: %s\n  stream (seed %" PRIu64 ", #%" PRIu64 "):", divergence.c_str(), opt.seed, streams);
            for (uint32_t w : code) std::fprintf(stderr, " %08x", w);
            std::fprintf(stderr, "\n");
        }
    }
    if (opt.coverage) {
        std::printf("%-28s %10s %10s\n", "row", "drawn", "translated");
        for (size_t i = 0; i < table.size(); ++i)
            std::printf("%-28s %10" PRIu64 " %10" PRIu64 "\n", table[i].handler_name, drawn[i], allocated[i]);
    }
    std::printf("ferry-fuzz: %" PRIu64 " instructions in %" PRIu64 " streams, %s\n", executed, streams,
                divergence.empty() ? "0 divergences" : "DIVERGENCE");
    return divergence.empty() ? 0 : 1;
}
