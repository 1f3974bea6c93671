// PL011 register behaviour from its TRM (DDI 0183): flags, FIFO, interrupts.
#include <gtest/gtest.h>

#include <string>

#include "system/devices/pl011.h"

namespace ferry::system {
namespace {

constexpr uint64_t DR = 0x00, FR = 0x18, LCR_H = 0x2C, CR = 0x30, IFLS = 0x34, IMSC = 0x38, RIS = 0x3C, MIS = 0x40,
                   ICR = 0x44;
constexpr uint32_t kFen = 1u << 4;

struct Pl011Test : ::testing::Test {
    std::string sent;
    bool irq = false;
    Pl011 uart{[this](uint8_t b) { sent.push_back(static_cast<char>(b)); }, [this](bool level) { irq = level; }};

    void feed(const std::string& text) {
        ASSERT_EQ(uart.receive(reinterpret_cast<const uint8_t*>(text.data()), text.size()), text.size());
    }
};

TEST_F(Pl011Test, ResetValues) {
    EXPECT_EQ(uart.read(FR, 4), Pl011::RxEmpty | Pl011::TxEmpty);
    EXPECT_EQ(uart.read(CR, 4), 0x300u);
    EXPECT_EQ(uart.read(IFLS, 4), 0x12u);
    EXPECT_EQ(uart.read(IMSC, 4), 0u);
}

TEST_F(Pl011Test, PrimeCellId) {
    const uint8_t expected[8] = {0x11, 0x10, 0x14, 0x00, 0x0D, 0xF0, 0x05, 0xB1};
    for (unsigned i = 0; i < 8; ++i) EXPECT_EQ(uart.read(0xFE0 + 4 * i, 4), expected[i]) << i;
}

TEST_F(Pl011Test, TransmitsAndRaisesTxInterrupt) {
    uart.write(DR, 4, 'h');
    uart.write(DR, 1, 'i');
    EXPECT_EQ(sent, "hi");
    EXPECT_EQ(uart.read(RIS, 4) & Pl011::TxInt, Pl011::TxInt);
    EXPECT_FALSE(irq);  // masked
    uart.write(IMSC, 4, Pl011::TxInt);
    EXPECT_TRUE(irq);
    EXPECT_EQ(uart.read(MIS, 4), Pl011::TxInt);
    uart.write(ICR, 4, Pl011::TxInt);
    EXPECT_FALSE(irq);
    EXPECT_EQ(uart.read(RIS, 4), 0u);
}

TEST_F(Pl011Test, WithoutFifoHoldsOneByte) {
    const uint8_t two[2] = {'a', 'b'};
    EXPECT_EQ(uart.receive(two, 2), 1u);
    EXPECT_EQ(uart.read(FR, 4) & (Pl011::RxEmpty | Pl011::RxFull), Pl011::RxFull);
    EXPECT_EQ(uart.read(DR, 4), uint64_t{'a'});
    EXPECT_EQ(uart.read(FR, 4) & Pl011::RxEmpty, Pl011::RxEmpty);
}

TEST_F(Pl011Test, FifoFillsTo32AndDrainsInOrder) {
    uart.write(LCR_H, 4, kFen);
    std::string text;
    for (int i = 0; i < 40; ++i) text.push_back(static_cast<char>('A' + i));
    EXPECT_EQ(uart.receive(reinterpret_cast<const uint8_t*>(text.data()), text.size()), 32u);
    EXPECT_TRUE(uart.read(FR, 4) & Pl011::RxFull);
    for (int i = 0; i < 32; ++i) {
        EXPECT_FALSE(uart.read(FR, 4) & Pl011::RxEmpty);
        EXPECT_EQ(uart.read(DR, 4), uint64_t(text[i]));
        EXPECT_FALSE(uart.read(FR, 4) & Pl011::RxFull);
    }
    EXPECT_TRUE(uart.read(FR, 4) & Pl011::RxEmpty);
    EXPECT_EQ(uart.read(DR, 4), 0u);  // reading an empty FIFO
}

TEST_F(Pl011Test, RxInterruptAtTriggerLevel) {
    uart.write(LCR_H, 4, kFen);
    uart.write(IFLS, 4, 0 << 3);  // RX at 1/8 full: 4 bytes
    uart.write(IMSC, 4, Pl011::RxInt);
    feed("abc");
    EXPECT_FALSE(irq);
    feed("d");
    EXPECT_TRUE(irq);
    EXPECT_EQ(uart.read(MIS, 4), Pl011::RxInt);
    uart.read(DR, 4);  // below the trigger level again
    EXPECT_FALSE(irq);
    EXPECT_EQ(uart.read(RIS, 4) & Pl011::RxInt, 0u);
}

TEST_F(Pl011Test, ReceiveTimeoutClearsWhenFifoEmpties) {
    uart.write(LCR_H, 4, kFen);
    uart.write(IMSC, 4, Pl011::RxInt | Pl011::RxTimeoutInt);
    feed("xy");
    EXPECT_FALSE(irq);  // below the 1/2 trigger, line not idle yet
    uart.receive_idle();
    EXPECT_TRUE(irq);
    EXPECT_EQ(uart.read(MIS, 4), Pl011::RxTimeoutInt);
    uart.read(DR, 4);
    EXPECT_TRUE(irq);
    uart.read(DR, 4);
    EXPECT_FALSE(irq);
}

TEST_F(Pl011Test, IcrClearsTimeout) {
    uart.write(IMSC, 4, Pl011::RxTimeoutInt);
    feed("z");
    uart.receive_idle();
    EXPECT_TRUE(irq);
    uart.write(ICR, 4, Pl011::RxTimeoutInt);
    EXPECT_FALSE(irq);
}

TEST_F(Pl011Test, TogglingFifoEnableFlushes) {
    feed("q");
    uart.write(LCR_H, 4, kFen);
    EXPECT_TRUE(uart.read(FR, 4) & Pl011::RxEmpty);
}

TEST_F(Pl011Test, RxSpaceCallbackOnRead) {
    int calls = 0;
    uart.set_rx_space_callback([&] { ++calls; });
    feed("k");
    uart.read(DR, 4);
    EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace ferry::system
