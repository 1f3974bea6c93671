// Clocks, sleeps and timers: timespec, timeval, itimerval and tms have the
// same layout on both 64-bit ABIs, so only the pointers need translating.
#include <time.h>
#include <unistd.h>

#include "user/syscalls.h"

namespace ferry::user {

namespace {

constexpr uint64_t kTimespecSize = 16, kTimevalSize = 16, kItimervalSize = 32, kTmsSize = 32, kTimezoneSize = 8;

// (integer, pointer in) / (integer, pointer out) shapes.
int64_t int_and_buffer(Process& p, long host_nr, uint64_t n, uint64_t g, uint64_t len, bool kernel_writes) {
    void* buf;
    if (!host_buffer(p, g, len, kernel_writes, buf)) return -EFAULT;
    return host_result(syscall(host_nr, n, buf));
}

}  // namespace

int64_t sys_clock_gettime(Process& p, SyscallArgs a) {
    return int_and_buffer(p, SYS_clock_gettime, a[0], a[1], kTimespecSize, true);
}

int64_t sys_clock_getres(Process& p, SyscallArgs a) {
    return int_and_buffer(p, SYS_clock_getres, a[0], a[1], kTimespecSize, true);
}

int64_t sys_getitimer(Process& p, SyscallArgs a) {
    return int_and_buffer(p, SYS_getitimer, a[0], a[1], kItimervalSize, true);
}

int64_t sys_setitimer(Process& p, SyscallArgs a) {
    void *new_value, *old_value;
    if (!host_buffer(p, a[1], kItimervalSize, false, new_value) ||
        !host_buffer(p, a[2], kItimervalSize, true, old_value))
        return -EFAULT;
    return host_result(syscall(SYS_setitimer, a[0], new_value, old_value));
}

int64_t sys_nanosleep(Process& p, SyscallArgs a) {
    void *request, *remain;
    if (!host_buffer(p, a[0], kTimespecSize, false, request) || !host_buffer(p, a[1], kTimespecSize, true, remain))
        return -EFAULT;
    return host_result(syscall(SYS_nanosleep, request, remain));
}

int64_t sys_clock_nanosleep(Process& p, SyscallArgs a) {
    void *request, *remain;
    if (!host_buffer(p, a[2], kTimespecSize, false, request) || !host_buffer(p, a[3], kTimespecSize, true, remain))
        return -EFAULT;
    return host_result(syscall(SYS_clock_nanosleep, a[0], a[1], request, remain));
}

int64_t sys_times(Process& p, SyscallArgs a) {
    void* buf;
    if (!host_buffer(p, a[0], kTmsSize, true, buf)) return -EFAULT;
    return host_result(syscall(SYS_times, buf));
}

int64_t sys_gettimeofday(Process& p, SyscallArgs a) {
    void *tv, *tz;
    if (!host_buffer(p, a[0], kTimevalSize, true, tv) || !host_buffer(p, a[1], kTimezoneSize, true, tz))
        return -EFAULT;
    return host_result(syscall(SYS_gettimeofday, tv, tz));
}

}  // namespace ferry::user
