// The generic timer: CTL/CVAL/TVAL, ISTATUS, the output level reported to
// the TimerSink, the next deadline, and the registers through MRS/MSR.
#include "system_cpu_fixture.h"

#include "system/cpu/timer.h"

namespace ferry {
namespace {

using system::GenericTimer;
using system::TimerOutput;

constexpr uint64_t kFarFuture = uint64_t{1} << 50;

TEST(SystemCpuTimer, IstatusAndOutputFollowCvalEnableAndMask) {
    test::FakeTimerSink sink;
    GenericTimer timer(sink);
    const TimerOutput t = TimerOutput::El1Physical;
    timer.set_cval(t, 0);  // already reached
    EXPECT_EQ(timer.ctl(t), 0u);  // disabled: no ISTATUS
    timer.set_ctl(t, GenericTimer::kCtlEnable);
    EXPECT_EQ(timer.ctl(t), GenericTimer::kCtlEnable | GenericTimer::kCtlIstatus);
    EXPECT_TRUE(sink.level(t));
    timer.set_ctl(t, GenericTimer::kCtlEnable | GenericTimer::kCtlImask);
    EXPECT_EQ(timer.ctl(t), GenericTimer::kCtlEnable | GenericTimer::kCtlImask | GenericTimer::kCtlIstatus);
    EXPECT_FALSE(sink.level(t));
    timer.set_ctl(t, GenericTimer::kCtlEnable);
    timer.set_cval(t, kFarFuture);
    EXPECT_EQ(timer.ctl(t), GenericTimer::kCtlEnable);
    EXPECT_FALSE(sink.level(t));
    EXPECT_FALSE(sink.level(TimerOutput::El1Virtual));
}

TEST(SystemCpuTimer, TvalIsTheSignedDistanceToCval) {
    test::FakeTimerSink sink;
    GenericTimer timer(sink);
    const TimerOutput t = TimerOutput::El1Virtual;
    timer.set_tval(t, 62'500'000);  // one second ahead
    const uint64_t now = timer.virtual_count();
    EXPECT_GE(timer.cval(t), now + 62'000'000);
    EXPECT_LE(timer.cval(t), now + 62'500'000);
    const auto tval = static_cast<int32_t>(timer.tval(t));
    EXPECT_GT(tval, 62'000'000);
    timer.set_cntvoff(~uint64_t{0} << 40);  // a counter far from zero, so "100 ticks ago" does not wrap
    timer.set_tval(t, static_cast<uint32_t>(-100));  // in the past: fires as soon as enabled
    timer.set_ctl(t, GenericTimer::kCtlEnable);
    EXPECT_TRUE(sink.level(t));
    EXPECT_LT(static_cast<int32_t>(timer.tval(t)), 0);
}

TEST(SystemCpuTimer, NextDeadlineIsTheEarliestArmedTimer) {
    test::FakeTimerSink sink;
    GenericTimer timer(sink);
    EXPECT_FALSE(timer.next_deadline());
    timer.set_ctl(TimerOutput::El1Physical, GenericTimer::kCtlEnable);
    timer.set_cval(TimerOutput::El1Physical, timer.physical_count() + 62'500'000);  // ~1 s
    timer.set_ctl(TimerOutput::El2Physical, GenericTimer::kCtlEnable | GenericTimer::kCtlImask);
    timer.set_cval(TimerOutput::El2Physical, timer.physical_count() + 625'000);  // masked: no deadline
    const auto deadline = timer.next_deadline();
    ASSERT_TRUE(deadline);
    const auto in = *deadline - system::Clock::now();
    EXPECT_GT(in, std::chrono::milliseconds(900));
    EXPECT_LT(in, std::chrono::milliseconds(1100));
}

TEST(SystemCpuTimer, RegistersThroughMrsMsrAndAWfiWokenByTheTimer) {
    test::Machine m;
    m.s().x[1] = 1;  // CTL: enable
    m.program({
        0xd53be026,  // mrs x6, cntpct_el0
        0x910fa0c2,  // add x2, x6, #1000 (16 us ahead)
        0xd51be242,  // msr cntp_cval_el0, x2
        0xd51be221,  // msr cntp_ctl_el0, x1
        0xd503207f,  // wfi: sleeps until the timer's IRQ (masked) is asserted
        0xd53be227,  // mrs x7, cntp_ctl_el0
        0xd53be008,  // mrs x8, cntfrq_el0
        test::kExitWords[0], test::kExitWords[1],
    });
    m.run();
    EXPECT_EQ(m.x(7), GenericTimer::kCtlEnable | GenericTimer::kCtlIstatus);
    EXPECT_EQ(m.x(8), 62'500'000u);
    EXPECT_TRUE(m.timers.level(TimerOutput::El1Physical));
}

}  // namespace
}  // namespace ferry
