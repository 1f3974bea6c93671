#include "system/virt/board.h"

#include <sys/mman.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace ferry::system {

namespace {

// hw/arm/virt.c's base_memmap and a15irqmap.
constexpr uint64_t kGicDistBase = 0x08000000, kGicCpuBase = 0x08010000, kGicRedistBase = 0x080A0000;
// The GICv3 redistributor region: room for 123 CPUs' frames (one is used).
constexpr uint64_t kGicRedistRegionSize = 0x00F60000;
constexpr uint64_t kUartBase = 0x09000000, kRtcBase = 0x09010000, kGpioBase = 0x09030000;
constexpr uint64_t kPrimeCellSize = 0x1000;
constexpr int kUartSpi = 1, kRtcSpi = 2, kGpioSpi = 7;

// The PPIs of the generic timer outputs (bus.h's TimerOutput order).
constexpr unsigned kTimerPpi[] = {14, 11, 10, 13};

uint64_t host_seconds() {
    return static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

}  // namespace

VirtBoard::VirtBoard(const BoardConfig& config, std::function<void(uint8_t)> transmit)
    : config_(config),
      gicv2_(config.gic_version == 3 ? nullptr : std::make_unique<Gicv2>()),
      gicv3_(config.gic_version == 3 ? std::make_unique<Gicv3>() : nullptr),
      gic_(gicv3_ ? static_cast<InterruptController&>(*gicv3_) : *gicv2_),
      uart_(std::move(transmit), [this](bool level) { gic_.set_spi(kUartSpi, level); }),
      rtc_(host_seconds, [this](uint32_t seconds) { rtc_alarm_.arm(std::chrono::seconds(seconds)); },
           [this](bool level) { gic_.set_spi(kRtcSpi, level); }),
      gpio_([this](bool level) { gic_.set_spi(kGpioSpi, level); }),
      rtc_alarm_([this] {
          std::lock_guard<std::recursive_mutex> guard(lock_);
          rtc_.alarm();
      }) {
    void* ram = mmap(nullptr, config.ram_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (ram == MAP_FAILED) {
        std::fprintf(stderr, "ferry-system: cannot allocate %llu MiB of guest RAM\n",
                     static_cast<unsigned long long>(config.ram_size >> 20));
        std::exit(1);
    }
    madvise(ram, config.ram_size, MADV_HUGEPAGE);
    ram_ = static_cast<uint8_t*>(ram);
    if (gicv3_) {
        placements_ = {
            {DeviceKind::GicDistributor, kGicDistBase, Gicv3::kDistributorSize, -1, &gicv3_->distributor()},
            {DeviceKind::GicRedistributor, kGicRedistBase, kGicRedistRegionSize, -1, &gicv3_->redistributor()},
        };
    } else {
        placements_ = {
            {DeviceKind::GicDistributor, kGicDistBase, Gicv2::kDistributorSize, -1, &gicv2_->distributor()},
            {DeviceKind::GicCpuInterface, kGicCpuBase, Gicv2::kCpuInterfaceSize, -1, &gicv2_->cpu_interface()},
        };
    }
    placements_.insert(placements_.end(), {
        {DeviceKind::Uart, kUartBase, kPrimeCellSize, kUartSpi, &uart_},
        {DeviceKind::Rtc, kRtcBase, kPrimeCellSize, kRtcSpi, &rtc_},
        {DeviceKind::Gpio, kGpioBase, kPrimeCellSize, kGpioSpi, &gpio_},
    });
}

VirtBoard::~VirtBoard() { munmap(ram_, config_.ram_size); }

void VirtBoard::connect_cpu(InterruptTarget& cpu) {
    std::lock_guard<std::recursive_mutex> guard(lock_);
    if (gicv3_)
        gicv3_->connect(cpu);
    else
        gicv2_->connect(cpu);
}

bool VirtBoard::gic_sysreg_read(uint32_t id, uint64_t& value) {
    std::lock_guard<std::recursive_mutex> guard(lock_);
    return gicv3_ && gicv3_->read_sysreg(id, value);
}

bool VirtBoard::gic_sysreg_write(uint32_t id, uint64_t value) {
    std::lock_guard<std::recursive_mutex> guard(lock_);
    return gicv3_ && gicv3_->write_sysreg(id, value);
}

uint8_t* VirtBoard::ram_range(uint64_t paddr, uint64_t bytes) {
    if (paddr < kRamBase || bytes > config_.ram_size || paddr - kRamBase > config_.ram_size - bytes) return nullptr;
    return ram_ + (paddr - kRamBase);
}

uint8_t* VirtBoard::ram_page(uint64_t paddr) { return ram_range(paddr & ~(kPageSize - 1), kPageSize); }

const Placement* VirtBoard::find(uint64_t paddr) const {
    for (const Placement& p : placements_)
        if (paddr >= p.base && paddr - p.base < p.size) return &p;
    return nullptr;
}

bool VirtBoard::read(uint64_t paddr, unsigned size, uint64_t& value) {
    const Placement* p = find(paddr);
    if (!p) return false;
    std::lock_guard<std::recursive_mutex> guard(lock_);
    value = p->device->read(paddr - p->base, size);
    if (size < 8) value &= (uint64_t{1} << (8 * size)) - 1;
    return true;
}

bool VirtBoard::write(uint64_t paddr, unsigned size, uint64_t value) {
    const Placement* p = find(paddr);
    if (!p) return false;
    std::lock_guard<std::recursive_mutex> guard(lock_);
    p->device->write(paddr - p->base, size, value);
    return true;
}

void VirtBoard::set_timer_output(TimerOutput which, bool level) {
    std::lock_guard<std::recursive_mutex> guard(lock_);
    gic_.set_ppi(kTimerPpi[static_cast<unsigned>(which)], level);
}

}  // namespace ferry::system
