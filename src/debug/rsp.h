// The GDB remote serial protocol's framing, without sockets: `$payload#cs`
// packets, `}` escapes, run-length decoding, acks and the Ctrl-C byte.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::debug::rsp {

// Modulo-256 sum of the bytes as they appear on the wire.
uint8_t checksum(std::string_view wire_payload);

// Escapes the bytes the protocol reserves ($ # } *) as `}` followed by byte ^ 0x20.
std::string escape(std::string_view data);
// Inverse of escape(); false if the data ends inside an escape.
bool unescape(std::string_view escaped, std::string& out);

// A complete packet for payload (escaped, so binary data and '*' are safe).
std::string frame(std::string_view payload);

std::string to_hex(const uint8_t* data, size_t bytes);
inline std::string to_hex(const std::vector<uint8_t>& data) { return to_hex(data.data(), data.size()); }
std::string to_hex(std::string_view text);
// Hex pairs to bytes; false on an odd length or a non-hex digit.
bool from_hex(std::string_view hex, std::vector<uint8_t>& out);
// A non-empty hex number that fits in 64 bits.
bool parse_hex(std::string_view hex, uint64_t& value);

// What arrives from the debugger, in order.
struct Event {
    enum class Kind {
        Packet,       // payload: run-length expanded, still escaped
        BadChecksum,  // payload: what was received
        Ack,          // '+'
        Nack,         // '-': resend the last reply
        Interrupt,    // 0x03 outside a packet
    };
    Kind kind;
    std::string payload;
};

// Splits a byte stream into events; bytes may arrive in any chunks.
class PacketReader {
public:
    std::vector<Event> feed(std::string_view bytes);

private:
    void finish_packet(std::vector<Event>& events);

    enum class State { Idle, Payload, Checksum1, Checksum2 };
    State state_ = State::Idle;
    std::string payload_;        // as received, for the checksum
    std::string checksum_text_;
};

// Expands run-length encoding (`X*n`: X repeated n - 29 more times); false if malformed.
bool run_length_decode(std::string_view wire, std::string& out);

}  // namespace ferry::debug::rsp
