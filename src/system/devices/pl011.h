// ARM PrimeCell UART (PL011), after the PL011 Technical Reference Manual
// (DDI 0183). Transmission is instantaneous: a byte written to UARTDR goes to
// the host backend at once, so the transmit FIFO always reads as empty.
// Received bytes wait in a 32-entry FIFO (1 entry with LCR_H.FEN clear).
#pragma once
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>

#include "system/devices/mmio_device.h"

namespace ferry::system {

class Pl011 final : public MmioDevice {
public:
    static constexpr unsigned kFifoDepth = 32;

    // Interrupt bits of UARTRIS/UARTMIS/UARTIMSC/UARTICR.
    enum Interrupt : uint32_t {
        RxInt = 1u << 4, TxInt = 1u << 5, RxTimeoutInt = 1u << 6,
        FramingErrInt = 1u << 7, ParityErrInt = 1u << 8, BreakErrInt = 1u << 9, OverrunErrInt = 1u << 10,
    };
    // UARTFR bits.
    enum Flag : uint32_t { Busy = 1u << 3, RxEmpty = 1u << 4, TxFull = 1u << 5, RxFull = 1u << 6, TxEmpty = 1u << 7 };

    Pl011(std::function<void(uint8_t)> transmit, IrqLine irq);

    uint64_t read(uint64_t offset, unsigned size) override;
    void write(uint64_t offset, unsigned size, uint64_t value) override;

    // Host input: queues as many bytes as the receive FIFO has room for and
    // returns that count; the rest must be offered again after the guest reads.
    size_t receive(const uint8_t* data, size_t count);
    // The input line went quiet with bytes still in the FIFO: the receive
    // timeout interrupt (32 bit periods of silence, immediate here).
    void receive_idle();
    // Called (from the guest's UARTDR read) when the FIFO gains room.
    void set_rx_space_callback(std::function<void()> callback) { on_rx_space_ = std::move(callback); }

private:
    unsigned rx_capacity() const { return (lcr_h_ & kFifoEnable) ? kFifoDepth : 1; }
    unsigned rx_trigger_level() const;
    uint32_t flags() const;
    uint32_t read_data();
    void update_rx_interrupt();
    void update_irq();

    static constexpr uint32_t kFifoEnable = 1u << 4;  // UARTLCR_H.FEN

    std::function<void(uint8_t)> transmit_;
    IrqLine irq_;
    std::function<void()> on_rx_space_;
    std::deque<uint8_t> rx_fifo_;
    uint32_t raw_interrupts_ = 0;  // UARTRIS
    uint32_t mask_ = 0;            // UARTIMSC
    uint32_t ibrd_ = 0, fbrd_ = 0, lcr_h_ = 0, ilpr_ = 0, dmacr_ = 0;
    uint32_t cr_ = 0x300;          // TXE | RXE, the reset value
    uint32_t ifls_ = 0x12;         // both trigger levels at 1/2 full
    bool irq_level_ = false;
};

}  // namespace ferry::system
