#include "system/virt/alarm_thread.h"

namespace ferry::system {

AlarmThread::AlarmThread(std::function<void()> fire) : fire_(std::move(fire)), thread_([this] { loop(); }) {}

AlarmThread::~AlarmThread() {
    {
        std::lock_guard<std::mutex> guard(mutex_);
        quit_ = true;
    }
    changed_.notify_one();
    thread_.join();
}

void AlarmThread::arm(Clock::duration delay) {
    {
        std::lock_guard<std::mutex> guard(mutex_);
        deadline_ = Clock::now() + delay;
    }
    changed_.notify_one();
}

void AlarmThread::loop() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!quit_) {
        if (!deadline_) {
            changed_.wait(lock);
        } else if (changed_.wait_until(lock, *deadline_) == std::cv_status::timeout && deadline_ &&
                   Clock::now() >= *deadline_) {
            deadline_.reset();
            lock.unlock();  // the callback takes the board's lock; never hold ours meanwhile
            fire_();
            lock.lock();
        }
    }
}

}  // namespace ferry::system
