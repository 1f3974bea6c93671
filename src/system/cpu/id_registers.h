// The identification registers of each -cpu model: what MRS of MIDR_EL1,
// MPIDR_EL1, CTR_EL0, CLIDR/CCSIDR and ID_AA64*_EL1 returns at EL1 and above.
#pragma once
#include <cstdint>

#include "system/cpu/system_cpu.h"

namespace ferry::system {

struct IdRegisters {
    uint64_t midr, mpidr, revidr, aidr;
    uint64_t ctr, dczid, clidr;
    uint64_t ccsidr_l1d, ccsidr_l1i, ccsidr_l2;
    uint64_t pfr0, pfr1, dfr0, isar0, isar1, mmfr0, mmfr1, mmfr2;
};

// Every model is AArch64-only at every EL (Ferry has no AArch32), shows EL2
// and EL3 only when the config has them, has no PMU (PMUVer = 0, so the PMU
// registers are UNDEF) and no GICv3 system registers unless gic_v3 says so.
// max advertises exactly what Ferry implements (ir/cpu_features.h, plus the
// 16K granule); the Cortex models keep their own MIDR, caches, crypto and
// granules as QEMU shows them.
IdRegisters id_registers(const SystemCpuConfig& config);

}  // namespace ferry::system
