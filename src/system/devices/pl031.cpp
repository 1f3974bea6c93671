#include "system/devices/pl031.h"

namespace ferry::system {

namespace {

enum Register : uint64_t { RTCDR = 0x00, RTCMR = 0x04, RTCLR = 0x08, RTCCR = 0x0C, RTCIMSC = 0x10, RTCRIS = 0x14,
                           RTCMIS = 0x18, RTCICR = 0x1C };

constexpr uint8_t kId[8] = {0x31, 0x10, 0x04, 0x00, 0x0D, 0xF0, 0x05, 0xB1};

}  // namespace

Pl031::Pl031(Clock clock, ArmAlarm arm_alarm, IrqLine irq)
    : clock_(std::move(clock)), arm_alarm_(std::move(arm_alarm)), irq_(std::move(irq)) {}

void Pl031::update_irq() {
    const bool level = raw_interrupt_ && interrupt_mask_;
    if (level != irq_level_) irq_(irq_level_ = level);
}

// The counter reaches the match value after (match - count) seconds, modulo
// 2^32: a match in the past fires only after the counter wraps.
void Pl031::rearm() {
    const uint32_t seconds = match_ - count();
    if (seconds == 0)
        alarm();
    else
        arm_alarm_(seconds);
}

void Pl031::alarm() {
    if (count() != match_) return;  // stale: the counter or the match moved since
    raw_interrupt_ = true;
    update_irq();
}

uint64_t Pl031::read(uint64_t offset, unsigned size) {
    if (size > 4) log_wide_access("pl031", "read", size, offset);
    uint64_t id;
    if (primecell_id_register(offset, kId, id)) return id;
    switch (offset) {
    case RTCDR: return count();
    case RTCMR: return match_;
    case RTCLR: return load_;
    case RTCCR: return 1;  // RTCStart: the counter always runs
    case RTCIMSC: return interrupt_mask_;
    case RTCRIS: return raw_interrupt_;
    case RTCMIS: return raw_interrupt_ && interrupt_mask_;
    case RTCICR: log_register_misuse("pl031", "read of write-only", offset); return 0;
    default: log_register_misuse("pl031", "read of unknown", offset); return 0;
    }
}

void Pl031::write(uint64_t offset, unsigned size, uint64_t value) {
    if (size > 4) log_wide_access("pl031", "write", size, offset);
    const uint32_t v = static_cast<uint32_t>(value);
    switch (offset) {
    case RTCMR:
        match_ = v;
        rearm();
        break;
    case RTCLR:
        load_ = v;
        offset_ = v - clock_();
        rearm();
        break;
    case RTCIMSC:
        interrupt_mask_ = v & 1;
        update_irq();
        break;
    case RTCICR:
        if (v & 1) raw_interrupt_ = false;
        update_irq();
        break;
    case RTCCR: break;  // once started the RTC cannot be stopped
    case RTCDR:
    case RTCRIS:
    case RTCMIS:
        log_register_misuse("pl031", "write to read-only", offset);
        break;
    default: log_register_misuse("pl031", "write to unknown", offset); break;
    }
}

}  // namespace ferry::system
