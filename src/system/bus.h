// What a whole machine offers the CPU in system mode. The CPU side (MMU,
// exceptions, system registers) sees only this interface; the board and its
// devices (src/system/virt/, src/system/devices/) implement it. The CPU never
// includes a device header.
#pragma once
#include <cstdint>

namespace ferry::system {

// Physical address space: RAM is directly addressable host memory; anything
// else goes through read/write (MMIO), which may fail (external abort).
class Bus {
public:
    virtual ~Bus() = default;

    // Host pointer to the first byte of the 4 KiB RAM page holding paddr, or
    // nullptr if paddr is not RAM (then use read/write). Valid until the
    // machine is destroyed.
    virtual uint8_t* ram_page(uint64_t paddr) = 0;

    // MMIO access of 1, 2, 4 or 8 bytes; false = no device there (the CPU
    // takes a synchronous external abort).
    virtual bool read(uint64_t paddr, unsigned size, uint64_t& value) = 0;
    virtual bool write(uint64_t paddr, unsigned size, uint64_t value) = 0;
};

// Interrupt lines into the CPU, driven by the interrupt controller and read
// by the CPU at block boundaries (through CpuState::exit_request).
enum class CpuLine : unsigned { Irq = 0, Fiq = 1, VIrq = 2, VFiq = 3, SError = 4 };

class InterruptTarget {
public:
    virtual ~InterruptTarget() = default;
    virtual void set_line(CpuLine line, bool level) = 0;
};

// The generic timer lives in the CPU (its registers are system registers);
// its output lines go to the interrupt controller as PPIs, wired by the board
// (virt: EL1 physical = PPI 14 (INTID 30), EL1 virtual = PPI 11 (27),
// EL2 physical = PPI 10 (26), EL3/secure physical = PPI 13 (29)).
enum class TimerOutput : unsigned { El1Physical = 0, El1Virtual = 1, El2Physical = 2, SecurePhysical = 3 };

class TimerSink {
public:
    virtual ~TimerSink() = default;
    virtual void set_timer_output(TimerOutput which, bool level) = 0;
};

}  // namespace ferry::system
