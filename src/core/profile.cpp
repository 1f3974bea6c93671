#include "core/profile.h"

#include <pthread.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include <atomic>

namespace ferry {

namespace {
// The profiler sampling this thread; the handler runs on the thread its timer targets.
thread_local Profiler* t_profiler = nullptr;
std::atomic<int> g_running_profilers{0};

// SIGPROF blocked on this thread for the lifetime of the guard.
class SignalBlocked {
public:
    SignalBlocked() {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, Profiler::kSignal);
        pthread_sigmask(SIG_BLOCK, &set, &old_);
    }
    ~SignalBlocked() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }
    SignalBlocked(const SignalBlocked&) = delete;
    SignalBlocked& operator=(const SignalBlocked&) = delete;

private:
    sigset_t old_;
};
}  // namespace

Profiler::Profiler() : buffer_(std::make_unique<uintptr_t[]>(kCapacity)) {}

Profiler::~Profiler() {
    if (!started_) return;
    timer_delete(timer_);
    SignalBlocked blocked;  // a signal already queued must not find a dangling profiler
    t_profiler = nullptr;
    g_running_profilers--;
}

bool Profiler::start() {
    if (started_ || t_profiler) return started_;
    struct sigaction sa = {};
    sa.sa_sigaction = on_signal;
    // SA_RESTART: a sample landing in a guest system call must not make it fail with EINTR.
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    if (sigaction(kSignal, &sa, nullptr) != 0) return false;

    sigevent ev = {};
    ev.sigev_notify = SIGEV_THREAD_ID;
    ev.sigev_signo = kSignal;
    ev._sigev_un._tid = static_cast<pid_t>(syscall(SYS_gettid));  // sigev_notify_thread_id, which glibc 2.36 lacks
    if (timer_create(CLOCK_THREAD_CPUTIME_ID, &ev, &timer_) != 0) return false;
    t_profiler = this;
    started_ = true;
    g_running_profilers++;
    const itimerspec period = {{0, kPeriodNanoseconds}, {0, kPeriodNanoseconds}};
    timer_settime(timer_, 0, &period, nullptr);
    return true;
}

bool Profiler::owns_signal(int sig) { return sig == kSignal && g_running_profilers.load() > 0; }

void Profiler::on_signal(int, siginfo_t*, void* context) {
    Profiler* p = t_profiler;
    if (p && p->recording_)
        p->record(static_cast<uintptr_t>(static_cast<ucontext_t*>(context)->uc_mcontext.gregs[REG_RIP]));
}

void Profiler::record(uintptr_t host_pc) {
    const size_t n = used_;
    if (n == kCapacity) {
        dropped_ = dropped_ + 1;
        return;
    }
    buffer_[n] = host_pc;
    used_ = n + 1;
}

void Profiler::drain(const std::function<void(uintptr_t host_pc)>& on_sample) {
    if (!started_) return;
    SignalBlocked blocked;  // the handler appends to the buffer being emptied
    const size_t n = used_;
    for (size_t i = 0; i < n; ++i) on_sample(buffer_[i]);
    drained_ += n;
    used_ = 0;
}

}  // namespace ferry
