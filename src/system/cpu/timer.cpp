#include "system/cpu/timer.h"

#include "ir/cpu_features.h"

namespace ferry::system {

namespace {
constexpr uint64_t kNanosecondsPerTick = 1'000'000'000 / cpu::kCounterFrequency;  // 16
constexpr TimerOutput kAllTimers[] = {TimerOutput::El1Physical, TimerOutput::El1Virtual, TimerOutput::El2Physical,
                                      TimerOutput::SecurePhysical};
}  // namespace

GenericTimer::GenericTimer(TimerSink& sink) : sink_(sink), start_(Clock::now()) {}

uint64_t GenericTimer::physical_count() const {
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start_).count();
    return static_cast<uint64_t>(ns) / kNanosecondsPerTick;
}

uint64_t GenericTimer::count_for(TimerOutput which) const {
    return which == TimerOutput::El1Virtual ? virtual_count() : physical_count();
}

// ISTATUS: the timer is enabled and the counter has reached CVAL.
bool GenericTimer::condition_met(TimerOutput which) const {
    const Timer& t = timer(which);
    return (t.ctl & kCtlEnable) && count_for(which) >= t.cval;
}

uint64_t GenericTimer::ctl(TimerOutput which) const {
    return timer(which).ctl | (condition_met(which) ? kCtlIstatus : 0);
}

// TVAL is the signed 32-bit distance from the counter to CVAL.
uint64_t GenericTimer::tval(TimerOutput which) const {
    return static_cast<uint32_t>(timer(which).cval - count_for(which));
}

void GenericTimer::set_ctl(TimerOutput which, uint64_t value) {
    timer(which).ctl = value & (kCtlEnable | kCtlImask);
    update();
}

void GenericTimer::set_cval(TimerOutput which, uint64_t value) {
    timer(which).cval = value;
    update();
}

void GenericTimer::set_tval(TimerOutput which, uint64_t value) {
    const auto delta = static_cast<int64_t>(static_cast<int32_t>(static_cast<uint32_t>(value)));
    timer(which).cval = count_for(which) + static_cast<uint64_t>(delta);
    update();
}

void GenericTimer::set_cntvoff(uint64_t offset) {
    cntvoff_ = offset;
    update();
}

void GenericTimer::update() {
    for (TimerOutput which : kAllTimers) {
        Timer& t = timer(which);
        const bool level = condition_met(which) && !(t.ctl & kCtlImask);
        if (level != t.output) {
            t.output = level;
            sink_.set_timer_output(which, level);
        }
    }
}

std::optional<Clock::time_point> GenericTimer::next_deadline() const {
    std::optional<Clock::time_point> next;
    for (TimerOutput which : kAllTimers) {
        const Timer& t = timer(which);
        if ((t.ctl & (kCtlEnable | kCtlImask)) != kCtlEnable || condition_met(which)) continue;
        const uint64_t physical_cval = which == TimerOutput::El1Virtual ? t.cval + cntvoff_ : t.cval;
        // Far-future CVALs (Linux parks a timer at ~0) must not overflow the clock.
        const uint64_t ticks = std::min<uint64_t>(physical_cval, uint64_t{1} << 58);
        const Clock::time_point at = start_ + std::chrono::nanoseconds(ticks * kNanosecondsPerTick);
        if (!next || at < *next) next = at;
    }
    return next;
}

void GenericTimer::reset() {
    for (TimerOutput which : kAllTimers) timer(which).ctl = 0;
    cntvoff_ = 0;
    update();
}

}  // namespace ferry::system
