// Semihosting operations against a fake guest memory (guest addresses are
// offsets into a buffer), after the Arm semihosting specification v2.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "system/devices/semihosting.h"

namespace ferry::system {
namespace {

constexpr uint32_t SYS_OPEN = 0x01, SYS_CLOSE = 0x02, SYS_WRITEC = 0x03, SYS_WRITE0 = 0x04, SYS_WRITE = 0x05,
                   SYS_READ = 0x06, SYS_READC = 0x07, SYS_ISERROR = 0x08, SYS_ISTTY = 0x09, SYS_SEEK = 0x0A,
                   SYS_FLEN = 0x0C, SYS_ERRNO = 0x13, SYS_GET_CMDLINE = 0x15, SYS_HEAPINFO = 0x16, SYS_EXIT = 0x18,
                   SYS_EXIT_EXTENDED = 0x20, SYS_ELAPSED = 0x30, SYS_TICKFREQ = 0x31;

struct FakeConsole : SemihostingConsole {
    std::string out, in;
    void write(const void* data, size_t bytes) override { out.append(static_cast<const char*>(data), bytes); }
    int read_byte() override {
        if (in.empty()) return -1;
        const int c = static_cast<unsigned char>(in[0]);
        in.erase(0, 1);
        return c;
    }
};

struct SemihostingTest : ::testing::Test {
    std::vector<uint8_t> mem = std::vector<uint8_t>(1 << 16);
    FakeConsole console;
    Semihosting sh{{"prog arg1", 0x40000000, 128 << 20}, console,
                   GuestMemory{[this](uint64_t va, void* out, size_t n) {
                                   if (va + n > mem.size()) return false;
                                   std::memcpy(out, mem.data() + va, n);
                                   return true;
                               },
                               [this](uint64_t va, const void* in, size_t n) {
                                   if (va + n > mem.size()) return false;
                                   std::memcpy(mem.data() + va, in, n);
                                   return true;
                               }}};

