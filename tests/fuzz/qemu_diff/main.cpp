// Differential fuzzer against qemu-aarch64 (an oracle for this test only):
// draws instruction streams from the decode table, runs them under QEMU in a
// generated static ELF and in Ferry from the same state, and reports every
// register or memory difference, minimised to the first guilty instruction.
//
//   ferry-qemu-diff [--streams N] [--seed S] [--rows REGEX] [--max-report K]
//                   [--batch B] [--length L] [--mode interp|jit|lockstep]
//                   [--qemu PATH] [--cpu NAME] [--counts] [--verbose]
//
// --counts lists how many instructions of each row (and of each mnemonic in it)
// were compared. FP and SIMD operands oversample special values (operands.h).
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "common/log.h"
#include "core/engine.h"
#include "frontend/a64/decoder.h"
#include "ir/cpu_features.h"
#include "guest_program.h"
#include "operands.h"

using namespace ferry;
using namespace qemu_diff;

namespace {

struct Options {
    uint64_t streams = 2000;
    uint64_t seed = 1;
    std::string rows;
    uint64_t max_report = 50;
    unsigned batch = 200;
    unsigned length = 8;
    ExecMode mode = ExecMode::Interpreter;
    std::string qemu = "qemu-aarch64";
    std::string cpu = "max";
    bool counts = false;
    bool verbose = false;
};

[[noreturn]] void fail(const std::string& why) {
    std::fprintf(stderr, "ferry-qemu-diff: %s\n", why.c_str());
    std::exit(2);
}

Options parse_options(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        auto text = [&]() -> std::string {
            if (i + 1 >= argc) fail("missing value for " + std::string(a));
            return argv[++i];
        };
        auto number = [&]() -> uint64_t {
            const std::string t = text();
            char* end;
            const uint64_t v = std::strtoull(t.c_str(), &end, 0);
            if (*end || t.empty()) fail("bad number '" + t + "'");
            return v;
        };
        if (a == "--streams") o.streams = number();
        else if (a == "--seed") o.seed = number();
        else if (a == "--rows") o.rows = text();
        else if (a == "--max-report") o.max_report = number();
        else if (a == "--batch") o.batch = static_cast<unsigned>(std::max<uint64_t>(1, number()));
        else if (a == "--length") o.length = static_cast<unsigned>(std::clamp<uint64_t>(number(), 1, kMaxStreamWords));
        else if (a == "--qemu") o.qemu = text();
        else if (a == "--cpu") o.cpu = text();
        else if (a == "--counts") o.counts = true;
        else if (a == "--verbose") o.verbose = true;
        else if (a == "--mode") {
            const std::string m = text();
            if (m == "interp") o.mode = ExecMode::Interpreter;
            else if (m == "jit") o.mode = ExecMode::Jit;
            else if (m == "lockstep") o.mode = ExecMode::Lockstep;
            else fail("--mode is interp, jit or lockstep");
        } else {
            fail("unknown option " + std::string(a) +
                 " (usage: ferry-qemu-diff [--streams N] [--seed S] [--rows REGEX] [--max-report K] [--batch B]"
                 " [--length L] [--mode interp|jit|lockstep] [--qemu PATH] [--cpu NAME] [--counts] [--verbose])");
        }
    }
    return o;
}

bool find_in_path(std::string& program) {
    if (program.find('/') != std::string::npos) return access(program.c_str(), X_OK) == 0;
    const char* path = std::getenv("PATH");
    for (std::string_view rest = path ? path : ""; !rest.empty();) {
        const size_t colon = rest.find(':');
        const std::string candidate = std::string(rest.substr(0, colon)) + "/" + program;
        if (access(candidate.c_str(), X_OK) == 0) {
            program = candidate;
            return true;
        }
        rest = colon == std::string_view::npos ? std::string_view{} : rest.substr(colon + 1);
    }
    return false;
}

// ---- Drawing instructions ----

std::string_view handler(const a64::Encoding& e) { return e.handler_name; }

