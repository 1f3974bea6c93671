#include "system/virt/options.h"

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <vector>

#include "common/log.h"
#include "system/cpu/system_cpu.h"

namespace ferry::system {

namespace {

const char* const kCpuNames[] = {"cortex-a53", "cortex-a57", "cortex-a72", "max"};

void print_help() {
    std::fputs(
        "usage: ferry-system -M virt [options]\n"
        "Runs an AArch64 virt machine on this x86-64 host by dynamic binary translation.\n\n"
        "Options (as qemu-system-aarch64):\n"
        "  -h, -help              print this help and exit\n"
        "  -version               print the version and exit\n"
        "  -M, -machine virt[,prop=value...]\n"
        "                         virtualization=on|off  start at EL2 (default off)\n"
        "                         secure=on|off          start at EL3 (default off)\n"
        "                         gic-version=2|3        interrupt controller (default 2)\n"
        "                         dumpdtb=FILE           write the device tree to FILE and exit\n"
        "  -cpu model             cortex-a53 (default), cortex-a57, cortex-a72, max (-cpu help)\n"
        "  -m size                RAM size (default 128M; suffixes M, G; a bare number is MiB)\n"
        "  -smp 1                 one CPU (more are not supported yet)\n"
        "  -kernel file           ELF image or Linux arm64 Image (raw or gzip)\n"
        "  -initrd file           initial ram disk\n"
        "  -append cmdline        kernel command line\n"
        "  -dtb file              use this device tree instead of the generated one\n"
        "  -nographic             serial port on the terminal (Ctrl-A X quits, Ctrl-A H helps)\n"
        "  -serial dev            stdio, mon:stdio, file:PATH, tcp:HOST:PORT,server[,nowait], null\n"
        "  -display none, -monitor none, -nodefaults, -net none, -nic none  accepted\n"
        "  -semihosting           enable semihosting (HLT #0xF000)\n"
        "  -semihosting-config enable=on[,target=native][,arg=ARG...]\n"
        "  -no-reboot             exit instead of resetting\n"
        "  -s                     shorthand for -gdb tcp::1234\n"
        "  -S                     do not start the CPU until a debugger says so\n"
        "  -gdb dev               GDB stub on tcp::PORT, tcp:HOST:PORT or unix:PATH,server\n"
        "  -d item[,...]          log items (-d help lists them)\n"
        "  -D logfile             write logs to logfile instead of stderr\n"
        "Ferry's own:\n"
        "  --interp               run the IR interpreter instead of the JIT\n"
        "  --stats                print engine statistics at exit\n"
        "  --perf-map             name the translated blocks for perf in /tmp/perf-PID.map\n",
        stdout);
}

bool error(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
bool error(const char* fmt, ...) {
    std::fputs("ferry-system: ", stderr);
    va_list ap;
    va_start(ap, fmt);
    std::vfprintf(stderr, fmt, ap);
    va_end(ap);
    std::fputc('\n', stderr);
    return false;
}

std::vector<std::string> split(std::string_view text, char separator) {
    std::vector<std::string> parts;
    size_t start = 0;
    for (;;) {
        const size_t end = text.find(separator, start);
        parts.emplace_back(text.substr(start, end - start));
        if (end == std::string_view::npos) return parts;
        start = end + 1;
    }
}

// on/off as QEMU spells booleans (also yes/no, true/false).
bool parse_switch(const std::string& name, const std::string& value, bool& out) {
    if (value == "on" || value == "yes" || value == "true") {
        out = true;
    } else if (value == "off" || value == "no" || value == "false") {
        out = false;
    } else {
        return error("property '%s' needs on or off, not '%s'", name.c_str(), value.c_str());
    }
    return true;
}

bool parse_machine_property(const std::string& key, const std::string& value, SystemOptions& o) {
    if (key == "virtualization") return parse_switch(key, value, o.virtualization);
    if (key == "secure") return parse_switch(key, value, o.secure);
    if (key == "gic-version") {
        if (value == "2") {
            o.gic_version = 2;
        } else if (value == "3" || value == "max") {
            o.gic_version = 3;
        } else {
            return error("gic-version must be 2, 3 or max, not '%s'", value.c_str());
        }
        return true;
    }
    if (key == "dumpdtb") {
        o.dumpdtb = value;
        return true;
    }
    if (key == "accel") return value == "tcg" || error("only accel=tcg is supported, not '%s'", value.c_str());
    if (key == "highmem" || key == "its") {  // no high MMIO or ITS to place: accepted and ignored
        bool ignored;
        return parse_switch(key, value, ignored);
    }
    return error("machine 'virt' has no property '%s'", key.c_str());
}

// -M/-machine: "[type=]virt,prop=value,...". The type may be given once and
// the properties spread over several -machine options, as QEMU allows.
bool parse_machine(const std::string& text, SystemOptions& o, bool& have_machine) {
    if (text == "help") {
        std::puts("Supported machines are:\nvirt                 QEMU's ARM virtual machine");
        return false;
    }
    for (const std::string& item : split(text, ',')) {
        const size_t eq = item.find('=');
        const std::string key = eq == std::string::npos ? "type" : item.substr(0, eq);
        const std::string value = eq == std::string::npos ? item : item.substr(eq + 1);
        if (key == "type") {
            if (value != "virt") return error("unsupported machine type '%s' (only 'virt')", value.c_str());
            have_machine = true;
        } else if (!parse_machine_property(key, value, o)) {
            return false;
        }
    }
    return true;
}

// -smp: "N" or "cpus=N[,sockets=..,cores=..,threads=..]"; every count must be 1.
bool parse_smp(const std::string& text) {
    for (const std::string& item : split(text, ',')) {
        const size_t eq = item.find('=');
        const std::string value = eq == std::string::npos ? item : item.substr(eq + 1);
        if (value != "1") return error("only -smp 1 is supported for now");
    }
    return true;
}

// -semihosting-config enable=on|off,target=native|auto,arg=STR (arg repeats).
bool parse_semihosting_config(const std::string& text, SystemOptions& o) {
    for (const std::string& item : split(text, ',')) {
        const size_t eq = item.find('=');
        if (eq == std::string::npos) return error("-semihosting-config: expected key=value, got '%s'", item.c_str());
        const std::string key = item.substr(0, eq), value = item.substr(eq + 1);
        if (key == "enable") {
            if (!parse_switch(key, value, o.semihosting)) return false;
        } else if (key == "target") {
            if (value != "native" && value != "auto")
                return error("-semihosting-config: only target=native or auto is supported");
        } else if (key == "arg") {
            o.semihosting_cmdline += (o.semihosting_cmdline.empty() ? "" : " ") + value;
        } else {
            return error("-semihosting-config: unknown key '%s'", key.c_str());
        }
    }
    return true;
}

bool parse_serial(const std::string& text, SystemOptions& o) {
    if (!o.serial.empty()) {
        // Extra serial ports (a secure world's UART) have no device here.
        if (text != "null" && text != "none") std::fprintf(stderr, "ferry-system: only one -serial is used; ignoring '%s'\n", text.c_str());
        return true;
    }
    const bool known = text == "stdio" || text == "mon:stdio" || text == "null" || text == "none" ||
                       text.rfind("file:", 0) == 0 || text.rfind("tcp:", 0) == 0;
    if (!known) return error("unsupported -serial '%s' (stdio, mon:stdio, file:PATH, tcp:HOST:PORT,server, null)", text.c_str());
    o.serial = text;
    return true;
}

bool parse_cpu(const std::string& name, SystemOptions& o) {
    if (!parse_cpu_model(name)) return error("unknown CPU model '%s' (try -cpu help)", name.c_str());
    o.cpu = name;
    return true;
}

bool parse_log_items(const std::string& items, SystemOptions& o) {
    std::string message;
    if (!log::parse_items(items, o.log_mask, message)) return error("%s", message.c_str());
    return true;
}

// The options that take a value, and what to do with it.
bool apply_valued_option(const std::string& opt, const std::string& v, SystemOptions& o, bool& have_machine) {
    if (opt == "-M" || opt == "-machine") return parse_machine(v, o, have_machine);
    if (opt == "-cpu") return parse_cpu(v, o);
    if (opt == "-m") return parse_ram_size(v, o.ram_size) || error("bad RAM size '%s'", v.c_str());
    if (opt == "-smp") return parse_smp(v);
    if (opt == "-serial") return parse_serial(v, o);
    if (opt == "-kernel") o.kernel = v;
    else if (opt == "-initrd") o.initrd = v;
    else if (opt == "-append") o.append = v;
    else if (opt == "-dtb") o.dtb = v;
    else if (opt == "-semihosting-config") return parse_semihosting_config(v, o);
    else if (opt == "-d") return parse_log_items(v, o);
    else if (opt == "-D") return log::set_file(v.c_str()) || error("cannot open log file %s: %s", v.c_str(), std::strerror(errno));
    else if (opt == "-display" || opt == "-monitor") return v == "none" || error("%s %s is not supported (only none)", opt.c_str(), v.c_str());
    else if (opt == "-net" || opt == "-nic") return v == "none" || error("%s %s is not supported (no network devices yet)", opt.c_str(), v.c_str());
    else if (opt == "-gdb") o.gdb = v == "none" ? "" : v;
    return true;
}

bool takes_value(const std::string& opt) {
    static const char* const kValued[] = {"-M", "-machine", "-cpu", "-m", "-smp", "-serial", "-kernel", "-initrd",
                                          "-append", "-dtb", "-semihosting-config", "-d", "-D", "-display",
                                          "-monitor", "-net", "-nic", "-gdb"};
    for (const char* v : kValued)
        if (opt == v) return true;
    return false;
}

}  // namespace

bool parse_ram_size(const std::string& text, uint64_t& out) {
    std::string size = text.rfind("size=", 0) == 0 ? text.substr(5) : text;
    if (size.empty() || !std::isdigit(static_cast<unsigned char>(size[0]))) return false;
    char* end = nullptr;
    errno = 0;
    const double value = std::strtod(size.c_str(), &end);
    unsigned shift = 20;  // a bare number is MiB
    switch (*end) {
    case 'b': case 'B': shift = 0; ++end; break;
    case 'k': case 'K': shift = 10; ++end; break;
    case 'm': case 'M': shift = 20; ++end; break;
    case 'g': case 'G': shift = 30; ++end; break;
    case 't': case 'T': shift = 40; ++end; break;
    default: break;
    }
    if (*end || errno || value <= 0) return false;
    const double bytes = value * static_cast<double>(uint64_t{1} << shift);
    if (bytes > static_cast<double>(uint64_t{255} << 30)) return false;  // virt's RAM window below 256 GiB
    out = static_cast<uint64_t>(bytes);
    return true;
}

ParseResult parse_system_options(int argc, char** argv, SystemOptions& o) {
    bool have_machine = false;
    for (int i = 1; i < argc; ++i) {
        std::string opt = argv[i];
        if (opt.size() > 2 && opt[0] == '-' && opt[1] == '-' && opt != "--interp" && opt != "--stats" &&
            opt != "--perf-map")
            opt = opt.substr(1);  // qemu accepts both -opt and --opt
        if (opt == "-h" || opt == "-help") {
            print_help();
            return ParseResult::ExitOk;
        }
        if (opt == "-version") {
            std::puts("ferry-system version 0.1 (AArch64 virt machine on x86-64)");
            return ParseResult::ExitOk;
        }
        if ((opt == "-cpu" || opt == "-d") && i + 1 < argc && std::string(argv[i + 1]) == "help") {
            if (opt == "-cpu")
                for (const char* name : kCpuNames) std::printf("  %s\n", name);
            else
                std::fputs(log::help().c_str(), stdout);
            return ParseResult::ExitOk;
        }
        if (takes_value(opt)) {
            if (i + 1 >= argc) {
                error("option %s needs an argument", opt.c_str());
                return ParseResult::ExitError;
            }
            const std::string value = argv[++i];
            if ((opt == "-M" || opt == "-machine") && value == "help") {
                parse_machine(value, o, have_machine);
                return ParseResult::ExitOk;
            }
            if (!apply_valued_option(opt, value, o, have_machine)) return ParseResult::ExitError;
        } else if (opt == "-nographic") {
            o.nographic = true;
        } else if (opt == "-semihosting") {
            o.semihosting = true;
        } else if (opt == "-no-reboot") {
            o.no_reboot = true;
        } else if (opt == "-nodefaults") {
        } else if (opt == "--interp") {
            o.interpreter = true;
        } else if (opt == "--stats") {
            o.stats = true;
        } else if (opt == "--perf-map") {
            o.perf_map = true;
        } else if (opt == "-s") {
            o.gdb = "tcp::1234";
        } else if (opt == "-S") {
            o.start_stopped = true;
        } else {
            error("unknown option '%s' (try -h)", argv[i]);
            return ParseResult::ExitError;
        }
    }
    if (!have_machine) {
        error("no machine specified (use -M virt)");
        return ParseResult::ExitError;
    }
    if (o.start_stopped && o.gdb.empty()) {
        // QEMU would wait for a monitor's "cont"; Ferry has no monitor to send it yet.
        error("-S needs a debugger to start the CPU: add -s or -gdb DEVICE");
        return ParseResult::ExitError;
    }
    if (o.serial.empty()) o.serial = o.nographic ? "mon:stdio" : "stdio";
    log::set_mask(o.log_mask);
    return ParseResult::Run;
}

}  // namespace ferry::system
