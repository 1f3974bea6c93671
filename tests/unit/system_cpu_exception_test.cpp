// The system-mode CPU: reset state, exception entry and return at each EL
// (ESR, ELR, SPSR checked), the EL2 -> EL1 drop of a boot stub, SPSel, DAIF
// masking of an IRQ, HVC/SMC routing, UNDEF of EL1 registers at EL0, and the
// ID registers of each -cpu model.
#include "system_cpu_fixture.h"

#include "ir/cpu_features.h"

namespace ferry {
namespace {

using test::Handler;
using test::kEsrIl;
using test::Machine;
namespace vector = test::vector;

constexpr uint32_t kMsrVbarEl1X0 = 0xd518c000, kMsrVbarEl2X0 = 0xd51cc000, kMsrVbarEl3X0 = 0xd51ec000;
constexpr uint32_t kMovX1One = 0xd2800021, kEret = 0xd69f03e0;
constexpr uint32_t kExit0 = test::kExitWords[0], kExit1 = test::kExitWords[1];

constexpr uint32_t esr(uint32_t ec, uint32_t iss) { return (ec << 26) | kEsrIl | iss; }

system::SystemCpuConfig with_els(bool el2, bool el3) {
    system::SystemCpuConfig c;
    c.has_el2 = el2;
    c.has_el3 = el3;
    return c;
}

TEST(SystemCpuException, ResetsAtHighestElWithSpxAndDaifMasked) {
    for (auto [el2, el3, want_el] : {std::tuple{false, false, 1u}, {true, false, 2u}, {false, true, 3u}, {true, true, 3u}}) {
        Machine m(with_els(el2, el3));
        m.program({0xd5384241 /* mrs x1, CurrentEL */, 0xd53b4223 /* mrs x3, DAIF */, 0xd5384204 /* mrs x4, SPSel */,
                   kExit0, kExit1});
        m.run();
        EXPECT_EQ(m.x(1), want_el << 2);
        EXPECT_EQ(m.x(3), 0x3c0u);
        EXPECT_EQ(m.x(4), 1u);
    }
}

// The boot stub of a firmware developer: HCR_EL2.RW, SPSR_EL2 = 0x3c5, ELR_EL2, ERET.
TEST(SystemCpuException, El2DropsToEl1hWithDaifMasked) {
    Machine m(with_els(true, false));
    m.program({
        0xd5384240,  // mrs x0, CurrentEL
        0xd2b00001,  // mov x1, #0x80000000
        0xd51c1101,  // msr hcr_el2, x1
        0xd28078a1,  // mov x1, #0x3c5
        0xd51c4001,  // msr spsr_el2, x1
        0x10000061,  // adr x1, el1
        0xd51c4021,  // msr elr_el2, x1
        kEret,
        0xd5384242,  // el1: mrs x2, CurrentEL
        0xd53b4223,  // mrs x3, DAIF
        0xd5384204,  // mrs x4, SPSel
        kExit0, kExit1,
    });
    m.run();
    EXPECT_EQ(m.x(2), 4u);  // EL1
    EXPECT_EQ(m.x(3), 0x3c0u);
    EXPECT_EQ(m.x(4), 1u);
    EXPECT_EQ(m.cpu->current_el(), 1u);
}

TEST(SystemCpuException, EretToAArch32IsAnIllegalReturn) {
    Machine m(with_els(true, false));
    m.vector(2, vector::CurrentSpxSync, Handler::Exit);
    m.s().x[0] = Machine::kVectors;
    m.program({
        kMsrVbarEl2X0,
        0xd28078a1,  // mov x1, #0x3c5 (EL1h; HCR_EL2.RW = 0 makes EL1 AArch32)
        0xd51c4001,  // msr spsr_el2, x1
        0x10000061,  // adr x1, el1
        0xd51c4021,  // msr elr_el2, x1
        kEret,
        kMovX1One,   // el1: the illegal state exception comes first
        kExit0, kExit1,
    });
    m.run();
    EXPECT_EQ(m.x(20), esr(0x0e, 0));  // Illegal Execution State
    EXPECT_EQ(m.x(21), Machine::kEntry + 0x18);
    EXPECT_EQ(m.x(1), Machine::kEntry + 0x18);  // adr x1, el1 (mov x1 did not run)
    EXPECT_EQ(m.x(22) & (1u << 20), 1u << 20);  // SPSR.IL
    EXPECT_EQ(m.cpu->current_el(), 2u);
}

TEST(SystemCpuException, SvcRoundTripAtEl1) {
    Machine m;
    m.vector(1, vector::CurrentSpxSync, Handler::Return);
    m.s().x[0] = Machine::kVectors;
    m.program({kMsrVbarEl1X0, 0xd4000841 /* svc #0x42 */, kMovX1One, kExit0, kExit1});
    m.run();
    EXPECT_EQ(m.x(20), esr(0x15, 0x42));
    EXPECT_EQ(m.x(21), Machine::kEntry + 8);
    EXPECT_EQ(m.x(22), 0x3c5u);  // EL1h, DAIF masked
    EXPECT_EQ(m.x(1), 1u);
}

// EL1 drops to EL0 (SPSR_EL1 = 0), which runs `words`; lower-EL synchronous
// exceptions go to handler h.
Machine& run_at_el0(Machine& m, const std::vector<uint32_t>& words, Handler h) {
    constexpr uint64_t kEl0Code = Machine::kEntry + 0x100;
    m.vector(1, vector::LowerSync, h);
    m.s().x[0] = Machine::kVectors;
    m.s().x[1] = 0;
    m.s().x[2] = kEl0Code;
    m.program({kMsrVbarEl1X0, 0xd5184001 /* msr spsr_el1, x1 */, 0xd5184022 /* msr elr_el1, x2 */, kEret});
    m.program(words, kEl0Code);
    m.run();
    return m;
}

TEST(SystemCpuException, SvcFromEl0TakenToEl1AndReturns) {
    Machine m;
    run_at_el0(m, {0xd4000841 /* svc #0x42 */, kMovX1One, kExit0, kExit1}, Handler::Return);
    EXPECT_EQ(m.x(20), esr(0x15, 0x42));
    EXPECT_EQ(m.x(21), Machine::kEntry + 0x104);
    EXPECT_EQ(m.x(22), 0u);  // EL0t, nothing masked
    EXPECT_EQ(m.x(1), 1u);
    EXPECT_EQ(m.cpu->current_el(), 0u);
}

TEST(SystemCpuException, El1RegistersAreUndefinedAtEl0) {
    for (uint32_t word : {0xd5381001u /* mrs x1, sctlr_el1 */, 0xd5181004u /* msr sctlr_el1, x4 */,
                          0xd5380001u /* mrs x1, midr_el1 */, 0xd50041bfu /* msr spsel, #1 */,
                          0xd4000862u /* hvc #0x43 */, 0xd69f03e0u /* eret */}) {
        SCOPED_TRACE(testing::Message() << std::hex << word);
        Machine m;
        run_at_el0(m, {word, kExit0, kExit1}, Handler::Exit);
        EXPECT_EQ(m.x(20), esr(0, 0));
        EXPECT_EQ(m.x(21), Machine::kEntry + 0x100);
    }
}

TEST(SystemCpuException, DisabledEl0TimerAccessTrapsWithSysRegSyndrome) {
    Machine m;  // CNTKCTL_EL1 = 0: EL0 may not read CNTVCT_EL0
    run_at_el0(m, {0xd53be043 /* mrs x3, cntvct_el0 */, kExit0, kExit1}, Handler::Exit);
    // EC 0x18: Op0 = 3, Op2 = 2, Op1 = 3, CRn = 14, Rt = 3, CRm = 0, read.
    EXPECT_EQ(m.x(20), esr(0x18, (3u << 20) | (2u << 17) | (3u << 14) | (14u << 10) | (3u << 5) | 1));
}

TEST(SystemCpuException, BrkAtEl1) {
    Machine m;
    m.vector(1, vector::CurrentSpxSync, Handler::Exit);
    m.s().x[0] = Machine::kVectors;
    m.program({kMsrVbarEl1X0, 0xd42008a0 /* brk #0x45 */, kExit0, kExit1});
    m.run();
    EXPECT_EQ(m.x(20), esr(0x3c, 0x45));
    EXPECT_EQ(m.x(21), Machine::kEntry + 4);
}

TEST(SystemCpuException, UnalignedStoreExclusiveIsAWriteAlignmentFault) {
    // ExclusiveMonitorsPass checks alignment first and reports it as a write.
    Machine m;
    m.vector(1, vector::CurrentSpxSync, Handler::Exit);
    m.s().x[0] = Machine::kVectors;
    m.s().x[11] = test::FakeBus::kRamBase + 0x20001;
    m.program({kMsrVbarEl1X0, 0xc8017d65 /* stxr w1, x5, [x11] */, kExit0, kExit1});
    m.run();
    EXPECT_EQ(m.x(20), esr(0x25, 0x21 | (1u << 6)));  // data abort, alignment, WnR
    EXPECT_EQ(m.x(21), Machine::kEntry + 4);
    EXPECT_EQ(m.x(23), test::FakeBus::kRamBase + 0x20001);
}

TEST(SystemCpuException, HvcTakenToEl2) {
    Machine m(with_els(true, false));
    m.vector(2, vector::CurrentSpxSync, Handler::Return);
    m.s().x[0] = Machine::kVectors;
    m.program({kMsrVbarEl2X0, 0xd4000862 /* hvc #0x43 */, kMovX1One, kExit0, kExit1});
    m.run();
    EXPECT_EQ(m.x(20), esr(0x16, 0x43));
    EXPECT_EQ(m.x(21), Machine::kEntry + 8);
    EXPECT_EQ(m.x(22), 0x3c9u);  // EL2h
    EXPECT_EQ(m.x(1), 1u);
}

TEST(SystemCpuException, HvcWithoutEl2IsUndefined) {
    Machine m;
    m.vector(1, vector::CurrentSpxSync, Handler::Exit);
    m.s().x[0] = Machine::kVectors;
    m.program({kMsrVbarEl1X0, 0xd4000862 /* hvc #0x43 */, kExit0, kExit1});
    m.run();
    EXPECT_EQ(m.x(20), esr(0, 0));
    EXPECT_EQ(m.x(21), Machine::kEntry + 4);
}

TEST(SystemCpuException, BoardTakesHvcCalls) {
    system::SystemCpuCallbacks callbacks;
    uint16_t seen_imm = 0;
    callbacks.call = [&](CpuState& s, system::CallConduit conduit, uint16_t imm) {
        if (conduit != system::CallConduit::Hvc) return false;
        seen_imm = imm;
        s.x[0] = 0x10001;  // PSCI_VERSION 1.1
        return true;
    };
    Machine m({}, callbacks);
    m.s().x[0] = 0x84000000;
    m.program({0xd4000002 /* hvc #0 */, 0xaa0003e5 /* mov x5, x0 */, kExit0, kExit1});
    m.run();
    EXPECT_EQ(m.x(5), 0x10001u);
    EXPECT_EQ(seen_imm, 0u);
}

TEST(SystemCpuException, SmcTakenToEl3) {
    Machine m(with_els(false, true));
    m.vector(3, vector::CurrentSpxSync, Handler::Return);
    m.s().x[0] = Machine::kVectors;
    m.program({kMsrVbarEl3X0, 0xd4000883 /* smc #0x44 */, kMovX1One, kExit0, kExit1});
    m.run();
    EXPECT_EQ(m.x(20), esr(0x17, 0x44));
    EXPECT_EQ(m.x(21), Machine::kEntry + 8);
    EXPECT_EQ(m.x(1), 1u);
}

TEST(SystemCpuException, SpSelSwitchesBetweenSpEl0AndSpEl1) {
    Machine m;
    m.s().x[1] = 0x1000;
    m.s().x[3] = 0x2000;
    m.program({
        0x9100003f,  // mov sp, x1 (SP_EL1)
        0xd50040bf,  // msr spsel, #0
        0x910003e2,  // mov x2, sp (SP_EL0)
        0x9100007f,  // mov sp, x3
        0xd50041bf,  // msr spsel, #1
        0x910003e4,  // mov x4, sp
        0xd5384105,  // mrs x5, sp_el0
        kExit0, kExit1,
    });
    m.run();
    EXPECT_EQ(m.x(2), 0u);
    EXPECT_EQ(m.x(4), 0x1000u);
    EXPECT_EQ(m.x(5), 0x2000u);
}

TEST(SystemCpuException, PendingIrqWaitsForDaifClear) {
    Machine m;
    m.vector(1, vector::CurrentSpxIrq, Handler::Exit);
    m.s().x[0] = Machine::kVectors;
    m.program({kMsrVbarEl1X0, kMovX1One, 0xd50342ff /* msr daifclr, #2 */, 0xd280002a /* mov x10, #1 */, kExit0,
               kExit1});
    m.cpu->interrupts().set_line(system::CpuLine::Irq, true);
    m.run();
    EXPECT_EQ(m.x(1), 1u);
    EXPECT_EQ(m.x(10), 0u);
    EXPECT_EQ(m.x(20), 0u);  // IRQs leave ESR alone
    EXPECT_EQ(m.x(21), Machine::kEntry + 12);
    EXPECT_EQ(m.x(22), 0x345u);  // EL1h with I clear
}

// The JIT reads SP_EL0 inline while SPSel = 1 and leaves the UNDEF of SPSel = 0 to the reference.
TEST(SystemCpuException, MrsSpEl0ReadsItsBankUnlessItIsTheCurrentStackPointer) {
    for (ExecMode mode : {ExecMode::Interpreter, ExecMode::Jit}) {
        SCOPED_TRACE(mode == ExecMode::Jit ? "jit" : "interpreter");
        Machine m({}, {}, mode);
        m.vectors(1, Handler::Exit);
        m.s().x[0] = Machine::kVectors;
        m.s().x[1] = 0x1000;
        m.s().x[3] = 0x2000;
        m.program({
            kMsrVbarEl1X0,
            0x9100003f,  // mov sp, x1 (SP_EL1)
            0xd50040bf,  // msr spsel, #0
            0x9100007f,  // mov sp, x3 (SP_EL0)
            0xd50041bf,  // msr spsel, #1
            0xd5384105,  // mrs x5, sp_el0
            0xd50040bf,  // msr spsel, #0
            0xd5384106,  // mrs x6, sp_el0: UNDEF
            kExit0, kExit1,
        });
        m.run();
        EXPECT_EQ(m.x(5), 0x2000u);
        EXPECT_EQ(m.x(6), 0u);
        EXPECT_EQ(m.x(20), esr(0, 0));
        EXPECT_EQ(m.x(21), Machine::kEntry + 28);
    }
}

// The register form too, and in the JIT, where only a pending interrupt makes the write leave translated code.
TEST(SystemCpuException, PendingIrqIsTakenAfterMsrDaifUnmasksIt) {
    for (ExecMode mode : {ExecMode::Interpreter, ExecMode::Jit}) {
        Machine m({}, {}, mode);
        m.vector(1, vector::CurrentSpxIrq, Handler::Exit);
        m.s().x[0] = Machine::kVectors;
        m.s().x[2] = 0;  // D, A, I and F clear
        m.program({kMsrVbarEl1X0, kMovX1One, 0xd51b4222 /* msr daif, x2 */, 0xd280002a /* mov x10, #1 */, kExit0,
                   kExit1});
        m.cpu->interrupts().set_line(system::CpuLine::Irq, true);
        m.run();
        EXPECT_EQ(m.x(1), 1u);
        EXPECT_EQ(m.x(10), 0u);
        EXPECT_EQ(m.x(21), Machine::kEntry + 12);
    }
}

TEST(SystemCpuException, MaskedIrqIsNotTaken) {
    Machine m;
    m.vector(1, vector::CurrentSpxIrq, Handler::Exit);
    m.s().x[0] = Machine::kVectors;
    m.program({kMsrVbarEl1X0, kMovX1One, 0xd280002a /* mov x10, #1 */, kExit0, kExit1});
    m.cpu->interrupts().set_line(system::CpuLine::Irq, true);
    m.run();
    EXPECT_EQ(m.x(10), 1u);
    EXPECT_EQ(m.x(21), 0u);
}

TEST(SystemCpuException, WfiWakesOnInterruptLine) {
    Machine m;
    m.program({0xd503207f /* wfi */, kMovX1One, kExit0, kExit1});
    std::thread raiser([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        m.cpu->interrupts().set_line(system::CpuLine::Irq, true);  // masked: wakes the WFI only
    });
    m.run();
    raiser.join();
    EXPECT_EQ(m.x(1), 1u);
}

TEST(SystemCpuException, WfeAfterSevlReturnsAtOnce) {
    // SEVL sets the event register; the WFE consumes it instead of sleeping
    // (nothing else would ever wake this run).
    Machine m;
    m.program({0xd50320bf /* sevl */, 0xd503205f /* wfe */, kMovX1One, kExit0, kExit1});
    m.run();
    EXPECT_EQ(m.x(1), 1u);
}

TEST(SystemCpuException, WfeSleepsUntilAnInterruptLine) {
    Machine m;
    m.program({0xd503205f /* wfe */, kMovX1One, kExit0, kExit1});
    std::thread raiser([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        m.cpu->interrupts().set_line(system::CpuLine::Irq, true);  // masked: wakes the WFE only
    });
    m.run();
    raiser.join();
    EXPECT_EQ(m.x(1), 1u);
}

struct ModelIds {
    const char* name;
    uint64_t midr, mmfr0, isar0;
};

TEST(SystemCpuException, IdRegistersPerModel) {
    const ModelIds models[] = {
        {"cortex-a53", 0x410fd034, 0x00001122, 0x00011120},
        {"cortex-a57", 0x411fd070, 0x00001124, 0x00011120},
        {"cortex-a72", 0x410fd083, 0x00001124, 0x00011120},
        {"max", cpu::kMidr, 0x00100025, cpu::kIdAa64Isar0},
    };
    for (const ModelIds& model : models) {
        SCOPED_TRACE(model.name);
        system::SystemCpuConfig config;
        config.model = *system::parse_cpu_model(model.name);
        config.has_el2 = true;
        Machine m(config);
        m.program({0xd5380001 /* mrs x1, midr_el1 */, 0xd5380702 /* mrs x2, id_aa64mmfr0_el1 */,
                   0xd5380603 /* mrs x3, id_aa64isar0_el1 */, 0xd5380404 /* mrs x4, id_aa64pfr0_el1 */,
                   0xd53800a5 /* mrs x5, mpidr_el1 */, kExit0, kExit1});
        m.run();
        EXPECT_EQ(m.x(1), model.midr);
        EXPECT_EQ(m.x(2), model.mmfr0);
        EXPECT_EQ(m.x(3), model.isar0);
        EXPECT_EQ(m.x(4), 0x111u);  // EL0, EL1, EL2 AArch64; no EL3
        EXPECT_EQ(m.x(5), 0x80000000u);
    }
    EXPECT_FALSE(system::parse_cpu_model("cortex-a9"));
}

}  // namespace
}  // namespace ferry