// Rows that need the OS, leave the stream, or read what differs between runs.
bool runnable_row(const a64::Encoding& e) {
    static constexpr std::string_view kExcluded[] = {"B_uncond", "CB",  "TB",      "B_cond",     "EXCEPTION",
                                                     "HINT",     "SYS", "MSR_imm", "BRANCH_reg"};
    return std::find(std::begin(kExcluded), std::end(kExcluded), handler(e)) == std::end(kExcluded);
}

bool addresses_memory(const a64::Encoding& e) {
    static constexpr std::string_view kMemory[] = {
        "LDST_exclusive", "LDST_exclusive_pair", "CASP",         "LDST_ordered", "CAS",
        "LDST_pair",      "LDST_imm9",           "LDST_regoff",  "ATOMIC_memop", "LDST_uimm",
        "SIMD_LDST_multiple", "SIMD_LDST_single"};
    return std::find(std::begin(kMemory), std::end(kMemory), handler(e)) != std::end(kMemory);
}

const a64::Field* field(const a64::Encoding& e, std::string_view name) {
    for (unsigned i = 0; i < e.pattern.num_fields; ++i)
        if (e.pattern.fields[i].name == name) return &e.pattern.fields[i];
    return nullptr;
}

uint32_t get(uint32_t word, const a64::Field& f) { return (word >> f.lsb) & ((1u << f.width) - 1); }
uint32_t set(uint32_t word, const a64::Field& f, uint32_t v) {
    const uint32_t mask = ((1u << f.width) - 1) << f.lsb;
    return (word & ~mask) | ((v << f.lsb) & mask);
}

// The system registers a stream may touch: NZCV, FPCR and FPSR reads and NZCV writes (an FPSR
// write would set QEMU's AArch32 compare flags, RES0 on Ferry's AArch64-only CPU).
uint32_t draw_sysreg_move(const a64::Encoding& e, uint32_t word, Rng& rng) {
    struct Access { uint32_t l, crm, op2; };
    static constexpr Access kAllowed[] = {{1, 2, 0}, {1, 4, 0}, {1, 4, 1}, {0, 2, 0}};
    const Access a = kAllowed[rng() % std::size(kAllowed)];
    for (auto [name, v] : {std::pair<std::string_view, uint32_t>{"L", a.l}, {"o0", 1}, {"op1", 3}, {"CRn", 4},
                           {"CRm", a.crm}, {"op2", a.op2}})
        word = set(word, *field(e, name), v);
    return word;
}

// A random word of row e that is safe to run in a stream: memory goes through x28
// (and x27 for register offsets), which nothing else names; offsets stay within the scratch buffer.
uint32_t draw_word(const a64::Encoding& e, Rng& rng) {
    uint32_t w = (static_cast<uint32_t>(rng()) & ~e.pattern.mask) | e.pattern.value;
    const bool memory = addresses_memory(e);
    const bool pairs_registers = handler(e) == "CASP";  // Rs+1 and Rt+1 are used too
    for (unsigned i = 0; i < e.pattern.num_fields; ++i) {
        const a64::Field& f = e.pattern.fields[i];
        if (f.name.empty() || f.name[0] != 'R' || f.width != 5) continue;
        uint32_t r = get(w, f);
        if (memory && f.name == "Rn") r = kBaseReg;
        else if (f.name == "Rm" && (handler(e) == "LDST_regoff" || (memory && r != 31))) r = kOffsetReg;
        else
            while (r == kBaseReg || r == kOffsetReg || (pairs_registers && r == kOffsetReg - 1))
                r = static_cast<uint32_t>(rng() % 32);
        w = set(w, f, r);
    }
    if (handler(e) == "LDST_uimm") w = set(w, *field(e, "imm12"), static_cast<uint32_t>(rng() % 32));
    if (handler(e) == "LDR_literal") w = set(w, *field(e, "imm19"), static_cast<uint32_t>(rng() % 128) - 64);
    if (handler(e) == "MOVE_sysreg") w = draw_sysreg_move(e, w, rng);
    return w;
}

