#include "system/cpu/system_cpu.h"

#include "common/log.h"

#include "system/cpu/cpu_context.h"
#include "system/cpu/cpu_loop.h"
#include "system/cpu/debug_registers.h"

namespace ferry::system {

namespace {

EngineOptions engine_options(const SystemCpuConfig& config, CpuContext& context) {
    EngineOptions o;
    o.mode = config.exec_mode;
    o.translate.system = true;
    o.inline_guest_memory = false;  // every access goes through the softmmu TLB,
    o.soft_tlb = true;              // looked up inline by translated code
    o.count_indirect_hits = config.stats;
    o.perf_map = config.perf_map;
    // perf's map and -d in_asm/out_asm/op show each block's translation once, compiled: compile them all.
    o.interpret_first_run =
        !config.perf_map && !log::enabled(log::InAsm) && !log::enabled(log::OutAsm) && !log::enabled(log::Op);
    o.chaining = !log::enabled(log::NoChain);
    o.translation_flags = [&context](const CpuState&) { return context.translation_flags(); };
    return o;
}

}  // namespace

struct SystemCpu::Impl final : InterruptTarget {
    CpuState state;
    SystemCpuCallbacks callbacks;
    CpuContext context;
    Engine engine;
    CpuLoop loop;
    DebugRegisters debug_registers;

    Impl(Bus& bus, TimerSink& timers, SystemCpuCallbacks cb, const SystemCpuConfig& config)
        : callbacks(std::move(cb)),
          context(state, bus, timers, callbacks, config),
          engine(state, [this](uint64_t pc, uint32_t& word) { return context.fetch(pc, word); },
                 engine_options(config, context)),
          loop(context, engine),
          debug_registers(context) {
        state.system = static_cast<SystemHooks*>(&context);
    }

    void set_line(CpuLine line, bool level) override {
        const uint32_t bit = 1u << static_cast<unsigned>(line);
        if (level) {
            context.lines.fetch_or(bit);
            context.request_exit();
            context.notify_waiter();
        } else {
            context.lines.fetch_and(~bit);
        }
    }
};

SystemCpu::SystemCpu(Bus& bus, TimerSink& timers, SystemCpuCallbacks callbacks, const SystemCpuConfig& config)
    : impl_(std::make_unique<Impl>(bus, timers, std::move(callbacks), config)) {}

SystemCpu::~SystemCpu() = default;

void SystemCpu::run() { impl_->loop.run(); }

void SystemCpu::stop() {
    impl_->context.stop_requested = true;
    impl_->context.request_exit();
    impl_->context.notify_waiter();
}

void SystemCpu::wake() {
    impl_->context.wake_requested = true;
    impl_->context.request_exit();
    impl_->context.notify_waiter();
}

void SystemCpu::reset() {
    impl_->context.reset();
    impl_->context.stop_requested = false;
}

InterruptTarget& SystemCpu::interrupts() { return *impl_; }

std::optional<Clock::time_point> SystemCpu::next_timer_deadline() const { return impl_->context.timer.next_deadline(); }

bool SystemCpu::read_virtual(uint64_t va, void* out, size_t bytes) {
    return impl_->context.access_virtual(va, out, bytes, Access::Read);
}

bool SystemCpu::write_virtual(uint64_t va, const void* in, size_t bytes) {
    return impl_->context.access_virtual(va, const_cast<void*>(in), bytes, Access::Write);
}

CpuState& SystemCpu::state() { return impl_->state; }
Engine& SystemCpu::engine() { return impl_->engine; }
unsigned SystemCpu::current_el() const { return ferry::current_el(impl_->state); }

SystemCpu::DebugStop SystemCpu::run_for_debugger() {
    switch (impl_->loop.run_for_debugger()) {
    case ExitReason::DebugBreakpoint: return DebugStop::Breakpoint;
    case ExitReason::Watchpoint: return DebugStop::Watchpoint;
    default: return impl_->context.stop_requested.load() ? DebugStop::MachineStopped : DebugStop::Interrupted;
    }
}

SystemCpu::DebugStop SystemCpu::step_for_debugger() {
    const ExitReason reason = impl_->loop.step_for_debugger();
    if (impl_->context.stop_requested.load()) return DebugStop::MachineStopped;
    return reason == ExitReason::Watchpoint ? DebugStop::Watchpoint : DebugStop::Stepped;
}

void SystemCpu::interrupt_for_debugger() {
    impl_->context.debugger_interrupt = true;
    impl_->context.request_exit();
    impl_->context.notify_waiter();
}

const std::vector<std::string>& SystemCpu::debug_register_names() const { return impl_->debug_registers.names(); }

uint64_t SystemCpu::read_debug_register(size_t index) { return impl_->debug_registers.read(impl_->context, index); }

bool SystemCpu::write_debug_register(size_t index, uint64_t value) {
    return impl_->debug_registers.write(impl_->context, index, value);
}

}  // namespace ferry::system
