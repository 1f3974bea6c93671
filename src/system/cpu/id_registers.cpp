#include "system/cpu/id_registers.h"

#include "ir/cpu_features.h"

namespace ferry::system {

namespace {

// Field values shared by the models.
constexpr uint64_t field(uint64_t value, unsigned shift) { return value << shift; }
// AES + PMULL, SHA1, SHA2 (SHA-256), CRC32: the ARMv8.0 crypto extension.
constexpr uint64_t kIsar0Crypto = field(2, 4) | field(1, 8) | field(1, 12) | field(1, 16);
// DebugVer = ARMv8, 6 breakpoints, 4 watchpoints, 2 context comparators; PMUVer = 0.
constexpr uint64_t kDfr0 = field(6, 0) | field(5, 12) | field(3, 20) | field(1, 28);
constexpr uint64_t kMpidrRes1 = uint64_t{1} << 31;

IdRegisters model_registers(CpuModel model) {
    IdRegisters r{};
    r.dczid = cpu::kDczid;
    r.clidr = 0x0a200023;  // L1 I+D, L2 unified; LoUU = LoUIS = 1, LoC = 2
    r.dfr0 = kDfr0;
    r.isar0 = kIsar0Crypto;
    switch (model) {
    case CpuModel::CortexA53:
        r.midr = 0x410fd034;  // r0p4
        r.ctr = 0x84448004;
        r.ccsidr_l1d = 0x700fe01a;
        r.ccsidr_l1i = 0x201fe00a;
        r.ccsidr_l2 = 0x707fe07a;
        r.mmfr0 = 0x00001122;  // 40-bit PA, 16-bit ASID, 4K and 64K granules
        break;
    case CpuModel::CortexA57:
        r.midr = 0x411fd070;  // r1p0
        r.ctr = 0x8444c004;
        r.ccsidr_l1d = 0x701fe00a;
        r.ccsidr_l1i = 0x201fe012;
        r.ccsidr_l2 = 0x70ffe07a;
        r.mmfr0 = 0x00001124;  // 44-bit PA
        break;
    case CpuModel::CortexA72:
    case CpuModel::Max:
        r.midr = cpu::kMidr;   // Cortex-A72 r0p3
        r.ctr = cpu::kCtr;
        r.ccsidr_l1d = 0x701fe00a;
        r.ccsidr_l1i = 0x201fe012;
        r.ccsidr_l2 = 0x707fe07a;
        r.mmfr0 = 0x00001124;
        break;
    }
    if (model == CpuModel::Max) {
        r.isar0 = cpu::kIdAa64Isar0;  // adds LSE atomics
        // 48-bit PA, 16-bit ASID, mixed-endian not supported; 4K, 16K and 64K granules.
        r.mmfr0 = field(5, 0) | field(2, 4) | field(1, 20);
    }
    return r;
}

}  // namespace

IdRegisters id_registers(const SystemCpuConfig& config) {
    IdRegisters r = model_registers(config.model);
    r.mpidr = kMpidrRes1 | config.mpidr_affinity;
    // EL0 and EL1 AArch64 only; EL2/EL3 AArch64 only when present; FP and AdvSIMD implemented.
    r.pfr0 = field(1, 0) | field(1, 4) | field(config.has_el2 ? 1 : 0, 8) | field(config.has_el3 ? 1 : 0, 12) |
             field(config.gic_v3 ? 1 : 0, 24);
    return r;
}

std::optional<CpuModel> parse_cpu_model(std::string_view name) {
    if (name == "cortex-a53") return CpuModel::CortexA53;
    if (name == "cortex-a57") return CpuModel::CortexA57;
    if (name == "cortex-a72") return CpuModel::CortexA72;
    if (name == "max") return CpuModel::Max;
    return std::nullopt;
}

}  // namespace ferry::system
