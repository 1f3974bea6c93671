// Files, descriptors, terminals and sockets.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstring>

#include "common/log.h"
#include "user/syscalls.h"

namespace ferry::user {

namespace {

// --- open(2) flags: arm64 uses the asm-generic values, x86-64 its own ---
struct FlagPair {
    uint64_t guest;
    int host;
};
constexpr FlagPair kDivergentOpenFlags[] = {
    {0x4000, O_DIRECTORY}, {0x8000, O_NOFOLLOW}, {0x10000, O_DIRECT}, {0x20000, O_LARGEFILE}};
constexpr uint64_t kGuestDivergentMask = 0x3c000;
constexpr int kHostDivergentMask = O_DIRECTORY | O_NOFOLLOW | O_DIRECT | O_LARGEFILE;

// --- struct stat as arm64 (asm-generic) lays it out: 128 bytes ---
struct GuestStat {
    uint64_t dev, ino;
    uint32_t mode, nlink, uid, gid;
    uint64_t rdev, pad1;
    int64_t size;
    int32_t blksize, pad2;
    int64_t blocks;
    int64_t atime_sec, atime_nsec, mtime_sec, mtime_nsec, ctime_sec, ctime_nsec;
    uint32_t unused[2];
};
static_assert(sizeof(GuestStat) == 128);

constexpr size_t kStatfsSize = 120;  // identical layout on both 64-bit ABIs
constexpr size_t kStatxSize = 256;

int64_t write_stat(Process& p, uint64_t g, const struct stat& s) {
    GuestStat out = {};
    out.dev = s.st_dev;
    out.ino = s.st_ino;
    out.mode = s.st_mode;
    out.nlink = static_cast<uint32_t>(s.st_nlink);
    out.uid = s.st_uid;
    out.gid = s.st_gid;
    out.rdev = s.st_rdev;
    out.size = s.st_size;
    out.blksize = static_cast<int32_t>(s.st_blksize);
    out.blocks = s.st_blocks;
    out.atime_sec = s.st_atim.tv_sec;
    out.atime_nsec = s.st_atim.tv_nsec;
    out.mtime_sec = s.st_mtim.tv_sec;
    out.mtime_nsec = s.st_mtim.tv_nsec;
    out.ctime_sec = s.st_ctim.tv_sec;
    out.ctime_nsec = s.st_ctim.tv_nsec;
    return p.mem.write_value(g, out) ? 0 : -EFAULT;
}

// A guest buffer for the kernel to fill whose capacity is in *len_ptr
// (accept, getsockname, getsockopt, recvfrom).
int64_t sized_out_buffer(Process& p, uint64_t buf, uint64_t len_ptr, void*& host_buf, void*& host_len) {
    uint32_t len = 0;
    if (len_ptr && !p.mem.read_value(len_ptr, len)) return -EFAULT;
    if (!host_buffer(p, len_ptr, 4, true, host_len) || !host_buffer(p, buf, len, true, host_buf)) return -EFAULT;
    return 0;
}

// readv/writev/preadv/pwritev: the guest's iovec array with host bases.
int64_t host_iovecs(Process& p, uint64_t g, uint64_t count, bool kernel_writes, std::vector<iovec>& out) {
    if (count > IOV_MAX) return -EINVAL;
    out.resize(count);
    for (uint64_t i = 0; i < count; ++i) {
        uint64_t iov[2];
        if (!p.mem.read(g + 16 * i, iov, sizeof iov)) return -EFAULT;
        if (!host_buffer(p, iov[0], iov[1], kernel_writes, out[i].iov_base)) return -EFAULT;
        out[i].iov_len = iov[1];
    }
    return 0;
}

int64_t vector_io(Process& p, SyscallArgs a, long host_nr, bool kernel_writes) {
    std::vector<iovec> iov;
    if (int64_t e = host_iovecs(p, a[1], a[2], kernel_writes, iov)) return e;
    return host_result(syscall(host_nr, a[0], iov.data(), iov.size(), a[3], 0));
}

int64_t buffer_io(Process& p, SyscallArgs a, long host_nr, bool kernel_writes) {
    void* buf;
    if (!host_buffer(p, a[1], a[2], kernel_writes, buf)) return -EFAULT;
    return host_result(syscall(host_nr, a[0], buf, a[2], a[3]));
}

// Calls of the shape (dirfd, path, integer arguments...).
int64_t at_call(Process& p, SyscallArgs a, long host_nr) {
    std::string path;
    if (int64_t e = read_path(p, a[1], path)) return e;
    return host_result(syscall(host_nr, a[0], path.c_str(), a[2], a[3], a[4]));
}

// Calls of the shape (dirfd, path, dirfd, path, integer).
int64_t two_path_call(Process& p, SyscallArgs a, long host_nr) {
    std::string from, to;
    if (int64_t e = read_path(p, a[1], from)) return e;
    if (int64_t e = read_path(p, a[3], to)) return e;
    return host_result(syscall(host_nr, a[0], from.c_str(), a[2], to.c_str(), a[4]));
}

// --- Terminal and descriptor ioctls: same numbers and layouts on both ---
enum class IoctlArg { None, Int, In, Out };
struct IoctlInfo {
    uint64_t request;
    IoctlArg arg;
    uint32_t size;
};
constexpr uint32_t kTermiosSize = 36, kTermios2Size = 44, kWinsizeSize = 8;
constexpr IoctlInfo kIoctls[] = {
    {0x5401, IoctlArg::Out, kTermiosSize},   // TCGETS
    {0x5402, IoctlArg::In, kTermiosSize},    // TCSETS
    {0x5403, IoctlArg::In, kTermiosSize},    // TCSETSW
    {0x5404, IoctlArg::In, kTermiosSize},    // TCSETSF
    {0x5409, IoctlArg::Int, 0},              // TCSBRK
    {0x540A, IoctlArg::Int, 0},              // TCXONC
    {0x540B, IoctlArg::Int, 0},              // TCFLSH
    {0x540E, IoctlArg::Int, 0},              // TIOCSCTTY
    {0x540F, IoctlArg::Out, 4},              // TIOCGPGRP
    {0x5410, IoctlArg::In, 4},               // TIOCSPGRP
    {0x5411, IoctlArg::Out, 4},              // TIOCOUTQ
    {0x5413, IoctlArg::Out, kWinsizeSize},   // TIOCGWINSZ
    {0x5414, IoctlArg::In, kWinsizeSize},    // TIOCSWINSZ
    {0x541B, IoctlArg::Out, 4},              // FIONREAD
    {0x5421, IoctlArg::In, 4},               // FIONBIO
    {0x5422, IoctlArg::None, 0},             // TIOCNOTTY
    {0x5429, IoctlArg::Out, 4},              // TIOCGSID
    {0x5450, IoctlArg::None, 0},             // FIONCLEX
    {0x5451, IoctlArg::None, 0},             // FIOCLEX
    {0x5452, IoctlArg::In, 4},               // FIOASYNC
    {0x802C542A, IoctlArg::Out, kTermios2Size},  // TCGETS2
    {0x402C542B, IoctlArg::In, kTermios2Size},   // TCSETS2
    {0x402C542C, IoctlArg::In, kTermios2Size},   // TCSETSW2
    {0x402C542D, IoctlArg::In, kTermios2Size},   // TCSETSF2
    {0x80045430, IoctlArg::Out, 4},          // TIOCGPTN
    {0x40045431, IoctlArg::In, 4},           // TIOCSPTLCK
};

}  // namespace

int open_flags_to_host(uint64_t guest_flags) {
    int host = static_cast<int>(guest_flags & ~kGuestDivergentMask);
    for (const FlagPair& f : kDivergentOpenFlags)
        if (guest_flags & f.guest) host |= f.host;
    return host;
}

uint64_t open_flags_to_guest(int host_flags) {
    uint64_t guest = static_cast<uint64_t>(host_flags & ~kHostDivergentMask);
    for (const FlagPair& f : kDivergentOpenFlags)
        if (host_flags & f.host) guest |= f.guest;
    return guest;
}

int64_t sys_getcwd(Process& p, SyscallArgs a) {
    void* buf;
    if (!host_buffer(p, a[0], a[1], true, buf)) return -EFAULT;
    return host_result(syscall(SYS_getcwd, buf, a[1]));
}

int64_t sys_read(Process& p, SyscallArgs a) { return buffer_io(p, a, SYS_read, true); }
int64_t sys_write(Process& p, SyscallArgs a) { return buffer_io(p, a, SYS_write, false); }
int64_t sys_pread64(Process& p, SyscallArgs a) { return buffer_io(p, a, SYS_pread64, true); }
int64_t sys_pwrite64(Process& p, SyscallArgs a) { return buffer_io(p, a, SYS_pwrite64, false); }
int64_t sys_getdents64(Process& p, SyscallArgs a) { return buffer_io(p, a, SYS_getdents64, true); }
int64_t sys_readv(Process& p, SyscallArgs a) { return vector_io(p, a, SYS_readv, true); }
int64_t sys_writev(Process& p, SyscallArgs a) { return vector_io(p, a, SYS_writev, false); }
int64_t sys_preadv(Process& p, SyscallArgs a) { return vector_io(p, a, SYS_preadv, true); }
int64_t sys_pwritev(Process& p, SyscallArgs a) { return vector_io(p, a, SYS_pwritev, false); }

int64_t sys_openat(Process& p, SyscallArgs a) {
    std::string path;
    if (int64_t e = read_path(p, a[1], path)) return e;
    return host_result(syscall(SYS_openat, a[0], path.c_str(), open_flags_to_host(a[2]), a[3]));
}

int64_t sys_mknodat(Process& p, SyscallArgs a) { return at_call(p, a, SYS_mknodat); }
int64_t sys_mkdirat(Process& p, SyscallArgs a) { return at_call(p, a, SYS_mkdirat); }
int64_t sys_unlinkat(Process& p, SyscallArgs a) { return at_call(p, a, SYS_unlinkat); }
int64_t sys_faccessat(Process& p, SyscallArgs a) { return at_call(p, a, SYS_faccessat); }
int64_t sys_faccessat2(Process& p, SyscallArgs a) { return at_call(p, a, SYS_faccessat2); }
int64_t sys_fchmodat(Process& p, SyscallArgs a) { return at_call(p, a, SYS_fchmodat); }
int64_t sys_fchownat(Process& p, SyscallArgs a) { return at_call(p, a, SYS_fchownat); }
int64_t sys_linkat(Process& p, SyscallArgs a) { return two_path_call(p, a, SYS_linkat); }
int64_t sys_renameat(Process& p, SyscallArgs a) {
    const uint64_t no_flags[] = {a[0], a[1], a[2], a[3], 0};
    return two_path_call(p, no_flags, SYS_renameat2);
}
int64_t sys_renameat2(Process& p, SyscallArgs a) { return two_path_call(p, a, SYS_renameat2); }

int64_t sys_symlinkat(Process& p, SyscallArgs a) {
    std::string target, link;  // the target is link content, not a path Ferry maps
    if (!p.mem.read_string(a[0], target, PATH_MAX)) return -EFAULT;
    if (int64_t e = read_path(p, a[2], link)) return e;
    return host_result(syscall(SYS_symlinkat, target.c_str(), a[1], link.c_str()));
}

int64_t sys_chdir(Process& p, SyscallArgs a) {
    std::string path;
    if (int64_t e = read_path(p, a[0], path)) return e;
    return host_result(syscall(SYS_chdir, path.c_str()));
}

int64_t sys_truncate(Process& p, SyscallArgs a) {
    std::string path;
    if (int64_t e = read_path(p, a[0], path)) return e;
    return host_result(syscall(SYS_truncate, path.c_str(), a[1]));
}

int64_t sys_statfs(Process& p, SyscallArgs a) {
    std::string path;
    void* buf;
    if (int64_t e = read_path(p, a[0], path)) return e;
    if (!host_buffer(p, a[1], kStatfsSize, true, buf)) return -EFAULT;
    return host_result(syscall(SYS_statfs, path.c_str(), buf));
}

int64_t sys_fstatfs(Process& p, SyscallArgs a) {
    void* buf;
    if (!host_buffer(p, a[1], kStatfsSize, true, buf)) return -EFAULT;
    return host_result(syscall(SYS_fstatfs, a[0], buf));
}

int64_t sys_fstat(Process& p, SyscallArgs a) {
    struct stat s;
    if (int64_t r = host_result(syscall(SYS_fstat, a[0], &s)); r < 0) return r;
    return write_stat(p, a[1], s);
}

int64_t sys_newfstatat(Process& p, SyscallArgs a) {
    std::string path;
    struct stat s;
    if (int64_t e = read_path(p, a[1], path)) return e;
    if (int64_t r = host_result(syscall(SYS_newfstatat, a[0], path.c_str(), &s, a[3])); r < 0) return r;
    return write_stat(p, a[2], s);
}

int64_t sys_statx(Process& p, SyscallArgs a) {
    std::string path;
    void* buf;
    if (int64_t e = read_path(p, a[1], path)) return e;
    if (!host_buffer(p, a[4], kStatxSize, true, buf)) return -EFAULT;
    return host_result(syscall(SYS_statx, a[0], path.c_str(), a[2], a[3], buf));
}

int64_t sys_readlinkat(Process& p, SyscallArgs a) {
    std::string guest, host;
    if (!p.mem.read_string(a[1], guest, PATH_MAX)) return -EFAULT;
    void* buf;
    if (!host_buffer(p, a[2], a[3], true, buf)) return -EFAULT;
    if (guest == "/proc/self/exe") {  // the guest program, not Ferry
        if (static_cast<int64_t>(a[3]) <= 0) return -EINVAL;
        const size_t n = std::min<size_t>(p.exe_path.size(), a[3]);
        return p.mem.write(a[2], p.exe_path.data(), n) ? static_cast<int64_t>(n) : -EFAULT;
    }
    host = p.host_path(guest);
    return host_result(syscall(SYS_readlinkat, a[0], host.c_str(), buf, a[3]));
}

int64_t sys_utimensat(Process& p, SyscallArgs a) {
    std::string path;
    void* times;
    if (a[1] != 0)
        if (int64_t e = read_path(p, a[1], path)) return e;
    if (!host_buffer(p, a[2], 2 * sizeof(timespec), false, times)) return -EFAULT;
    return host_result(syscall(SYS_utimensat, a[0], a[1] ? path.c_str() : nullptr, times, a[3]));
}

int64_t sys_pipe2(Process& p, SyscallArgs a) {
    int fds[2];
    if (int64_t r = host_result(syscall(SYS_pipe2, fds, open_flags_to_host(a[1]))); r < 0) return r;
    if (!p.mem.write(a[0], fds, sizeof fds)) {
        close(fds[0]);
        close(fds[1]);
        return -EFAULT;
    }
    return 0;
}

int64_t sys_fcntl(Process& p, SyscallArgs a) {
    constexpr size_t kFlockSize = 32;  // struct flock: same on both 64-bit ABIs
    switch (a[1]) {
    case F_GETFL: {
        const int64_t r = host_result(syscall(SYS_fcntl, a[0], F_GETFL));
        return r < 0 ? r : static_cast<int64_t>(open_flags_to_guest(static_cast<int>(r)));
    }
    case F_SETFL:
        return host_result(syscall(SYS_fcntl, a[0], F_SETFL, open_flags_to_host(a[2])));
    case F_GETLK: case F_SETLK: case F_SETLKW: case F_OFD_GETLK: case F_OFD_SETLK: case F_OFD_SETLKW: {
        void* lock;
        if (!host_buffer(p, a[2], kFlockSize, true, lock)) return -EFAULT;
        return host_result(syscall(SYS_fcntl, a[0], a[1], lock));
    }
    case F_DUPFD: case F_GETFD: case F_SETFD: case F_SETOWN: case F_GETOWN: case F_SETSIG: case F_GETSIG:
    case F_DUPFD_CLOEXEC: case F_SETPIPE_SZ: case F_GETPIPE_SZ: case F_ADD_SEALS: case F_GET_SEALS:
    case F_SETLEASE: case F_GETLEASE: case F_NOTIFY:
        return host_result(syscall(SYS_fcntl, a[0], a[1], a[2]));
    default:
        if (p.options.log_unimp)
            log::printf("ferry-user: unimplemented fcntl command %llu\n", static_cast<unsigned long long>(a[1]));
        return -EINVAL;
    }
}

int64_t sys_ioctl(Process& p, SyscallArgs a) {
    const uint32_t request = static_cast<uint32_t>(a[1]);
    for (const IoctlInfo& io : kIoctls) {
        if (io.request != request) continue;
        void* arg = reinterpret_cast<void*>(a[2]);
        if ((io.arg == IoctlArg::In || io.arg == IoctlArg::Out) &&
            !host_buffer(p, a[2], io.size, io.arg == IoctlArg::Out, arg))
            return -EFAULT;
        if (io.arg == IoctlArg::None) arg = nullptr;
        return host_result(syscall(SYS_ioctl, a[0], request, arg));
    }
    if (p.options.log_unimp) log::printf("ferry-user: unimplemented ioctl 0x%x\n", request);
    return -ENOTTY;
}

int64_t sys_sendfile(Process& p, SyscallArgs a) {
    void* offset;
    if (!host_buffer(p, a[2], 8, true, offset)) return -EFAULT;
    return host_result(syscall(SYS_sendfile, a[0], a[1], offset, a[3]));
}

// pselect6(n, in, out, except, timeout, {sigset*, size}*)
int64_t sys_pselect6(Process& p, SyscallArgs a) {
    if (static_cast<int64_t>(a[0]) < 0 || a[0] > (1u << 20)) return -EINVAL;
    const uint64_t set_bytes = (a[0] + 63) / 64 * 8;
    void* sets[3];
    void* timeout;
    for (int i = 0; i < 3; ++i)
        if (!host_buffer(p, a[1 + i], set_bytes, true, sets[i])) return -EFAULT;
    if (!host_buffer(p, a[4], sizeof(timespec), true, timeout)) return -EFAULT;
    if (a[5]) {
        uint64_t sigmask_arg[2], mask;
        if (!p.mem.read(a[5], sigmask_arg, sizeof sigmask_arg)) return -EFAULT;
        if (sigmask_arg[0]) {
            if (sigmask_arg[1] != 8) return -EINVAL;
            if (!p.mem.read_value(sigmask_arg[0], mask)) return -EFAULT;
            p.signals.set_temporary_mask(mask);
            if (p.signals.has_deliverable()) return -EINTR;
        }
    }
    return host_result(syscall(SYS_pselect6, a[0], sets[0], sets[1], sets[2], timeout, nullptr));
}

// ppoll(fds, nfds, timeout, sigmask, sigsetsize)
int64_t sys_ppoll(Process& p, SyscallArgs a) {
    if (a[1] > (1u << 20)) return -EINVAL;
    void* fds;
    void* timeout;
    if (!host_buffer(p, a[0], a[1] * 8, true, fds) || !host_buffer(p, a[2], sizeof(timespec), true, timeout))
        return -EFAULT;
    if (a[3]) {
        uint64_t mask;
        if (a[4] != 8) return -EINVAL;
        if (!p.mem.read_value(a[3], mask)) return -EFAULT;
        p.signals.set_temporary_mask(mask);
        if (p.signals.has_deliverable()) return -EINTR;
    }
    return host_result(syscall(SYS_ppoll, fds, a[1], timeout, nullptr, 0));
}

// --- Sockets: sockaddr and option layouts agree between the two ABIs ---

int64_t sys_socketpair(Process& p, SyscallArgs a) {
    void* sv;
    if (!host_buffer(p, a[3], 8, true, sv)) return -EFAULT;
    return host_result(syscall(SYS_socketpair, a[0], a[1], a[2], sv));
}

int64_t sys_bind(Process& p, SyscallArgs a) { return buffer_io(p, a, SYS_bind, false); }
int64_t sys_connect(Process& p, SyscallArgs a) { return buffer_io(p, a, SYS_connect, false); }

int64_t sys_accept4(Process& p, SyscallArgs a) {
    void *addr, *len;
    if (int64_t e = sized_out_buffer(p, a[1], a[2], addr, len)) return e;
    return host_result(syscall(SYS_accept4, a[0], addr, len, a[3]));
}
int64_t sys_accept(Process& p, SyscallArgs a) {
    const uint64_t no_flags[] = {a[0], a[1], a[2], 0};
    return sys_accept4(p, no_flags);
}

int64_t sys_getsockname(Process& p, SyscallArgs a) {
    void *addr, *len;
    if (int64_t e = sized_out_buffer(p, a[1], a[2], addr, len)) return e;
    return host_result(syscall(SYS_getsockname, a[0], addr, len));
}

int64_t sys_getpeername(Process& p, SyscallArgs a) {
    void *addr, *len;
    if (int64_t e = sized_out_buffer(p, a[1], a[2], addr, len)) return e;
    return host_result(syscall(SYS_getpeername, a[0], addr, len));
}

int64_t sys_sendto(Process& p, SyscallArgs a) {
    void *buf, *addr;
    if (!host_buffer(p, a[1], a[2], false, buf) || !host_buffer(p, a[4], a[5], false, addr)) return -EFAULT;
    return host_result(syscall(SYS_sendto, a[0], buf, a[2], a[3], addr, a[5]));
}

int64_t sys_recvfrom(Process& p, SyscallArgs a) {
    void *buf, *addr, *len;
    if (!host_buffer(p, a[1], a[2], true, buf)) return -EFAULT;
    if (int64_t e = sized_out_buffer(p, a[4], a[5], addr, len)) return e;
    return host_result(syscall(SYS_recvfrom, a[0], buf, a[2], a[3], addr, len));
}

int64_t sys_setsockopt(Process& p, SyscallArgs a) {
    void* value;
    if (!host_buffer(p, a[3], a[4], false, value)) return -EFAULT;
    return host_result(syscall(SYS_setsockopt, a[0], a[1], a[2], value, a[4]));
}

int64_t sys_getsockopt(Process& p, SyscallArgs a) {
    void *value, *len;
    if (int64_t e = sized_out_buffer(p, a[3], a[4], value, len)) return e;
    return host_result(syscall(SYS_getsockopt, a[0], a[1], a[2], value, len));
}

}  // namespace ferry::user
