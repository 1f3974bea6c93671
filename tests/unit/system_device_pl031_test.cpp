// PL031 RTC from its TRM (DDI 0224): counting, load, match interrupt.
#include <gtest/gtest.h>

#include <optional>

#include "system/devices/pl031.h"

namespace ferry::system {
namespace {

constexpr uint64_t RTCDR = 0x00, RTCMR = 0x04, RTCLR = 0x08, RTCCR = 0x0C, RTCIMSC = 0x10, RTCRIS = 0x14,
                   RTCMIS = 0x18, RTCICR = 0x1C;

struct Pl031Test : ::testing::Test {
    uint64_t now = 1700000000;
    std::optional<uint32_t> armed;
    bool irq = false;
    Pl031 rtc{[this] { return now; }, [this](uint32_t s) { armed = s; }, [this](bool level) { irq = level; }};
};

TEST_F(Pl031Test, CountsHostSeconds) {
    EXPECT_EQ(rtc.read(RTCDR, 4), 1700000000u);
    now += 5;
    EXPECT_EQ(rtc.read(RTCDR, 4), 1700000005u);
    EXPECT_EQ(rtc.read(RTCCR, 4), 1u);
}

TEST_F(Pl031Test, LoadSetsCounterWhichKeepsCounting) {
    rtc.write(RTCLR, 4, 1000);
    EXPECT_EQ(rtc.read(RTCDR, 4), 1000u);
    EXPECT_EQ(rtc.read(RTCLR, 4), 1000u);
    now += 3;
    EXPECT_EQ(rtc.read(RTCDR, 4), 1003u);
}

TEST_F(Pl031Test, MatchRaisesInterruptWhenReached) {
    rtc.write(RTCLR, 4, 100);
    rtc.write(RTCIMSC, 4, 1);
    rtc.write(RTCMR, 4, 110);
    ASSERT_TRUE(armed.has_value());
    EXPECT_EQ(*armed, 10u);
    now += 9;
    rtc.alarm();  // early (stale) alarm: nothing
    EXPECT_FALSE(irq);
    now += 1;
    rtc.alarm();
    EXPECT_TRUE(irq);
    EXPECT_EQ(rtc.read(RTCRIS, 4), 1u);
    EXPECT_EQ(rtc.read(RTCMIS, 4), 1u);
    rtc.write(RTCICR, 4, 1);
    EXPECT_FALSE(irq);
    EXPECT_EQ(rtc.read(RTCRIS, 4), 0u);
}

TEST_F(Pl031Test, MatchNowFiresAtOnceAndMaskGatesLine) {
    rtc.write(RTCMR, 4, static_cast<uint32_t>(now));
    EXPECT_EQ(rtc.read(RTCRIS, 4), 1u);
    EXPECT_FALSE(irq);
    rtc.write(RTCIMSC, 4, 1);
    EXPECT_TRUE(irq);
}

TEST_F(Pl031Test, PrimeCellId) {
    const uint8_t expected[8] = {0x31, 0x10, 0x04, 0x00, 0x0D, 0xF0, 0x05, 0xB1};
    for (unsigned i = 0; i < 8; ++i) EXPECT_EQ(rtc.read(0xFE0 + 4 * i, 4), expected[i]) << i;
}

}  // namespace
}  // namespace ferry::system
