// Number -> handler dispatch, -strace logging and the helpers every domain
// file uses to translate guest pointers.
#include <sys/mman.h>
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <string>

#include "common/log.h"
#include "user/syscalls.h"

namespace ferry::user {

namespace {

using Handler = int64_t (*)(Process&, SyscallArgs);

struct Entry {
    const char* name = nullptr;
    Handler handler = nullptr;
    long host_nr = -1;  // for HOST rows
    unsigned nargs = 0;
};

constexpr unsigned kMaxSyscall = 512;

struct Table {
    Entry entries[kMaxSyscall];
    constexpr Table() {
#define SYSCALL(nr, nm, n) entries[nr] = {#nm, sys_##nm, -1, n};
#define HOST(nr, nm, n, host) entries[nr] = {#nm, nullptr, host, n};
#include "user/syscall_list.inc"
#undef SYSCALL
#undef HOST
    }
};

const Table kTable;

// Calls that Linux never restarts after a handler (they report EINTR).
bool restartable(uint64_t nr) {
    switch (nr) {
    case 72: case 73: case 101: case 115: case 133: case 137: case 139: return false;
    default: return true;
    }
}

// "pid name(arg,...)" as -strace shows it.
std::string describe_call(const Entry& e, SyscallArgs a) {
    std::string out = std::to_string(getpid()) + " " + e.name + "(";
    char arg[24];
    for (unsigned i = 0; i < e.nargs; ++i) {
        std::snprintf(arg, sizeof arg, "%s0x%llx", i ? "," : "", static_cast<unsigned long long>(a[i]));
        out += arg;
    }
    return out + ")";
}

}  // namespace

const char* syscall_name(uint64_t nr) { return nr < kMaxSyscall ? kTable.entries[nr].name : nullptr; }

void do_syscall(Process& p) {
    CpuState& c = p.cpu;
    const uint64_t nr = c.x[8];
    const uint64_t args[6] = {c.x[0], c.x[1], c.x[2], c.x[3], c.x[4], c.x[5]};
    const Entry* e = nr < kMaxSyscall && kTable.entries[nr].name ? &kTable.entries[nr] : nullptr;
    if (!e) {
        if (p.options.log_unimp)
            log::printf("ferry-user: unimplemented system call %llu\n", static_cast<unsigned long long>(nr));
        c.x[0] = static_cast<uint64_t>(-int64_t{ENOSYS});
        return;
    }
    // exit and execve may not come back: show them before they run.
    const bool log_first = p.options.strace && (nr == 93 || nr == 94 || nr == 221);
    if (log_first) log::printf("%s ...\n", describe_call(*e, args).c_str());
    const int64_t r = e->handler ? e->handler(p, args)
                                 : host_result(syscall(e->host_nr, args[0], args[1], args[2], args[3], args[4], args[5]));
    if (p.options.strace) {
        const std::string call = log_first ? std::to_string(getpid()) + " " + e->name : describe_call(*e, args);
        log::printf("%s = %lld\n", call.c_str(), static_cast<long long>(r));
    }
    if (r == -EINTR && restartable(nr)) p.interrupted = {true, c.pc - 4, args[0]};
    c.x[0] = static_cast<uint64_t>(r);
}

bool host_buffer(Process& p, uint64_t g, uint64_t len, bool kernel_writes, void*& out) {
    if (g == 0) {
        out = nullptr;
        return true;
    }
    if (!AddressSpace::in_space(g, len)) return false;
    if (kernel_writes) p.mem.prepare_host_write(g, len);
    out = p.mem.host(g);
    return true;
}

int64_t read_path(Process& p, uint64_t g, std::string& host_path) {
    std::string guest;
    if (!p.mem.read_string(g, guest, PATH_MAX))
        return p.mem.accessible(g, PATH_MAX, PROT_READ) ? -ENAMETOOLONG : -EFAULT;
    host_path = p.host_path(guest);
    return 0;
}

int64_t read_string_array(Process& p, uint64_t g, std::vector<std::string>& out) {
    constexpr size_t kMaxStrings = 1 << 16, kMaxString = 128 * 1024;  // like MAX_ARG_STRLEN
    out.clear();
    for (; g; g += 8) {
        uint64_t ptr;
        if (!p.mem.read_value(g, ptr)) return -EFAULT;
        if (ptr == 0) return 0;
        if (out.size() >= kMaxStrings) return -E2BIG;
        std::string s;
        if (!p.mem.read_string(ptr, s, kMaxString)) return -EFAULT;
        out.push_back(std::move(s));
    }
    return 0;
}

std::string Process::host_path(const std::string& guest_path) const {
    if (guest_path == "/proc/self/exe") return exe_path;
    if (!options.sysroot.empty() && !guest_path.empty() && guest_path[0] == '/') {
        std::string candidate = options.sysroot + guest_path;
        if (access(candidate.c_str(), F_OK) == 0) return candidate;
    }
    return guest_path;
}

}  // namespace ferry::user
