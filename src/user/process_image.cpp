#include "user/process_image.h"

#include <elf.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <unistd.h>

#include <cstring>

#include "ir/cpu_features.h"

namespace ferry::user {

namespace {

// Pushes data below sp, keeping track of failure (a stack too small).
class StackWriter {
public:
    StackWriter(AddressSpace& mem, uint64_t top, uint64_t bottom) : mem_(mem), sp_(top), bottom_(bottom) {}

    uint64_t push(const void* data, size_t n) {
        if (!ok_ || sp_ - bottom_ < n) {
            ok_ = false;
            return 0;
        }
        sp_ -= n;
        ok_ = mem_.write(sp_, data, n);
        return sp_;
    }
    uint64_t push_string(const std::string& s) { return push(s.c_str(), s.size() + 1); }
    void align(uint64_t alignment) { sp_ &= ~(alignment - 1); }
    uint64_t sp() const { return sp_; }
    bool ok() const { return ok_ && sp_ >= bottom_; }

private:
    AddressSpace& mem_;
    uint64_t sp_, bottom_;
    bool ok_ = true;
};

}  // namespace

// The same features the ID registers show (MRS and getauxval() agree).
uint64_t guest_hwcap() { return cpu::kLinuxHwcap; }
uint64_t guest_hwcap2() { return 0; }

uint64_t build_initial_stack(AddressSpace& mem, const LoadedImage& image, const StackRequest& req) {
    const uint64_t bottom = req.top - req.size;
    const int prot = PROT_READ | PROT_WRITE | (image.exec_stack ? PROT_EXEC : 0);
    if (mem.map_fixed(bottom, req.size, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) < 0) return 0;

    StackWriter w(mem, req.top, bottom);
    const uint64_t end_marker = 0;
    w.push(&end_marker, sizeof end_marker);
    const uint64_t execfn = w.push_string(req.execfn);
    std::vector<uint64_t> envp(req.envp.size()), argv(req.argv.size());
    for (size_t i = req.envp.size(); i-- > 0;) envp[i] = w.push_string(req.envp[i]);
    for (size_t i = req.argv.size(); i-- > 0;) argv[i] = w.push_string(req.argv[i]);
    const uint64_t platform = w.push_string("aarch64");
    uint8_t random[16];
    if (getrandom(random, sizeof random, 0) != sizeof random) std::memset(random, 0x5a, sizeof random);
    const uint64_t random_addr = w.push(random, sizeof random);
    w.align(16);

    const uint64_t auxv[][2] = {
        {AT_PHDR, image.phdr},     {AT_PHENT, sizeof(Elf64_Phdr)}, {AT_PHNUM, image.phnum},
        {AT_PAGESZ, kPageSize},    {AT_BASE, 0},                    {AT_FLAGS, 0},
        {AT_ENTRY, image.entry},   {AT_UID, getuid()},              {AT_EUID, geteuid()},
        {AT_GID, getgid()},        {AT_EGID, getegid()},            {AT_HWCAP, guest_hwcap()},
        {AT_HWCAP2, guest_hwcap2()}, {AT_CLKTCK, static_cast<uint64_t>(sysconf(_SC_CLK_TCK))},
        {AT_SECURE, 0},            {AT_RANDOM, random_addr},        {AT_PLATFORM, platform},
        {AT_EXECFN, execfn},       {AT_MINSIGSTKSZ, 5120},          {AT_NULL, 0},
    };
    std::vector<uint64_t> words = {req.argv.size()};
    words.insert(words.end(), argv.begin(), argv.end());
    words.push_back(0);
    words.insert(words.end(), envp.begin(), envp.end());
    words.push_back(0);
    for (const auto& entry : auxv) words.insert(words.end(), {entry[0], entry[1]});
    // argc must land 16-byte aligned: pad above the vector if its size is odd.
    if (words.size() % 2) w.push(&end_marker, sizeof end_marker);
    w.push(words.data(), words.size() * sizeof(uint64_t));
    return w.ok() ? w.sp() : 0;
}

uint64_t map_sigreturn_trampoline(AddressSpace& mem) {
    const uint32_t code[] = {
        0xd2801168,  // mov x8, #139
        0xd4000001,  // svc #0
    };
    const uint64_t page = mem.find_free(kPageSize);
    if (page == 0 || mem.map_fixed(page, kPageSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) < 0)
        return 0;
    mem.write(page, code, sizeof code);
    mem.protect(page, kPageSize, PROT_READ | PROT_EXEC);
    return page;
}

}  // namespace ferry::user
