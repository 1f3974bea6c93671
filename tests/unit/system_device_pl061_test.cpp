// PL061 GPIO from its TRM (DDI 0190): masked data access, edge and level interrupts.
#include <gtest/gtest.h>

#include "system/devices/pl061.h"

namespace ferry::system {
namespace {

constexpr uint64_t GPIODIR = 0x400, GPIOIS = 0x404, GPIOIBE = 0x408, GPIOIEV = 0x40C, GPIOIE = 0x410,
                   GPIORIS = 0x414, GPIOMIS = 0x418, GPIOIC = 0x41C;

struct Pl061Test : ::testing::Test {
    bool irq = false;
    Pl061 gpio{[this](bool level) { irq = level; }};
};

TEST_F(Pl061Test, DataAccessIsMaskedByAddressBits) {
    gpio.write(GPIODIR, 4, 0xFF);
    gpio.write(0x3FC, 4, 0xA5);          // all lines
    EXPECT_EQ(gpio.read(0x3FC, 4), 0xA5u);
    gpio.write(0x3 << 2, 4, 0xFF);       // lines 0 and 1 only
    EXPECT_EQ(gpio.read(0x3FC, 4), 0xA7u);
    EXPECT_EQ(gpio.read(0x80 << 2, 4), 0x80u);
}

TEST_F(Pl061Test, PowerKeyRisingEdgeInterrupt) {
    const uint8_t key = 1u << Pl061::kPowerKeyLine;
    gpio.write(GPIOIEV, 4, key);   // rising edge
    gpio.write(GPIOIE, 4, key);
    gpio.set_input(Pl061::kPowerKeyLine, true);
    EXPECT_TRUE(irq);
    EXPECT_EQ(gpio.read(GPIORIS, 4), key);
    EXPECT_EQ(gpio.read(0x3FC, 4), key);
    gpio.set_input(Pl061::kPowerKeyLine, false);
    EXPECT_TRUE(irq);  // latched until cleared
    gpio.write(GPIOIC, 4, key);
    EXPECT_FALSE(irq);
    EXPECT_EQ(gpio.read(GPIOMIS, 4), 0u);
}

TEST_F(Pl061Test, FallingAndBothEdges) {
    gpio.write(GPIOIE, 4, 0x3);
    gpio.write(GPIOIBE, 4, 0x2);
    gpio.set_input(0, true);   // line 0 wants a falling edge
    EXPECT_FALSE(irq);
    gpio.set_input(0, false);
    EXPECT_TRUE(irq);
    gpio.write(GPIOIC, 4, 0x1);
    gpio.set_input(1, true);   // line 1: either edge
    EXPECT_EQ(gpio.read(GPIORIS, 4), 0x2u);
}

TEST_F(Pl061Test, LevelInterruptFollowsLine) {
    gpio.write(GPIOIS, 4, 0x4);
    gpio.write(GPIOIEV, 4, 0x4);  // high level
    gpio.write(GPIOIE, 4, 0x4);
    EXPECT_FALSE(irq);
    gpio.set_input(2, true);
    EXPECT_TRUE(irq);
    gpio.write(GPIOIC, 4, 0x4);  // does not clear a level
    EXPECT_TRUE(irq);
    gpio.set_input(2, false);
    EXPECT_FALSE(irq);
}

}  // namespace
}  // namespace ferry::system
