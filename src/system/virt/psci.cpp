#include "system/virt/psci.h"

#include <cinttypes>

#include "common/log.h"

namespace ferry::system {

namespace {

// Function ids without the SMC64 bit (bit 30), which the 64-bit forms add.
enum Function : uint32_t {
    PSCI_VERSION = 0x84000000, CPU_SUSPEND = 0x84000001, CPU_OFF = 0x84000002, CPU_ON = 0x84000003,
    AFFINITY_INFO = 0x84000004, MIGRATE = 0x84000005, MIGRATE_INFO_TYPE = 0x84000006,
    MIGRATE_INFO_UP_CPU = 0x84000007, SYSTEM_OFF = 0x84000008, SYSTEM_RESET = 0x84000009,
    PSCI_FEATURES = 0x8400000A,
};

constexpr uint32_t kSmc64 = 1u << 30;

constexpr int64_t kSuccess = 0, kNotSupported = -1, kInvalidParameters = -2, kAlreadyOn = -4;
constexpr int64_t kAffinityOn = 0;
constexpr uint64_t kVersion1_1 = 0x00010001;
constexpr int64_t kMigrationNotRequired = 2;  // MIGRATE_INFO_TYPE: no Trusted OS to migrate

// The functions this firmware implements, as PSCI_FEATURES reports them.
bool implemented(uint32_t id) {
    switch (id & ~kSmc64) {
    case PSCI_VERSION: case CPU_SUSPEND: case CPU_OFF: case CPU_ON: case AFFINITY_INFO: case MIGRATE_INFO_TYPE:
    case SYSTEM_OFF: case SYSTEM_RESET: case PSCI_FEATURES:
        return true;
    default:
        return false;
    }
}

// MPIDR affinity fields Aff3 (39:32) and Aff2..Aff0 (23:0): the only CPU is 0.
bool is_cpu0(uint64_t mpidr) { return (mpidr & 0xFF00FFFFFFull) == 0; }

Psci::Result done(int64_t value, Psci::Action action = Psci::Action::None) {
    return {static_cast<uint64_t>(value), action};
}

}  // namespace

Psci::Result Psci::call(uint64_t function_id, uint64_t x1) {
    // Every call through the firmware's conduit is answered, as QEMU's and
    // SMCCC firmware do: an id outside PSCI is an unknown function (-1).
    const uint32_t id = static_cast<uint32_t>(function_id);
    switch (id & ~kSmc64) {
    case PSCI_VERSION: return done(kVersion1_1);
    // A single CPU has nothing to power down to: suspend is a standby that
    // returns at once (the wake-up event is whatever comes next).
    case CPU_SUSPEND: return done(kSuccess);
    case CPU_OFF: return done(kSuccess, Action::CpuOff);
    case CPU_ON: return done(is_cpu0(x1) ? kAlreadyOn : kInvalidParameters);
    case AFFINITY_INFO: return done(is_cpu0(x1) ? kAffinityOn : kInvalidParameters);
    case MIGRATE_INFO_TYPE: return done(kMigrationNotRequired);
    case SYSTEM_OFF: return done(kSuccess, Action::PowerOff);
    case SYSTEM_RESET: return done(kSuccess, Action::Reset);
    case PSCI_FEATURES: return done(implemented(static_cast<uint32_t>(x1)) ? kSuccess : kNotSupported);
    default:
        log::printf_if(log::GuestErrors, "psci: unknown function id 0x%" PRIx64 "\n", function_id);
        return done(kNotSupported);
    }
}

}  // namespace ferry::system