// Load/Store-Exclusive pairs of different sizes are CONSTRAINED UNPREDICTABLE (QEMU lets the
// store succeed, Ferry fails it): a stream uses one exclusive size. -1: not an exclusive.
int exclusive_kind(const a64::Encoding& e, uint32_t word) {
    if (handler(e) == "LDST_exclusive") return static_cast<int>(get(word, *field(e, "size")));
    if (handler(e) == "LDST_exclusive_pair") return 4 + static_cast<int>(get(word, *field(e, "sz")));
    return -1;
}

bool ferry_undefined(uint32_t word) {
    for (const ir::Inst& inst : a64::translate_one(0, word).insts)
        if (inst.op == ir::Opcode::RaiseException && inst.imm0 == static_cast<uint64_t>(ExitReason::Undefined)) return true;
    return false;
}

// ---- Drawing states ----

Stream draw_state(Rng& rng) {
    Stream s;
    for (uint64_t& x : s.in.x) x = draw_int(rng);
    s.in.x[kOffsetReg] = rng() % 128;
    s.in.sp = draw_int(rng);
    s.in.nzcv = rng() & 0xf0000000u;
    s.in.fpcr = draw_fpcr(rng);
    s.in.fpsr = 0;  // so that every cumulative flag a stream raises shows
    const VectorLayout layout = draw_layout(rng);
    for (Vec128& v : s.in.v) v = draw_vector(layout, rng);
    for (size_t i = 0; i < kScratchBytes; i += 16) {
        const Vec128 v = draw_vector(layout, rng);
        std::memcpy(&s.scratch[i], &v, 16);
    }
    return s;
}

// ---- Running ----

