#include "user/address_space.h"

#include <sys/mman.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace ferry::user {

namespace {

// Like the kernel's mmap_min_addr: never hand out the lowest pages.
constexpr uint64_t kMinMmapAddr = 0x10000;

// The guest's mmap flags that mean the same on the host; everything else
// (MAP_FIXED*, MAP_GROWSDOWN, MAP_LOCKED, MAP_32BIT...) is Ferry's business.
constexpr int kPassedMapFlags = MAP_TYPE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK;

bool page_aligned(uint64_t a) { return (a & (kPageSize - 1)) == 0; }

}  // namespace

AddressSpace::AddressSpace() {
    void* p = mmap(nullptr, kSpaceSize + kGuardSize, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        std::fprintf(stderr, "ferry-user: internal error: cannot reserve the guest address space: %s\n",
                     std::strerror(errno));
        std::exit(70);
    }
    base_ = reinterpret_cast<uint64_t>(p);
}

AddressSpace::~AddressSpace() { munmap(reinterpret_cast<void*>(base_), kSpaceSize + kGuardSize); }

int AddressSpace::host_prot(int guest_prot) {
    // Guest exec-only code must stay readable for the translator; the guest's
    // own exec permission is checked against the VMA map instead.
    int p = PROT_NONE;
    if (guest_prot & (PROT_READ | PROT_EXEC)) p |= PROT_READ;
    if (guest_prot & PROT_WRITE) p |= PROT_READ | PROT_WRITE;
    return p;
}

int AddressSpace::host_prot_of_page(uint64_t page) const {
    int p = host_prot(std::max(prot_at(page), 0));
    if (protected_pages_.count(page)) p &= ~PROT_WRITE;
    return p;
}

bool AddressSpace::reserve(uint64_t g, uint64_t len) {
    return mmap(host(g), len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0) != MAP_FAILED;
}

void AddressSpace::erase_vmas(uint64_t lo, uint64_t hi) {
    auto it = vmas_.upper_bound(lo);
    if (it != vmas_.begin()) --it;
    while (it != vmas_.end() && it->first < hi) {
        const uint64_t start = it->first;
        const Vma v = it->second;
        if (v.end <= lo) {
            ++it;
            continue;
        }
        it = vmas_.erase(it);
        if (start < lo) vmas_[start] = {lo, v.prot};
        if (v.end > hi) {
            vmas_[hi] = {v.end, v.prot};
            break;
        }
    }
}

void AddressSpace::set_vmas(uint64_t lo, uint64_t hi, int prot) {
    erase_vmas(lo, hi);
    auto it = vmas_.emplace(lo, Vma{hi, prot}).first;
    if (it != vmas_.begin()) {
        auto prev = std::prev(it);
        if (prev->second.end == lo && prev->second.prot == prot) {
            prev->second.end = hi;
            vmas_.erase(it);
            it = prev;
        }
    }
    auto next = std::next(it);
    if (next != vmas_.end() && next->first == it->second.end && next->second.prot == prot) {
        it->second.end = next->second.end;
        vmas_.erase(next);
    }
}

void AddressSpace::forget_code(uint64_t lo, uint64_t hi) {
    auto first = code_pages_.lower_bound(page_down(lo));
    auto last = code_pages_.lower_bound(hi);
    if (first == last) return;
    for (auto it = first; it != last; ++it) protected_pages_.erase(*it);
    code_pages_.erase(first, last);
    if (on_code_invalidated) on_code_invalidated(lo, hi);
}

int AddressSpace::prot_at(uint64_t g) const {
    auto it = vmas_.upper_bound(g);
    if (it == vmas_.begin()) return -1;
    --it;
    return g < it->second.end ? it->second.prot : -1;
}

bool AddressSpace::accessible(uint64_t g, uint64_t len, int prot) const {
    if (!in_space(g, len)) return false;
    const uint64_t end = g + len;
    while (g < end) {
        auto it = vmas_.upper_bound(g);
        if (it == vmas_.begin()) return false;
        --it;
        if (g >= it->second.end || (it->second.prot & prot) != prot) return false;
        g = it->second.end;
    }
    return true;
}

