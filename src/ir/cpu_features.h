// The CPU Ferry presents to a guest: an ARMv8.0-A core (Cortex-A72-like) with
// FP, AdvSIMD, AES, PMULL, SHA1, SHA2 (SHA-256), CRC32 and LSE atomics, and
// nothing else. The ID register values below and kLinuxHwcap describe the same
// features: user mode must put kLinuxHwcap in the ELF auxv (AT_HWCAP) so that
// getauxval() and MRS of the ID registers agree.
#pragma once
#include <cstdint>

namespace ferry::cpu {

// A system register as the ReadSysReg/WriteSysReg imm0 names it.
constexpr uint32_t sysreg_id(unsigned op0, unsigned op1, unsigned crn, unsigned crm, unsigned op2) {
    return (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;
}

namespace sysreg {
// Identification (EL1 registers that Linux emulates for EL0 reads).
inline constexpr uint32_t MIDR_EL1 = sysreg_id(3, 0, 0, 0, 0);
inline constexpr uint32_t MPIDR_EL1 = sysreg_id(3, 0, 0, 0, 5);
inline constexpr uint32_t REVIDR_EL1 = sysreg_id(3, 0, 0, 0, 6);
inline constexpr uint32_t ID_AA64PFR0_EL1 = sysreg_id(3, 0, 0, 4, 0);
inline constexpr uint32_t ID_AA64PFR1_EL1 = sysreg_id(3, 0, 0, 4, 1);
inline constexpr uint32_t ID_AA64DFR0_EL1 = sysreg_id(3, 0, 0, 5, 0);
inline constexpr uint32_t ID_AA64ISAR0_EL1 = sysreg_id(3, 0, 0, 6, 0);
inline constexpr uint32_t ID_AA64ISAR1_EL1 = sysreg_id(3, 0, 0, 6, 1);
inline constexpr uint32_t ID_AA64MMFR0_EL1 = sysreg_id(3, 0, 0, 7, 0);
inline constexpr uint32_t ID_AA64MMFR1_EL1 = sysreg_id(3, 0, 0, 7, 1);
inline constexpr uint32_t ID_AA64MMFR2_EL1 = sysreg_id(3, 0, 0, 7, 2);
// EL0 registers.
inline constexpr uint32_t CTR_EL0 = sysreg_id(3, 3, 0, 0, 1);
inline constexpr uint32_t DCZID_EL0 = sysreg_id(3, 3, 0, 0, 7);
inline constexpr uint32_t NZCV = sysreg_id(3, 3, 4, 2, 0);
inline constexpr uint32_t FPCR = sysreg_id(3, 3, 4, 4, 0);
inline constexpr uint32_t FPSR = sysreg_id(3, 3, 4, 4, 1);
inline constexpr uint32_t TPIDR_EL0 = sysreg_id(3, 3, 13, 0, 2);
inline constexpr uint32_t TPIDRRO_EL0 = sysreg_id(3, 3, 13, 0, 3);
inline constexpr uint32_t CNTFRQ_EL0 = sysreg_id(3, 3, 14, 0, 0);
inline constexpr uint32_t CNTPCT_EL0 = sysreg_id(3, 3, 14, 0, 1);
inline constexpr uint32_t CNTVCT_EL0 = sysreg_id(3, 3, 14, 0, 2);
inline constexpr uint32_t CNTPCTSS_EL0 = sysreg_id(3, 3, 14, 0, 5);
inline constexpr uint32_t CNTVCTSS_EL0 = sysreg_id(3, 3, 14, 0, 6);
// EL1 and up.
inline constexpr uint32_t SP_EL0 = sysreg_id(3, 0, 4, 1, 0);
}  // namespace sysreg

// ---- Identification values, as Linux reports them to EL0 -------------------
// Cortex-A72 r0p3.
inline constexpr uint64_t kMidr = 0x410fd083;
// Linux shows every EL0 reader the same safe MPIDR: only the RES1 bit 31.
inline constexpr uint64_t kMpidr = uint64_t{1} << 31;
inline constexpr uint64_t kRevidr = 0;
// EL0 = EL1 = 1 (AArch64 only), FP = 0 and AdvSIMD = 0 (implemented).
inline constexpr uint64_t kIdAa64Pfr0 = 0x0000000000000011;
inline constexpr uint64_t kIdAa64Pfr1 = 0;
// AES = 2 (AES and PMULL), SHA1 = 1, SHA2 = 1 (SHA-256), CRC32 = 1, Atomic = 2 (LSE).
inline constexpr uint64_t kIdAa64Isar0 = (2u << 4) | (1u << 8) | (1u << 12) | (1u << 16) | (2u << 20);
inline constexpr uint64_t kIdAa64Isar1 = 0;
// Linux hides the memory-model fields from EL0 and shows their safe values:
// TGran4 = TGran64 = 0xf (not implemented), everything else 0.
inline constexpr uint64_t kIdAa64Mmfr0 = 0x00000000ff000000;
inline constexpr uint64_t kIdAa64Mmfr1 = 0;
inline constexpr uint64_t kIdAa64Mmfr2 = 0;
// DebugVer = 6 (ARMv8 debug), the safe value Linux shows.
inline constexpr uint64_t kIdAa64Dfr0 = 0x0000000000000006;

// ---- EL0-visible cache and timer registers ------------------------------------
// 64-byte cache lines (IminLine = DminLine = 4 words log2), PIPT I-cache,
// ERG = CWG = 64 bytes.
inline constexpr uint64_t kCtr = 0x8444c004;
// DC ZVA zeroes 64-byte blocks (BS = log2(16 words)); DZP = 0 (permitted).
inline constexpr uint64_t kDczid = 4;
inline constexpr unsigned kZvaBlockBytes = 4u << kDczid;
inline constexpr uint64_t kCounterFrequency = 62'500'000;

// FPCR and FPSR bits that exist on this core (AArch64 only, no FP16, FP
// exceptions never trap); the others are RES0. FPCR: AHP, DN, FZ, RMode.
// FPSR: QC and the cumulative IDC, IXC, UFC, OFC, DZC, IOC.
inline constexpr uint32_t kFpcrImplemented = 0x07c00000;
inline constexpr uint32_t kFpsrImplemented = 0x0800009f;

// ---- Linux AT_HWCAP bits for the features above ------------------------------
namespace hwcap {
inline constexpr uint64_t FP = 1u << 0;
inline constexpr uint64_t ASIMD = 1u << 1;
inline constexpr uint64_t AES = 1u << 3;
inline constexpr uint64_t PMULL = 1u << 4;
inline constexpr uint64_t SHA1 = 1u << 5;
inline constexpr uint64_t SHA2 = 1u << 6;
inline constexpr uint64_t CRC32 = 1u << 7;
inline constexpr uint64_t ATOMICS = 1u << 8;
inline constexpr uint64_t CPUID = 1u << 11;  // MRS of the ID registers is emulated
}  // namespace hwcap

inline constexpr uint64_t kLinuxHwcap = hwcap::FP | hwcap::ASIMD | hwcap::AES | hwcap::PMULL | hwcap::SHA1 |
                                        hwcap::SHA2 | hwcap::CRC32 | hwcap::ATOMICS | hwcap::CPUID;

}  // namespace ferry::cpu