std::string run_qemu(const Options& opt, const GuestProgram& program) {
    char path[] = "/tmp/ferry-qemu-diff-XXXXXX";
    const int fd = mkstemp(path);
    if (fd < 0) fail("cannot create a temporary file");
    const auto& image = program.image();
    if (write(fd, image.data(), image.size()) != static_cast<ssize_t>(image.size())) fail("cannot write the guest ELF");
    fchmod(fd, 0700);
    close(fd);

    int out[2];
    if (pipe(out) != 0) fail("pipe failed");
    const pid_t pid = fork();
    if (pid == 0) {
        dup2(out[1], 1);
        close(out[0]);
        close(out[1]);
        execl(opt.qemu.c_str(), opt.qemu.c_str(), "-cpu", opt.cpu.c_str(), path, static_cast<char*>(nullptr));
        _exit(127);
    }
    close(out[1]);
    std::string dump;
    char buf[1 << 16];
    for (ssize_t n; (n = read(out[0], buf, sizeof buf)) > 0;) dump.append(buf, static_cast<size_t>(n));
    close(out[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    unlink(path);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail("qemu-aarch64 failed on the guest program (status " + std::to_string(status) + ")");
    return dump;
}

int signal_for(ExitReason r) {
    switch (r) {
    case ExitReason::Undefined: return 4;   // SIGILL
    case ExitReason::Alignment: return 7;   // SIGBUS
    case ExitReason::DataAbort: return 11;  // SIGSEGV
    default: return 100 + static_cast<int>(r);
    }
}

// The local exclusive monitor, which the harness cannot read from QEMU: minimising carries Ferry's.
struct Monitor {
    uint64_t addr = 0;
    Vec128 value;
    uint32_t size = 0;
};

// Runs guest [from, to) in Ferry over memory (a copy of the program image), skipping
// faulting instructions as the guest program's signal handler does.
StreamResult run_ferry(const Options& opt, std::vector<uint8_t>& memory, uint64_t from, uint64_t to,
                       const RegState& in, Monitor* monitor = nullptr) {
    CpuState s;
    if (monitor) {
        s.exclusive_addr = monitor->addr;
        s.exclusive_value = monitor->value;
        s.exclusive_size = monitor->size;
    }
    std::copy(std::begin(in.x), std::end(in.x), s.x);
    s.sp = in.sp;
    s.nzcv = static_cast<uint32_t>(in.nzcv);
    s.fpcr = static_cast<uint32_t>(in.fpcr);
    s.fpsr = static_cast<uint32_t>(in.fpsr);
    std::copy(std::begin(in.v), std::end(in.v), s.v);
    s.guest_base = reinterpret_cast<uint64_t>(memory.data()) - GuestProgram::kLoadAddress;
    s.guest_mask = ~uint64_t{0};
    s.pc = from;
    auto fetch = [&](uint64_t pc, uint32_t& word) {
        if (pc < from || pc >= to) return false;
        std::memcpy(&word, memory.data() + (pc - GuestProgram::kLoadAddress), 4);
        return true;
    };
    EngineOptions eo;
    eo.mode = opt.mode;
    eo.dispatch_limit = 256;
    eo.on_divergence = [](const std::string& d) { std::fprintf(stderr, "ferry-qemu-diff: JIT vs interpreter: %s\n", d.c_str()); };
    Engine engine(s, fetch, eo);
    StreamResult r;
    for (unsigned exits = 0; exits < 64; ++exits) {
        const ExitReason why = engine.run();
        if (s.pc == to && why == ExitReason::InstructionAbort) break;
        if (why == ExitReason::ExitRequest || s.pc < from || s.pc >= to) {
            r.signals[s.pc] = signal_for(why);
            break;
        }
        r.signals[s.pc] = signal_for(why);
        if (why != ExitReason::Syscall) s.pc += 4;
    }
    std::copy(std::begin(s.x), std::end(s.x), r.out.x);
    r.out.sp = s.sp;
    r.out.nzcv = s.nzcv;
    r.out.fpsr = s.fpsr;
    r.out.fpcr = s.fpcr;
    std::copy(std::begin(s.v), std::end(s.v), r.out.v);
    if (monitor) *monitor = {s.exclusive_addr, s.exclusive_value, s.exclusive_size};
    return r;
}

// ---- Comparing and reporting ----

struct Difference {
    std::string where;
    std::string qemu, ferry;
};

std::string hex(uint64_t v) {
    char b[24];
    snprintf(b, sizeof b, "0x%" PRIx64, v);
    return b;
}
std::string hex(Vec128 v) {
    char b[40];
    snprintf(b, sizeof b, "0x%016" PRIx64 "%016" PRIx64, v.hi, v.lo);
    return b;
}

std::vector<Difference> compare(const StreamResult& q, const StreamResult& f, const std::array<uint8_t, kScratchBytes>& f_scratch) {
    std::vector<Difference> d;
    auto check = [&](std::string where, uint64_t a, uint64_t b) {
        if (a != b) d.push_back({std::move(where), hex(a), hex(b)});
    };
    for (unsigned r = 0; r < 31; ++r) check("x" + std::to_string(r), q.out.x[r], f.out.x[r]);
    check("sp", q.out.sp, f.out.sp);
    check("nzcv", q.out.nzcv, f.out.nzcv);
    // QEMU's CPUs keep FPSR[31:28] (AArch32 compare flags), RES0 on Ferry's AArch64-only CPU.
    check("fpsr", q.out.fpsr & cpu::kFpsrImplemented, f.out.fpsr);
    check("fpcr", q.out.fpcr, f.out.fpcr);
    for (unsigned r = 0; r < 32; ++r)
        if (!(q.out.v[r] == f.out.v[r])) d.push_back({"v" + std::to_string(r), hex(q.out.v[r]), hex(f.out.v[r])});
    for (unsigned i = 0; i < kScratchBytes; i += 8) {
        uint64_t a, b;
        std::memcpy(&a, &q.scratch[i], 8);
        std::memcpy(&b, &f_scratch[i], 8);
        const int off = static_cast<int>(i) - static_cast<int>(kScratchBase);
        check("mem[x28" + std::string(off < 0 ? "-" : "+") + std::to_string(std::abs(off)) + "]", a, b);
    }
    return d;
}

std::string disassemble(uint32_t word, uint64_t pc) {
    std::string s = log::disassemble_a64(pc, &word, 1);
    const size_t colon = s.find(":  ");
    if (colon != std::string::npos) s = s.substr(colon + 3);
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    std::string squeezed;
    for (char c : s)
        if (!(c == ' ' && !squeezed.empty() && squeezed.back() == ' ')) squeezed += c;
    return squeezed;
}

std::string describe_word(uint32_t word, uint64_t pc) {
    const a64::Encoding* e = a64::decode(word);
    char b[64];
    snprintf(b, sizeof b, "%08x [%s] ", word, e ? e->handler_name : "?");
    return b + disassemble(word, pc);
}

// The values of the registers the instruction names, as it found them.
std::string inputs(uint32_t word, const RegState& pre) {
    const a64::Encoding* e = a64::decode(word);
    if (!e) return {};
    const bool fp_simd = handler(*e).starts_with("FP_") || handler(*e).starts_with("SIMD_");
    std::string s;
    for (unsigned i = 0; i < e->pattern.num_fields; ++i) {
        const a64::Field& f = e->pattern.fields[i];
        if (f.name.empty() || f.name[0] != 'R' || f.width != 5) continue;
        const uint32_t r = get(word, f);
        s += " " + std::string(f.name) + "=";
        if (!fp_simd || handler(*e) == "FP_int" || handler(*e) == "FP_fixed")
            s += "x" + std::to_string(r) + ":" + (r == 31 ? "(zr/sp " + hex(pre.sp) + ")" : hex(pre.x[r])) + (fp_simd ? "/" : "");
        if (fp_simd) s += "v" + std::to_string(r) + ":" + hex(pre.v[r]);
    }
    return s + " nzcv=" + hex(pre.nzcv) + " fpcr=" + hex(pre.fpcr) + " fpsr=" + hex(pre.fpsr);
}

struct Group {
    uint64_t count = 0;
    std::string example;
};

struct Tally {
    uint64_t streams = 0, instructions = 0, differing_streams = 0, skipped_for_undef = 0, probes = 0;
    std::map<std::string, Group> differences;        // row + mnemonic -> count, first reproducer
    std::map<std::string, Group> undef_ferry_only;  // Ferry UNDEF, QEMU runs it
    std::map<std::string, Group> undef_qemu_only;   // QEMU SIGILL, Ferry runs it
    std::map<std::string, std::map<std::string, uint64_t>> compared;  // --counts: row -> mnemonic -> count
    uint64_t fpsr_flag_streams[32] = {};  // --counts: streams that left FPSR bit i set
    uint64_t reported = 0;
};

std::string group_key(uint32_t word) {
    const a64::Encoding* e = a64::decode(word);
    std::string d = disassemble(word, 0);
    return std::string(e ? e->handler_name : "?") + " " + d.substr(0, d.find(' '));
}

void count(std::map<std::string, Group>& groups, const std::string& key, const std::string& example) {
    Group& g = groups[key];
    if (g.count++ == 0) g.example = example;
}

// The signals QEMU and Ferry raised must agree; an UNDEF only QEMU raised is counted, not compared.
bool signals_agree(const GuestProgram& program, size_t i, const Stream& s, const StreamResult& q,
                   const StreamResult& f, Tally& tally, std::vector<Difference>& diffs) {
    bool comparable = true;
    for (size_t k = 0; k < s.words.size(); ++k) {
        const uint64_t pc = program.word_pc(i, k);
        const int qs = q.signals.count(pc) ? q.signals.at(pc) : 0, fs = f.signals.count(pc) ? f.signals.at(pc) : 0;
        if (qs == fs) continue;
        if (qs == 4) {
            count(tally.undef_qemu_only, group_key(s.words[k]), describe_word(s.words[k], pc));
            comparable = false;
        } else {
            diffs.push_back({"signal at word " + std::to_string(k) + " (" + describe_word(s.words[k], pc) + ")",
                             std::to_string(qs), std::to_string(fs)});
        }
    }
    return comparable;
}

using Image = std::vector<uint8_t>;

void put_scratch(Image& memory, const GuestProgram& p, size_t i, const std::array<uint8_t, kScratchBytes>& bytes) {
    std::memcpy(memory.data() + (p.scratch_address(i) - GuestProgram::kLoadAddress), bytes.data(), kScratchBytes);
}
std::array<uint8_t, kScratchBytes> get_scratch(const Image& memory, const GuestProgram& p, size_t i) {
    std::array<uint8_t, kScratchBytes> out;
    std::memcpy(out.data(), memory.data() + (p.scratch_address(i) - GuestProgram::kLoadAddress), kScratchBytes);
    return out;
}

// Names the first guilty instruction of each differing stream: QEMU runs every prefix;
// Ferry runs word k alone from QEMU's state after the first k words.
void minimise(const Options& opt, const std::vector<Stream>& differing, Tally& tally) {
    const size_t n = differing.size();
    std::vector<std::vector<StreamResult>> after(kMaxStreamWords + 1);  // after[k][j]: QEMU after k words
    std::vector<std::vector<Stream>> prefixes(kMaxStreamWords + 1);
    size_t longest = 0;
    for (const Stream& s : differing) longest = std::max(longest, s.words.size());
    for (size_t k = 1; k <= longest; ++k) {
        prefixes[k] = differing;
        for (Stream& s : prefixes[k]) {
            s.words.resize(std::min(k, s.words.size()));
            s.uses_base.resize(s.words.size());
        }
        GuestProgram p(prefixes[k]);
        std::string error;
        if (!p.parse(run_qemu(opt, p), after[k], error)) fail("minimising: " + error);
    }
    for (size_t j = 0; j < n; ++j) {
        const Stream& s = differing[j];
        bool named = false;
        Monitor monitor;
        for (size_t k = 0; k < s.words.size() && !named; ++k) {
            GuestProgram p(prefixes[k + 1]);  // same layout for every prefix: same slots, same pcs
            RegState pre = k == 0 ? s.in : after[k][j].out;
            if (k == 0) pre.x[kBaseReg] = p.scratch_address(j) + kScratchBase;
            pre.fpsr &= cpu::kFpsrImplemented;
            Image memory = p.image();
            put_scratch(memory, p, j, k == 0 ? s.scratch : after[k][j].scratch);
            const StreamResult f = run_ferry(opt, memory, p.word_start_pc(j, k), p.word_pc(j, k) + 4, pre, &monitor);
            const StreamResult& q = after[k + 1][j];
            std::vector<Difference> diffs;
            const uint64_t pc = p.word_pc(j, k);
            const int qs = q.signals.count(pc) ? q.signals.at(pc) : 0, fs = f.signals.count(pc) ? f.signals.at(pc) : 0;
            if (qs != fs) diffs.push_back({"signal", std::to_string(qs), std::to_string(fs)});
            for (Difference& d : compare(q, f, get_scratch(memory, p, j))) diffs.push_back(std::move(d));
            if (diffs.empty()) continue;
            named = true;
            const std::string word = describe_word(s.words[k], pc);
            std::string example = word + ":";
            for (const Difference& d : diffs) example += " " + d.where + " qemu=" + d.qemu + " ferry=" + d.ferry;
            example += " | inputs:" + inputs(s.words[k], pre);
            count(tally.differences, group_key(s.words[k]), example);
            for (const Difference& d : diffs)
                if (tally.reported++ < opt.max_report)
                    std::printf("DIFF %s: %s qemu=%s ferry=%s | inputs:%s\n", word.c_str(), d.where.c_str(),
                                d.qemu.c_str(), d.ferry.c_str(), inputs(s.words[k], pre).c_str());
        }
        if (!named) {
            std::string words;
            for (uint32_t w : s.words) words += " " + describe_word(w, 0) + ";";
            count(tally.differences, "(not isolated)", words);
            if (tally.reported++ < opt.max_report)
                std::printf("DIFF stream (no single guilty instruction):%s\n", words.c_str());
        }
    }
}

void count_compared(uint32_t word, Tally& tally) {
    const std::string key = group_key(word);
    const size_t space = key.find(' ');
    tally.compared[key.substr(0, space)][key.substr(space + 1)]++;
}

void print_counts(const Tally& tally) {
    std::printf("instructions compared per row (and per mnemonic):\n");
    for (const auto& [row, mnemonics] : tally.compared) {
        uint64_t total = 0;
        std::string detail;
        for (const auto& [mnemonic, n] : mnemonics) {
            total += n;
            detail += " " + mnemonic + "=" + std::to_string(n);
        }
        std::printf("  %10" PRIu64 "  %-28s%s\n", total, row.c_str(), detail.c_str());
    }
    // Shows that the special operands reach the instructions: how many streams raised each flag.
    static constexpr std::pair<const char*, unsigned> kFlags[] = {{"IOC", 0}, {"DZC", 1}, {"OFC", 2}, {"UFC", 3},
                                                                  {"IXC", 4}, {"IDC", 7}, {"QC", 27}};
    std::printf("streams that raised FPSR flags:");
    for (auto [name, bit] : kFlags) std::printf(" %s=%" PRIu64, name, tally.fpsr_flag_streams[bit]);
    std::printf("\n");
}

void run_batch(const Options& opt, std::vector<Stream>& streams, const std::vector<Stream>& probes, Tally& tally) {
    std::vector<Stream> all = streams;
    all.insert(all.end(), probes.begin(), probes.end());
    GuestProgram program(all);
    std::vector<StreamResult> qemu;
    std::string error;
    if (!program.parse(run_qemu(opt, program), qemu, error)) fail(error);

    Image memory = program.image();
    std::vector<Stream> differing;
    for (size_t i = 0; i < streams.size(); ++i) {
        const Stream& s = streams[i];
        const StreamResult f = run_ferry(opt, memory, program.body_pc(i), program.word_pc(i, s.words.size() - 1) + 4,
                                         [&] { RegState in = s.in; in.x[kBaseReg] = program.scratch_address(i) + kScratchBase; return in; }());
        tally.streams++;
        std::vector<Difference> diffs;
        if (!signals_agree(program, i, s, qemu[i], f, tally, diffs)) {
            tally.skipped_for_undef++;
            continue;
        }
        tally.instructions += s.words.size();
        if (opt.counts) {
            for (uint32_t w : s.words) count_compared(w, tally);
            for (unsigned bit = 0; bit < 32; ++bit) tally.fpsr_flag_streams[bit] += (qemu[i].out.fpsr >> bit) & 1;
        }
        for (Difference& d : compare(qemu[i], f, get_scratch(memory, program, i))) diffs.push_back(std::move(d));
        if (diffs.empty()) continue;
        tally.differing_streams++;
        if (opt.verbose) {
            std::printf("stream:");
            for (size_t k = 0; k < s.words.size(); ++k)
                std::printf(" %s;", describe_word(s.words[k], program.word_pc(i, k)).c_str());
            std::printf("\n");
        }
        if (opt.verbose)
            for (const Difference& d : diffs)
                std::printf("stream diff: %s qemu=%s ferry=%s\n", d.where.c_str(), d.qemu.c_str(), d.ferry.c_str());
        differing.push_back(s);
    }
    for (size_t i = 0; i < probes.size(); ++i) {
        const size_t slot = streams.size() + i;
        tally.probes++;
        if (!qemu[slot].signals.count(program.word_pc(slot, 0)))
            count(tally.undef_ferry_only, group_key(probes[i].words[0]),
                  describe_word(probes[i].words[0], program.word_pc(slot, 0)));
    }
    if (!differing.empty()) minimise(opt, differing, tally);
}

void print_groups(const char* title, const std::map<std::string, Group>& groups) {
    uint64_t total = 0;
    for (const auto& [key, g] : groups) total += g.count;
    std::printf("%s: %" PRIu64 " in %zu groups\n", title, total, groups.size());
    std::vector<std::pair<std::string, Group>> sorted(groups.begin(), groups.end());
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second.count > b.second.count; });
    for (const auto& [key, g] : sorted) std::printf("  %6" PRIu64 "  %-36s e.g. %s\n", g.count, key.c_str(), g.example.c_str());
}

}  // namespace

