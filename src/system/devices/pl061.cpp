#include "system/devices/pl061.h"

namespace ferry::system {

namespace {

enum Register : uint64_t { GPIODIR = 0x400, GPIOIS = 0x404, GPIOIBE = 0x408, GPIOIEV = 0x40C, GPIOIE = 0x410,
                           GPIORIS = 0x414, GPIOMIS = 0x418, GPIOIC = 0x41C, GPIOAFSEL = 0x420 };

constexpr uint8_t kId[8] = {0x61, 0x10, 0x04, 0x00, 0x0D, 0xF0, 0x05, 0xB1};

}  // namespace

Pl061::Pl061(IrqLine irq) : irq_(std::move(irq)) {}

// Level-sensitive lines (GPIOIS) interrupt while at the level GPIOIEV selects.
uint8_t Pl061::level_interrupts() const {
    const uint8_t at_level = static_cast<uint8_t>(~(pins() ^ event_));
    return at_level & sense_;
}

void Pl061::update_irq() {
    const uint8_t raw = edge_interrupts_ | level_interrupts();
    const bool level = (raw & mask_) != 0;
    if (level != irq_level_) irq_(irq_level_ = level);
}

void Pl061::set_input(unsigned line, bool level) {
    const uint8_t bit = static_cast<uint8_t>(1u << line);
    const uint8_t before = pins();
    inputs_ = level ? (inputs_ | bit) : (inputs_ & ~bit);
    const uint8_t changed = before ^ pins();
    // Edge-sensitive lines: both edges (GPIOIBE), or the edge GPIOIEV selects.
    const uint8_t rising = changed & pins(), falling = changed & ~pins();
    const uint8_t edges = (changed & both_edges_) | (rising & event_ & ~both_edges_) | (falling & ~event_ & ~both_edges_);
    edge_interrupts_ |= edges & ~sense_;
    update_irq();
}

uint64_t Pl061::read(uint64_t offset, unsigned size) {
    if (size > 4) log_wide_access("pl061", "read", size, offset);
    uint64_t id;
    if (primecell_id_register(offset, kId, id)) return id;
    // GPIODATA: address bits [9:2] select which lines a read sees.
    if (offset < 0x400) return pins() & (offset >> 2);
    switch (offset) {
    case GPIODIR: return direction_;
    case GPIOIS: return sense_;
    case GPIOIBE: return both_edges_;
    case GPIOIEV: return event_;
    case GPIOIE: return mask_;
    case GPIORIS: return edge_interrupts_ | level_interrupts();
    case GPIOMIS: return (edge_interrupts_ | level_interrupts()) & mask_;
    case GPIOAFSEL: return afsel_;
    case GPIOIC: log_register_misuse("pl061", "read of write-only", offset); return 0;
    default: log_register_misuse("pl061", "read of unknown", offset); return 0;
    }
}

void Pl061::write(uint64_t offset, unsigned size, uint64_t value) {
    if (size > 4) log_wide_access("pl061", "write", size, offset);
    const uint8_t v = static_cast<uint8_t>(value);
    if (offset < 0x400) {
        // GPIODATA: address bits [9:2] select which output lines the write changes.
        const uint8_t select = static_cast<uint8_t>(offset >> 2);
        data_out_ = static_cast<uint8_t>((data_out_ & ~select) | (v & select));
    } else {
        switch (offset) {
        case GPIODIR: direction_ = v; break;
        case GPIOIS: sense_ = v; break;
        case GPIOIBE: both_edges_ = v; break;
        case GPIOIEV: event_ = v; break;
        case GPIOIE: mask_ = v; break;
        case GPIOIC: edge_interrupts_ &= static_cast<uint8_t>(~v); break;
        case GPIOAFSEL: afsel_ = v; break;
        case GPIORIS:
        case GPIOMIS:
            log_register_misuse("pl061", "write to read-only", offset);
            break;
        default: log_register_misuse("pl061", "write to unknown", offset); break;
        }
    }
    update_irq();
}

}  // namespace ferry::system