    void put(uint64_t va, const std::string& s) { std::memcpy(mem.data() + va, s.c_str(), s.size() + 1); }
    void block(uint64_t va, std::initializer_list<uint64_t> fields) {
        for (uint64_t f : fields) {
            std::memcpy(mem.data() + va, &f, 8);
            va += 8;
        }
    }
    uint64_t word(uint64_t va) {
        uint64_t v;
        std::memcpy(&v, mem.data() + va, 8);
        return v;
    }
    int64_t call(uint32_t op, uint64_t param) { return static_cast<int64_t>(sh.call(op, param)); }
    int64_t open(const std::string& name, uint64_t mode) {
        put(0x1000, name);
        block(0x100, {0x1000, mode, name.size()});
        return call(SYS_OPEN, 0x100);
    }
};

TEST_F(SemihostingTest, ConsoleOutput) {
    mem[0x10] = 'A';
    EXPECT_EQ(call(SYS_WRITEC, 0x10), 0);
    put(0x20, "hello\n");
    EXPECT_EQ(call(SYS_WRITE0, 0x20), 0);
    EXPECT_EQ(console.out, "Ahello\n");
    const int64_t tt = open(":tt", 4);  // the host's stdout
    ASSERT_GT(tt, 0);
    block(0x100, {uint64_t(tt)});
    EXPECT_EQ(call(SYS_ISTTY, 0x100), isatty(STDOUT_FILENO));
    EXPECT_EQ(call(SYS_CLOSE, 0x100), 0);  // closing :tt leaves the host's stdout open
    EXPECT_NE(fcntl(STDOUT_FILENO, F_GETFD), -1);
}

TEST_F(SemihostingTest, ConsoleInputThroughTt) {
    console.in = "ab\ncd";
    const int64_t tt = open(":tt", 0);
    block(0x100, {uint64_t(tt), 0x3000, 10});
    EXPECT_EQ(call(SYS_READ, 0x100), 7);  // one line: "ab\n"
    EXPECT_EQ(std::string(reinterpret_cast<char*>(mem.data() + 0x3000), 3), "ab\n");
}

TEST_F(SemihostingTest, FileRoundTrip) {
    char path[] = "/tmp/ferry-semihosting-XXXXXX";
    const int fd = mkstemp(path);
    ASSERT_GE(fd, 0);
    close(fd);
    const int64_t h = open(path, 4);  // "w"
    ASSERT_GT(h, 0);
    put(0x2000, "0123456789");
    block(0x100, {uint64_t(h), 0x2000, 10});
    EXPECT_EQ(call(SYS_WRITE, 0x100), 0);
    block(0x100, {uint64_t(h)});
    EXPECT_EQ(call(SYS_CLOSE, 0x100), 0);

    const int64_t r = open(path, 1);  // "rb"
    ASSERT_GT(r, 0);
    block(0x100, {uint64_t(r)});
    EXPECT_EQ(call(SYS_FLEN, 0x100), 10);
    EXPECT_EQ(call(SYS_ISTTY, 0x100), 0);
    block(0x100, {uint64_t(r), 4});
    EXPECT_EQ(call(SYS_SEEK, 0x100), 0);
    block(0x100, {uint64_t(r), 0x3000, 20});
    EXPECT_EQ(call(SYS_READ, 0x100), 14);  // 6 read, 14 not
    EXPECT_EQ(std::string(reinterpret_cast<char*>(mem.data() + 0x3000), 6), "456789");
    EXPECT_EQ(call(SYS_READ, 0x100), 20);  // end of file
    block(0x100, {uint64_t(r)});
    EXPECT_EQ(call(SYS_CLOSE, 0x100), 0);
    EXPECT_EQ(call(SYS_CLOSE, 0x100), -1);  // already closed
    unlink(path);
}

TEST_F(SemihostingTest, ErrorsAndErrno) {
    EXPECT_EQ(open("/nonexistent/dir/file", 0), -1);
    EXPECT_EQ(call(SYS_ERRNO, 0), ENOENT);
    block(0x100, {uint64_t(-1)});
    EXPECT_EQ(call(SYS_ISERROR, 0x100), 1);
    block(0x100, {0});
    EXPECT_EQ(call(SYS_ISERROR, 0x100), 0);
    block(0x100, {99});
    EXPECT_EQ(call(SYS_FLEN, 0x100), -1);
    EXPECT_EQ(call(SYS_ERRNO, 0), EBADF);
}

TEST_F(SemihostingTest, FeaturesFile) {
    const int64_t h = open(":semihosting-features", 0);
    ASSERT_GT(h, 0);
    block(0x100, {uint64_t(h), 0x3000, 5});
    EXPECT_EQ(call(SYS_READ, 0x100), 0);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(mem.data() + 0x3000), 4), "SHFB");
    EXPECT_EQ(mem[0x3004], 3);
}

TEST_F(SemihostingTest, CommandLineAndHeap) {
    block(0x100, {0x4000, 64});
    EXPECT_EQ(call(SYS_GET_CMDLINE, 0x100), 0);
    EXPECT_STREQ(reinterpret_cast<char*>(mem.data() + 0x4000), "prog arg1");
    EXPECT_EQ(word(0x108), 9u);
    block(0x100, {0x4000, 4});
    EXPECT_EQ(call(SYS_GET_CMDLINE, 0x100), -1);  // buffer too small
    block(0x100, {0x5000});
    EXPECT_EQ(call(SYS_HEAPINFO, 0x100), 0);
    EXPECT_EQ(word(0x5000), 0x44000000u);
    EXPECT_EQ(word(0x5008), 0x48000000u);
    EXPECT_EQ(word(0x5018), 0x40000000u);
}

TEST_F(SemihostingTest, ReadCAndTime) {
    console.in = "q";
    EXPECT_EQ(call(SYS_READC, 0), 'q');
    EXPECT_EQ(call(SYS_TICKFREQ, 0), 1000000000);
    EXPECT_EQ(call(SYS_ELAPSED, 0x100), 0);
}

TEST_F(SemihostingTest, ExitStatus) {
    EXPECT_FALSE(sh.exit_status());
    block(0x100, {0x20026, 42});
    call(SYS_EXIT, 0x100);
    EXPECT_EQ(sh.exit_status(), 42);
    block(0x100, {0x20023, 0});  // ADP_Stopped_RunTimeErrorUnknown
    call(SYS_EXIT_EXTENDED, 0x100);
    EXPECT_EQ(sh.exit_status(), 1);
}

}  // namespace
}  // namespace ferry::system
