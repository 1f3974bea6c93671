// A host thread that runs one callback at a deadline: how board devices with
// their own clocks (the PL031's match interrupt) get called back while the
// CPU runs. Arming again replaces the pending deadline.
#pragma once
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

namespace ferry::system {

class AlarmThread {
public:
    using Clock = std::chrono::steady_clock;

    explicit AlarmThread(std::function<void()> fire);
    ~AlarmThread();
    AlarmThread(const AlarmThread&) = delete;
    AlarmThread& operator=(const AlarmThread&) = delete;

    void arm(Clock::duration delay);

private:
    void loop();

    std::function<void()> fire_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::optional<Clock::time_point> deadline_;
    bool quit_ = false;
    std::thread thread_;
};

}  // namespace ferry::system