bool AddressSpace::is_free(uint64_t g, uint64_t len) const {
    if (!in_space(g, len)) return false;
    auto it = vmas_.upper_bound(g);
    if (it != vmas_.begin() && std::prev(it)->second.end > g) return false;
    return it == vmas_.end() || it->first >= g + len;
}

uint64_t AddressSpace::find_free(uint64_t len, uint64_t hint) const {
    len = page_up(len);
    if (len == 0 || len > kSpaceSize) return 0;
    if (hint && page_aligned(hint) && hint >= kMinMmapAddr && is_free(hint, len)) return hint;
    uint64_t top = mmap_top_;
    auto it = vmas_.lower_bound(top);
    for (;;) {
        uint64_t floor = kMinMmapAddr;
        if (it != vmas_.begin()) floor = std::max(floor, std::prev(it)->second.end);
        if (top > floor && top - floor >= len) return top - len;
        if (it == vmas_.begin()) return 0;
        --it;
        top = std::min(top, it->first);
    }
}

int64_t AddressSpace::map_fixed(uint64_t g, uint64_t len, int prot, int flags, int fd, uint64_t offset) {
    if (!page_aligned(g) || len == 0 || !in_space(g, len)) return -EINVAL;
    len = page_up(len);
    forget_code(g, g + len);
    if (fd < 0) flags |= MAP_ANONYMOUS;
    void* p = mmap(host(g), len, host_prot(prot), (flags & kPassedMapFlags) | MAP_FIXED, fd, static_cast<off_t>(offset));
    if (p == MAP_FAILED) {
        const int err = errno;
        // A failed MAP_FIXED may already have dropped the old pages.
        reserve(g, len);
        erase_vmas(g, g + len);
        return -err;
    }
    set_vmas(g, g + len, prot);
    return static_cast<int64_t>(g);
}

int64_t AddressSpace::unmap(uint64_t g, uint64_t len) {
    if (!page_aligned(g) || len == 0 || !in_space(g, len)) return -EINVAL;
    len = page_up(len);
    forget_code(g, g + len);
    if (!reserve(g, len)) return -errno;
    erase_vmas(g, g + len);
    return 0;
}

int64_t AddressSpace::protect(uint64_t g, uint64_t len, int prot) {
    if (!page_aligned(g) || !in_space(g, len)) return -EINVAL;
    len = page_up(len);
    if (len == 0) return 0;
    if (!accessible(g, len, PROT_NONE)) return -ENOMEM;
    forget_code(g, g + len);
    if (mprotect(host(g), len, host_prot(prot)) != 0) return -errno;
    set_vmas(g, g + len, prot);
    return 0;
}

int64_t AddressSpace::remap(uint64_t old_g, uint64_t old_len, uint64_t new_len, int flags, uint64_t new_g) {
    if (!page_aligned(old_g) || new_len == 0 || !in_space(old_g, old_len) || !in_space(0, new_len)) return -EINVAL;
    if (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED)) return -EINVAL;
    old_len = page_up(old_len);
    new_len = page_up(new_len);
    if (old_len == 0 || !accessible(old_g, old_len, PROT_NONE)) return -EFAULT;
    const int prot = prot_at(old_g);

    uint64_t target = 0;
    if (flags & MREMAP_FIXED) {
        if (!(flags & MREMAP_MAYMOVE) || !page_aligned(new_g) || !in_space(new_g, new_len)) return -EINVAL;
        if (new_g < old_g + old_len && old_g < new_g + new_len) return -EINVAL;
        target = new_g;
    } else if (new_len <= old_len) {
        if (new_len < old_len) unmap(old_g + new_len, old_len - new_len);
        return static_cast<int64_t>(old_g);
    } else if (is_free(old_g + old_len, new_len - old_len)) {
        // Grow in place: give the reservation's pages behind it back first.
        munmap(host(old_g + old_len), new_len - old_len);
        if (mremap(host(old_g), old_len, new_len, 0) == MAP_FAILED) {
            const int err = errno;
            reserve(old_g + old_len, new_len - old_len);
            return -err;
        }
        set_vmas(old_g, old_g + new_len, prot);
        return static_cast<int64_t>(old_g);
    } else if (flags & MREMAP_MAYMOVE) {
        target = find_free(new_len);
        if (target == 0) return -ENOMEM;
    } else {
        return -ENOMEM;
    }

    forget_code(old_g, old_g + old_len);
    forget_code(target, target + new_len);
    if (mremap(host(old_g), old_len, new_len, MREMAP_MAYMOVE | MREMAP_FIXED, host(target)) == MAP_FAILED) return -errno;
    reserve(old_g, old_len);
    erase_vmas(old_g, old_g + old_len);
    erase_vmas(target, target + new_len);
    set_vmas(target, target + new_len, prot);
    return static_cast<int64_t>(target);
}

