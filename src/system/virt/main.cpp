// ferry-system: QEMU's AArch64 virt machine on the Ferry engine.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>

#include "common/log.h"
#include "common/symbols.h"
#include "core/host_cpu.h"
#include "debug/gdb_server.h"
#include "system/cpu/system_cpu.h"
#include "system/devices/semihosting.h"
#include "system/virt/board.h"
#include "system/virt/console.h"
#include "system/virt/fdt.h"
#include "system/virt/gdb_target.h"
#include "system/virt/loader.h"
#include "system/virt/options.h"
#include "system/virt/psci.h"

namespace ferry::system {

namespace {

int fail(const std::string& message) {
    std::fprintf(stderr, "ferry-system: %s\n", message.c_str());
    return 1;
}

// The exception level the CPU starts in: the highest implemented, except
// that Linux starts non-secure (at EL2 if there is one), as QEMU boots it
// without firmware.
unsigned boot_el(const SystemOptions& o, bool is_linux) {
    if (o.secure && !is_linux) return 3;
    return o.virtualization ? 2 : 1;
}

// QEMU's choice without firmware: SMC when the guest may run a hypervisor
// at EL2 (which would take its own HVCs), else HVC; none if the guest itself
// starts at or above the EL the call would go to.
PsciMethod psci_method(const SystemOptions& o, bool is_linux) {
    const PsciMethod method = o.virtualization ? PsciMethod::Smc : PsciMethod::Hvc;
    const unsigned el = boot_el(o, is_linux);
    if ((method == PsciMethod::Hvc && el >= 2) || (method == PsciMethod::Smc && el == 3)) return PsciMethod::None;
    return method;
}

// /cpus/cpu@0's compatible, as QEMU names the models ("max" looks like an A57).
std::string cpu_compatible(const std::string& cpu) { return cpu == "max" ? "arm,cortex-a57" : "arm," + cpu; }

bool write_file(const std::string& path, const std::vector<uint8_t>& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    return static_cast<bool>(out);
}

// Semihosting's console: output to stderr as QEMU does without a chardev,
// input from the serial line's host side.
class SemihostingStderr final : public SemihostingConsole {
public:
    explicit SemihostingStderr(Console& console) : console_(console) {}
    void write(const void* data, size_t bytes) override {
        std::fwrite(data, 1, bytes, stderr);
        std::fflush(stderr);
    }
    int read_byte() override { return console_.read_byte(); }

private:
    Console& console_;
};

// What ended a run of the CPU, set by the callbacks that stop it.
struct Ending {
    std::optional<int> exit_status;
    bool reset = false;
};

class Machine {
public:
    Machine(const SystemOptions& options, Console& console)
        : options_(options), console_(console), semihosting_console_(console),
          board_(BoardConfig{options.ram_size, options.virtualization, options.secure, options.gic_version},
                 [&console](uint8_t byte) { console.write(&byte, 1); }),
          psci_(psci_method(options, false)) {}

    std::vector<uint8_t> device_tree(bool is_linux) const {
        return build_device_tree(board_, {cpu_compatible(options_.cpu), psci_method(options_, is_linux)});
    }

    bool load(BootEntry& entry, std::string& error) {
        const BootFiles files{options_.kernel, options_.initrd, options_.append, options_.dtb};
        if (!load_boot_files(board_, files, [this](bool is_linux) { return device_tree(is_linux); }, entry, error))
            return false;
        psci_ = psci_method(options_, entry.is_linux);
        return true;
    }

    // gdb: the stub to run under (-s, -gdb), or null.
    int run(const BootEntry& entry, debug::GdbServer* gdb) {
        SystemCpuConfig config;
        config.model = *parse_cpu_model(options_.cpu);
        config.has_el2 = options_.virtualization;
        config.has_el3 = options_.secure;
        config.start_el = boot_el(options_, entry.is_linux);
        config.entry_pc = entry.pc;
        config.x0 = entry.x0;
        config.gic_v3 = options_.gic_version == 3;
        if (options_.interpreter) config.exec_mode = ExecMode::Interpreter;
        config.stats = options_.stats;
        config.perf_map = options_.perf_map;
        cpu_ = std::make_unique<SystemCpu>(board_, board_, callbacks(), config);
        if (options_.stats || options_.perf_map) cpu_->engine().set_symbols(SymbolTable::load(options_.kernel));
        if (options_.semihosting) {
            const std::string cmdline = !options_.semihosting_cmdline.empty() ? options_.semihosting_cmdline
                                        : options_.append.empty() ? options_.kernel
                                                                  : options_.kernel + " " + options_.append;
            semihosting_ = std::make_unique<Semihosting>(
                Semihosting::Config{cmdline, VirtBoard::kRamBase, board_.ram_size()}, semihosting_console_,
                GuestMemory{[this](uint64_t va, void* out, size_t n) { return cpu_->read_virtual(va, out, n); },
                            [this](uint64_t va, const void* in, size_t n) { return cpu_->write_virtual(va, in, n); }});
        }
        board_.connect_cpu(cpu_->interrupts());
        console_.start_input(board_, [this] { end({0, false}); });
        const int status = gdb ? run_under_debugger(*gdb) : run_free();
        if (options_.stats) std::fputs(cpu_->engine().stats_report().c_str(), stderr);
        return status;
    }

private:
    int run_free() {
        for (;;) {
            cpu_->run();
            if (const std::optional<int> status = after_stop()) return *status;
        }
    }

