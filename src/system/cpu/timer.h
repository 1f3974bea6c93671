// The generic timer of one core (Arm ARM D11): the system counter at
// CNTFRQ = 62.5 MHz, counted from the core's creation on the host's monotonic
// clock, and its four timers (EL1 physical, EL1 virtual, EL2 physical, secure
// physical), each with CTL, CVAL and the TVAL view. An output is
// ISTATUS && !IMASK; changes go to the TimerSink (the board wires them to
// PPIs).
#pragma once
#include <array>
#include <cstdint>
#include <optional>

#include "system/bus.h"
#include "system/cpu/system_cpu.h"

namespace ferry::system {

class GenericTimer {
public:
    static constexpr uint64_t kCtlEnable = 1, kCtlImask = 2, kCtlIstatus = 4;

    explicit GenericTimer(TimerSink& sink);

    uint64_t physical_count() const;
    uint64_t virtual_count() const { return physical_count() - cntvoff_; }
    uint64_t cntvoff() const { return cntvoff_; }
    void set_cntvoff(uint64_t offset);

    uint64_t ctl(TimerOutput which) const;
    uint64_t cval(TimerOutput which) const { return timer(which).cval; }
    uint64_t tval(TimerOutput which) const;
    void set_ctl(TimerOutput which, uint64_t value);
    void set_cval(TimerOutput which, uint64_t value);
    void set_tval(TimerOutput which, uint64_t value);

    // Re-evaluates every output against the counter now and reports changes.
    void update();
    // When the next enabled, unmasked, not yet firing timer fires.
    std::optional<Clock::time_point> next_deadline() const;
    void reset();

private:
    struct Timer {
        uint64_t ctl = 0;   // ENABLE and IMASK; ISTATUS is computed
        uint64_t cval = 0;
        bool output = false;  // the level last reported to the sink
    };
    static constexpr unsigned kTimers = 4;

    Timer& timer(TimerOutput which) { return timers_[static_cast<unsigned>(which)]; }
    const Timer& timer(TimerOutput which) const { return timers_[static_cast<unsigned>(which)]; }
    uint64_t count_for(TimerOutput which) const;
    bool condition_met(TimerOutput which) const;

    TimerSink& sink_;
    Clock::time_point start_;
    uint64_t cntvoff_ = 0;
    std::array<Timer, kTimers> timers_{};
};

}  // namespace ferry::system
