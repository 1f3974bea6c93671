// Process life cycle and identity: exit, fork-style clone, execve (re-runs
// Ferry), wait, limits, uname.
#include <fcntl.h>
#include <linux/futex.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <cstring>

#include "common/log.h"
#include "user/elf_loader.h"
#include "user/syscalls.h"

namespace ferry::user {

namespace {

constexpr size_t kRusageSize = 144, kRlimitSize = 16, kSysinfoSize = 112, kSiginfoSize = 128;

// Out-pointer arguments of fixed size, written by the host kernel.
bool out_buffers(Process& p, std::initializer_list<std::pair<uint64_t, uint64_t>> bufs, void** out) {
    for (const auto& [g, len] : bufs)
        if (!host_buffer(p, g, len, true, *out++)) return false;
    return true;
}

// What execve will run: the file, or the interpreter of a "#!" script.
struct ExecTarget {
    std::string program;            // guest path of the AArch64 ELF to run
    std::vector<std::string> argv;  // its argv
};

int64_t read_header(const std::string& host_path, char* buf, size_t size, size_t& got) {
    if (access(host_path.c_str(), X_OK) != 0) return -errno;
    const int fd = open(host_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -errno;
    const ssize_t n = pread(fd, buf, size, 0);
    close(fd);
    if (n < 0) return -errno;
    got = static_cast<size_t>(n);
    return 0;
}

// Resolves path (and one level of "#!") to an AArch64 ELF, as the kernel's
// binfmt_script and binfmt_elf would; anything else is -ENOEXEC.
int64_t resolve_exec(Process& p, const std::string& path, std::vector<std::string> argv, ExecTarget& out) {
    char head[256];
    size_t got = 0;
    if (int64_t e = read_header(p.host_path(path), head, sizeof head, got)) return e;
    if (got >= 2 && head[0] == '#' && head[1] == '!') {
        std::string line(head + 2, got - 2);
        line = line.substr(0, line.find('\n'));
        const size_t start = line.find_first_not_of(" \t");
        if (start == std::string::npos) return -ENOEXEC;
        line = line.substr(start);
        const size_t end = line.find_first_of(" \t");
        const std::string interp = line.substr(0, end);
        std::string arg = end == std::string::npos ? "" : line.substr(line.find_first_not_of(" \t", end));
        arg = arg.substr(0, arg.find_last_not_of(" \t") + 1);
        if (int64_t e = read_header(p.host_path(interp), head, sizeof head, got)) return e;
        if (!looks_like_aarch64_elf(reinterpret_cast<uint8_t*>(head), got)) return -ENOEXEC;
        std::vector<std::string> new_argv = {interp};
        if (!arg.empty()) new_argv.push_back(arg);
        new_argv.push_back(path);
        if (!argv.empty()) new_argv.insert(new_argv.end(), argv.begin() + 1, argv.end());
        out = {interp, std::move(new_argv)};
        return 0;
    }
    if (!looks_like_aarch64_elf(reinterpret_cast<uint8_t*>(head), got)) return -ENOEXEC;
    out = {path, std::move(argv)};
    return 0;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
    std::vector<char*> out;
    for (std::string& s : strings) out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

}  // namespace

int64_t sys_exit(Process& p, SyscallArgs a) {
    p.exit(static_cast<int>(a[0] & 0xff));
    return 0;
}
int64_t sys_exit_group(Process& p, SyscallArgs a) { return sys_exit(p, a); }

int64_t sys_set_tid_address(Process& p, SyscallArgs a) {
    p.clear_child_tid = a[0];
    return host_result(syscall(SYS_gettid));
}

// One thread per process: the robust futex list only matters to threads.
int64_t sys_set_robust_list(Process&, SyscallArgs) { return 0; }

// futex(uaddr, op, val, timeout or val2, uaddr2, val3)
int64_t sys_futex(Process& p, SyscallArgs a) {
    const int cmd = static_cast<int>(a[1]) & FUTEX_CMD_MASK;
    const bool has_timeout = cmd == FUTEX_WAIT || cmd == FUTEX_WAIT_BITSET || cmd == FUTEX_LOCK_PI ||
                             cmd == FUTEX_LOCK_PI2 || cmd == FUTEX_WAIT_REQUEUE_PI;
    const bool has_uaddr2 = cmd == FUTEX_REQUEUE || cmd == FUTEX_CMP_REQUEUE || cmd == FUTEX_WAKE_OP ||
                            cmd == FUTEX_WAIT_REQUEUE_PI || cmd == FUTEX_CMP_REQUEUE_PI;
    void *uaddr, *uaddr2 = nullptr;
    void* timeout = reinterpret_cast<void*>(a[3]);
    if (!host_buffer(p, a[0], 4, true, uaddr)) return -EFAULT;
    if (has_uaddr2 && !host_buffer(p, a[4], 4, true, uaddr2)) return -EFAULT;
    if (has_timeout && !host_buffer(p, a[3], sizeof(timespec), false, timeout)) return -EFAULT;
    return host_result(syscall(SYS_futex, uaddr, a[1], a[2], timeout, has_uaddr2 ? uaddr2 : nullptr, a[5]));
}

int64_t sys_sched_getaffinity(Process& p, SyscallArgs a) {
    void* mask;
    if (!host_buffer(p, a[2], a[1], true, mask)) return -EFAULT;
    return host_result(syscall(SYS_sched_getaffinity, a[0], a[1], mask));
}

int64_t sys_getresuid(Process& p, SyscallArgs a) {
    void* ids[3];
    if (!out_buffers(p, {{a[0], 4}, {a[1], 4}, {a[2], 4}}, ids)) return -EFAULT;
    return host_result(syscall(SYS_getresuid, ids[0], ids[1], ids[2]));
}

int64_t sys_getresgid(Process& p, SyscallArgs a) {
    void* ids[3];
    if (!out_buffers(p, {{a[0], 4}, {a[1], 4}, {a[2], 4}}, ids)) return -EFAULT;
    return host_result(syscall(SYS_getresgid, ids[0], ids[1], ids[2]));
}

int64_t sys_getgroups(Process& p, SyscallArgs a) {
    void* list;
    if (a[0] > NGROUPS_MAX || !host_buffer(p, a[1], a[0] * 4, true, list)) return -EINVAL;
    return host_result(syscall(SYS_getgroups, a[0], list));
}

int64_t sys_setgroups(Process& p, SyscallArgs a) {
    void* list;
    if (a[0] > NGROUPS_MAX || !host_buffer(p, a[1], a[0] * 4, false, list)) return -EINVAL;
    return host_result(syscall(SYS_setgroups, a[0], list));
}

int64_t sys_uname(Process& p, SyscallArgs a) {
    struct utsname u;
    if (uname(&u) != 0) return -errno;
    std::snprintf(u.machine, sizeof u.machine, "aarch64");
    return p.mem.write_value(a[0], u) ? 0 : -EFAULT;
}

int64_t sys_sysinfo(Process& p, SyscallArgs a) {
    void* info;
    if (!host_buffer(p, a[0], kSysinfoSize, true, info)) return -EFAULT;
    return host_result(syscall(SYS_sysinfo, info));
}

int64_t sys_getrlimit(Process& p, SyscallArgs a) {
    void* limit;
    if (!host_buffer(p, a[1], kRlimitSize, true, limit)) return -EFAULT;
    return host_result(syscall(SYS_prlimit64, 0, a[0], nullptr, limit));
}

int64_t sys_setrlimit(Process& p, SyscallArgs a) {
    void* limit;
    if (!host_buffer(p, a[1], kRlimitSize, false, limit)) return -EFAULT;
    return host_result(syscall(SYS_prlimit64, 0, a[0], limit, nullptr));
}

int64_t sys_prlimit64(Process& p, SyscallArgs a) {
    void *new_limit, *old_limit;
    if (!host_buffer(p, a[2], kRlimitSize, false, new_limit) || !host_buffer(p, a[3], kRlimitSize, true, old_limit))
        return -EFAULT;
    return host_result(syscall(SYS_prlimit64, a[0], a[1], new_limit, old_limit));
}

int64_t sys_getrusage(Process& p, SyscallArgs a) {
    void* usage;
    if (!host_buffer(p, a[1], kRusageSize, true, usage)) return -EFAULT;
    return host_result(syscall(SYS_getrusage, a[0], usage));
}

int64_t sys_getrandom(Process& p, SyscallArgs a) {
    void* buf;
    if (!host_buffer(p, a[0], a[1], true, buf)) return -EFAULT;
    return host_result(syscall(SYS_getrandom, buf, a[1], a[2]));
}

int64_t sys_prctl(Process& p, SyscallArgs a) {
    constexpr size_t kTaskNameSize = 16;
    switch (a[0]) {
    case PR_SET_NAME: case PR_GET_NAME: {
        void* name;
        if (!host_buffer(p, a[1], kTaskNameSize, a[0] == PR_GET_NAME, name)) return -EFAULT;
        return host_result(syscall(SYS_prctl, a[0], name, 0, 0, 0));
    }
    case PR_GET_PDEATHSIG: {
        void* sig;
        if (!host_buffer(p, a[1], 4, true, sig)) return -EFAULT;
        return host_result(syscall(SYS_prctl, a[0], sig, 0, 0, 0));
    }
    case PR_SET_PDEATHSIG: case PR_GET_DUMPABLE: case PR_SET_DUMPABLE: case PR_SET_NO_NEW_PRIVS:
    case PR_GET_NO_NEW_PRIVS: case PR_SET_CHILD_SUBREAPER:
        return host_result(syscall(SYS_prctl, a[0], a[1], a[2], a[3], a[4]));
    default:
        if (p.options.log_unimp)
            log::printf("ferry-user: unimplemented prctl option %llu\n", static_cast<unsigned long long>(a[0]));
        return -EINVAL;
    }
}

int64_t sys_wait4(Process& p, SyscallArgs a) {
    void* out[2];
    if (!out_buffers(p, {{a[1], 4}, {a[3], kRusageSize}}, out)) return -EFAULT;
    return host_result(syscall(SYS_wait4, a[0], out[0], a[2], out[1]));
}

int64_t sys_waitid(Process& p, SyscallArgs a) {
    void* out[2];
    if (!out_buffers(p, {{a[2], kSiginfoSize}, {a[4], kRusageSize}}, out)) return -EFAULT;
    return host_result(syscall(SYS_waitid, a[0], a[1], out[0], a[3], out[1]));
}

// clone(flags, stack, parent_tid, tls, child_tid): processes only. The child
// is a host fork that continues the same guest state.
int64_t sys_clone(Process& p, SyscallArgs a) {
    const uint64_t flags = a[0];
    constexpr uint64_t kSupported = CSIGNAL | CLONE_VM | CLONE_VFORK | CLONE_PARENT_SETTID | CLONE_CHILD_SETTID |
                                    CLONE_CHILD_CLEARTID | CLONE_SETTLS;
    // Threads would share one CpuState-per-thread engine: not supported yet.
    if (flags & CLONE_THREAD) return -ENOSYS;
    if ((flags & CLONE_VM) && !(flags & CLONE_VFORK)) return -ENOSYS;
    if (flags & ~kSupported) return -EINVAL;

    // vfork: the parent waits until the child has exec'd or exited, which
    // closes the (close-on-exec) write end of this pipe.
    int done[2] = {-1, -1};
    if (flags & CLONE_VFORK) {
        if (pipe2(done, O_CLOEXEC) != 0) return -errno;
    }
    std::fflush(nullptr);
    // The host libc's fork keeps its own idea of the thread id right; the
    // child's exit signal is SIGCHLD whatever CSIGNAL asks.
    const pid_t pid = fork();
    if (pid < 0) {
        const int err = errno;
        if (done[0] >= 0) {
            close(done[0]);
            close(done[1]);
        }
        return -err;
    }
    if (pid == 0) {
        if (done[0] >= 0) close(done[0]);
        p.signals.forget_pending();
        if (a[1]) p.cpu.sp = a[1];
        if (flags & CLONE_SETTLS) p.cpu.tpidr_el0 = a[3];
        const uint32_t tid = static_cast<uint32_t>(syscall(SYS_gettid));
        if (flags & CLONE_CHILD_SETTID) p.mem.write_value(a[4], tid);
        if (flags & CLONE_CHILD_CLEARTID) p.clear_child_tid = a[4];
        return 0;
    }
    if (done[0] >= 0) {
        close(done[1]);
        char byte;
        while (read(done[0], &byte, 1) < 0 && errno == EINTR) {
        }
        close(done[0]);
    }
    if (flags & CLONE_PARENT_SETTID) p.mem.write_value(a[2], static_cast<uint32_t>(pid));
    return pid;
}

// execve(path, argv, envp): an AArch64 program runs under a fresh Ferry with
// the same options; the guest environment becomes that Ferry's environment.
int64_t sys_execve(Process& p, SyscallArgs a) {
    std::string path;
    std::vector<std::string> argv, envp;
    if (!p.mem.read_string(a[0], path, PATH_MAX)) return -EFAULT;
    if (int64_t e = read_string_array(p, a[1], argv)) return e;
    if (int64_t e = read_string_array(p, a[2], envp)) return e;
    ExecTarget target;
    if (int64_t e = resolve_exec(p, path, argv, target)) return e;

    std::vector<std::string> host_argv = {p.ferry_path};
    for (std::string& opt : p.options.forwarded()) host_argv.push_back(std::move(opt));
    // /proc/self/exe names the guest program here, and the new Ferry would not know it.
    const std::string program = target.program == "/proc/self/exe" ? p.exe_path : target.program;
    host_argv.insert(host_argv.end(), {"-0", target.argv.empty() ? program : target.argv[0], "--", program});
    if (target.argv.size() > 1) host_argv.insert(host_argv.end(), target.argv.begin() + 1, target.argv.end());

    std::fflush(nullptr);
    std::vector<char*> host_argv_c = c_strings(host_argv), envp_c = c_strings(envp);
    execve(p.ferry_path.c_str(), host_argv_c.data(), envp_c.data());
    return -errno;
}

}  // namespace ferry::user
