#include "user/options.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "common/log.h"

namespace ferry::user {

namespace {

// All of these models run the same instruction set in Ferry today; the name
// is accepted so that qemu-aarch64 command lines keep working.
const char* const kCpuModels[] = {"max", "cortex-a53", "cortex-a57", "cortex-a72", "neoverse-n1"};

void print_help(FILE* out) {
    std::fputs(
        "usage: ferry-user [options] program [arguments...]\n"
        "Runs a static AArch64 Linux program on this x86-64 host by dynamic binary translation.\n\n"
        "Options (as qemu-aarch64):\n"
        "  -h, -help          print this help and exit\n"
        "  -version           print the version and exit\n"
        "  -cpu model         CPU model (-cpu help lists them)\n"
        "  -E var=value       set an environment variable for the guest\n"
        "  -U var             remove an environment variable for the guest\n"
        "  -L path            guest sysroot: absolute guest paths are looked up there first\n"
        "  -0 argv0           the guest's argv[0] (default: the program path)\n"
        "  -s size            guest stack size in bytes (suffixes k, M, G)\n"
        "  -d item[,...]      log items (-d help lists them)\n"
        "  -D logfile         write logs to logfile instead of stderr\n"
        "  -strace            log every system call\n"
        "  -g port            wait for gdb on TCP port (or Unix socket path) before the first instruction\n"
        "Ferry's own:\n"
        "  --interp           run the IR interpreter instead of the JIT\n"
        "  --lockstep         run every block in the JIT and the interpreter and compare\n"
        "  --stats            print engine statistics at exit\n"
        "  --perf-map         name the translated blocks for perf in /tmp/perf-PID.map\n",
        out);
}

bool parse_size(const std::string& text, uint64_t& out) {
    char* end = nullptr;
    unsigned long long v = std::strtoull(text.c_str(), &end, 0);
    switch (*end) {
    case 'k': case 'K': v <<= 10; ++end; break;
    case 'm': case 'M': v <<= 20; ++end; break;
    case 'g': case 'G': v <<= 30; ++end; break;
    default: break;
    }
    if (*end || v == 0 || v > (uint64_t{1} << 34)) return false;
    out = v;
    return true;
}

bool known_cpu(const std::string& name) {
    for (const char* m : kCpuModels)
        if (name == m) return true;
    return false;
}

}  // namespace

std::vector<std::string> Options::forwarded() const {
    std::vector<std::string> out = {"-cpu", cpu};
    if (!sysroot.empty()) out.insert(out.end(), {"-L", sysroot});
    if (stack_size != (8u << 20)) out.insert(out.end(), {"-s", std::to_string(stack_size)});
    if (!log_items.empty()) out.insert(out.end(), {"-d", log_items});
    if (strace) out.push_back("-strace");
    if (!log_file.empty()) out.insert(out.end(), {"-D", log_file});
    if (interpreter) out.push_back("--interp");
    if (lockstep) out.push_back("--lockstep");
    if (stats) out.push_back("--stats");
    if (perf_map) out.push_back("--perf-map");
    return out;
}

ParseResult parse_options(int argc, char** argv, Options& o) {
    int i = 1;
    auto value = [&](const char* opt) -> const char* {
        if (i + 1 >= argc) {
            std::fprintf(stderr, "ferry-user: option %s needs an argument\n", opt);
            return nullptr;
        }
        return argv[++i];
    };
    for (; i < argc && argv[i][0] == '-'; ++i) {
        std::string opt = argv[i];
        if (opt == "--") {
            ++i;
            break;
        }
        // qemu accepts both -opt and --opt.
        if (opt.size() > 2 && opt[1] == '-' && opt != "--interp" && opt != "--lockstep" && opt != "--stats" &&
            opt != "--perf-map")
            opt = opt.substr(1);
        if (opt == "-h" || opt == "-help") {
            print_help(stdout);
            return ParseResult::ExitOk;
        } else if (opt == "-version") {
            std::puts("ferry-user version 0.1 (AArch64 Linux user mode on x86-64)");
            return ParseResult::ExitOk;
        } else if (opt == "-strace") {
            o.strace = true;
        } else if (opt == "--interp") {
            o.interpreter = true;
        } else if (opt == "--lockstep") {
            o.lockstep = true;
        } else if (opt == "--stats") {
            o.stats = true;
        } else if (opt == "--perf-map") {
            o.perf_map = true;
        } else if (opt == "-cpu" || opt == "-E" || opt == "-U" || opt == "-L" || opt == "-d" || opt == "-D" ||
                   opt == "-0" || opt == "-s" || opt == "-g") {
            const char* v = value(opt.c_str());
            if (!v) return ParseResult::ExitError;
            if (opt == "-cpu") {
                if (std::string(v) == "help") {
                    for (const char* m : kCpuModels) std::printf("  %s\n", m);
                    return ParseResult::ExitOk;
                }
                if (!known_cpu(v)) {
                    std::fprintf(stderr, "ferry-user: unknown CPU model '%s' (try -cpu help)\n", v);
                    return ParseResult::ExitError;
                }
                o.cpu = v;
            } else if (opt == "-E") {
                if (!std::strchr(v, '=')) {
                    std::fprintf(stderr, "ferry-user: -E needs var=value\n");
                    return ParseResult::ExitError;
                }
                o.env_set.push_back(v);
            } else if (opt == "-U") {
                o.env_unset.push_back(v);
            } else if (opt == "-L") {
                o.sysroot = v;
            } else if (opt == "-d") {
                if (std::string(v) == "help") {
                    std::fputs(log::help().c_str(), stdout);
                    return ParseResult::ExitOk;
                }
                std::string error;
                if (!log::parse_items(v, o.log_mask, error)) {
                    std::fprintf(stderr, "ferry-user: %s\n", error.c_str());
                    return ParseResult::ExitError;
                }
                o.log_items += (o.log_items.empty() ? "" : ",") + std::string(v);
            } else if (opt == "-D") {
                o.log_file = v;
                if (!log::set_file(v)) {
                    std::fprintf(stderr, "ferry-user: cannot open log file %s: %s\n", v, std::strerror(errno));
                    return ParseResult::ExitError;
                }
            } else if (opt == "-0") {
                o.argv0 = v;
            } else if (opt == "-g") {
                // A port number, or (as newer qemu-aarch64) a Unix socket path.
                const bool port = std::strspn(v, "0123456789") == std::strlen(v);
                o.gdb = port ? std::string("tcp::") + v : std::string("unix:") + v + ",server";
            } else if (!parse_size(v, o.stack_size)) {
                std::fprintf(stderr, "ferry-user: bad stack size '%s'\n", v);
                return ParseResult::ExitError;
            }
        } else {
            std::fprintf(stderr, "ferry-user: unknown option '%s' (try -h)\n", argv[i]);
            return ParseResult::ExitError;
        }
    }
    if (i >= argc) {
        std::fprintf(stderr, "ferry-user: no program given (try -h)\n");
        return ParseResult::ExitError;
    }
    log::set_mask(o.log_mask);
    o.strace |= (o.log_mask & log::Strace) != 0;
    o.log_unimp = o.log_mask & log::Unimp;
    o.log_guest_errors = o.log_mask & log::GuestErrors;
    o.no_chain = o.log_mask & log::NoChain;
    o.program = argv[i++];
    o.args.assign(argv + i, argv + argc);
    return ParseResult::Run;
}

std::vector<std::string> guest_environment(const Options& o, char** host_env) {
    std::vector<std::string> env;
    auto name_of = [](const std::string& kv) { return kv.substr(0, kv.find('=')); };
    auto overridden = [&](const std::string& name) {
        for (const std::string& u : o.env_unset)
            if (u == name) return true;
        for (const std::string& s : o.env_set)
            if (name_of(s) == name) return true;
        return false;
    };
    for (char** e = host_env; e && *e; ++e)
        if (!overridden(name_of(*e))) env.push_back(*e);
    for (const std::string& s : o.env_set) env.push_back(s);
    return env;
}

}  // namespace ferry::user
