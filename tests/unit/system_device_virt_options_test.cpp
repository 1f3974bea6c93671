// ferry-system's qemu-style options: what is accepted and the one-line errors.
#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "system/virt/options.h"

namespace ferry::system {
namespace {

ParseResult parse(std::initializer_list<const char*> args, SystemOptions& o) {
    std::vector<std::string> storage = {"ferry-system"};
    storage.insert(storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& s : storage) argv.push_back(s.data());
    ::testing::internal::CaptureStderr();
    const ParseResult r = parse_system_options(static_cast<int>(argv.size()), argv.data(), o);
    ::testing::internal::GetCapturedStderr();
    return r;
}

ParseResult parse(std::initializer_list<const char*> args) {
    SystemOptions o;
    return parse(args, o);
}

TEST(SystemOptionsTest, TypicalCommandLine) {
    SystemOptions o;
    ASSERT_EQ(parse({"-M", "virt,virtualization=on,gic-version=2", "-cpu", "cortex-a57", "-m", "1G", "-smp", "1",
                     "-nographic", "-kernel", "k.elf", "-append", "console=ttyAMA0", "-semihosting-config",
                     "enable=on,target=native", "-no-reboot", "-display", "none"},
                    o),
              ParseResult::Run);
    EXPECT_TRUE(o.virtualization);
    EXPECT_FALSE(o.secure);
    EXPECT_EQ(o.cpu, "cortex-a57");
    EXPECT_EQ(o.ram_size, 1ull << 30);
    EXPECT_TRUE(o.semihosting);
    EXPECT_TRUE(o.no_reboot);
    EXPECT_EQ(o.serial, "mon:stdio");
    EXPECT_EQ(o.kernel, "k.elf");
    EXPECT_EQ(o.append, "console=ttyAMA0");
}

TEST(SystemOptionsTest, MachinePropertiesAcrossOptions) {
    SystemOptions o;
    ASSERT_EQ(parse({"-machine", "type=virt", "-machine", "secure=on,dumpdtb=x.dtb", "-M", "gic-version=3"}, o),
              ParseResult::Run);
    EXPECT_TRUE(o.secure);
    EXPECT_EQ(o.dumpdtb, "x.dtb");
    EXPECT_EQ(o.gic_version, 3u);
}

TEST(SystemOptionsTest, RamSizes) {
    uint64_t size = 0;
    EXPECT_TRUE(parse_ram_size("512", size));
    EXPECT_EQ(size, 512ull << 20);
    EXPECT_TRUE(parse_ram_size("2G", size));
    EXPECT_EQ(size, 2ull << 30);
    EXPECT_TRUE(parse_ram_size("size=256M", size));
    EXPECT_EQ(size, 256ull << 20);
    EXPECT_FALSE(parse_ram_size("lots", size));
    EXPECT_FALSE(parse_ram_size("0", size));
    EXPECT_FALSE(parse_ram_size("1X", size));
}

TEST(SystemOptionsTest, Errors) {
    EXPECT_EQ(parse({"-kernel", "k"}), ParseResult::ExitError);  // no machine
    EXPECT_EQ(parse({"-M", "pc"}), ParseResult::ExitError);
    EXPECT_EQ(parse({"-M", "virt,frobnicate=on"}), ParseResult::ExitError);
    EXPECT_EQ(parse({"-M", "virt,secure=maybe"}), ParseResult::ExitError);
    EXPECT_EQ(parse({"-M", "virt,gic-version=4"}), ParseResult::ExitError);
    EXPECT_EQ(parse({"-M", "virt", "-cpu", "cortex-a9"}), ParseResult::ExitError);
    EXPECT_EQ(parse({"-M", "virt", "-m", "lots"}), ParseResult::ExitError);
    EXPECT_EQ(parse({"-M", "virt", "-smp", "2"}), ParseResult::ExitError);
    EXPECT_EQ(parse({"-M", "virt", "-smp", "cpus=1,cores=2"}), ParseResult::ExitError);
    EXPECT_EQ(parse({"-M", "virt", "-S"}), ParseResult::ExitError);  // nothing could start the CPU
    EXPECT_EQ(parse({"-M", "virt", "-gdb"}), ParseResult::ExitError);
    EXPECT_EQ(parse({"-M", "virt", "-serial", "pty"}), ParseResult::ExitError);
    EXPECT_EQ(parse({"-M", "virt", "-kernel"}), ParseResult::ExitError);
    EXPECT_EQ(parse({"-M", "virt", "-bogus"}), ParseResult::ExitError);
    EXPECT_EQ(parse({"-M", "virt", "-semihosting-config", "enable=on,target=gdb"}), ParseResult::ExitError);
}

TEST(SystemOptionsTest, GdbStub) {
    SystemOptions o;
    EXPECT_EQ(parse({"-M", "virt", "-s", "-S"}, o), ParseResult::Run);
    EXPECT_EQ(o.gdb, "tcp::1234");
    EXPECT_TRUE(o.start_stopped);
    SystemOptions u;
    EXPECT_EQ(parse({"-M", "virt", "-gdb", "unix:/tmp/g.sock,server,nowait"}, u), ParseResult::Run);
    EXPECT_EQ(u.gdb, "unix:/tmp/g.sock,server,nowait");
    EXPECT_FALSE(u.start_stopped);
    SystemOptions none;
    EXPECT_EQ(parse({"-M", "virt", "-s", "-gdb", "none"}, none), ParseResult::Run);
    EXPECT_TRUE(none.gdb.empty());
}

TEST(SystemOptionsTest, AcceptedSmpForms) {
    EXPECT_EQ(parse({"-M", "virt", "-smp", "1"}), ParseResult::Run);
    EXPECT_EQ(parse({"-M", "virt", "-smp", "cpus=1,sockets=1"}), ParseResult::Run);
}

}  // namespace
}  // namespace ferry::system
