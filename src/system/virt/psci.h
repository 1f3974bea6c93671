// PSCI 1.1 firmware for one CPU (Arm DEN 0022), as QEMU provides it when no
// firmware is loaded: the guest calls it by HVC or SMC with the function id
// in W0 and arguments in X1..X3.
#pragma once
#include <cstdint>

namespace ferry::system {

class Psci {
public:
    // What the board must do after the call returns.
    enum class Action { None, PowerOff, Reset, CpuOff };

    struct Result {
        uint64_t x0 = 0;
        Action action = Action::None;
    };

    // x1: the first argument (a target MPIDR or a function id).
    static Result call(uint64_t function_id, uint64_t x1);
};

}  // namespace ferry::system
