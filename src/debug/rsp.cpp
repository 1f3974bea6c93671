#include "debug/rsp.h"

namespace ferry::debug::rsp {

namespace {

constexpr char kHexDigits[] = "0123456789abcdef";
constexpr char kEscape = '}';

bool is_reserved(char c) { return c == '$' || c == '#' || c == kEscape || c == '*'; }

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

uint8_t checksum(std::string_view wire_payload) {
    uint8_t sum = 0;
    for (char c : wire_payload) sum = static_cast<uint8_t>(sum + static_cast<uint8_t>(c));
    return sum;
}

std::string escape(std::string_view data) {
    std::string out;
    out.reserve(data.size());
    for (char c : data) {
        if (is_reserved(c)) {
            out += kEscape;
            out += static_cast<char>(c ^ 0x20);
        } else {
            out += c;
        }
    }
    return out;
}

bool unescape(std::string_view escaped, std::string& out) {
    out.clear();
    for (size_t i = 0; i < escaped.size(); ++i) {
        if (escaped[i] != kEscape) {
            out += escaped[i];
            continue;
        }
        if (++i == escaped.size()) return false;
        out += static_cast<char>(escaped[i] ^ 0x20);
    }
    return true;
}

std::string frame(std::string_view payload) {
    const std::string wire = escape(payload);
    const uint8_t sum = checksum(wire);
    std::string packet;
    packet.reserve(wire.size() + 4);
    packet += '$';
    packet += wire;
    packet += '#';
    packet += kHexDigits[sum >> 4];
    packet += kHexDigits[sum & 15];
    return packet;
}

std::string to_hex(const uint8_t* data, size_t bytes) {
    std::string out;
    out.reserve(bytes * 2);
    for (size_t i = 0; i < bytes; ++i) {
        out += kHexDigits[data[i] >> 4];
        out += kHexDigits[data[i] & 15];
    }
    return out;
}

std::string to_hex(std::string_view text) {
    return to_hex(reinterpret_cast<const uint8_t*>(text.data()), text.size());
}

bool from_hex(std::string_view hex, std::vector<uint8_t>& out) {
    out.clear();
    if (hex.size() % 2 != 0) return false;
    out.reserve(hex.size() / 2);
    for (size_t i = 0; i < hex.size(); i += 2) {
        const int high = hex_value(hex[i]), low = hex_value(hex[i + 1]);
        if (high < 0 || low < 0) return false;
        out.push_back(static_cast<uint8_t>(high << 4 | low));
    }
    return true;
}

bool parse_hex(std::string_view hex, uint64_t& value) {
    if (hex.empty() || hex.size() > 16) return false;
    value = 0;
    for (char c : hex) {
        const int digit = hex_value(c);
        if (digit < 0) return false;
        value = value << 4 | static_cast<uint64_t>(digit);
    }
    return true;
}

bool run_length_decode(std::string_view wire, std::string& out) {
    out.clear();
    for (size_t i = 0; i < wire.size(); ++i) {
        if (wire[i] != '*') {
            out += wire[i];
            continue;
        }
        if (out.empty() || i + 1 == wire.size()) return false;
        const int repeat = static_cast<uint8_t>(wire[++i]) - 29;
        if (repeat < 0) return false;
        out.append(static_cast<size_t>(repeat), out.back());
    }
    return true;
}

std::vector<Event> PacketReader::feed(std::string_view bytes) {
    std::vector<Event> events;
    for (char c : bytes) {
        switch (state_) {
        case State::Idle:
            if (c == '$') {
                payload_.clear();
                state_ = State::Payload;
            } else if (c == '+') {
                events.push_back({Event::Kind::Ack, {}});
            } else if (c == '-') {
                events.push_back({Event::Kind::Nack, {}});
            } else if (c == 0x03) {
                events.push_back({Event::Kind::Interrupt, {}});
            }  // anything else between packets is line noise
            break;
        case State::Payload:
            if (c == '#') {
                checksum_text_.clear();
                state_ = State::Checksum1;
            } else if (c == '$') {
                payload_.clear();  // a new start: the previous packet was cut short
            } else {
                payload_ += c;
            }
            break;
        case State::Checksum1:
            checksum_text_ += c;
            state_ = State::Checksum2;
            break;
        case State::Checksum2:
            checksum_text_ += c;
            finish_packet(events);
            state_ = State::Idle;
            break;
        }
    }
    return events;
}

void PacketReader::finish_packet(std::vector<Event>& events) {
    uint64_t sent_sum = 0;
    std::string expanded;
    if (!parse_hex(checksum_text_, sent_sum) || sent_sum != checksum(payload_) ||
        !run_length_decode(payload_, expanded)) {
        events.push_back({Event::Kind::BadChecksum, payload_});
        return;
    }
    events.push_back({Event::Kind::Packet, std::move(expanded)});
}

}  // namespace ferry::debug::rsp
