// Answers one debugger's packets against a DebugTarget, without sockets or
// threads: GdbServer feeds it the packets of a connection and carries out
// what it asks for (resume, detach, kill).
#pragma once
#include <set>
#include <string>
#include <string_view>

#include "debug/debug_target.h"

namespace ferry::debug {

class PacketHandler {
public:
    explicit PacketHandler(DebugTarget& target);

    struct Outcome {
        enum class Action {
            Reply,   // send reply and read the next packet
            Resume,  // resume the guest with `resume`; the stop reply comes later
            Detach,  // send reply, then let the guest run without the debugger
            Kill,    // no reply: the program ends
        };
        Action action = Action::Reply;
        std::string reply;
        ResumeKind resume = ResumeKind::Continue;
        int signal = 0;  // C/S/vCont;C: the signal to resume with
        bool start_no_ack = false;  // after this reply, stop sending and expecting acks
    };
    Outcome handle(std::string_view packet);

    // The reply for stop, which becomes the answer to '?'.
    std::string report_stop(const StopEvent& stop);
    // Removes the debugger's breakpoints and watchpoints from the target.
    void remove_all_points();

private:
    Outcome handle_query(std::string_view packet);
    Outcome handle_v(std::string_view packet);
    Outcome supported(std::string_view packet);
    Outcome read_target_xml(std::string_view annex_and_range);
    Outcome read_all_registers();
    Outcome write_all_registers(std::string_view hex);
    Outcome read_one_register(std::string_view args);
    Outcome write_one_register(std::string_view args);
    Outcome read_memory(std::string_view args);
    Outcome write_memory_hex(std::string_view args);
    Outcome write_memory_binary(std::string_view args);
    Outcome change_point(std::string_view args, bool insert);
    Outcome resume(ResumeKind how, std::string_view address, int signal = 0);
    Outcome resume_with_actions(std::string_view actions);
    Outcome malformed(std::string_view packet) const;

    std::string stop_reply(const StopEvent& stop) const;
    std::string breakpoint_reason() const;

    DebugTarget& target_;
    std::string target_xml_;
    bool debugger_reports_swbreak_ = false;
    bool debugger_reports_hwbreak_ = false;
    std::set<uint64_t> sw_breakpoints_, hw_breakpoints_;
    std::string last_stop_reply_;
};

}  // namespace ferry::debug