    int run_under_debugger(debug::GdbServer& gdb) {
        MachineDebugTarget target(*cpu_, [this] { return after_stop(); });
        switch (gdb.serve(target, options_.start_stopped)) {
        case debug::GdbServer::Ending::TargetEnded: return target.exit_status();
        case debug::GdbServer::Ending::Killed: return 0;  // as QEMU on the debugger's k
        }
        return 0;
    }

    // The CPU stopped for the machine's reason: the exit status if the
    // machine ended; nullopt if it goes on (a reset reloads the images).
    std::optional<int> after_stop() {
        if (ending_.exit_status) return ending_.exit_status;
        if (!ending_.reset) return std::nullopt;  // a spurious stop: carry on
        if (options_.no_reboot) return 0;
        ending_ = {};
        BootEntry again;
        std::string error;
        if (!load(again, error)) return fail(error);
        cpu_->reset();
        return std::nullopt;
    }

    void end(Ending ending) {
        ending_ = ending;
        cpu_->stop();
    }

    SystemCpuCallbacks callbacks() {
        SystemCpuCallbacks c;
        c.semihosting = [this](CpuState& s) {
            if (!semihosting_) return false;
            s.x[0] = semihosting_->call(static_cast<uint32_t>(s.x[0]), s.x[1]);
            if (semihosting_->exit_status()) end({semihosting_->exit_status(), false});
            return true;
        };
        c.call = [this](CpuState& s, CallConduit conduit, uint16_t) {
            const PsciMethod via = conduit == CallConduit::Hvc ? PsciMethod::Hvc : PsciMethod::Smc;
            if (psci_ == PsciMethod::None || via != psci_) return false;
            const Psci::Result r = Psci::call(s.x[0], s.x[1]);
            s.x[0] = r.x0;
            switch (r.action) {
            case Psci::Action::None: break;
            case Psci::Action::PowerOff: end({0, false}); break;
            case Psci::Action::Reset: end({std::nullopt, true}); break;
            case Psci::Action::CpuOff:
                std::fprintf(stderr, "ferry-system: the only CPU turned itself off (PSCI CPU_OFF)\n");
                end({0, false});
                break;
            }
            return true;
        };
        c.gic_sysreg_read = [this](uint32_t id, uint64_t& value) { return board_.gic_sysreg_read(id, value); };
        c.gic_sysreg_write = [this](uint32_t id, uint64_t value) { return board_.gic_sysreg_write(id, value); };
        return c;
    }

    const SystemOptions& options_;
    Console& console_;
    SemihostingStderr semihosting_console_;
    VirtBoard board_;
    PsciMethod psci_;
    std::unique_ptr<SystemCpu> cpu_;
    std::unique_ptr<Semihosting> semihosting_;
    Ending ending_;
};

int run_machine(const SystemOptions& options) {
    std::string error;
    if (!options.dumpdtb.empty()) {
        std::unique_ptr<Console> quiet = Console::open("null", error);
        Machine machine(options, *quiet);
        std::vector<uint8_t> dtb = machine.device_tree(false);
        if (!options.dtb.empty() && !read_file(options.dtb, "device tree", dtb, error)) return fail(error);
        if (!set_chosen(dtb, {options.append, 0, 0}, error)) return fail(error);
        if (!write_file(options.dumpdtb, dtb)) return fail("cannot write " + options.dumpdtb);
        std::fprintf(stderr, "ferry-system: info: dtb dumped to %s. Exiting.\n", options.dumpdtb.c_str());
        return 0;
    }
    if (options.kernel.empty()) return fail("no -kernel given (booting firmware is not supported yet)");
    std::unique_ptr<debug::GdbServer> gdb;
    if (!options.gdb.empty() && !(gdb = debug::GdbServer::open(options.gdb, error))) return fail(error);
    std::unique_ptr<Console> console = Console::open(options.serial, error);
    if (!console) return fail(error);
    Machine machine(options, *console);
    BootEntry entry;
    if (!machine.load(entry, error)) return fail(error);
    return machine.run(entry, gdb.get());
}

}  // namespace

}  // namespace ferry::system

int main(int argc, char** argv) {
    if (!ferry::host_has_required_features("ferry-system")) return 1;
    ferry::system::SystemOptions options;
    switch (ferry::system::parse_system_options(argc, argv, options)) {
    case ferry::system::ParseResult::ExitOk: return 0;
    case ferry::system::ParseResult::ExitError: return 1;
    case ferry::system::ParseResult::Run: break;
    }
    const int status = ferry::system::run_machine(options);
    std::fflush(nullptr);
    return status;
}
