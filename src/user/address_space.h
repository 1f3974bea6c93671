// The guest's address space in user mode: one host reservation of 1 TiB
// (plus a guard) in which guest address g lives at host base + g. Guest
// mappings are host MAP_FIXED mappings inside it; unmapped guest pages stay
// PROT_NONE, so a stray guest access is a host SIGSEGV inside the
// reservation. A map of guest VMAs (with the guest's protections) answers
// "may Ferry touch this?" without ever faulting, so bad guest pointers become
// -EFAULT and never reach host memory outside the reservation.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>

namespace ferry::user {

constexpr uint64_t kPageSize = 4096;

inline uint64_t page_down(uint64_t a) { return a & ~(kPageSize - 1); }
// Callers check for overflow first (in_space), so this cannot wrap.
inline uint64_t page_up(uint64_t a) { return (a + kPageSize - 1) & ~(kPageSize - 1); }

class AddressSpace {
public:
    static constexpr uint64_t kSpaceBits = 40;
    static constexpr uint64_t kSpaceSize = uint64_t{1} << kSpaceBits;
    static constexpr uint64_t kGuardSize = 64 * 1024;  // catches accesses straddling the top

    // Reserves the host range; exits with an internal error if the host refuses.
    AddressSpace();
    ~AddressSpace();
    AddressSpace(const AddressSpace&) = delete;
    AddressSpace& operator=(const AddressSpace&) = delete;

    uint64_t base() const { return base_; }
    uint64_t mask() const { return kSpaceSize - 1; }
    uint8_t* host(uint64_t g) const { return reinterpret_cast<uint8_t*>(base_ + g); }
    bool contains_host(uintptr_t h) const { return h >= base_ && h < base_ + kSpaceSize + kGuardSize; }

    // [g, g + len) lies inside the guest space (overflow-safe).
    static bool in_space(uint64_t g, uint64_t len) { return g <= kSpaceSize && len <= kSpaceSize - g; }

    // --- Mappings (guest PROT_* / MAP_* values, which equal the host's) ---
    // Maps at g (MAP_FIXED semantics: replaces what was there). fd < 0: anonymous.
    // Returns g or -errno.
    int64_t map_fixed(uint64_t g, uint64_t len, int prot, int flags, int fd, uint64_t offset);
    int64_t unmap(uint64_t g, uint64_t len);
    int64_t protect(uint64_t g, uint64_t len, int prot);
    int64_t remap(uint64_t old_g, uint64_t old_len, uint64_t new_len, int flags, uint64_t new_g);
    // A free page-aligned range of len bytes: hint if it fits, else top-down
    // below mmap_top(). Returns 0 if none.
    uint64_t find_free(uint64_t len, uint64_t hint = 0) const;
    bool is_free(uint64_t g, uint64_t len) const;
    void set_mmap_top(uint64_t top) { mmap_top_ = top; }

    // Guest protection of the page holding g, or -1 if unmapped.
    int prot_at(uint64_t g) const;
    // Every page of [g, g + len) is mapped with all of the `prot` bits.
    bool accessible(uint64_t g, uint64_t len, int prot) const;

    // --- Ferry's own accesses to guest memory: false (-EFAULT) instead of a fault ---
    bool read(uint64_t g, void* dst, size_t len) const;
    bool write(uint64_t g, const void* src, size_t len);
    // Reads a NUL-terminated string of at most max_len bytes.
    bool read_string(uint64_t g, std::string& out, size_t max_len = 4096) const;
    template <typename T> bool read_value(uint64_t g, T& v) const { return read(g, &v, sizeof v); }
    template <typename T> bool write_value(uint64_t g, const T& v) { return write(g, &v, sizeof v); }

    // The host kernel is about to write guest [g, g + len) (read(2) into a
    // buffer...): lift self-modifying-code protection first, or the kernel
    // would return EFAULT where the guest expects success.
    void prepare_host_write(uint64_t g, uint64_t len);

    // --- Self-modifying code ---
    // Called for every translated range: remembers its pages as code and
    // write-protects the writable ones on the host.
    void note_code(uint64_t lo, uint64_t hi);
    // From the host SIGSEGV handler: a write hit guest page address g. If the
    // page was write-protected as code, restores its protection, reports the
    // invalidation and returns true (the store is retried).
    bool handle_code_write(uint64_t g);
    // Told about every guest range whose translated code must be forgotten.
    std::function<void(uint64_t lo, uint64_t hi)> on_code_invalidated;

    // --- Program break ---
    void init_brk(uint64_t start) { brk_start_ = brk_ = start; }
    uint64_t brk(uint64_t request);

    // One line per VMA (for -d page).
    std::string describe() const;

private:
    struct Vma {
        uint64_t end;
        int prot;
    };
    void set_vmas(uint64_t lo, uint64_t hi, int prot);
    void erase_vmas(uint64_t lo, uint64_t hi);
    void forget_code(uint64_t lo, uint64_t hi);
    bool reserve(uint64_t g, uint64_t len);  // back to PROT_NONE reservation
    static int host_prot(int guest_prot);
    int host_prot_of_page(uint64_t page) const;

    uint64_t base_ = 0;
    uint64_t mmap_top_ = kSpaceSize;
    uint64_t brk_start_ = 0, brk_ = 0;
    std::map<uint64_t, Vma> vmas_;        // keyed by start, non-overlapping, page-aligned
    std::set<uint64_t> code_pages_;       // guest pages holding translated code
    std::set<uint64_t> protected_pages_;  // subset whose host write access was removed
};

}  // namespace ferry::user