int main(int argc, char** argv) {
    Options opt = parse_options(argc, argv);
    if (!find_in_path(opt.qemu)) fail(opt.qemu + " not found (install qemu-user or pass --qemu PATH)");

    std::vector<const a64::Encoding*> rows;
    const std::regex filter(opt.rows.empty() ? ".*" : opt.rows);
    for (const a64::Encoding& e : a64::encodings())
        if (runnable_row(e) && std::regex_search(e.handler_name, filter)) rows.push_back(&e);
    if (rows.empty()) fail("no runnable row matches --rows " + opt.rows);

    Rng rng(opt.seed);
    Tally tally;
    const size_t max_probes = opt.batch / 4 + 1;
    while (tally.streams < opt.streams) {
        std::vector<Stream> streams, probes;
        const uint64_t batch = std::min<uint64_t>(opt.batch, opt.streams - tally.streams);
        while (streams.size() < batch) {
            Stream s = draw_state(rng);
            int stream_exclusive_kind = -1;
            // Each row gets about the same share, however many of its encodings are unallocated.
            const a64::Encoding* row = nullptr;
            for (unsigned tries = 0; s.words.size() < opt.length; ++tries) {
                if (!row || tries % 256 == 0) row = rows[rng() % rows.size()];
                const a64::Encoding& e = *row;
                const uint32_t w = draw_word(e, rng);
                if (a64::decode(w) != &e) continue;
                const int kind = exclusive_kind(e, w);
                if (kind >= 0 && stream_exclusive_kind >= 0 && kind != stream_exclusive_kind) continue;
                if (ferry_undefined(w)) {
                    if (probes.size() < max_probes) {
                        Stream p = draw_state(rng);
                        p.words = {w};
                        p.uses_base = {addresses_memory(e)};
                        probes.push_back(std::move(p));
                    }
                    continue;
                }
                if (kind >= 0) stream_exclusive_kind = kind;
                s.words.push_back(w);
                s.uses_base.push_back(addresses_memory(e));
                row = nullptr;
            }
            streams.push_back(std::move(s));
        }
        run_batch(opt, streams, probes, tally);
        if (opt.verbose) std::fprintf(stderr, "ferry-qemu-diff: %" PRIu64 " streams\n", tally.streams);
    }

    std::printf("ferry-qemu-diff: %" PRIu64 " streams, %" PRIu64 " instructions compared (seed %" PRIu64
                ", cpu %s); %" PRIu64 " streams differ; %" PRIu64 " streams skipped for a QEMU-only UNDEF; %" PRIu64
                " Ferry-UNDEF words probed\n",
                tally.streams, tally.instructions, opt.seed, opt.cpu.c_str(), tally.differing_streams,
                tally.skipped_for_undef, tally.probes);
    if (opt.counts) print_counts(tally);
    print_groups("differences (first guilty instruction)", tally.differences);
    print_groups("undef disagreements: Ferry UNDEF, QEMU executes", tally.undef_ferry_only);
    print_groups("undef disagreements: QEMU UNDEF (SIGILL), Ferry executes", tally.undef_qemu_only);
    return tally.differences.empty() ? 0 : 1;
}
