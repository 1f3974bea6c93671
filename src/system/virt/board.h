// The virt board: QEMU's memory map and interrupt numbers (hw/arm/virt.c),
// RAM at 0x4000_0000 and the devices placed around it. One list of
// placements drives both the bus decoding and the device tree (fdt.h), so
// the two cannot disagree.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "system/bus.h"
#include "system/devices/gicv2.h"
#include "system/devices/gicv3.h"
#include "system/devices/pl011.h"
#include "system/devices/pl031.h"
#include "system/devices/pl061.h"
#include "system/virt/alarm_thread.h"

namespace ferry::system {

struct BoardConfig {
    uint64_t ram_size = 128ull << 20;
    bool virtualization = false;  // EL2 implemented
    bool secure = false;          // EL3 implemented
    unsigned gic_version = 2;     // 2: GICv2, 3: GICv3
};

enum class DeviceKind { GicDistributor, GicCpuInterface, GicRedistributor, Uart, Rtc, Gpio };

struct Placement {
    DeviceKind kind;
    uint64_t base, size;
    int spi;                // interrupt (SPI number), -1 for none
    MmioDevice* device;
};

class VirtBoard final : public Bus, public TimerSink {
public:
    static constexpr uint64_t kRamBase = 0x40000000;
    static constexpr uint64_t kPageSize = 4096;

    // transmit: where the PL011's bytes go (the serial backend).
    VirtBoard(const BoardConfig& config, std::function<void(uint8_t)> transmit);
    ~VirtBoard() override;

    // Bus: called on the CPU's thread, each access under the board lock.
    uint8_t* ram_page(uint64_t paddr) override;
    bool read(uint64_t paddr, unsigned size, uint64_t& value) override;
    bool write(uint64_t paddr, unsigned size, uint64_t value) override;
    // TimerSink: the generic timer's outputs are PPIs of the GIC.
    void set_timer_output(TimerOutput which, bool level) override;

    // The CPU whose lines the interrupt controller drives.
    void connect_cpu(InterruptTarget& cpu);
    // The GICv3 CPU interface (SystemCpuCallbacks::gic_sysreg_read/write):
    // false without a GICv3 or for a register it does not have.
    bool gic_sysreg_read(uint32_t id, uint64_t& value);
    bool gic_sysreg_write(uint32_t id, uint64_t value);

    const BoardConfig& config() const { return config_; }
    uint8_t* ram() { return ram_; }
    uint64_t ram_size() const { return config_.ram_size; }
    // Host pointer for [paddr, paddr + bytes) if it lies inside RAM.
    uint8_t* ram_range(uint64_t paddr, uint64_t bytes);
    const std::vector<Placement>& placements() const { return placements_; }
    Pl011& uart() { return uart_; }
    Pl061& gpio() { return gpio_; }
    // Device state is touched by the CPU thread and by host threads (serial
    // input, alarms): every access holds this lock.
    std::recursive_mutex& lock() { return lock_; }

private:
    const Placement* find(uint64_t paddr) const;

    BoardConfig config_;
    uint8_t* ram_ = nullptr;
    std::recursive_mutex lock_;
    // The interrupt controller, by config.gic_version: one of the two.
    std::unique_ptr<Gicv2> gicv2_;
    std::unique_ptr<Gicv3> gicv3_;
    InterruptController& gic_;
    Pl011 uart_;
    Pl031 rtc_;
    Pl061 gpio_;
    std::vector<Placement> placements_;
    AlarmThread rtc_alarm_;  // last: its thread stops before the devices go
};

}  // namespace ferry::system
