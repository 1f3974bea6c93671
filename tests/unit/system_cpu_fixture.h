// Test support for the system-mode CPU: a fake machine (RAM at 0x4000_0000,
// one MMIO register, a timer sink that records levels), programs placed in
// RAM, vector tables of recording handlers, and a stage 1 page-table builder.
// Instruction words were assembled with aarch64-linux-gnu-as.
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/system_hooks.h"
#include "system/bus.h"
#include "system/cpu/system_cpu.h"

namespace ferry::test {

class FakeBus : public system::Bus {
public:
    static constexpr uint64_t kRamBase = 0x4000'0000, kRamSize = 8u << 20;
    static constexpr uint64_t kMmio = 0x0900'0000;

    uint8_t* ram_page(uint64_t pa) override {
        if (pa - kRamBase >= kRamSize) return nullptr;
        return ram.data() + ((pa - kRamBase) & ~uint64_t{0xfff});
    }
    bool read(uint64_t pa, unsigned, uint64_t& value) override {
        if (pa != kMmio) return false;
        value = mmio_value;
        return true;
    }
    bool write(uint64_t pa, unsigned, uint64_t value) override {
        if (pa != kMmio) return false;
        mmio_value = value;
        return true;
    }

    void put_words(uint64_t pa, const std::vector<uint32_t>& words) {
        std::memcpy(&ram[pa - kRamBase], words.data(), 4 * words.size());
    }
    void put64(uint64_t pa, uint64_t v) { std::memcpy(&ram[pa - kRamBase], &v, 8); }
    uint64_t get64(uint64_t pa) const {
        uint64_t v;
        std::memcpy(&v, &ram[pa - kRamBase], 8);
        return v;
    }

    std::vector<uint8_t> ram = std::vector<uint8_t>(kRamSize);
    uint64_t mmio_value = 0;
};

// Records the timer outputs and, like a board's interrupt controller, drives
// the CPU's IRQ line with any of them.
class FakeTimerSink : public system::TimerSink {
public:
    void set_timer_output(system::TimerOutput which, bool level) override {
        levels[static_cast<unsigned>(which)] = level;
        if (irq) irq->set_line(system::CpuLine::Irq, levels[0] || levels[1] || levels[2] || levels[3]);
    }
    bool level(system::TimerOutput which) const { return levels[static_cast<unsigned>(which)]; }
    std::array<bool, 4> levels{};
    system::InterruptTarget* irq = nullptr;
};

// Handlers for vector table entries. Each records ESR, ELR, SPSR and FAR of
// its EL in x20..x23, then returns (ERET) or ends the run (semihosting EXIT).
enum class Handler { Return, Exit };
inline std::vector<uint32_t> handler_words(unsigned el, Handler h) {
    static const uint32_t records[4][4] = {
        {},
        {0xd5385214, 0xd5384035, 0xd5384016, 0xd5386017},  // mrs x20, esr_el1; x21 elr; x22 spsr; x23 far
        {0xd53c5214, 0xd53c4035, 0xd53c4016, 0xd53c6017},
        {0xd53e5214, 0xd53e4035, 0xd53e4016, 0xd53e6017},
    };
    std::vector<uint32_t> w(records[el], records[el] + 4);
    if (h == Handler::Return) {
        w.push_back(0xd69f03e0);  // eret
    } else {
        w.push_back(0xd2800300);  // mov x0, #0x18 (SYS_EXIT)
        w.push_back(0xd45e0000);  // hlt #0xf000
    }
    return w;
}

// Vector offsets (Arm ARM D1.10.2).
namespace vector {
inline constexpr uint64_t CurrentSp0Sync = 0x000, CurrentSpxSync = 0x200, CurrentSpxIrq = 0x280, LowerSync = 0x400;
inline constexpr uint64_t LowerIrq = 0x480;
}  // namespace vector

inline constexpr uint32_t kExitWords[] = {0xd2800300, 0xd45e0000};  // mov x0, #0x18; hlt #0xf000
inline constexpr uint32_t kEsrIl = 1u << 25;

// A machine with the CPU under test, running the interpreter (or the JIT).
class Machine {
public:
    static constexpr uint64_t kEntry = FakeBus::kRamBase;
    static constexpr uint64_t kVectors = FakeBus::kRamBase + 0x10000;

