#include "user/host_fault.h"

#include <signal.h>
#include <sys/mman.h>
#include <ucontext.h>

#include <cstdlib>

#include "core/fault.h"
#include "user/signals.h"

namespace ferry::user {

namespace {

FaultHooks* g_hooks = nullptr;

constexpr uint64_t kPageFaultWrite = 2;  // x86 page-fault error code: W/R bit

void on_host_fault(int sig, siginfo_t* info, void* context) {
    // Sent with kill()/tgkill(): an ordinary signal for the guest.
    if (info->si_code <= 0) {
        record_host_signal(sig, info, context);
        return;
    }
    const auto* uc = static_cast<const ucontext_t*>(context);
    const auto host_addr = reinterpret_cast<uintptr_t>(info->si_addr);
    FaultHooks* h = g_hooks;
    if (!h || !h->mem->contains_host(host_addr)) internal_error("host fault outside the guest address space");
    const uint64_t guest_addr = host_addr - h->mem->base();
    const bool write = uc->uc_mcontext.gregs[REG_ERR] & kPageFaultWrite;
    if (sig == SIGSEGV && write && h->mem->handle_code_write(guest_addr)) return;  // retry the store
    h->last_signal = sig;
    h->cpu->fault_is_write = write;
    const uint64_t pc = h->guest_pc_for_fault(static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RIP]));
    raise_guest_fault(*h->cpu, ExitReason::DataAbort, guest_addr, pc);
}

}  // namespace

void install_fault_handler(FaultHooks& hooks) {
    g_hooks = &hooks;
    constexpr size_t kStackSize = 256 * 1024;
    stack_t ss = {};
    ss.ss_sp = mmap(nullptr, kStackSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (ss.ss_sp == MAP_FAILED) internal_error("cannot allocate the fault handler stack");
    ss.ss_size = kStackSize;
    sigaltstack(&ss, nullptr);
    struct sigaction sa = {};
    sa.sa_sigaction = on_host_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, nullptr);
    sigaction(SIGBUS, &sa, nullptr);
}

}  // namespace ferry::user