bool AddressSpace::read(uint64_t g, void* dst, size_t len) const {
    if (!accessible(g, len, PROT_READ)) return false;
    std::memcpy(dst, host(g), len);
    return true;
}

bool AddressSpace::write(uint64_t g, const void* src, size_t len) {
    if (!accessible(g, len, PROT_WRITE)) return false;
    prepare_host_write(g, len);
    std::memcpy(host(g), src, len);
    return true;
}

bool AddressSpace::read_string(uint64_t g, std::string& out, size_t max_len) const {
    out.clear();
    while (out.size() < max_len) {
        const int prot = in_space(g, 1) ? prot_at(g) : -1;
        if (prot < 0 || !(prot & PROT_READ)) return false;
        const size_t chunk = std::min<uint64_t>(page_up(g + 1) - g, max_len - out.size());
        const char* p = reinterpret_cast<const char*>(host(g));
        const void* nul = std::memchr(p, 0, chunk);
        if (nul) {
            out.append(p, static_cast<const char*>(nul) - p);
            return true;
        }
        out.append(p, chunk);
        g += chunk;
    }
    return false;
}

void AddressSpace::prepare_host_write(uint64_t g, uint64_t len) {
    if (protected_pages_.empty() || len == 0 || !in_space(g, len)) return;
    auto it = protected_pages_.lower_bound(page_down(g));
    while (it != protected_pages_.end() && *it < g + len) {
        const uint64_t page = *it++;
        handle_code_write(page);
    }
}

void AddressSpace::note_code(uint64_t lo, uint64_t hi) {
    if (hi <= lo || !in_space(lo, hi - lo)) return;
    for (uint64_t page = page_down(lo); page < hi; page += kPageSize) {
        if (!code_pages_.insert(page).second) continue;
        if (prot_at(page) >= 0 && (prot_at(page) & PROT_WRITE)) {
            protected_pages_.insert(page);
            mprotect(host(page), kPageSize, host_prot_of_page(page));
        }
    }
}

bool AddressSpace::handle_code_write(uint64_t g) {
    const uint64_t page = page_down(g);
    if (!protected_pages_.erase(page)) return false;
    code_pages_.erase(page);
    mprotect(host(page), kPageSize, host_prot_of_page(page));
    if (on_code_invalidated) on_code_invalidated(page, page + kPageSize);
    return true;
}

uint64_t AddressSpace::brk(uint64_t request) {
    if (request < brk_start_ || !in_space(request, 0)) return brk_;
    const uint64_t old_top = page_up(brk_), new_top = page_up(request);
    if (new_top > old_top) {
        if (!is_free(old_top, new_top - old_top)) return brk_;
        if (map_fixed(old_top, new_top - old_top, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) < 0)
            return brk_;
    } else if (new_top < old_top) {
        unmap(new_top, old_top - new_top);
    }
    brk_ = request;
    return brk_;
}

std::string AddressSpace::describe() const {
    std::string out;
    for (const auto& [start, v] : vmas_) {
        char line[64];
        std::snprintf(line, sizeof line, "%010llx-%010llx %c%c%c\n", static_cast<unsigned long long>(start),
                      static_cast<unsigned long long>(v.end), v.prot & PROT_READ ? 'r' : '-',
                      v.prot & PROT_WRITE ? 'w' : '-', v.prot & PROT_EXEC ? 'x' : '-');
        out += line;
    }
    return out;
}

}  // namespace ferry::user
