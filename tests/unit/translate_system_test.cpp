// Exception, hint, barrier, PSTATE, SYS and system register translators as a
// Linux process at EL0 sees them. Instruction words were checked with
// aarch64-linux-gnu-as and objdump.
#include <gtest/gtest.h>

#include <cstdint>
#include <ctime>
#include <vector>

#include "core/engine.h"
#include "guest_runner.h"
#include "ir/cpu_features.h"

namespace ferry {
namespace {

constexpr uint64_t kPc = 0x10000;

CpuState run(uint32_t word, CpuState s = test::make_state()) {
    return test::run_verified(word, s, kPc);
}

// Runs one instruction and expects it to be UNDEF at kPc.
void expect_undefined(const std::vector<uint32_t>& words) {
    for (uint32_t word : words) {
        SCOPED_TRACE(testing::Message() << "word 0x" << std::hex << word);
        const CpuState s = run(word);
        EXPECT_EQ(s.exit_reason, ExitReason::Undefined);
        EXPECT_EQ(s.exit_info, word);
        EXPECT_EQ(s.pc, kPc);
    }
}

// Expects word to change nothing but the pc.
void expect_nop(uint32_t word) {
    SCOPED_TRACE(testing::Message() << "word 0x" << std::hex << word);
    CpuState before = test::make_state();
    for (unsigned r = 0; r < 31; ++r) before.x[r] = 0x1000 + r;
    before.nzcv = test::N | test::C;
    before.exclusive_size = 8;
    const CpuState after = run(word, before);
    EXPECT_EQ(after.exit_reason, ExitReason::None);
    EXPECT_EQ(after.pc, kPc + 4);
    for (unsigned r = 0; r < 31; ++r) EXPECT_EQ(after.x[r], before.x[r]) << r;
    EXPECT_EQ(after.sp, before.sp);
    EXPECT_EQ(after.nzcv, before.nzcv);
    EXPECT_EQ(after.exclusive_size, before.exclusive_size);
}

TEST(SystemException, SvcBrkHlt) {
    CpuState s = run(0xd4024681u /* svc #0x1234 */);
    EXPECT_EQ(s.exit_reason, ExitReason::Syscall);
    EXPECT_EQ(s.exit_info, 0x1234u);
    EXPECT_EQ(s.pc, kPc + 4);

    s = run(0xd4207d00u /* brk #0x3e8 */);
    EXPECT_EQ(s.exit_reason, ExitReason::Breakpoint);
    EXPECT_EQ(s.exit_info, 0x3e8u);
    EXPECT_EQ(s.pc, kPc);

    s = run(0xd45e0000u /* hlt #0xf000 */);
    EXPECT_EQ(s.exit_reason, ExitReason::Halt);
    EXPECT_EQ(s.exit_info, 0xf000u);
    EXPECT_EQ(s.pc, kPc);
}

TEST(SystemException, HigherLevelsAndUnallocatedAreUndefined) {
    expect_undefined({
        0xd4000002u,  // hvc #0
        0xd4000003u,  // smc #0
        0xd4a00001u,  // dcps1
        0xd4a00002u,  // dcps2
        0xd4a00003u,  // dcps3
        0xd4000005u,  // svc #0 with op2 = 001
        0xd4200001u,  // opc = 001, LL = 01
        0xd4600000u,  // opc = 011
    });
}

TEST(SystemHint, EveryHintIsANop) {
    for (uint32_t word : {
             0xd503201fu /* nop */, 0xd503203fu /* yield */, 0xd503205fu /* wfe */,
             0xd503207fu /* wfi */, 0xd503209fu /* sev */, 0xd50320bfu /* sevl */,
             0xd503233fu /* paciasp */, 0xd503241fu /* bti */, 0xd5032fffu /* hint #0x7f */,
         })
        expect_nop(word);
}

TEST(SystemBarrier, BarriersAndClrex) {
    expect_nop(0xd5033bbfu /* dmb ish */);
    expect_nop(0xd5033f9fu /* dsb sy */);
    expect_nop(0xd503309fu /* ssbb */);

    CpuState s = test::make_state();
    s.exclusive_size = 8;
    s = run(0xd5033f5fu /* clrex */, s);
    EXPECT_EQ(s.exclusive_size, 0u);
    EXPECT_EQ(s.pc, kPc + 4);

    const ir::Block dmb = a64::translate_one(kPc, 0xd5033bbfu /* dmb ish */);
    ASSERT_EQ(dmb.insts.size(), 1u);
    EXPECT_EQ(dmb.insts[0].op, ir::Opcode::Barrier);
    EXPECT_EQ(dmb.insts[0].imm0, static_cast<uint64_t>(ir::BarrierKind::DataMemory));
    const ir::Block dsb = a64::translate_one(kPc, 0xd5033f9fu /* dsb sy */);
    EXPECT_EQ(dsb.insts[0].imm0, static_cast<uint64_t>(ir::BarrierKind::DataSync));
}

TEST(SystemBarrier, IsbEndsTheBlock) {
    const uint32_t code[] = {0xd5033fdfu /* isb */, 0xd503201fu /* nop */};
    const ir::Block b = a64::translate_block(kPc, [&](uint64_t pc, uint32_t& word) {
        if (pc < kPc || pc >= kPc + sizeof code) return false;
        word = code[(pc - kPc) / 4];
        return true;
    });
    EXPECT_EQ(b.guest_instructions, 1u);
    ASSERT_EQ(b.insts.size(), 1u);
    EXPECT_EQ(b.insts[0].op, ir::Opcode::Barrier);
    EXPECT_EQ(b.insts[0].imm0, static_cast<uint64_t>(ir::BarrierKind::InstructionSync));
    EXPECT_EQ(b.terminal.kind, ir::Terminal::Kind::Jump);
    EXPECT_EQ(b.terminal.target, kPc + 4);
}

TEST(SystemBarrier, UnallocatedAreUndefined) {
    expect_undefined({
        0xd50330ffu,  // sb (ARMv8.5)
        0xd503301fu,  // op2 = 000
        0xd503303fu,  // op2 = 001
        0xd503307fu,  // op2 = 011
        0xd5033ba0u,  // dmb ish with Rt = 0
    });
}

TEST(SystemMsrImmediate, PstateFieldsAreUndefinedAtEl0) {
    expect_undefined({
        0xd50342dfu,  // msr daifset, #2
        0xd50342ffu,  // msr daifclr, #2
        0xd50041bfu,  // msr spsel, #1
        0xd500419fu,  // msr pan, #1
        0xd500407fu,  // msr uao, #0
        0xd503415fu,  // msr dit, #1
        0xd500401fu,  // cfinv
    });
}

TEST(SystemSys, DcZvaZeroesOneBlock) {
    alignas(64) uint8_t buffer[192];
    std::memset(buffer, 0xaa, sizeof buffer);
    CpuState s = test::make_state();
    s.x[1] = reinterpret_cast<uint64_t>(buffer + 64 + 17);  // anywhere inside the middle block
    s = run(0xd50b7421u /* dc zva, x1 */, s);
    EXPECT_EQ(s.exit_reason, ExitReason::None);
    EXPECT_EQ(s.pc, kPc + 4);
    for (unsigned i = 0; i < sizeof buffer; ++i) EXPECT_EQ(buffer[i], (i >= 64 && i < 128) ? 0 : 0xaa) << i;
    static_assert(cpu::kZvaBlockBytes == 64);
}

TEST(SystemSys, El0CacheMaintenanceIsANop) {
    for (uint32_t word : {0xd50b7b21u /* dc cvau, x1 */, 0xd50b7a21u /* dc cvac, x1 */, 0xd50b7e21u /* dc civac, x1 */,
                          0xd50b7c21u /* dc cvap, x1 */, 0xd50b7521u /* ic ivau, x1 */})
        expect_nop(word);
}

TEST(SystemSys, PrivilegedOperationsAreUndefined) {
    expect_undefined({
        0xd508751fu,  // ic iallu
        0xd5087621u,  // dc ivac, x1
        0xd508871fu,  // tlbi vmalle1
        0xd5087801u,  // at s1e1r, x1
        0xd52b7420u,  // sysl x0, #3, c7, c4, #1
    });
}

TEST(SystemRegister, NzcvFpcrFpsrTpidr) {
    CpuState s = test::make_state();
    s.nzcv = test::Z | test::C;
    s.fpcr = 0x03c00000;
    s.fpsr = 0x0800009f;
    s.tpidr_el0 = 0x0000ffffdeadb000;
    s.tpidrro_el0 = 0x1234;
    EXPECT_EQ(run(0xd53b4200u /* mrs x0, nzcv */, s).x[0], 0x60000000u);
    EXPECT_EQ(run(0xd53b4400u /* mrs x0, fpcr */, s).x[0], 0x03c00000u);
    EXPECT_EQ(run(0xd53b4420u /* mrs x0, fpsr */, s).x[0], 0x0800009fu);
    EXPECT_EQ(run(0xd53bd040u /* mrs x0, tpidr_el0 */, s).x[0], 0x0000ffffdeadb000u);
    EXPECT_EQ(run(0xd53bd060u /* mrs x0, tpidrro_el0 */, s).x[0], 0x1234u);
    EXPECT_EQ(run(0xd53b421fu /* mrs xzr, nzcv */, s).pc, kPc + 4);

    s.x[1] = 0xffffffff9fffffff;
    EXPECT_EQ(run(0xd51b4201u /* msr nzcv, x1 */, s).nzcv, 0x90000000u);
    // Only the FPCR and FPSR bits this core implements can be set.
    s.x[1] = 0xffffffff02c00000;
    EXPECT_EQ(run(0xd51b4401u /* msr fpcr, x1 */, s).fpcr, 0x02c00000u);
    s.x[1] = ~0ull;
    EXPECT_EQ(run(0xd51b4401u /* msr fpcr, x1 */, s).fpcr, 0x07c00000u);
    s.x[1] = 0x8000001f;
    EXPECT_EQ(run(0xd51b4421u /* msr fpsr, x1 */, s).fpsr, 0x1fu);
    s.x[1] = ~0ull;
    EXPECT_EQ(run(0xd51b4421u /* msr fpsr, x1 */, s).fpsr, 0x0800009fu);
    s.x[1] = 0xfedcba9876543210;
    EXPECT_EQ(run(0xd51bd041u /* msr tpidr_el0, x1 */, s).tpidr_el0, 0xfedcba9876543210u);
}

// MSR NZCV keeps only bits 31:28 (the rest of the register is RES0), also for
// an MRS in the same block, which the passes forward the written value to.
TEST(SystemRegister, MsrNzcvThenMrsInOneBlockSeesRes0BitsClear) {
    const std::vector<uint32_t> words = {0xd51b4201u /* msr nzcv, x1 */, 0xd53b4202u /* mrs x2, nzcv */};
    ir::Block block = a64::translate_block(kPc, [&](uint64_t pc, uint32_t& word) {
        if (pc < kPc || pc >= kPc + 4 * words.size()) return false;
        word = words[(pc - kPc) / 4];
        return true;
    });
    optimize(block);
    CpuState s = test::make_state();
    s.pc = kPc;
    s.x[1] = 0x59e1dff8;
    interp::run_block(block, s);
    EXPECT_EQ(s.x[2], 0x50000000u);
    EXPECT_EQ(s.nzcv, 0x50000000u);
}

TEST(SystemRegister, CacheAndIdentification) {
    EXPECT_EQ(run(0xd53b00e0u /* mrs x0, dczid_el0 */).x[0], 4u);
    EXPECT_EQ(run(0xd53b0020u /* mrs x0, ctr_el0 */).x[0], 0x8444c004u);
    EXPECT_EQ(run(0xd53be000u /* mrs x0, cntfrq_el0 */).x[0], 62500000u);
    EXPECT_EQ(run(0xd5380000u /* mrs x0, midr_el1 */).x[0], 0x410fd083u);
    EXPECT_EQ(run(0xd53800a0u /* mrs x0, mpidr_el1 */).x[0], 0x80000000u);
    EXPECT_EQ(run(0xd53800c0u /* mrs x0, revidr_el1 */).x[0], 0u);
    EXPECT_EQ(run(0xd5380400u /* mrs x0, id_aa64pfr0_el1 */).x[0], 0x11u);
    // AES+PMULL (2), SHA1 (1), SHA2 (1), CRC32 (1), LSE atomics (2).
    EXPECT_EQ(run(0xd5380600u /* mrs x0, id_aa64isar0_el1 */).x[0], 0x211120u);
    EXPECT_EQ(run(0xd5380620u /* mrs x0, id_aa64isar1_el1 */).x[0], 0u);
    EXPECT_EQ(run(0xd5380700u /* mrs x0, id_aa64mmfr0_el1 */).x[0], 0xff000000u);
    EXPECT_EQ(run(0xd5380500u /* mrs x0, id_aa64dfr0_el1 */).x[0], 6u);
    // Untracked registers in Linux's emulated ID space read as zero.
    EXPECT_EQ(run(0xd5380200u /* mrs x0, id_isar0_el1 */).x[0], 0u);
    EXPECT_EQ(run(0xd53807e0u /* mrs x0, s3_0_c0_c7_7 */).x[0], 0u);
}

TEST(SystemRegister, HwcapMatchesTheIdRegisters) {
    namespace hwcap = cpu::hwcap;
    EXPECT_EQ(cpu::kLinuxHwcap, hwcap::FP | hwcap::ASIMD | hwcap::AES | hwcap::PMULL | hwcap::SHA1 | hwcap::SHA2 |
                                    hwcap::CRC32 | hwcap::ATOMICS | hwcap::CPUID);
    EXPECT_EQ((cpu::kIdAa64Isar0 >> 4) & 0xf, 2u);    // AES + PMULL
    EXPECT_EQ((cpu::kIdAa64Isar0 >> 16) & 0xf, 1u);   // CRC32
    EXPECT_EQ((cpu::kIdAa64Isar0 >> 20) & 0xf, 2u);   // LSE
    EXPECT_EQ((cpu::kIdAa64Pfr0 >> 16) & 0xff, 0u);   // FP and AdvSIMD implemented
}

TEST(SystemRegister, VirtualCounterFollowsTheHostClock) {
    auto now_ticks = [] {
        timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000 + static_cast<uint64_t>(ts.tv_nsec)) / 16;
    };
    const uint64_t before = now_ticks();
    const uint64_t first = run(0xd53be040u /* mrs x0, cntvct_el0 */).x[0];
    const uint64_t second = run(0xd53be020u /* mrs x0, cntpct_el0 */).x[0];
    const uint64_t after = now_ticks();
    EXPECT_LE(before, first);
    EXPECT_LE(first, second);
    EXPECT_LE(second, after);
}

// Registers EL0 may not touch: the translator emits ReadSysReg/WriteSysReg,
// which raise UNDEF at the instruction when they run.
TEST(SystemRegister, OtherRegistersAreUndefinedWhenAccessed) {
    const ir::Block mrs = a64::translate_one(kPc, 0xd5381000u /* mrs x0, sctlr_el1 */);
    ASSERT_FALSE(mrs.insts.empty());
    EXPECT_EQ(mrs.insts[0].op, ir::Opcode::ReadSysReg);
    EXPECT_EQ(mrs.insts[0].imm0, cpu::sysreg_id(3, 0, 1, 0, 0));
    EXPECT_EQ(mrs.insts[0].imm1, kPc);

    for (uint32_t word : {
             0xd5381000u,  // mrs x0, sctlr_el1
             0xd53b4220u,  // mrs x0, daif
             0xd5384240u,  // mrs x0, currentel
             0xd5380100u,  // mrs x0, id_pfr0_el1 (CRm = 1: not emulated by Linux)
             0xd5380020u,  // mrs x0, s3_0_c0_c0_1
             0xd51bd061u,  // msr tpidrro_el0, x1
             0xd51b4221u,  // msr daif, x1
             0xd51be001u,  // msr cntfrq_el0, x1
         }) {
        SCOPED_TRACE(testing::Message() << "word 0x" << std::hex << word);
        CpuState s = test::make_state();
        s.pc = 0x40000;
        s.x[0] = 0x55;
        EngineOptions options;
        options.mode = ExecMode::Interpreter;
        Engine engine(s, [&](uint64_t pc, uint32_t& w) {
            w = pc == 0x40000 ? word : 0xd4000001u /* svc #0 */;
            return true;
        }, options);
        EXPECT_EQ(engine.run(), ExitReason::Undefined);
        EXPECT_EQ(s.pc, 0x40000u);
        EXPECT_EQ(s.x[0], 0x55u);
    }
}

}  // namespace
}  // namespace ferry
