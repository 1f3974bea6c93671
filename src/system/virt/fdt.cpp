#include "system/virt/fdt.h"

#include <libfdt.h>

#include <cstdio>
#include <initializer_list>
#include <stdexcept>

namespace ferry::system {

namespace {

// Phandles as QEMU numbers them.
constexpr uint32_t kClockPhandle = 0x8000, kCpuPhandle = 0x8001, kGicPhandle = 0x8002, kGpioPhandle = 0x8004;

// Interrupt specifier cells: type (0 SPI, 1 PPI), number, flags.
constexpr uint32_t kSpi = 0, kPpi = 1;
constexpr uint32_t kLevelHigh = 4;
constexpr uint32_t kGicv2CpuMask = 1u << 8;  // PPIs on GICv2 name their CPUs: CPU 0
constexpr uint32_t kGicMaintenancePpi = 9;    // GICv3 virtual interface maintenance (INTID 25)

// PSCI 0.2 function ids QEMU lists in /psci for old kernels.
constexpr uint32_t kPsciCpuSuspend = 0xC4000001, kPsciCpuOff = 0x84000002, kPsciCpuOn = 0xC4000003,
                   kPsciMigrate = 0xC4000005;

constexpr uint32_t kApbClockHz = 24000000;
// QEMU's virt tree is 1 MiB (mostly free space). The size decides whether the
// tree fits below an ELF image at the start of RAM, so Ferry's is the same.
constexpr size_t kTreeSize = 1 << 20;
constexpr uint32_t kLinuxKeyPower = 116;  // KEY_POWER

// The sequential-write API of libfdt with errors turned into exceptions, so
// that the tree reads as a list of nodes and properties.
class TreeWriter {
public:
    explicit TreeWriter(size_t capacity) : buffer_(capacity) {
        check(fdt_create(data(), static_cast<int>(capacity)));
        check(fdt_finish_reservemap(data()));
    }
    void begin(const std::string& name) { check(fdt_begin_node(data(), name.c_str())); }
    void end() { check(fdt_end_node(data())); }
    void prop(const char* name, const std::string& value) { check(fdt_property_string(data(), name, value.c_str())); }
    // A string list ("arm,pl011\0arm,primecell").
    void strings(const char* name, std::initializer_list<const char*> values) {
        std::string joined;
        for (const char* v : values) joined.append(v).push_back('\0');
        check(fdt_property(data(), name, joined.data(), static_cast<int>(joined.size())));
    }
    void cells(const char* name, std::initializer_list<uint32_t> values) {
        std::vector<fdt32_t> be;
        for (uint32_t v : values) be.push_back(cpu_to_fdt32(v));
        check(fdt_property(data(), name, be.data(), static_cast<int>(be.size() * sizeof(fdt32_t))));
    }
    void empty(const char* name) { check(fdt_property(data(), name, nullptr, 0)); }
    // reg with #address-cells = #size-cells = 2.
    void reg(std::initializer_list<std::pair<uint64_t, uint64_t>> ranges) {
        std::vector<fdt32_t> be;
        for (auto [base, size] : ranges)
            for (uint64_t v : {base, size}) {
                be.push_back(cpu_to_fdt32(static_cast<uint32_t>(v >> 32)));
                be.push_back(cpu_to_fdt32(static_cast<uint32_t>(v)));
            }
        check(fdt_property(data(), "reg", be.data(), static_cast<int>(be.size() * sizeof(fdt32_t))));
    }
    std::vector<uint8_t> finish() {
        check(fdt_finish(data()));
        // The free space stays inside the tree (its totalsize), as in QEMU's.
        check(fdt_open_into(data(), data(), static_cast<int>(buffer_.size())));
        return std::move(buffer_);
    }

private:
    void* data() { return buffer_.data(); }
    static void check(int err) {
        if (err < 0) throw std::runtime_error(fdt_strerror(err));
    }
    std::vector<uint8_t> buffer_;
};

std::string node_name(const char* name, uint64_t base) {
    char text[64];
    std::snprintf(text, sizeof text, "%s@%llx", name, static_cast<unsigned long long>(base));
    return text;
}

void add_spi(TreeWriter& w, const Placement& p) { w.cells("interrupts", {kSpi, static_cast<uint32_t>(p.spi), kLevelHigh}); }

void add_primecell(TreeWriter& w, const Placement& p, const char* name, const char* compatible) {
    w.begin(node_name(name, p.base));
    w.strings("compatible", {compatible, "arm,primecell"});
    w.reg({{p.base, p.size}});
    add_spi(w, p);
}

void add_uart(TreeWriter& w, const Placement& p) {
    add_primecell(w, p, "pl011", "arm,pl011");
    w.strings("clock-names", {"uartclk", "apb_pclk"});
    w.cells("clocks", {kClockPhandle, kClockPhandle});
    w.end();
}

void add_rtc(TreeWriter& w, const Placement& p) {
    add_primecell(w, p, "pl031", "arm,pl031");
    w.prop("clock-names", "apb_pclk");
    w.cells("clocks", {kClockPhandle});
    w.end();
}

void add_gpio(TreeWriter& w, const Placement& p) {
    add_primecell(w, p, "pl061", "arm,pl061");
    w.empty("gpio-controller");
    w.cells("#gpio-cells", {2});
    w.prop("clock-names", "apb_pclk");
    w.cells("clocks", {kClockPhandle});
    w.cells("phandle", {kGpioPhandle});
    w.end();
    // The power key: a gpio-keys button on the PL061's line 3.
    w.begin("gpio-keys");
    w.prop("compatible", "gpio-keys");
    w.begin("poweroff");
    w.prop("label", "GPIO Key Poweroff");
    w.cells("linux,code", {kLinuxKeyPower});
    w.cells("gpios", {kGpioPhandle, Pl061::kPowerKeyLine, 0});
    w.end();
    w.end();
}

// The interrupt controller: the distributor and the GICv2 CPU interface or
// the GICv3 redistributor region, in one node. A GICv3 on a board with EL2
// names its maintenance interrupt, as QEMU's does.
void add_gic(TreeWriter& w, const VirtBoard& board, const Placement& distributor, const Placement& second) {
    const bool v3 = second.kind == DeviceKind::GicRedistributor;
    w.begin(node_name("intc", distributor.base));
    w.prop("compatible", v3 ? "arm,gic-v3" : "arm,cortex-a15-gic");
    w.cells("#interrupt-cells", {3});
    w.empty("interrupt-controller");
    w.cells("#address-cells", {2});
    w.cells("#size-cells", {2});
    w.empty("ranges");
    w.reg({{distributor.base, distributor.size}, {second.base, second.size}});
    if (v3) w.cells("#redistributor-regions", {1});
    if (v3 && board.config().virtualization) w.cells("interrupts", {kPpi, kGicMaintenancePpi, kLevelHigh});
    w.cells("phandle", {kGicPhandle});
    w.end();
}

void add_devices(TreeWriter& w, const VirtBoard& board) {
    const Placement* gic_second = nullptr;
    for (const Placement& p : board.placements())
        if (p.kind == DeviceKind::GicCpuInterface || p.kind == DeviceKind::GicRedistributor) gic_second = &p;
    for (const Placement& p : board.placements()) {
        switch (p.kind) {
        case DeviceKind::GicDistributor: add_gic(w, board, p, *gic_second); break;
        case DeviceKind::GicCpuInterface:
        case DeviceKind::GicRedistributor: break;  // one node with the distributor
        case DeviceKind::Uart: add_uart(w, p); break;
        case DeviceKind::Rtc: add_rtc(w, p); break;
        case DeviceKind::Gpio: add_gpio(w, p); break;
        }
    }
}

void add_psci(TreeWriter& w, PsciMethod method) {
    if (method == PsciMethod::None) return;
    w.begin("psci");
    w.strings("compatible", {"arm,psci-1.0", "arm,psci-0.2", "arm,psci"});
    w.prop("method", method == PsciMethod::Smc ? "smc" : "hvc");
    w.cells("cpu_suspend", {kPsciCpuSuspend});
    w.cells("cpu_off", {kPsciCpuOff});
    w.cells("cpu_on", {kPsciCpuOn});
    w.cells("migrate", {kPsciMigrate});
    w.end();
}

void add_cpus(TreeWriter& w, const DeviceTreeConfig& config) {
    w.begin("cpus");
    w.cells("#address-cells", {1});
    w.cells("#size-cells", {0});
    w.begin("cpu@0");
    w.prop("device_type", "cpu");
    w.prop("compatible", config.cpu_compatible);
    w.cells("reg", {0});
    if (config.psci != PsciMethod::None) w.prop("enable-method", "psci");
    w.cells("phandle", {kCpuPhandle});
    w.end();
    w.end();
}

// The generic timer's four PPIs: secure physical, non-secure physical,
// virtual, hypervisor physical (the order the binding fixes). Only GICv2
// specifiers carry a CPU mask.
void add_timer(TreeWriter& w, const VirtBoard& board) {
    const uint32_t flags = kLevelHigh | (board.config().gic_version == 2 ? kGicv2CpuMask : 0);
    w.begin("timer");
    w.strings("compatible", {"arm,armv8-timer", "arm,armv7-timer"});
    w.cells("interrupts", {kPpi, 13, flags, kPpi, 14, flags, kPpi, 11, flags, kPpi, 10, flags});
    w.empty("always-on");
    w.end();
}

void add_clock(TreeWriter& w) {
    w.begin("apb-pclk");
    w.prop("compatible", "fixed-clock");
    w.cells("#clock-cells", {0});
    w.cells("clock-frequency", {kApbClockHz});
    w.prop("clock-output-names", "clk24mhz");
    w.cells("phandle", {kClockPhandle});
    w.end();
}

std::string uart_path(const VirtBoard& board) {
    for (const Placement& p : board.placements())
        if (p.kind == DeviceKind::Uart) return "/" + node_name("pl011", p.base);
    return {};
}

}  // namespace

std::vector<uint8_t> build_device_tree(const VirtBoard& board, const DeviceTreeConfig& config) {
    TreeWriter w(kTreeSize);
    w.begin("");
    w.cells("interrupt-parent", {kGicPhandle});
    w.cells("#size-cells", {2});
    w.cells("#address-cells", {2});
    w.prop("compatible", "linux,dummy-virt");
    w.prop("model", "linux,dummy-virt");
    add_psci(w, config.psci);
    w.begin(node_name("memory", VirtBoard::kRamBase));
    w.prop("device_type", "memory");
    w.reg({{VirtBoard::kRamBase, board.ram_size()}});
    w.end();
    add_devices(w, board);
    add_cpus(w, config);
    add_timer(w, board);
    add_clock(w);
    w.begin("chosen");
    w.prop("stdout-path", uart_path(board));
    w.end();
    w.end();
    return w.finish();
}

bool check_device_tree(const std::vector<uint8_t>& fdt, std::string& error) {
    if (fdt.size() < sizeof(fdt_header) || fdt_check_header(fdt.data()) != 0) {
        error = "not a flattened device tree (bad header)";
        return false;
    }
    if (fdt_totalsize(fdt.data()) > fdt.size()) {
        error = "device tree truncated (header says " + std::to_string(fdt_totalsize(fdt.data())) + " bytes)";
        return false;
    }
    return true;
}

namespace {

// An address as QEMU writes it in /chosen: one cell if it fits, else two.
int set_address(void* fdt, int node, const char* name, uint64_t value) {
    if (value >> 32) return fdt_setprop_u64(fdt, node, name, value);
    return fdt_setprop_u32(fdt, node, name, static_cast<uint32_t>(value));
}

}  // namespace

bool set_chosen(std::vector<uint8_t>& fdt, const ChosenInfo& chosen, std::string& error) {
    if (!check_device_tree(fdt, error)) return false;
    std::vector<uint8_t> grown(fdt_totalsize(fdt.data()) + chosen.bootargs.size() + 1024);
    int err = fdt_open_into(fdt.data(), grown.data(), static_cast<int>(grown.size()));
    void* tree = grown.data();
    int node = err < 0 ? err : fdt_path_offset(tree, "/chosen");
    if (node == -FDT_ERR_NOTFOUND) node = fdt_add_subnode(tree, 0, "chosen");
    err = node < 0 ? node : 0;
    if (!err && !chosen.bootargs.empty()) err = fdt_setprop_string(tree, node, "bootargs", chosen.bootargs.c_str());
    if (!err && chosen.initrd_end) err = set_address(tree, node, "linux,initrd-start", chosen.initrd_start);
    if (!err && chosen.initrd_end) err = set_address(tree, node, "linux,initrd-end", chosen.initrd_end);
    if (err < 0) {
        error = std::string("cannot update /chosen in the device tree: ") + fdt_strerror(err);
        return false;
    }
    grown.resize(fdt_totalsize(tree));
    fdt = std::move(grown);
    return true;
}

}  // namespace ferry::system
