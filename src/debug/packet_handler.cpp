#include "debug/packet_handler.h"

#include <cinttypes>
#include <cstdio>
#include <vector>

#include "debug/aarch64_registers.h"
#include "debug/rsp.h"
#include "debug/target_description.h"

namespace ferry::debug {

namespace {

using Outcome = PacketHandler::Outcome;
using Action = Outcome::Action;

constexpr char kSupported[] = "PacketSize=4000;qXfer:features:read+;swbreak+;hwbreak+;vContSupported+;QStartNoAckMode+";
constexpr uint64_t kMaxMemoryRead = 0x1000;  // a reply of 2 * this fits the PacketSize we announce
constexpr char kMemoryError[] = "E14";       // EFAULT-ish, as gdbserver answers
constexpr char kError[] = "E01";
constexpr size_t kMaxLoggedPacket = 60;
constexpr int kSigTrap = 5;

Outcome reply(std::string text) { return {Action::Reply, std::move(text)}; }

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

// Splits "a<sep>b" at the first sep; false if there is none.
bool split(std::string_view text, char sep, std::string_view& before, std::string_view& after) {
    const size_t at = text.find(sep);
    if (at == std::string_view::npos) return false;
    before = text.substr(0, at);
    after = text.substr(at + 1);
    return true;
}

// "ADDR,LEN" followed by `sep` and data (sep 0: nothing follows).
bool parse_address_length(std::string_view args, char sep, uint64_t& address, uint64_t& length,
                          std::string_view& data) {
    std::string_view address_text, rest, length_text;
    if (!split(args, ',', address_text, rest)) return false;
    if (sep != 0) {
        if (!split(rest, sep, length_text, data)) return false;
    } else {
        length_text = rest;
    }
    return rsp::parse_hex(address_text, address) && rsp::parse_hex(length_text, length);
}

std::string hex_byte(unsigned value) {
    const uint8_t byte = static_cast<uint8_t>(value);
    return rsp::to_hex(&byte, 1);
}

std::string hex_number(uint64_t value) {
    char text[17];
    std::snprintf(text, sizeof text, "%" PRIx64, value);
    return text;
}

std::vector<uint8_t> little_endian(uint64_t value) {
    std::vector<uint8_t> bytes(8);
    for (unsigned i = 0; i < 8; ++i) bytes[i] = static_cast<uint8_t>(value >> (8 * i));
    return bytes;
}

uint64_t from_little_endian(const std::vector<uint8_t>& bytes) {
    uint64_t value = 0;
    for (size_t i = 0; i < bytes.size() && i < 8; ++i) value |= uint64_t{bytes[i]} << (8 * i);
    return value;
}

// The one thread is 1; -1 means all threads.
bool action_applies(std::string_view thread) {
    uint64_t id = 0;
    return thread.empty() || thread == "-1" || (rsp::parse_hex(thread, id) && id == 1);
}

const char* watch_reason(WatchKind kind) {
    switch (kind) {
    case WatchKind::Write: return "watch";
    case WatchKind::Read: return "rwatch";
    case WatchKind::Access: return "awatch";
    }
    return "awatch";
}

}  // namespace

PacketHandler::PacketHandler(DebugTarget& target)
    : target_(target), last_stop_reply_(stop_reply(StopEvent{})) {}

Outcome PacketHandler::handle(std::string_view packet) {
    if (packet.empty()) return reply("");
    const std::string_view args = packet.substr(1);
    switch (packet[0]) {
    case '?': return reply(last_stop_reply_);
    case 'g': return read_all_registers();
    case 'G': return write_all_registers(args);
    case 'p': return read_one_register(args);
    case 'P': return write_one_register(args);
    case 'm': return read_memory(args);
    case 'M': return write_memory_hex(args);
    case 'X': return write_memory_binary(args);
    case 'Z': return change_point(args, true);
    case 'z': return change_point(args, false);
    case 'c': return resume(ResumeKind::Continue, args);
    case 's': return resume(ResumeKind::Step, args);
    case 'C':
    case 'S': {
        std::string_view signal_hex = args, address;
        split(args, ';', signal_hex, address);
        uint64_t signal = 0;
        if (!rsp::parse_hex(signal_hex, signal) || signal > 0xff) return malformed(packet);
        return resume(packet[0] == 'C' ? ResumeKind::Continue : ResumeKind::Step, address, static_cast<int>(signal));
    }
    case 'D':
        remove_all_points();
        return {Action::Detach, "OK"};
    case 'k': return {Action::Kill, ""};
    case 'H':
    case 'T': return reply("OK");
    case 'q': return handle_query(packet);
    case 'Q':
        if (packet == "QStartNoAckMode") {
            Outcome outcome = reply("OK");
            outcome.start_no_ack = true;
            return outcome;
        }
        return reply("");
    case 'v': return handle_v(packet);
    default: return reply("");
    }
}

std::string PacketHandler::report_stop(const StopEvent& stop) {
    last_stop_reply_ = stop_reply(stop);
    return last_stop_reply_;
}

void PacketHandler::remove_all_points() {
    target_.remove_all_points();
    sw_breakpoints_.clear();
    hw_breakpoints_.clear();
}

Outcome PacketHandler::handle_query(std::string_view packet) {
    if (packet == "qSupported" || starts_with(packet, "qSupported:")) return supported(packet);
    constexpr std::string_view kXferTargetXml = "qXfer:features:read:";
    if (starts_with(packet, kXferTargetXml)) return read_target_xml(packet.substr(kXferTargetXml.size()));
    if (packet == "qAttached" || starts_with(packet, "qAttached:")) return reply("1");
    if (packet == "qC") return reply("QC1");
    if (packet == "qfThreadInfo") return reply("m1");
    if (packet == "qsThreadInfo") return reply("l");
    if (starts_with(packet, "qSymbol")) return reply("OK");
    return reply("");
}

Outcome PacketHandler::handle_v(std::string_view packet) {
    if (packet == "vCont?") return reply("vCont;c;C;s;S");
    constexpr std::string_view kVCont = "vCont;";
    if (starts_with(packet, kVCont)) return resume_with_actions(packet.substr(kVCont.size()));
    return reply("");  // vMustReplyEmpty and everything else we do not support
}

Outcome PacketHandler::supported(std::string_view packet) {
    std::string_view features, feature;
    if (split(packet, ':', feature, features)) {
        while (!features.empty()) {
            if (!split(features, ';', feature, features)) {
                feature = features;
                features = {};
            }
            if (feature == "swbreak+") debugger_reports_swbreak_ = true;
            if (feature == "hwbreak+") debugger_reports_hwbreak_ = true;
        }
    }
    return reply(kSupported);
}

Outcome PacketHandler::read_target_xml(std::string_view annex_and_range) {
    std::string_view annex, range, unused;
    uint64_t offset = 0, length = 0;
    if (!split(annex_and_range, ':', annex, range) || !parse_address_length(range, 0, offset, length, unused))
        return malformed(annex_and_range);
    if (annex != "target.xml") return reply("E00");
    if (target_xml_.empty()) target_xml_ = target_description_xml(target_.registers());
    if (offset >= target_xml_.size()) return reply("l");
    const std::string chunk = target_xml_.substr(offset, length);
    return reply((offset + chunk.size() < target_xml_.size() ? "m" : "l") + chunk);
}

Outcome PacketHandler::read_all_registers() {
    std::string hex;
    std::vector<uint8_t> value;
    const std::vector<RegisterInfo>& regs = target_.registers();
    for (unsigned regnum = 0; regnum < regs.size(); ++regnum) {
        if (target_.read_register(regnum, value))
            hex += rsp::to_hex(value);
        else
            hex.append(regs[regnum].bits / 4, 'x');  // gdb's "unavailable"
    }
    return reply(hex);
}

Outcome PacketHandler::write_all_registers(std::string_view hex) {
    const std::vector<RegisterInfo>& regs = target_.registers();
    std::vector<uint8_t> value;
    size_t at = 0;
    for (unsigned regnum = 0; regnum < regs.size(); ++regnum) {
        const size_t digits = regs[regnum].bits / 4;
        if (!rsp::from_hex(hex.substr(at, digits), value) || value.size() * 2 != digits)
            return malformed(std::string("G") + std::string(hex));
        at += digits;
        if (!target_.write_register(regnum, value)) return reply(kError);
    }
    return reply("OK");
}

Outcome PacketHandler::read_one_register(std::string_view args) {
    uint64_t regnum = 0;
    if (!rsp::parse_hex(args, regnum)) return malformed("p" + std::string(args));
    std::vector<uint8_t> value;
    if (regnum >= target_.registers().size() || !target_.read_register(static_cast<unsigned>(regnum), value))
        return reply(kError);
    return reply(rsp::to_hex(value));
}

Outcome PacketHandler::write_one_register(std::string_view args) {
    std::string_view regnum_text, hex;
    uint64_t regnum = 0;
    std::vector<uint8_t> value;
    if (!split(args, '=', regnum_text, hex) || !rsp::parse_hex(regnum_text, regnum) || !rsp::from_hex(hex, value))
        return malformed("P" + std::string(args));
    if (regnum >= target_.registers().size() || !target_.write_register(static_cast<unsigned>(regnum), value))
        return reply(kError);
    return reply("OK");
}

Outcome PacketHandler::read_memory(std::string_view args) {
    uint64_t address = 0, length = 0;
    std::string_view unused;
    if (!parse_address_length(args, 0, address, length, unused)) return malformed("m" + std::string(args));
    std::vector<uint8_t> bytes(std::min(length, kMaxMemoryRead));  // gdb asks again for the rest
    if (!target_.read_memory(address, bytes.data(), bytes.size())) return reply(kMemoryError);
    return reply(rsp::to_hex(bytes));
}

Outcome PacketHandler::write_memory_hex(std::string_view args) {
    uint64_t address = 0, length = 0;
    std::string_view hex;
    std::vector<uint8_t> bytes;
    if (!parse_address_length(args, ':', address, length, hex) || !rsp::from_hex(hex, bytes) ||
        bytes.size() != length)
        return malformed("M" + std::string(args));
    if (!target_.write_memory(address, bytes.data(), bytes.size())) return reply(kMemoryError);
    return reply("OK");
}

Outcome PacketHandler::write_memory_binary(std::string_view args) {
    uint64_t address = 0, length = 0;
    std::string_view escaped;
    std::string bytes;
    if (!parse_address_length(args, ':', address, length, escaped) || !rsp::unescape(escaped, bytes) ||
        bytes.size() != length)
        return malformed("X" + std::string(args));
    if (length != 0 && !target_.write_memory(address, bytes.data(), bytes.size())) return reply(kMemoryError);
    return reply("OK");  // length 0 is gdb probing for X support
}

Outcome PacketHandler::change_point(std::string_view args, bool insert) {
    std::string_view type_text, rest, without_conditions = args, conditions;
    split(args, ';', without_conditions, conditions);  // conditions are not announced, so ignored
    uint64_t type = 0, address = 0, kind = 0;
    std::string_view unused;
    if (!split(without_conditions, ',', type_text, rest) || !rsp::parse_hex(type_text, type) ||
        !parse_address_length(rest, 0, address, kind, unused))
        return malformed((insert ? "Z" : "z") + std::string(args));
    if (type == 0 || type == 1) {
        std::set<uint64_t>& points = type == 0 ? sw_breakpoints_ : hw_breakpoints_;
        if (insert) {
            target_.insert_breakpoint(address);
            points.insert(address);
        } else {
            target_.remove_breakpoint(address);
            points.erase(address);
        }
        return reply("OK");
    }
    if (type > 4) return reply("");
    static constexpr WatchKind kKinds[] = {WatchKind::Write, WatchKind::Read, WatchKind::Access};
    const Watchpoint point{address, kind, kKinds[type - 2]};
    if (insert) {
        target_.insert_watchpoint(point);
        return reply("OK");
    }
    return reply(target_.remove_watchpoint(point) ? "OK" : kError);
}

Outcome PacketHandler::resume(ResumeKind how, std::string_view address, int signal) {
    if (!address.empty()) {
        uint64_t pc = 0;
        if (!rsp::parse_hex(address, pc)) return malformed(address);
        if (!target_.write_register(aarch64_regnum::Pc, little_endian(pc))) return reply(kError);
    }
    Outcome outcome{Action::Resume, ""};
    outcome.resume = how;
    outcome.signal = signal;
    return outcome;
}

Outcome PacketHandler::resume_with_actions(std::string_view actions) {
    while (!actions.empty()) {
        std::string_view action = actions, rest, thread;
        if (split(actions, ';', action, rest))
            actions = rest;
        else
            actions = {};
        std::string_view verb = action;
        split(action, ':', verb, thread);
        if (!action_applies(thread)) continue;
        if (verb == "c") return resume(ResumeKind::Continue, "");
        if (verb == "s") return resume(ResumeKind::Step, "");
        uint64_t signal = 0;
        if (verb.size() == 3 && (verb[0] == 'C' || verb[0] == 'S') && rsp::parse_hex(verb.substr(1), signal))
            return resume(verb[0] == 'C' ? ResumeKind::Continue : ResumeKind::Step, "", static_cast<int>(signal));
        return malformed("vCont;" + std::string(action));
    }
    return reply(kError);
}

Outcome PacketHandler::malformed(std::string_view packet) const {
    std::string shown;
    for (char c : packet.substr(0, kMaxLoggedPacket)) shown += (c >= 0x20 && c < 0x7f) ? c : '.';
    if (packet.size() > kMaxLoggedPacket) shown += "...";
    std::fprintf(stderr, "gdb: malformed packet '%s'\n", shown.c_str());
    return reply(kError);
}

std::string PacketHandler::stop_reply(const StopEvent& stop) const {
    switch (stop.kind) {
    case StopEvent::Kind::Exited: return "W" + hex_byte(static_cast<unsigned>(stop.exit_status));
    case StopEvent::Kind::Killed: return "X" + hex_byte(static_cast<unsigned>(stop.signal));
    case StopEvent::Kind::Signal: break;
    }
    std::string text = "T" + hex_byte(static_cast<unsigned>(stop.signal));
    if (stop.watch)
        text += std::string(watch_reason(stop.watch->kind)) + ":" + hex_number(stop.watch_address) + ";";
    else if (stop.signal == kSigTrap)
        text += breakpoint_reason();
    return text + "thread:1;";
}

// swbreak/hwbreak only when the debugger understands them and a breakpoint
// of that kind is at pc: a finished single step is a plain T05.
std::string PacketHandler::breakpoint_reason() const {
    if (!debugger_reports_swbreak_ && !debugger_reports_hwbreak_) return "";
    std::vector<uint8_t> bytes;
    if (!target_.read_register(aarch64_regnum::Pc, bytes) || bytes.size() != 8) return "";
    const uint64_t pc = from_little_endian(bytes);
    if (debugger_reports_swbreak_ && sw_breakpoints_.count(pc)) return "swbreak:;";
    if (debugger_reports_hwbreak_ && hw_breakpoints_.count(pc)) return "hwbreak:;";
    return "";
}

}  // namespace ferry::debug
