#include "common/log.h"
#include "user/signals.h"

#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <string>

#include "core/profile.h"
#include "user/address_space.h"
#include "user/options.h"
#include "user/process.h"

namespace ferry::user {

namespace {

// --- The arm64 signal frame (arch/arm64/include/uapi/asm/sigcontext.h, ucontext.h) ---

constexpr uint32_t kFpsimdMagic = 0x46508001;

struct FpsimdContext {
    uint32_t magic, size, fpsr, fpcr;
    Vec128 vregs[32];
};
static_assert(sizeof(FpsimdContext) == 528);

struct Sigcontext {
    uint64_t fault_address;
    uint64_t regs[31];
    uint64_t sp, pc, pstate;
    alignas(16) uint8_t reserved[4096];  // a chain of {magic, size} records ending in a null one
};

struct Ucontext {
    uint64_t flags;
    uint64_t link;
    GuestStack stack;
    uint64_t sigmask;
    uint8_t unused[120];  // room for a 1024-bit sigset
    Sigcontext mcontext;
};
static_assert(offsetof(Ucontext, mcontext) == 176 && sizeof(Ucontext) == 4560);

struct RtSigframe {
    uint8_t info[128];
    Ucontext uc;
};
static_assert(sizeof(RtSigframe) == 4688 && sizeof(siginfo_t) == 128);

constexpr int kMinSigStackSize = 5120;  // arm64 MINSIGSTKSZ
// Kernel sa_flags / ss_flags bits the host libc headers do not export.
constexpr uint64_t kSaRestorer = 0x04000000;
constexpr int kSsAutodisarm = 1 << 31;

// --- State shared with the host signal handler ---

CpuState* g_cpu = nullptr;
volatile sig_atomic_t g_recorded[kMaxSignal + 1];
siginfo_t g_info[kMaxSignal + 1];

// Signals Ferry needs for itself (guest faults, its own bugs): never blocked on the host.
constexpr uint64_t kHostUnblockable =
    sigbit(SIGSEGV) | sigbit(SIGBUS) | sigbit(SIGILL) | sigbit(SIGFPE) | sigbit(SIGTRAP);
constexpr uint64_t kDefaultIgnored = sigbit(SIGCHLD) | sigbit(SIGURG) | sigbit(SIGWINCH) | sigbit(SIGCONT);
constexpr uint64_t kDefaultStops = sigbit(SIGTSTP) | sigbit(SIGTTIN) | sigbit(SIGTTOU) | sigbit(SIGSTOP);

constexpr uint64_t kSigDfl = 0, kSigIgn = 1;

sigset_t to_sigset(uint64_t bits) {
    sigset_t set;
    sigemptyset(&set);
    for (int sig = 1; sig <= kMaxSignal; ++sig)
        if (bits & sigbit(sig)) sigaddset(&set, sig);
    return set;
}

uint64_t from_sigset(const sigset_t& set) {
    uint64_t bits = 0;
    for (int sig = 1; sig <= kMaxSignal; ++sig)
        if (sigismember(&set, sig) == 1) bits |= sigbit(sig);
    return bits;
}

int lowest_signal(uint64_t bits) { return __builtin_ctzll(bits) + 1; }

}  // namespace

void internal_error(const char* message) {
    static const char prefix[] = "ferry-user: internal error: ";
    [[maybe_unused]] ssize_t n = write(2, prefix, sizeof prefix - 1);
    n = write(2, message, std::strlen(message));
    n = write(2, "\n", 1);
    _exit(70);
}

void record_host_signal(int sig, siginfo_t* info, void*) {
    // A kernel-generated SIGILL/SIGFPE/SIGTRAP comes from Ferry's own code.
    if (info->si_code > 0 && (sigbit(sig) & kHostUnblockable)) internal_error("unexpected host fault signal");
    g_info[sig] = *info;
    g_recorded[sig] = 1;
    if (g_cpu) *static_cast<volatile uint32_t*>(&g_cpu->exit_request) = 1;
}

void Signals::init(CpuState& cpu) {
    g_cpu = &cpu;
    sigset_t current;
    sigprocmask(SIG_BLOCK, nullptr, &current);
    mask_ = from_sigset(current);
    for (int sig = 1; sig <= kMaxSignal; ++sig) {
        struct sigaction sa;
        if (::sigaction(sig, nullptr, &sa) == 0 && sa.sa_handler == SIG_IGN) actions_[sig].handler = kSigIgn;
    }
    set_mask(mask_);
}

void Signals::set_mask(uint64_t mask) {
    mask_ = mask & ~(sigbit(SIGKILL) | sigbit(SIGSTOP));
    const uint64_t profiler = Profiler::owns_signal(Profiler::kSignal) ? sigbit(Profiler::kSignal) : 0;
    const sigset_t host = to_sigset(mask_ & ~kHostUnblockable & ~profiler);
    sigprocmask(SIG_SETMASK, &host, nullptr);
}

void Signals::set_temporary_mask(uint64_t mask) {
    if (!has_saved_mask_) saved_mask_ = mask_;
    has_saved_mask_ = true;
    set_mask(mask);
}

bool Signals::has_deliverable() const {
    for (int sig = 1; sig <= kMaxSignal; ++sig)
        if (g_recorded[sig] && !(mask_ & sigbit(sig))) return true;
    return false;
}

void Signals::forget_pending() {
    for (int sig = 1; sig <= kMaxSignal; ++sig) g_recorded[sig] = 0;
    fault_signals_ = 0;
}

uint64_t Signals::pending() const {
    sigset_t host;
    sigpending(&host);
    uint64_t bits = from_sigset(host) | fault_signals_;
    for (int sig = 1; sig <= kMaxSignal; ++sig)
        if (g_recorded[sig]) bits |= sigbit(sig);
    return bits;
}

void Signals::apply_host_disposition(int sig) {
    // SIGSEGV and SIGBUS stay with Ferry's fault handler, which forwards the
    // ones sent by kill() to record_host_signal.
    if (sig == SIGKILL || sig == SIGSTOP || sig == SIGSEGV || sig == SIGBUS) return;
    if (Profiler::owns_signal(sig)) return;  // --stats samples with it
    struct sigaction sa = {};
    sigemptyset(&sa.sa_mask);
    const GuestSigaction& act = actions_[sig];
    if (act.handler == kSigDfl) {
        sa.sa_handler = SIG_DFL;
    } else if (act.handler == kSigIgn) {
        sa.sa_handler = SIG_IGN;
    } else {
        sa.sa_sigaction = record_host_signal;
        sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    }
    if (sig == SIGCHLD) sa.sa_flags |= static_cast<int>(act.flags & (SA_NOCLDSTOP | SA_NOCLDWAIT));
    ::sigaction(sig, &sa, nullptr);  // fails only for the host libc's reserved signals
}

int64_t Signals::sigaction(int sig, const GuestSigaction* act, GuestSigaction* old) {
    if (sig < 1 || sig > kMaxSignal) return -EINVAL;
    if (act && (sig == SIGKILL || sig == SIGSTOP)) return -EINVAL;
    if (old) *old = actions_[sig];
    if (act) {
        actions_[sig] = *act;
        if (act->handler == kSigIgn) g_recorded[sig] = 0;
        apply_host_disposition(sig);
    }
    return 0;
}

int64_t Signals::sigaltstack(const GuestStack* ss, GuestStack* old, uint64_t sp) {
    const bool on_stack =
        !(altstack_.flags & SS_DISABLE) && sp > altstack_.sp && sp - altstack_.sp <= altstack_.size;
    if (old) {
        *old = altstack_;
        if (on_stack) old->flags |= SS_ONSTACK;
    }
    if (!ss) return 0;
    if (on_stack) return -EPERM;
    const int flags = ss->flags & ~kSsAutodisarm;
    if (flags == SS_DISABLE) {
        altstack_ = {0, SS_DISABLE, 0, 0};
    } else if (flags != 0) {
        return -EINVAL;
    } else if (ss->size < kMinSigStackSize) {
        return -ENOMEM;
    } else {
        altstack_ = {ss->sp, 0, 0, ss->size};
    }
    return 0;
}

void Signals::queue_fault(int sig, int code, uint64_t addr) {
    siginfo_t info = {};
    info.si_signo = sig;
    info.si_code = code;
    info.si_addr = reinterpret_cast<void*>(addr);
    g_info[sig] = info;
    fault_signals_ |= sigbit(sig);
}

void Signals::die_by_signal(int sig) {
    if (on_death) on_death(sig);
    std::fflush(nullptr);
    // The guest's "core" would be Ferry's 1 TiB reservation: not useful.
    const struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    signal(sig, SIG_DFL);
    const sigset_t only = to_sigset(sigbit(sig));
    sigprocmask(SIG_UNBLOCK, &only, nullptr);
    kill(getpid(), sig);
    _exit(128 + sig);
}

void Signals::fatal_fault(Process& p, int sig, const siginfo_t& info) {
    const auto pc = static_cast<unsigned long long>(p.cpu.pc);
    const auto addr = reinterpret_cast<unsigned long long>(info.si_addr);
    if (sig == SIGILL) {
        uint32_t word = 0;
        p.mem.read_value(p.cpu.pc, word);
        std::fprintf(stderr, "ferry-user: guest illegal instruction 0x%08x at pc 0x%llx\n", word, pc);
    } else if (sig == SIGSEGV) {
        std::fprintf(stderr, "ferry-user: guest segmentation fault at address 0x%llx, pc 0x%llx\n", addr, pc);
    } else if (sig == SIGBUS) {
        std::fprintf(stderr, "ferry-user: guest bus error (misaligned access) at address 0x%llx, pc 0x%llx\n", addr,
                     pc);
    } else if (sig == SIGTRAP) {
        std::fprintf(stderr, "ferry-user: guest breakpoint at pc 0x%llx\n", pc);
    }
    die_by_signal(sig);
}

bool Signals::setup_frame(Process& p, int sig, const siginfo_t& info) {
    CpuState& c = p.cpu;
    const GuestSigaction act = actions_[sig];
    if (p.interrupted.valid && (act.flags & SA_RESTART)) {
        c.pc = p.interrupted.pc;
        c.x[0] = p.interrupted.x0;
    }
    p.interrupted.valid = false;

    GuestStack current_stack;
    sigaltstack(nullptr, &current_stack, c.sp);
    uint64_t sp = c.sp;
    if ((act.flags & SA_ONSTACK) && !(altstack_.flags & SS_DISABLE) && !(current_stack.flags & SS_ONSTACK))
        sp = altstack_.sp + altstack_.size;
    const uint64_t record = (sp - 16) & ~uint64_t{15};  // the frame record {fp, lr} above the frame
    const uint64_t frame = (record - sizeof(RtSigframe)) & ~uint64_t{15};
    if (!p.mem.accessible(frame, record + 16 - frame, PROT_WRITE)) return false;

    static RtSigframe f;  // 4.7 KiB: kept off the host stack
    f = {};
    std::memcpy(f.info, &info, sizeof f.info);
    f.uc.stack = current_stack;
    f.uc.sigmask = has_saved_mask_ ? saved_mask_ : mask_;
    has_saved_mask_ = false;
    Sigcontext& m = f.uc.mcontext;
    if (sig == SIGSEGV || sig == SIGBUS) m.fault_address = reinterpret_cast<uint64_t>(info.si_addr);
    std::memcpy(m.regs, c.x, sizeof m.regs);
    m.sp = c.sp;
    m.pc = c.pc;
    m.pstate = c.nzcv;
    const FpsimdContext fp = {kFpsimdMagic, sizeof(FpsimdContext), c.fpsr, c.fpcr, {}};
    std::memcpy(m.reserved, &fp, offsetof(FpsimdContext, vregs));
    std::memcpy(m.reserved + offsetof(FpsimdContext, vregs), c.v, sizeof c.v);
    // The null record after it terminates the chain (already zero).

    const uint64_t frame_record[2] = {c.x[29], c.x[30]};
    if (!p.mem.write(frame, &f, sizeof f) || !p.mem.write(record, frame_record, sizeof frame_record)) return false;

    c.x[0] = static_cast<uint64_t>(sig);
    c.x[1] = frame + offsetof(RtSigframe, info);
    c.x[2] = frame + offsetof(RtSigframe, uc);
    c.x[29] = record;
    c.x[30] = (act.flags & kSaRestorer) ? act.restorer : p.sigreturn_trampoline;
    c.sp = frame;
    c.pc = act.handler;
    c.exclusive_size = 0;

    set_mask(mask_ | act.mask | ((act.flags & SA_NODEFER) ? 0 : sigbit(sig)));
    if (act.flags & SA_RESETHAND) {
        actions_[sig] = {};
        apply_host_disposition(sig);
    }
    return true;
}

bool Signals::sigreturn(Process& p) {
    CpuState& c = p.cpu;
    static RtSigframe f;
    if (!p.mem.read(c.sp, &f, sizeof f)) return false;
    const Sigcontext& m = f.uc.mcontext;
    std::memcpy(c.x, m.regs, sizeof c.x);
    c.sp = m.sp;
    c.pc = m.pc;
    c.nzcv = static_cast<uint32_t>(m.pstate) & 0xf0000000u;
    for (size_t offset = 0; offset + 8 <= sizeof m.reserved;) {
        uint32_t head[2];
        std::memcpy(head, m.reserved + offset, sizeof head);
        if (head[0] == 0 || head[1] < 8 || head[1] > sizeof m.reserved - offset) break;
        if (head[0] == kFpsimdMagic && head[1] >= sizeof(FpsimdContext)) {
            FpsimdContext fp;
            std::memcpy(&fp, m.reserved + offset, sizeof fp);
            c.fpsr = fp.fpsr;
            c.fpcr = fp.fpcr;
            std::memcpy(c.v, fp.vregs, sizeof c.v);
        }
        offset += head[1];
    }
    c.exclusive_size = 0;
    set_mask(f.uc.sigmask);
    return true;
}

namespace {
// -d int: a signal handed to a guest handler (faults with their address).
void log_delivery(int sig, bool fault, const siginfo_t& info, uint64_t handler, uint64_t pc) {
    const char* abbrev = sigabbrev_np(sig);
    const std::string name = abbrev ? std::string("SIG") + abbrev : "?";
    if (fault)
        log::printf("ferry-user: signal %d (%s) at pc 0x%" PRIx64 " delivered to handler 0x%" PRIx64
                    ", fault address 0x%" PRIx64 "\n", sig, name.c_str(), pc, handler,
                    reinterpret_cast<uint64_t>(info.si_addr));
    else
        log::printf("ferry-user: signal %d (%s) at pc 0x%" PRIx64 " delivered to handler 0x%" PRIx64 "\n", sig,
                    name.c_str(), pc, handler);
}
}  // namespace

void Signals::deliver(Process& p) {
    for (;;) {
        *static_cast<volatile uint32_t*>(&p.cpu.exit_request) = 0;
        uint64_t ready = fault_signals_;
        for (int sig = 1; sig <= kMaxSignal; ++sig)
            if (g_recorded[sig] && !(mask_ & sigbit(sig))) ready |= sigbit(sig);
        if (!ready) break;
        // Synchronous faults first: they belong to the current instruction.
        const int sig = lowest_signal(fault_signals_ ? fault_signals_ : ready);
        const bool fault = fault_signals_ & sigbit(sig);
        fault_signals_ &= ~sigbit(sig);
        g_recorded[sig] = 0;
        const siginfo_t info = g_info[sig];
        const GuestSigaction& act = actions_[sig];

        // Like the kernel's force_sig: a fault that is blocked or ignored kills.
        if (fault && (act.handler == kSigDfl || act.handler == kSigIgn || (mask_ & sigbit(sig))))
            fatal_fault(p, sig, info);
        if (act.handler == kSigIgn) continue;
        if (act.handler == kSigDfl) {
            if (sigbit(sig) & kDefaultIgnored) continue;
            if (sigbit(sig) & kDefaultStops) {
                kill(getpid(), SIGSTOP);
                continue;
            }
            die_by_signal(sig);
        }
        const uint64_t interrupted_pc = p.cpu.pc, handler = act.handler;  // SA_RESETHAND clears act
        if (!setup_frame(p, sig, info)) {
            if (p.options.log_guest_errors)
                log::printf("ferry-user: cannot write the frame for signal %d: killing\n", sig);
            die_by_signal(SIGSEGV);
        }
        if (log::enabled(log::Int)) log_delivery(sig, fault, info, handler, interrupted_pc);
    }
    p.interrupted.valid = false;
    if (has_saved_mask_) {
        has_saved_mask_ = false;
        set_mask(saved_mask_);
    }
}

}  // namespace ferry::user
