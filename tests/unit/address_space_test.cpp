// The user-mode guest address space and the system call layer on top of it:
// mappings, the VMA map, guarded guest accesses, brk, mremap, code write
// protection, and handlers called directly with a CpuState.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include "user/address_space.h"
#include "user/process.h"
#include "user/syscalls.h"

namespace ferry::user {
namespace {

constexpr int kRW = PROT_READ | PROT_WRITE;
constexpr int kAnon = MAP_PRIVATE | MAP_ANONYMOUS;

TEST(AddressSpace, InSpaceIsOverflowSafe) {
    EXPECT_TRUE(AddressSpace::in_space(0, AddressSpace::kSpaceSize));
    EXPECT_TRUE(AddressSpace::in_space(AddressSpace::kSpaceSize - 1, 1));
    EXPECT_FALSE(AddressSpace::in_space(AddressSpace::kSpaceSize - 1, 2));
    EXPECT_FALSE(AddressSpace::in_space(~uint64_t{0}, 2));
    EXPECT_FALSE(AddressSpace::in_space(16, ~uint64_t{0}));
}

TEST(AddressSpace, MapsTopDownAndUnmaps) {
    AddressSpace s;
    s.set_mmap_top(0x10000000);
    const uint64_t a = s.find_free(3 * kPageSize);
    EXPECT_EQ(a, 0x10000000 - 3 * kPageSize);
    ASSERT_EQ(s.map_fixed(a, 3 * kPageSize, kRW, kAnon, -1, 0), static_cast<int64_t>(a));
    EXPECT_EQ(s.prot_at(a + kPageSize), kRW);
    EXPECT_EQ(s.find_free(kPageSize), a - kPageSize);
    EXPECT_EQ(s.find_free(kPageSize, 0x200000), 0x200000u) << "a free hint is taken";
    EXPECT_EQ(s.find_free(kPageSize, a), a - kPageSize) << "a busy hint is not";
    EXPECT_FALSE(s.is_free(a + kPageSize, 1));
    s.host(a)[0] = 7;  // really mapped on the host
    ASSERT_EQ(s.unmap(a, 3 * kPageSize), 0);
    EXPECT_EQ(s.prot_at(a), -1);
    EXPECT_TRUE(s.is_free(a, 3 * kPageSize));
    EXPECT_EQ(s.map_fixed(a + 1, kPageSize, kRW, kAnon, -1, 0), -EINVAL);
    EXPECT_EQ(s.unmap(AddressSpace::kSpaceSize, kPageSize), -EINVAL);
}

TEST(AddressSpace, ProtectSplitsAndMergesVmas) {
    AddressSpace s;
    const uint64_t a = 0x100000;
    ASSERT_GE(s.map_fixed(a, 4 * kPageSize, kRW, kAnon, -1, 0), 0);
    ASSERT_EQ(s.protect(a + kPageSize, 2 * kPageSize, PROT_READ), 0);
    EXPECT_EQ(s.prot_at(a), kRW);
    EXPECT_EQ(s.prot_at(a + kPageSize), PROT_READ);
    EXPECT_EQ(s.prot_at(a + 3 * kPageSize), kRW);
    EXPECT_EQ(s.describe(), "0000100000-0000101000 rw-\n0000101000-0000103000 r--\n0000103000-0000104000 rw-\n");
    ASSERT_EQ(s.protect(a + kPageSize, 2 * kPageSize, kRW), 0);
    EXPECT_EQ(s.describe(), "0000100000-0000104000 rw-\n");
    EXPECT_EQ(s.protect(a + 3 * kPageSize, 2 * kPageSize, PROT_READ), -ENOMEM) << "partly unmapped";
}

TEST(AddressSpace, GuestAccessesNeverFault) {
    AddressSpace s;
    const uint64_t a = 0x200000;
    ASSERT_GE(s.map_fixed(a, kPageSize, kRW, kAnon, -1, 0), 0);
    const char text[] = "guest";
    EXPECT_TRUE(s.write(a + kPageSize - sizeof text, text, sizeof text));
    EXPECT_FALSE(s.write(a + kPageSize - 2, text, sizeof text)) << "runs into an unmapped page";
    char out[8];
    EXPECT_FALSE(s.read(a - 1, out, 2));
    EXPECT_FALSE(s.read(AddressSpace::kSpaceSize - 1, out, 8));
    std::string str;
    EXPECT_TRUE(s.read_string(a + kPageSize - sizeof text, str));
    EXPECT_EQ(str, "guest");
    std::memset(s.host(a), 'x', kPageSize);
    EXPECT_FALSE(s.read_string(a, str)) << "no NUL before the unmapped page";
    EXPECT_FALSE(s.read_string(0, str));
    ASSERT_EQ(s.protect(a, kPageSize, PROT_READ), 0);
    EXPECT_FALSE(s.write(a, text, 1));
}

TEST(AddressSpace, BrkGrowsAndShrinks) {
    AddressSpace s;
    s.init_brk(0x600000);
    EXPECT_EQ(s.brk(0), 0x600000u);
    EXPECT_EQ(s.brk(0x600000 + 3 * kPageSize + 5), 0x600000u + 3 * kPageSize + 5);
    EXPECT_EQ(s.prot_at(0x600000 + 3 * kPageSize), kRW);
    EXPECT_EQ(s.brk(0x600000 + kPageSize), 0x600000u + kPageSize);
    EXPECT_EQ(s.prot_at(0x600000 + 2 * kPageSize), -1);
    ASSERT_GE(s.map_fixed(0x600000 + 4 * kPageSize, kPageSize, kRW, kAnon, -1, 0), 0);
    EXPECT_EQ(s.brk(0x600000 + 8 * kPageSize), 0x600000u + kPageSize) << "blocked by a mapping";
    EXPECT_EQ(s.brk(0x1000), 0x600000u + kPageSize) << "below the start";
}

TEST(AddressSpace, RemapGrowsInPlaceOrMoves) {
    AddressSpace s;
    s.set_mmap_top(0x40000000);
    const uint64_t a = 0x300000;
    ASSERT_GE(s.map_fixed(a, kPageSize, kRW, kAnon, -1, 0), 0);
    s.host(a)[5] = 42;
    EXPECT_EQ(s.remap(a, kPageSize, 4 * kPageSize, 0, 0), static_cast<int64_t>(a));
    EXPECT_EQ(s.host(a)[5], 42);
    EXPECT_EQ(s.prot_at(a + 3 * kPageSize), kRW);
    ASSERT_GE(s.map_fixed(a + 4 * kPageSize, kPageSize, PROT_READ, kAnon, -1, 0), 0);
    EXPECT_EQ(s.remap(a, 4 * kPageSize, 8 * kPageSize, 0, 0), -ENOMEM);
    const int64_t moved = s.remap(a, 4 * kPageSize, 8 * kPageSize, MREMAP_MAYMOVE, 0);
    ASSERT_GT(moved, 0);
    EXPECT_NE(moved, static_cast<int64_t>(a));
    EXPECT_EQ(s.host(moved)[5], 42);
    EXPECT_EQ(s.prot_at(a), -1);
    EXPECT_EQ(s.remap(moved, 8 * kPageSize, kPageSize, 0, 0), moved);
    EXPECT_EQ(s.prot_at(moved + kPageSize), -1);
}

TEST(AddressSpace, CodePagesAreWriteProtectedAndInvalidated) {
    AddressSpace s;
    std::vector<std::pair<uint64_t, uint64_t>> invalidated;
    s.on_code_invalidated = [&](uint64_t lo, uint64_t hi) { invalidated.emplace_back(lo, hi); };
    const uint64_t a = 0x500000;
    ASSERT_GE(s.map_fixed(a, 2 * kPageSize, kRW | PROT_EXEC, kAnon, -1, 0), 0);
    s.note_code(a + 16, a + 32);
    EXPECT_TRUE(invalidated.empty());
    // Ferry's own write lifts the protection first and reports the page.
    const uint32_t word = 0xd503201f;
    EXPECT_TRUE(s.write_value(a + 100, word));
    ASSERT_EQ(invalidated.size(), 1u);
    EXPECT_EQ(invalidated[0], std::make_pair(a, a + kPageSize));
    EXPECT_FALSE(s.handle_code_write(a)) << "already unprotected";
    s.note_code(a, a + 4);
    EXPECT_TRUE(s.handle_code_write(a + 8));
    s.note_code(a, a + 4);
    ASSERT_EQ(s.unmap(a, 2 * kPageSize), 0);
    EXPECT_EQ(invalidated.size(), 3u) << "unmapping code invalidates it";
}

// --- System call handlers, called as the run loop would ---

struct SyscallTest : ::testing::Test {
    AddressSpace mem;
    CpuState cpu;
    Options options;
    Process p{cpu, mem, options};
    uint64_t buf = 0;

