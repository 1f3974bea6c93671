// ferry-user: runs one static AArch64 Linux program on an x86-64 Linux host.
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>

#include "common/log.h"
#include "common/symbols.h"
#include "core/engine.h"
#include "core/host_cpu.h"
#include "debug/gdb_server.h"
#include "debug/gdb_signals.h"
#include "user/address_space.h"
#include "user/elf_loader.h"
#include "user/exits.h"
#include "user/gdb_target.h"
#include "user/host_fault.h"
#include "user/options.h"
#include "user/process.h"
#include "user/process_image.h"
#include "user/syscalls.h"

extern char** environ;

namespace ferry::user {

namespace {

// The stack sits at the top of the guest space; mmap(NULL) hands out pages
// top-down below it, leaving room for the stack to be raised by -s.
constexpr uint64_t kStackTop = AddressSpace::kSpaceSize - 16 * kPageSize;
constexpr uint64_t kStackGap = 64 << 20;

std::string absolute_path(const std::string& path) {
    char buf[PATH_MAX];
    return realpath(path.c_str(), buf) ? std::string(buf) : path;
}

std::string ferry_executable() {
    char buf[PATH_MAX];
    const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) internal_error("cannot find Ferry's own executable");
    return std::string(buf, static_cast<size_t>(n));
}

int run(const Options& options) {
    std::string error;
    std::unique_ptr<debug::GdbServer> gdb;
    if (!options.gdb.empty() && !(gdb = debug::GdbServer::open(options.gdb, error))) {
        std::fprintf(stderr, "ferry-user: %s\n", error.c_str());
        return 1;
    }
    AddressSpace mem;
    CpuState cpu;
    Process p(cpu, mem, options);

    const std::string host_program = p.host_path(options.program);
    LoadedImage image;
    if (!load_elf(mem, host_program, image, error)) {
        std::fprintf(stderr, "ferry-user: %s: %s\n", options.program.c_str(), error.c_str());
        return 1;
    }
    p.exe_path = absolute_path(host_program);
    p.ferry_path = ferry_executable();
    mem.init_brk(image.brk_start);
    mem.set_mmap_top(kStackTop - options.stack_size - kStackGap);

    StackRequest stack;
    stack.argv.push_back(options.argv0.empty() ? options.program : options.argv0);
    stack.argv.insert(stack.argv.end(), options.args.begin(), options.args.end());
    stack.envp = guest_environment(options, environ);
    stack.execfn = options.program;
    stack.top = kStackTop;
    stack.size = page_up(options.stack_size);
    cpu.sp = build_initial_stack(mem, image, stack);
    if (cpu.sp == 0) {
        std::fprintf(stderr, "ferry-user: %s: argument list too long for the stack\n", options.program.c_str());
        return 1;
    }
    p.sigreturn_trampoline = map_sigreturn_trampoline(mem);
    cpu.pc = image.entry;
    cpu.guest_base = mem.base();
    cpu.guest_mask = mem.mask();
    if (options.log_guest_errors) log::printf("ferry-user: guest memory map:\n%s", mem.describe().c_str());

    EngineOptions engine_options;
    engine_options.mode = options.lockstep      ? ExecMode::Lockstep
                          : options.interpreter ? ExecMode::Interpreter
                                                : ExecMode::Jit;
    engine_options.chaining = !options.no_chain;
    engine_options.count_indirect_hits = options.stats;
    engine_options.perf_map = options.perf_map;
    engine_options.on_translate = [&mem](uint64_t lo, uint64_t hi) { mem.note_code(lo, hi); };
    // A divergence is a Ferry bug, not a guest event: report it and stop.
    engine_options.on_divergence = [](const std::string& what) {
        std::fprintf(stderr, "ferry-user: %s\n", what.c_str());
        std::fflush(nullptr);
        _exit(1);
    };
    auto fetch = [&mem](uint64_t pc, uint32_t& word) {
        const int prot = (pc & 3) ? -1 : mem.prot_at(pc);
        if (prot < 0 || !(prot & PROT_EXEC)) return false;
        std::memcpy(&word, mem.host(pc), sizeof word);
        return true;
    };
    Engine engine(cpu, fetch, engine_options);
    if (options.stats || options.perf_map) engine.set_symbols(SymbolTable::load(host_program));
    mem.on_code_invalidated = [&engine](uint64_t lo, uint64_t hi) { engine.invalidate(lo, hi); };
    auto finish = [&engine, &options](int status) {
        if (options.stats) log::printf("%s", engine.stats_report().c_str());
        std::fflush(nullptr);
        _exit(status);
    };
    p.exit = finish;

    FaultHooks hooks;
    hooks.cpu = &cpu;
    hooks.mem = &mem;
    hooks.guest_pc_for_fault = [&engine](uintptr_t host_pc) { return engine.guest_pc_for_fault(host_pc); };
    install_fault_handler(hooks);
    p.signals.init(cpu);

    auto run_once = [&engine, &hooks] {
        hooks.last_signal = 0;
        return engine.run();
    };
    if (gdb) {
        std::optional<int> exit_status;
        p.exit = [&exit_status](int status) { exit_status = status; };
        ProcessDebugTarget target(p, engine, hooks, run_once, exit_status);
        Signals::on_death = [&gdb](int sig) {
            debug::StopEvent killed;
            killed.kind = debug::StopEvent::Kind::Killed;
            killed.signal = debug::gdb_signal_from_linux(sig);
            gdb->announce_end(killed);
        };
        if (gdb->serve(target, true) == debug::GdbServer::Ending::Killed) {
            std::fprintf(stderr, "ferry-user: terminated by the debugger\n");
            finish(0);
        }
        finish(exit_status.value_or(0));
    }
    for (;;) handle_exit(p, run_once(), hooks);
}

}  // namespace

}  // namespace ferry::user

int main(int argc, char** argv) {
    if (!ferry::host_has_required_features("ferry-user")) return 1;
    ferry::user::Options options;
    switch (ferry::user::parse_options(argc, argv, options)) {
    case ferry::user::ParseResult::ExitOk: return 0;
    case ferry::user::ParseResult::ExitError: return 1;
    case ferry::user::ParseResult::Run: break;
    }
    return ferry::user::run(options);
}