    explicit Machine(system::SystemCpuConfig config = {}, system::SystemCpuCallbacks callbacks = {},
                     ExecMode mode = ExecMode::Interpreter) {
        config.entry_pc = kEntry;
        config.exec_mode = mode;
        callbacks.semihosting = [this](CpuState& s) {
            if ((s.x[0] & 0xffffffff) == 0x18) cpu->stop();
            return true;
        };
        cpu = std::make_unique<system::SystemCpu>(bus, timers, std::move(callbacks), config);
        timers.irq = &cpu->interrupts();
    }

    void program(const std::vector<uint32_t>& words, uint64_t pa = kEntry) { bus.put_words(pa, words); }
    // Every vector of every kind gets handler h of el.
    void vectors(unsigned el, Handler h, uint64_t base = kVectors) {
        for (uint64_t offset = 0; offset < 0x800; offset += 0x80) bus.put_words(base + offset, handler_words(el, h));
    }
    void vector(unsigned el, uint64_t offset, Handler h, uint64_t base = kVectors) {
        bus.put_words(base + offset, handler_words(el, h));
    }

    // Runs until the guest exits through semihosting; fails after 5 s.
    void run() {
        std::mutex m;
        std::condition_variable cv;
        bool done = false, timed_out = false;
        std::thread watchdog([&] {
            std::unique_lock lock(m);
            if (!cv.wait_for(lock, std::chrono::seconds(5), [&] { return done; })) {
                timed_out = true;
                cpu->stop();
            }
        });
        cpu->run();
        {
            std::lock_guard lock(m);
            done = true;
        }
        cv.notify_all();
        watchdog.join();
        EXPECT_FALSE(timed_out) << "guest did not exit; pc 0x" << std::hex << cpu->state().pc;
    }

    CpuState& s() { return cpu->state(); }
    uint64_t x(unsigned r) { return cpu->state().x[r]; }

    FakeBus bus;
    FakeTimerSink timers;
    std::unique_ptr<system::SystemCpu> cpu;
};

// Stage 1 translation tables in FakeBus RAM.
struct PageTables {
    static constexpr uint64_t AF = 1u << 10, ApEl0 = 1u << 6, ApReadOnly = 1u << 7;
    static constexpr uint64_t Pxn = uint64_t{1} << 53, Uxn = uint64_t{1} << 54;
    static constexpr uint64_t AttrDevice = 1u << 2;  // AttrIndx 1 (MAIR byte 1 = Device-nGnRnE)

    PageTables(FakeBus& b, uint64_t base, unsigned granule, unsigned input)
        : bus(b), next(base), granule_shift(granule), input_bits(input), root(alloc()) {}

    uint64_t alloc() {
        const uint64_t t = next;
        next += uint64_t{1} << granule_shift;
        std::fill_n(&bus.ram[t - FakeBus::kRamBase], size_t{1} << granule_shift, 0);
        return t;
    }
    unsigned stride() const { return granule_shift - 3; }
    unsigned start_level() const { return 4 - (input_bits - granule_shift + stride() - 1) / stride(); }
    uint64_t index(uint64_t va, unsigned level) const {
        const unsigned shift = granule_shift + stride() * (3 - level);
        const unsigned bits = std::min(stride(), input_bits - shift);
        return (va >> shift) & ((uint64_t{1} << bits) - 1);
    }
    // The physical address of the descriptor for va at level, making tables on the way.
    uint64_t descriptor_at(uint64_t va, unsigned level) {
        uint64_t table = root;
        for (unsigned l = start_level(); l < level; ++l) {
            const uint64_t slot = table + 8 * index(va, l);
            uint64_t d = bus.get64(slot);
            if (!(d & 1)) {
                d = alloc() | 3;
                bus.put64(slot, d);
            }
            table = d & 0x0000'ffff'ffff'f000 & ~((uint64_t{1} << granule_shift) - 1);
        }
        return table + 8 * index(va, level);
    }
    // A block (level < 3) or page (level 3) descriptor mapping va to pa.
    uint64_t map(uint64_t va, uint64_t pa, unsigned level, uint64_t attrs = AF) {
        const uint64_t slot = descriptor_at(va, level);
        bus.put64(slot, pa | attrs | (level == 3 ? 3 : 1));
        return slot;
    }

    FakeBus& bus;
    uint64_t next;
    unsigned granule_shift, input_bits;
    uint64_t root;
};

}  // namespace ferry::test
