// The virt board's device tree, read back with libfdt: the nodes QEMU's virt
// has, at the addresses and interrupts the board decodes.
#include <gtest/gtest.h>
#include <libfdt.h>

#include <string>

#include "system/virt/fdt.h"

namespace ferry::system {
namespace {

struct FdtTest : ::testing::Test {
    VirtBoard board{BoardConfig{256ull << 20, false, false}, [](uint8_t) {}};
    std::vector<uint8_t> tree = build_device_tree(board, {"arm,cortex-a53", PsciMethod::Hvc});

    int node(const char* path) { return fdt_path_offset(tree.data(), path); }
    std::string string_prop(const char* path, const char* name) {
        int len = 0;
        const void* p = fdt_getprop(tree.data(), node(path), name, &len);
        return p ? std::string(static_cast<const char*>(p), len > 0 ? len - 1 : 0) : "<missing>";
    }
    std::vector<uint32_t> cells(const char* path, const char* name) {
        int len = 0;
        const auto* p = static_cast<const fdt32_t*>(fdt_getprop(tree.data(), node(path), name, &len));
        std::vector<uint32_t> out;
        for (int i = 0; p && i < len / 4; ++i) out.push_back(fdt32_to_cpu(p[i]));
        return out;
    }
};

TEST_F(FdtTest, HeaderIsValid) {
    std::string error;
    EXPECT_TRUE(check_device_tree(tree, error)) << error;
}

TEST_F(FdtTest, MemoryNodeFollowsRamSize) {
    EXPECT_EQ(cells("/memory@40000000", "reg"), (std::vector<uint32_t>{0, 0x40000000, 0, 0x10000000}));
    EXPECT_EQ(string_prop("/memory@40000000", "device_type"), "memory");
}

TEST_F(FdtTest, UartRtcGpioAsPlaced) {
    for (const Placement& p : board.placements()) {
        const char* name = p.kind == DeviceKind::Uart ? "/pl011@9000000" : p.kind == DeviceKind::Rtc ? "/pl031@9010000"
                           : p.kind == DeviceKind::Gpio ? "/pl061@9030000" : nullptr;
        if (!name) continue;
        EXPECT_EQ(cells(name, "reg"), (std::vector<uint32_t>{0, uint32_t(p.base), 0, uint32_t(p.size)})) << name;
        EXPECT_EQ(cells(name, "interrupts"), (std::vector<uint32_t>{0, uint32_t(p.spi), 4})) << name;
    }
    EXPECT_EQ(cells("/pl011@9000000", "interrupts")[1], 1u);
    EXPECT_EQ(cells("/pl031@9010000", "interrupts")[1], 2u);
    EXPECT_EQ(cells("/pl061@9030000", "interrupts")[1], 7u);
    EXPECT_EQ(fdt_node_check_compatible(tree.data(), node("/pl011@9000000"), "arm,pl011"), 0);
    EXPECT_EQ(fdt_node_check_compatible(tree.data(), node("/pl011@9000000"), "arm,primecell"), 0);
}

TEST_F(FdtTest, UartClockIs24MHz) {
    const std::vector<uint32_t> clocks = cells("/pl011@9000000", "clocks");
    ASSERT_EQ(clocks.size(), 2u);
    const int clock = fdt_node_offset_by_phandle(tree.data(), clocks[0]);
    ASSERT_GE(clock, 0);
    EXPECT_EQ(fdt32_to_cpu(*static_cast<const fdt32_t*>(fdt_getprop(tree.data(), clock, "clock-frequency", nullptr))),
              24000000u);
}

TEST_F(FdtTest, GicIsTheInterruptParent) {
    EXPECT_EQ(cells("/intc@8000000", "reg"), (std::vector<uint32_t>{0, 0x08000000, 0, 0x10000, 0, 0x08010000, 0, 0x10000}));
    EXPECT_EQ(string_prop("/intc@8000000", "compatible"), "arm,cortex-a15-gic");
    EXPECT_EQ(cells("/", "interrupt-parent"), cells("/intc@8000000", "phandle"));
}

TEST_F(FdtTest, TimerPpisAndPsci) {
    EXPECT_EQ(cells("/timer", "interrupts"),
              (std::vector<uint32_t>{1, 13, 0x104, 1, 14, 0x104, 1, 11, 0x104, 1, 10, 0x104}));
    EXPECT_EQ(string_prop("/psci", "method"), "hvc");
    EXPECT_EQ(fdt_node_check_compatible(tree.data(), node("/psci"), "arm,psci-1.0"), 0);
    EXPECT_EQ(string_prop("/cpus/cpu@0", "enable-method"), "psci");
    EXPECT_EQ(string_prop("/cpus/cpu@0", "compatible"), "arm,cortex-a53");
    EXPECT_EQ(string_prop("/chosen", "stdout-path"), "/pl011@9000000");
}

TEST_F(FdtTest, NoPsciNodeWithoutConduit) {
    tree = build_device_tree(board, {"arm,cortex-a53", PsciMethod::None});
    EXPECT_LT(node("/psci"), 0);
    EXPECT_EQ(string_prop("/cpus/cpu@0", "enable-method"), "<missing>");
}

TEST_F(FdtTest, ChosenBootargsAndInitrd) {
    std::string error;
    ASSERT_TRUE(set_chosen(tree, {"console=ttyAMA0", 0x48000000, 0x48100000}, error)) << error;
    EXPECT_EQ(string_prop("/chosen", "bootargs"), "console=ttyAMA0");
    EXPECT_EQ(cells("/chosen", "linux,initrd-start"), std::vector<uint32_t>{0x48000000});
    EXPECT_EQ(cells("/chosen", "linux,initrd-end"), std::vector<uint32_t>{0x48100000});
    EXPECT_EQ(string_prop("/chosen", "stdout-path"), "/pl011@9000000");
}

TEST_F(FdtTest, MalformedTreeIsRejected) {
    std::vector<uint8_t> junk(64, 0x5A);
    std::string error;
    EXPECT_FALSE(set_chosen(junk, {"x", 0, 0}, error));
    EXPECT_FALSE(error.empty());
    std::vector<uint8_t> truncated(tree.begin(), tree.begin() + 100);
    EXPECT_FALSE(check_device_tree(truncated, error));
}

}  // namespace
}  // namespace ferry::system
