#include "system/devices/pl011.h"

namespace ferry::system {

namespace {

enum Register : uint64_t {
    DR = 0x000, RSR_ECR = 0x004, FR = 0x018, ILPR = 0x020, IBRD = 0x024, FBRD = 0x028, LCR_H = 0x02C,
    CR = 0x030, IFLS = 0x034, IMSC = 0x038, RIS = 0x03C, MIS = 0x040, ICR = 0x044, DMACR = 0x048,
};

constexpr uint32_t kAllInterrupts = 0x7FF;
// PL011 revision r1p5, as the Linux amba driver and QEMU expect.
constexpr uint8_t kId[8] = {0x11, 0x10, 0x14, 0x00, 0x0D, 0xF0, 0x05, 0xB1};

}  // namespace

Pl011::Pl011(std::function<void(uint8_t)> transmit, IrqLine irq) : transmit_(std::move(transmit)), irq_(std::move(irq)) {}

// UARTIFLS.RXIFLSEL: the receive interrupt fires at 1/8, 1/4, 1/2, 3/4 or
// 7/8 of the FIFO; without the FIFO, at every byte.
unsigned Pl011::rx_trigger_level() const {
    if (!(lcr_h_ & kFifoEnable)) return 1;
    static constexpr unsigned kEighths[8] = {1, 2, 4, 6, 7, 7, 7, 7};
    return kFifoDepth * kEighths[(ifls_ >> 3) & 7] / 8;
}

uint32_t Pl011::flags() const {
    uint32_t fr = TxEmpty;
    if (rx_fifo_.empty()) fr |= RxEmpty;
    if (rx_fifo_.size() >= rx_capacity()) fr |= RxFull;
    return fr;
}

uint32_t Pl011::read_data() {
    if (rx_fifo_.empty()) return 0;
    const uint32_t byte = rx_fifo_.front();
    rx_fifo_.pop_front();
    update_rx_interrupt();
    if (on_rx_space_) on_rx_space_();
    return byte;  // error bits 11:8 are never set: the host line has no errors
}

void Pl011::update_rx_interrupt() {
    if (rx_fifo_.size() >= rx_trigger_level())
        raw_interrupts_ |= RxInt;
    else
        raw_interrupts_ &= ~RxInt;
    if (rx_fifo_.empty()) raw_interrupts_ &= ~RxTimeoutInt;
    update_irq();
}

void Pl011::update_irq() {
    const bool level = (raw_interrupts_ & mask_) != 0;
    if (level != irq_level_) {
        irq_level_ = level;
        irq_(level);
    }
}

size_t Pl011::receive(const uint8_t* data, size_t count) {
    size_t accepted = 0;
    while (accepted < count && rx_fifo_.size() < rx_capacity()) rx_fifo_.push_back(data[accepted++]);
    if (accepted) update_rx_interrupt();
    return accepted;
}

void Pl011::receive_idle() {
    if (rx_fifo_.empty()) return;
    raw_interrupts_ |= RxTimeoutInt;
    update_irq();
}

uint64_t Pl011::read(uint64_t offset, unsigned size) {
    if (size > 4) log_wide_access("pl011", "read", size, offset);
    uint64_t id;
    if (primecell_id_register(offset, kId, id)) return id;
    switch (offset) {
    case DR: return read_data();
    case RSR_ECR: return 0;
    case FR: return flags();
    case ILPR: return ilpr_;
    case IBRD: return ibrd_;
    case FBRD: return fbrd_;
    case LCR_H: return lcr_h_;
    case CR: return cr_;
    case IFLS: return ifls_;
    case IMSC: return mask_;
    case RIS: return raw_interrupts_;
    case MIS: return raw_interrupts_ & mask_;
    case DMACR: return dmacr_;
    case ICR: log_register_misuse("pl011", "read of write-only", offset); return 0;
    default: log_register_misuse("pl011", "read of unknown", offset); return 0;
    }
}

void Pl011::write(uint64_t offset, unsigned size, uint64_t value) {
    if (size > 4) log_wide_access("pl011", "write", size, offset);
    const uint32_t v = static_cast<uint32_t>(value);
    switch (offset) {
    case DR:
        // Like QEMU, transmit whether or not UARTEN/TXE are set: boot stubs
        // commonly write to the UART without enabling it. The byte leaves at
        // once, so the FIFO is at or below its trigger level again.
        transmit_(static_cast<uint8_t>(v));
        raw_interrupts_ |= TxInt;
        update_irq();
        break;
    case RSR_ECR: break;  // clears the (always clear) error flags
    case ILPR: ilpr_ = v & 0xFF; break;
    case IBRD: ibrd_ = v & 0xFFFF; break;
    case FBRD: fbrd_ = v & 0x3F; break;
    case LCR_H:
        // Switching the FIFOs on or off empties them.
        if ((lcr_h_ ^ v) & kFifoEnable) rx_fifo_.clear();
        lcr_h_ = v & 0xFF;
        update_rx_interrupt();
        break;
    case CR: cr_ = v & 0xFF87; break;
    case IFLS:
        ifls_ = v & 0x3F;
        update_rx_interrupt();
        break;
    case IMSC:
        mask_ = v & kAllInterrupts;
        update_irq();
        break;
    case ICR:
        raw_interrupts_ &= ~(v & kAllInterrupts);
        update_irq();
        break;
    case DMACR: dmacr_ = v & 7; break;
    case FR:
    case RIS:
    case MIS:
        log_register_misuse("pl011", "write to read-only", offset);
        break;
    default: log_register_misuse("pl011", "write to unknown", offset); break;
    }
}

}  // namespace ferry::system
