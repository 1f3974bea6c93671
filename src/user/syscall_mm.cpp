// Guest memory management: every mapping lands inside the guest reservation.
#include <sys/mman.h>

#include "user/syscalls.h"

namespace ferry::user {

namespace {

// arm64-only protection bits (branch target identification, memory tagging)
// that Ferry does not model, and mprotect's growth hints.
constexpr uint64_t kProtBti = 0x10, kProtMte = 0x20;
constexpr uint64_t kProtIgnored = kProtBti | kProtMte | PROT_GROWSDOWN | PROT_GROWSUP;

int guest_prot(uint64_t prot) { return static_cast<int>(prot & ~kProtIgnored); }

bool valid_range(uint64_t g, uint64_t len) {
    return (g & (kPageSize - 1)) == 0 && AddressSpace::in_space(g, len);
}

}  // namespace

int64_t sys_brk(Process& p, SyscallArgs a) { return static_cast<int64_t>(p.mem.brk(a[0])); }

// mmap(addr, length, prot, flags, fd, offset)
int64_t sys_mmap(Process& p, SyscallArgs a) {
    uint64_t addr = a[0];
    const uint64_t len = a[1];
    const int flags = static_cast<int>(a[3]);
    if (len == 0 || (a[5] & (kPageSize - 1))) return -EINVAL;
    if (!AddressSpace::in_space(0, len)) return -ENOMEM;
    const int type = flags & MAP_TYPE;
    if (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE) return -EINVAL;
    if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
        if (!valid_range(addr, len)) return (addr & (kPageSize - 1)) ? -EINVAL : -ENOMEM;
        if (!(flags & MAP_FIXED) && !p.mem.is_free(addr, page_up(len))) return -EEXIST;
    } else {
        addr = p.mem.find_free(len, page_down(addr));
        if (addr == 0) return -ENOMEM;
    }
    const int fd = (flags & MAP_ANONYMOUS) ? -1 : static_cast<int>(a[4]);
    return p.mem.map_fixed(addr, len, guest_prot(a[2]), flags, fd, a[5]);
}

int64_t sys_munmap(Process& p, SyscallArgs a) { return p.mem.unmap(a[0], a[1]); }

int64_t sys_mprotect(Process& p, SyscallArgs a) { return p.mem.protect(a[0], a[1], guest_prot(a[2])); }

int64_t sys_mremap(Process& p, SyscallArgs a) {
    return p.mem.remap(a[0], a[1], a[2], static_cast<int>(a[3]), a[4]);
}

int64_t sys_madvise(Process& p, SyscallArgs a) {
    if (!valid_range(a[0], a[1])) return -EINVAL;
    // Only the advice that changes contents matters: the guest then reads zeros.
    if (a[2] != MADV_DONTNEED && a[2] != MADV_FREE) return 0;
    if (!p.mem.accessible(a[0], page_up(a[1]), PROT_NONE)) return -ENOMEM;
    p.mem.prepare_host_write(a[0], a[1]);
    return host_result(madvise(p.mem.host(a[0]), a[1], MADV_DONTNEED));
}

int64_t sys_msync(Process& p, SyscallArgs a) {
    if (!valid_range(a[0], a[1])) return -EINVAL;
    return host_result(msync(p.mem.host(a[0]), a[1], static_cast<int>(a[2])));
}

int64_t sys_mincore(Process& p, SyscallArgs a) {
    void* vec;
    if (!valid_range(a[0], a[1])) return -EINVAL;
    if (!host_buffer(p, a[2], page_up(a[1]) / kPageSize, true, vec)) return -EFAULT;
    return host_result(mincore(p.mem.host(a[0]), a[1], static_cast<unsigned char*>(vec)));
}

// Locking pages is a hint Ferry does not need to honour.
int64_t sys_mlock(Process& p, SyscallArgs a) {
    return AddressSpace::in_space(a[0], a[1]) && p.mem.accessible(page_down(a[0]), a[1], PROT_NONE) ? 0 : -ENOMEM;
}
int64_t sys_munlock(Process& p, SyscallArgs a) { return sys_mlock(p, a); }
int64_t sys_mlockall(Process&, SyscallArgs) { return 0; }
int64_t sys_munlockall(Process&, SyscallArgs) { return 0; }

}  // namespace ferry::user
