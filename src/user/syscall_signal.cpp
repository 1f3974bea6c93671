// Signal system calls: the state lives in Signals (signals.h).
#include <unistd.h>

#include "user/syscalls.h"

namespace ferry::user {

namespace {

constexpr uint64_t kSigsetSize = 8;

}  // namespace

// rt_sigaction(sig, act, oldact, sigsetsize)
int64_t sys_rt_sigaction(Process& p, SyscallArgs a) {
    if (a[3] != kSigsetSize) return -EINVAL;
    GuestSigaction act, old;
    if (a[1] && !p.mem.read_value(a[1], act)) return -EFAULT;
    if (int64_t e = p.signals.sigaction(static_cast<int>(a[0]), a[1] ? &act : nullptr, &old)) return e;
    if (a[2] && !p.mem.write_value(a[2], old)) return -EFAULT;
    return 0;
}

// rt_sigprocmask(how, set, oldset, sigsetsize)
int64_t sys_rt_sigprocmask(Process& p, SyscallArgs a) {
    if (a[3] != kSigsetSize) return -EINVAL;
    const uint64_t old = p.signals.mask();
    if (a[1]) {
        uint64_t set;
        if (!p.mem.read_value(a[1], set)) return -EFAULT;
        switch (a[0]) {
        case SIG_BLOCK: p.signals.set_mask(old | set); break;
        case SIG_UNBLOCK: p.signals.set_mask(old & ~set); break;
        case SIG_SETMASK: p.signals.set_mask(set); break;
        default: return -EINVAL;
        }
    }
    if (a[2] && !p.mem.write_value(a[2], old)) return -EFAULT;
    return 0;
}

int64_t sys_rt_sigpending(Process& p, SyscallArgs a) {
    if (a[1] != kSigsetSize) return -EINVAL;
    return p.mem.write_value(a[0], p.signals.pending() & p.signals.mask()) ? 0 : -EFAULT;
}

// rt_sigsuspend(mask, sigsetsize): waits for a signal that the guest handles.
int64_t sys_rt_sigsuspend(Process& p, SyscallArgs a) {
    if (a[1] != kSigsetSize) return -EINVAL;
    uint64_t mask;
    if (!p.mem.read_value(a[0], mask)) return -EFAULT;
    p.signals.set_temporary_mask(mask);
    if (!p.signals.has_deliverable()) {
        // The host mask already equals the guest's: wait with it.
        sigset_t current;
        sigprocmask(SIG_BLOCK, nullptr, &current);
        sigsuspend(&current);
    }
    return -EINTR;
}

// rt_sigtimedwait(set, info, timeout, sigsetsize): the waited-for signals are
// blocked by the guest, hence on the host too, where they stay pending.
int64_t sys_rt_sigtimedwait(Process& p, SyscallArgs a) {
    if (a[3] != kSigsetSize) return -EINVAL;
    uint64_t bits;
    void* timeout;
    if (!p.mem.read_value(a[0], bits)) return -EFAULT;
    if (!host_buffer(p, a[2], sizeof(timespec), false, timeout)) return -EFAULT;
    sigset_t set;
    sigemptyset(&set);
    for (int sig = 1; sig <= kMaxSignal; ++sig)
        if (bits & sigbit(sig)) sigaddset(&set, sig);
    siginfo_t info;
    const int sig = sigtimedwait(&set, &info, static_cast<const timespec*>(timeout));
    if (sig < 0) return -errno;
    if (a[1] && !p.mem.write_value(a[1], info)) return -EFAULT;
    return sig;
}

int64_t sys_sigaltstack(Process& p, SyscallArgs a) {
    GuestStack ss, old;
    if (a[0] && !p.mem.read_value(a[0], ss)) return -EFAULT;
    if (int64_t e = p.signals.sigaltstack(a[0] ? &ss : nullptr, &old, p.cpu.sp)) return e;
    if (a[1] && !p.mem.write_value(a[1], old)) return -EFAULT;
    return 0;
}

// The result is the restored x0, so the dispatcher leaves the context as it was.
int64_t sys_rt_sigreturn(Process& p, SyscallArgs) {
    if (!p.signals.sigreturn(p)) Signals::die_by_signal(SIGSEGV);
    return static_cast<int64_t>(p.cpu.x[0]);
}

}  // namespace ferry::user