    void SetUp() override {
        cpu.guest_base = mem.base();
        cpu.guest_mask = mem.mask();
        buf = 0x700000;
        ASSERT_GE(mem.map_fixed(buf, 4 * kPageSize, kRW, kAnon, -1, 0), 0);
    }
    int64_t call(uint64_t nr, std::initializer_list<uint64_t> args) {
        cpu.x[8] = nr;
        unsigned i = 0;
        for (uint64_t a : args) cpu.x[i++] = a;
        do_syscall(p);
        return static_cast<int64_t>(cpu.x[0]);
    }
};

TEST_F(SyscallTest, UnknownCallsAreEnosys) {
    EXPECT_EQ(call(9999, {}), -ENOSYS);
    EXPECT_EQ(call(293, {}), -ENOSYS);  // rseq
}

TEST_F(SyscallTest, UnameSaysAarch64) {
    ASSERT_EQ(call(160, {buf}), 0);
    EXPECT_STREQ(reinterpret_cast<const utsname*>(mem.host(buf))->machine, "aarch64");
    EXPECT_EQ(call(160, {0x10}), -EFAULT);
}

TEST_F(SyscallTest, PipeReadWriteAndBadPointers) {
    ASSERT_EQ(call(59, {buf, 0}), 0);  // pipe2
    int fds[2];
    std::memcpy(fds, mem.host(buf), sizeof fds);
    std::memcpy(mem.host(buf + 64), "abc", 3);
    EXPECT_EQ(call(64, {uint64_t(fds[1]), buf + 64, 3}), 3);
    EXPECT_EQ(call(64, {uint64_t(fds[1]), AddressSpace::kSpaceSize - 1, 1 << 20}), -EFAULT) << "leaves the space";
    EXPECT_EQ(call(64, {uint64_t(fds[1]), 0x10, 1}), -EFAULT) << "unmapped guest page";
    EXPECT_EQ(call(63, {uint64_t(fds[0]), buf + 128, 16}), 3);
    EXPECT_EQ(std::memcmp(mem.host(buf + 128), "abc", 3), 0);
    close(fds[0]);
    close(fds[1]);
}

TEST_F(SyscallTest, FstatUsesTheArm64Layout) {
    const int fd = dup(0);
    ASSERT_EQ(call(80, {uint64_t(fd), buf}), 0);
    struct stat host;
    ASSERT_EQ(fstat(fd, &host), 0);
    close(fd);
    uint32_t mode;
    std::memcpy(&mode, mem.host(buf + 16), 4);  // st_mode at 16 in asm-generic stat
    EXPECT_EQ(mode, host.st_mode);
    int32_t blksize;
    std::memcpy(&blksize, mem.host(buf + 56), 4);
    EXPECT_EQ(blksize, host.st_blksize);
}

TEST_F(SyscallTest, OpenFlagsAreTranslated) {
    EXPECT_EQ(open_flags_to_host(0x4000), O_DIRECTORY);
    EXPECT_EQ(open_flags_to_host(0x8000 | O_CREAT), O_NOFOLLOW | O_CREAT);
    EXPECT_EQ(open_flags_to_guest(O_DIRECTORY | O_RDWR), 0x4000u | O_RDWR);
    std::memcpy(mem.host(buf), "/", 2);
    const int64_t fd = call(56, {uint64_t(AT_FDCWD), buf, 0x4000, 0});  // openat("/", O_DIRECTORY)
    ASSERT_GE(fd, 0);
    EXPECT_EQ(call(25, {uint64_t(fd), F_GETFL, 0}) & 0x4000, 0x4000);
    close(static_cast<int>(fd));
}

TEST_F(SyscallTest, MmapFamilyStaysInsideTheSpace) {
    mem.set_mmap_top(0x20000000);
    const int64_t a = call(222, {0, 3 * kPageSize, kRW, kAnon, uint64_t(-1), 0});
    ASSERT_GT(a, 0);
    EXPECT_LT(static_cast<uint64_t>(a), 0x20000000u);
    EXPECT_EQ(mem.prot_at(a), kRW);
    EXPECT_EQ(call(226, {uint64_t(a), kPageSize, PROT_READ | 0x10}), 0);  // PROT_BTI ignored
    EXPECT_EQ(mem.prot_at(a), PROT_READ);
    EXPECT_EQ(call(222, {uint64_t(a), kPageSize, kRW, kAnon | MAP_FIXED_NOREPLACE, uint64_t(-1), 0}), -EEXIST);
    EXPECT_EQ(call(222, {0, 0, kRW, kAnon, uint64_t(-1), 0}), -EINVAL);
    EXPECT_EQ(call(222, {0, AddressSpace::kSpaceSize * 2, kRW, kAnon, uint64_t(-1), 0}), -ENOMEM);
    EXPECT_EQ(call(215, {uint64_t(a), 3 * kPageSize}), 0);
    EXPECT_EQ(mem.prot_at(a), -1);
    mem.init_brk(0x900000);
    EXPECT_EQ(call(214, {0x900000 + 100}), 0x900000 + 100);
}

TEST_F(SyscallTest, SigactionRoundTripsTheArm64Layout) {
    const GuestSigaction act = {0x401000, SA_SIGINFO | SA_RESTART, 0, sigbit(SIGUSR2)};
    ASSERT_TRUE(mem.write_value(buf, act));
    EXPECT_EQ(call(134, {SIGUSR1, buf, 0, 8}), 0);
    EXPECT_EQ(call(134, {SIGUSR1, 0, buf + 64, 8}), 0);
    GuestSigaction old;
    ASSERT_TRUE(mem.read_value(buf + 64, old));
    EXPECT_EQ(old.handler, 0x401000u);
    EXPECT_EQ(old.mask, sigbit(SIGUSR2));
    EXPECT_EQ(call(134, {SIGKILL, buf, 0, 8}), -EINVAL);
    EXPECT_EQ(call(134, {SIGUSR1, buf, 0, 16}), -EINVAL);
    const GuestSigaction dfl = {};
    ASSERT_TRUE(mem.write_value(buf, dfl));
    EXPECT_EQ(call(134, {SIGUSR1, buf, 0, 8}), 0);
}

TEST_F(SyscallTest, SignalFrameRoundTripsThroughSigreturn) {
    // Stack for the frame and a handler address; deliver a queued SIGSEGV.
    const GuestSigaction act = {0x480000, SA_SIGINFO, 0, 0};
    ASSERT_EQ(p.signals.sigaction(SIGSEGV, &act, nullptr), 0);
    p.sigreturn_trampoline = 0x490000;
    for (unsigned r = 0; r < 31; ++r) cpu.x[r] = 1000 + r;
    cpu.v[8] = {0x1234, 0x5678};
    cpu.nzcv = 0x60000000;
    cpu.fpcr = 0x03000000;
    cpu.sp = buf + 4 * kPageSize - 32;
    cpu.pc = 0x400100;
    const CpuState before = cpu;
    p.signals.queue_fault(SIGSEGV, SEGV_MAPERR, 0xdead000);
    p.signals.deliver(p);
    EXPECT_EQ(cpu.pc, 0x480000u);
    EXPECT_EQ(cpu.x[0], uint64_t(SIGSEGV));
    EXPECT_EQ(cpu.x[30], 0x490000u);
    EXPECT_EQ(cpu.sp % 16, 0u);
    EXPECT_EQ(cpu.x[1], cpu.sp);              // siginfo first
    EXPECT_EQ(cpu.x[2], cpu.sp + 128);        // then the ucontext
    uint64_t fault_address, saved_pc;
    ASSERT_TRUE(mem.read_value(cpu.x[2] + 176, fault_address));
    ASSERT_TRUE(mem.read_value(cpu.x[2] + 176 + 264, saved_pc));
    EXPECT_EQ(fault_address, 0xdead000u);
    EXPECT_EQ(saved_pc, 0x400100u);
    uint32_t magic;
    ASSERT_TRUE(mem.read_value(cpu.x[2] + 176 + 288, magic));
    EXPECT_EQ(magic, 0x46508001u);
    EXPECT_TRUE(p.signals.mask() & sigbit(SIGSEGV)) << "blocked while its handler runs";
    cpu.x[5] = 0;
    cpu.v[8] = {};
    EXPECT_EQ(call(139, {}), static_cast<int64_t>(before.x[0]));  // rt_sigreturn
    for (unsigned r = 0; r < 31; ++r) EXPECT_EQ(cpu.x[r], before.x[r]) << "x" << r;
    EXPECT_EQ(cpu.sp, before.sp);
    EXPECT_EQ(cpu.pc, before.pc);
    EXPECT_EQ(cpu.nzcv, before.nzcv);
    EXPECT_EQ(cpu.fpcr, before.fpcr);
    EXPECT_EQ(cpu.v[8], before.v[8]);
    EXPECT_FALSE(p.signals.mask() & sigbit(SIGSEGV));
}

}  // namespace
}  // namespace ferry::user
