// The guest's system calls. A handler gets the guest arguments x0..x5 and
// returns the value for x0 (-errno on failure). Guest pointers are checked
// against the guest space before the host kernel sees them: the host kernel
// itself turns unmapped (PROT_NONE) guest pages into EFAULT, and nothing a
// guest passes can reach host memory outside its reservation.
#pragma once
#include <sys/syscall.h>

#include <cerrno>
#include <cstdint>
#include <string>
#include <vector>

#include "user/process.h"

namespace ferry::user {

using SyscallArgs = const uint64_t*;

// Runs the system call in x8 with x0..x5 and writes x0; logs for -strace/-d unimp.
void do_syscall(Process& p);

// Name of a guest system call number (nullptr if Ferry does not know it).
const char* syscall_name(uint64_t nr);

#define SYSCALL(nr, name, nargs) int64_t sys_##name(Process& p, SyscallArgs a);
#define HOST(nr, name, nargs, host_nr)
#include "user/syscall_list.inc"
#undef SYSCALL
#undef HOST

// --- Helpers for handlers ---

// The host's result of a raw system call: value or -errno.
inline int64_t host_result(long r) { return r == -1 ? -errno : r; }

// The host address of guest buffer [g, g + len) for the host kernel to read
// (or write, kernel_writes); a null guest pointer stays null. False when the
// buffer leaves the guest space (the caller returns -EFAULT).
bool host_buffer(Process& p, uint64_t g, uint64_t len, bool kernel_writes, void*& out);

// Reads a guest path and maps it to the host path to use (sysroot, /proc/self/exe).
// Returns 0 or -errno.
int64_t read_path(Process& p, uint64_t g, std::string& host_path);

// Reads a NULL-terminated array of guest string pointers (argv, envp).
int64_t read_string_array(Process& p, uint64_t g, std::vector<std::string>& out);

// arm64 and x86-64 disagree on four open(2) flag bits.
int open_flags_to_host(uint64_t guest_flags);
uint64_t open_flags_to_guest(int host_flags);

}  // namespace ferry::user
