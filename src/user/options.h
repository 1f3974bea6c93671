// ferry-user's command line, following qemu-aarch64:
//   ferry-user [options] program [arguments...]
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace ferry::user {

struct Options {
    std::string cpu = "max";
    std::string sysroot;                 // -L
    std::vector<std::string> env_set;    // -E var=value
    std::vector<std::string> env_unset;  // -U var
    std::string argv0;                   // -0 (empty: the program path)
    uint64_t stack_size = 8 << 20;       // -s
    std::string log_file;                // -D
    std::string log_items;               // -d, as given (common/log.h items)
    uint32_t log_mask = 0;
    bool strace = false;                 // -strace or -d strace
    bool log_unimp = false;              // -d unimp
    bool log_guest_errors = false;       // -d guest_errors
    bool no_chain = false;               // -d nochain
    bool interpreter = false;            // --interp
    bool lockstep = false;               // --lockstep
    bool stats = false;                  // --stats
    bool perf_map = false;               // --perf-map
    std::string gdb;                     // -g PORT|PATH, as GdbServer::open spells it; not forwarded
    std::string program;
    std::vector<std::string> args;       // guest argv[1..]

    // The options to hand to a Ferry re-executed by the guest's execve
    // (everything that shapes execution, nothing tied to this program).
    std::vector<std::string> forwarded() const;
};

enum class ParseResult { Run, ExitOk, ExitError };

// Parses argv; prints help/version/errors itself.
ParseResult parse_options(int argc, char** argv, Options& options);

// The process environment with -E/-U applied, as the guest's envp.
std::vector<std::string> guest_environment(const Options& options, char** host_env);

}  // namespace ferry::user
