// GICv3 behaviour from the architecture specification (IHI 0069): the
// distributor and redistributor registers Linux programs, the redistributor
// wake handshake, and the ICC_* CPU interface (acknowledge, end of interrupt,
// priority mask, preemption, split deactivation, SGIs).
#include <gtest/gtest.h>
#include <libfdt.h>

#include "ir/cpu_features.h"
#include "system/devices/gicv3.h"
#include "system/virt/fdt.h"

namespace ferry::system {
namespace {

constexpr uint64_t GICD_CTLR = 0x0000, GICD_TYPER = 0x0004, GICD_IGROUPR = 0x080, GICD_ISENABLER = 0x100,
                   GICD_ICENABLER = 0x180, GICD_ISPENDR = 0x200, GICD_ICPENDR = 0x280, GICD_ISACTIVER = 0x300,
                   GICD_IPRIORITYR = 0x400, GICD_ICFGR = 0xC00, GICD_IROUTER = 0x6000, GICD_PIDR2 = 0xFFE8;
constexpr uint64_t GICR_TYPER = 0x0008, GICR_WAKER = 0x0014, GICR_PIDR2 = 0xFFE8, SGI_BASE = 0x10000;
constexpr uint64_t GICR_IGROUPR0 = SGI_BASE + 0x080, GICR_ISENABLER0 = SGI_BASE + 0x100,
                   GICR_ISPENDR0 = SGI_BASE + 0x200, GICR_IPRIORITYR = SGI_BASE + 0x400,
                   GICR_ICFGR0 = SGI_BASE + 0xC00;

constexpr uint32_t icc(unsigned crm, unsigned op2) { return cpu::sysreg_id(3, 0, 12, crm, op2); }
constexpr uint32_t ICC_PMR_EL1 = cpu::sysreg_id(3, 0, 4, 6, 0), ICC_IAR0_EL1 = icc(8, 0), ICC_EOIR0_EL1 = icc(8, 1),
                   ICC_AP1R0_EL1 = icc(9, 0), ICC_DIR_EL1 = icc(11, 1), ICC_RPR_EL1 = icc(11, 3),
                   ICC_SGI1R_EL1 = icc(11, 5), ICC_IAR1_EL1 = icc(12, 0), ICC_EOIR1_EL1 = icc(12, 1),
                   ICC_HPPIR1_EL1 = icc(12, 2), ICC_BPR1_EL1 = icc(12, 3), ICC_CTLR_EL1 = icc(12, 4),
                   ICC_SRE_EL1 = icc(12, 5), ICC_IGRPEN0_EL1 = icc(12, 6), ICC_IGRPEN1_EL1 = icc(12, 7);
constexpr uint32_t ICH_HCR_EL2 = cpu::sysreg_id(3, 4, 12, 11, 0), ICH_VTR_EL2 = cpu::sysreg_id(3, 4, 12, 11, 1);
constexpr uint64_t kEoiMode = 1u << 1;

struct Lines : InterruptTarget {
    bool irq = false, fiq = false;
    void set_line(CpuLine line, bool level) override { (line == CpuLine::Irq ? irq : fiq) = level; }
};

// Set up as Linux's irq-gic-v3 driver does: affinity routing, everything in
// Group 1, both groups enabled, the redistributor awake, PMR wide open.
struct Gicv3Test : ::testing::Test {
    Lines cpu;
    Gicv3 gic;
    MmioDevice& d = gic.distributor();
    MmioDevice& r = gic.redistributor();

    void SetUp() override {
        gic.connect(cpu);
        r.write(GICR_WAKER, 4, 0);
        for (unsigned word = 1; word < Gicv3::kNumIrqs / 32; ++word) d.write(GICD_IGROUPR + 4 * word, 4, ~0u);
        r.write(GICR_IGROUPR0, 4, ~0u);
        d.write(GICD_CTLR, 4, 0x13);  // ARE, EnableGrp1, EnableGrp0
        sysreg_write(ICC_PMR_EL1, 0xF0);
        sysreg_write(ICC_IGRPEN1_EL1, 1);
    }
    uint64_t sysreg(uint32_t id) {
        uint64_t value = 0;
        EXPECT_TRUE(gic.read_sysreg(id, value));
        return value;
    }
    void sysreg_write(uint32_t id, uint64_t value) { EXPECT_TRUE(gic.write_sysreg(id, value)); }
    // Sets the priority and enables the interrupt in the frame that owns it
    // (the registers sit at the same offsets in both).
    void enable(unsigned id, uint8_t priority) {
        MmioDevice& frame = id < 32 ? r : d;
        const uint64_t base = id < 32 ? SGI_BASE : 0;
        frame.write(base + GICD_IPRIORITYR + id, 1, priority);
        frame.write(base + GICD_ISENABLER + id / 32 * 4, 4, 1u << (id % 32));
    }
    uint64_t ack() { return sysreg(ICC_IAR1_EL1); }
    void eoi(uint64_t id) { sysreg_write(ICC_EOIR1_EL1, id); }
};

TEST_F(Gicv3Test, IdentificationAndTypeRegisters) {
    EXPECT_EQ(d.read(GICD_PIDR2, 4), 0x3Bu);
    EXPECT_EQ(r.read(GICR_PIDR2, 4), 0x3Bu);
    EXPECT_EQ(d.read(GICD_TYPER, 4) & 0x1F, 8u);      // 288 INTIDs
    EXPECT_EQ(d.read(GICD_CTLR, 4) & 0x50, 0x50u);    // ARE and DS read as one
    EXPECT_EQ(r.read(GICR_TYPER, 8), 0x10u);          // Last, affinity 0.0.0.0
    EXPECT_EQ(sysreg(ICC_SRE_EL1), 7u);
    EXPECT_EQ(sysreg(ICC_CTLR_EL1) >> 8 & 7, 4u);     // 5 priority bits
}

TEST_F(Gicv3Test, RedistributorWakeHandshake) {
    Gicv3 fresh;
    MmioDevice& rd = fresh.redistributor();
    EXPECT_EQ(rd.read(GICR_WAKER, 4), 0x6u);  // ProcessorSleep and ChildrenAsleep at reset
    rd.write(GICR_WAKER, 4, 0);
    EXPECT_EQ(rd.read(GICR_WAKER, 4), 0u);    // awake at once
    rd.write(GICR_WAKER, 4, 2);
    EXPECT_EQ(rd.read(GICR_WAKER, 4), 0x6u);
}

TEST_F(Gicv3Test, LevelSpiAcknowledgeAndEoi) {
    enable(33, 0x80);
    EXPECT_FALSE(cpu.irq);
    gic.set_spi(1, true);
    EXPECT_TRUE(cpu.irq);
    EXPECT_EQ(sysreg(ICC_HPPIR1_EL1), 33u);
    EXPECT_EQ(ack(), 33u);
    EXPECT_FALSE(cpu.irq);  // active: no longer signalled
    EXPECT_EQ(sysreg(ICC_RPR_EL1), 0x80u);
    EXPECT_EQ(sysreg(ICC_AP1R0_EL1), 1u << (0x80 >> 3));
    EXPECT_EQ(d.read(GICD_ISACTIVER + 4, 4), 1u << 1);
    EXPECT_EQ(d.read(GICD_ISPENDR + 4, 4), 1u << 1);  // line still high: active and pending
    eoi(33);
    EXPECT_EQ(sysreg(ICC_RPR_EL1), 0xFFu);
    EXPECT_TRUE(cpu.irq);  // still asserted by the device
    gic.set_spi(1, false);
    EXPECT_FALSE(cpu.irq);
    EXPECT_EQ(ack(), Gicv3::kSpurious);
}

TEST_F(Gicv3Test, DisabledOrUnroutedInterruptIsNotSignalled) {
    gic.set_spi(5, true);
    EXPECT_FALSE(cpu.irq);
    EXPECT_EQ(ack(), Gicv3::kSpurious);
    enable(37, 0);
    EXPECT_TRUE(cpu.irq);
    d.write(GICD_IROUTER + 8 * 37, 8, 0x0100);  // to affinity 0.0.1.0: no such CPU
    EXPECT_FALSE(cpu.irq);
    d.write(GICD_IROUTER + 8 * 37 + 4, 4, 0);
    d.write(GICD_IROUTER + 8 * 37, 4, 1u << 31);  // any CPU
    EXPECT_TRUE(cpu.irq);
    d.write(GICD_ICENABLER + 4, 4, 1u << 5);
    EXPECT_FALSE(cpu.irq);
}

TEST_F(Gicv3Test, DistributorOwnsOnlySpisAndRedistributorOnlyPrivateInterrupts) {
    d.write(GICD_ISENABLER, 4, ~0u);  // RAZ/WI with affinity routing
    EXPECT_EQ(d.read(GICD_ISENABLER, 4), 0u);
    EXPECT_EQ(r.read(GICR_ISENABLER0, 4), 0u);
    r.write(GICR_ISENABLER0, 4, 1u << 27);
    EXPECT_EQ(r.read(GICR_ISENABLER0, 4), 1u << 27);
    r.write(GICR_IPRIORITYR + 27, 1, 0xA7);
    EXPECT_EQ(r.read(GICR_IPRIORITYR + 24, 4), 0xA0u << 24);  // 5 bits kept
    EXPECT_EQ(r.read(GICR_ICFGR0, 4), 0xAAAAAAAAu);           // SGIs edge-triggered
    r.write(GICR_ICFGR0, 4, 0);
    EXPECT_EQ(r.read(GICR_ICFGR0, 4), 0xAAAAAAAAu);
}

TEST_F(Gicv3Test, TimerPpiThroughTheRedistributor) {
    enable(27, 0xA0);
    gic.set_ppi(11, true);  // EL1 virtual timer
    EXPECT_TRUE(cpu.irq);
    EXPECT_EQ(ack(), 27u);
    gic.set_ppi(11, false);
    eoi(27);
    EXPECT_FALSE(cpu.irq);
}

TEST_F(Gicv3Test, PriorityMaskHoldsBackLowerPriorities) {
    enable(40, 0x80);
    sysreg_write(ICC_PMR_EL1, 0x80);
    EXPECT_EQ(sysreg(ICC_PMR_EL1), 0x80u);
    gic.set_spi(8, true);
    EXPECT_FALSE(cpu.irq);  // priority must be strictly higher (lower value) than PMR
    EXPECT_EQ(ack(), Gicv3::kSpurious);
    sysreg_write(ICC_PMR_EL1, 0x88);
    EXPECT_TRUE(cpu.irq);
    sysreg_write(ICC_PMR_EL1, 0x07);  // the low three bits are not implemented
    EXPECT_EQ(sysreg(ICC_PMR_EL1), 0u);
}

TEST_F(Gicv3Test, HigherPriorityPreemptsAndEoiDropsInnermostFirst) {
    enable(40, 0x80);
    enable(41, 0x40);
    gic.set_spi(8, true);
    EXPECT_EQ(ack(), 40u);
    EXPECT_FALSE(cpu.irq);
    gic.set_spi(9, true);
    EXPECT_TRUE(cpu.irq);  // 0x40 preempts running priority 0x80
    EXPECT_EQ(ack(), 41u);
    EXPECT_EQ(sysreg(ICC_RPR_EL1), 0x40u);
    gic.set_spi(9, false);
    eoi(41);
    EXPECT_EQ(sysreg(ICC_RPR_EL1), 0x80u);
    gic.set_spi(8, false);
    eoi(40);
    EXPECT_EQ(sysreg(ICC_RPR_EL1), 0xFFu);
}

TEST_F(Gicv3Test, SamePriorityDoesNotPreempt) {
    enable(40, 0x80);
    enable(41, 0x80);
    gic.set_spi(8, true);
    EXPECT_EQ(ack(), 40u);
    gic.set_spi(9, true);
    EXPECT_FALSE(cpu.irq);
    EXPECT_EQ(sysreg(ICC_HPPIR1_EL1), 41u);  // pending, waiting for the running priority to drop
    eoi(40);
    EXPECT_TRUE(cpu.irq);
}

TEST_F(Gicv3Test, BinaryPointGroupsPriorities) {
    enable(40, 0x90);
    enable(41, 0x80);
    sysreg_write(ICC_BPR1_EL1, 0);
    EXPECT_EQ(sysreg(ICC_BPR1_EL1), 3u);  // the minimum with 5 priority bits
    sysreg_write(ICC_BPR1_EL1, 7);        // group priority = bit 7: 0x90 and 0x80 share a level
    gic.set_spi(8, true);
    EXPECT_EQ(ack(), 40u);
    gic.set_spi(9, true);
    EXPECT_FALSE(cpu.irq);
}

TEST_F(Gicv3Test, SplitPriorityDropAndDeactivation) {
    sysreg_write(ICC_CTLR_EL1, kEoiMode);
    enable(42, 0x20);
    gic.set_spi(10, true);
    EXPECT_EQ(ack(), 42u);
    gic.set_spi(10, false);
    eoi(42);
    EXPECT_EQ(sysreg(ICC_RPR_EL1), 0xFFu);           // priority dropped
    EXPECT_EQ(d.read(GICD_ISACTIVER + 4, 4), 1u << 10);  // still active
    gic.set_spi(10, true);
    EXPECT_FALSE(cpu.irq);
    sysreg_write(ICC_DIR_EL1, 42);
    EXPECT_EQ(d.read(GICD_ISACTIVER + 4, 4), 0u);
    EXPECT_TRUE(cpu.irq);
}

TEST_F(Gicv3Test, EdgeSpiLatchesAndPendingRegistersClearIt) {
    d.write(GICD_ICFGR + 8, 4, 2u << 2);  // INTID 33 edge-triggered
    enable(33, 0);
    gic.set_spi(1, true);
    gic.set_spi(1, false);
    EXPECT_TRUE(cpu.irq);  // latched by the rising edge
    d.write(GICD_ICPENDR + 4, 4, 1u << 1);
    EXPECT_FALSE(cpu.irq);
    d.write(GICD_ISPENDR + 4, 4, 1u << 1);
    EXPECT_EQ(ack(), 33u);
    eoi(33);
    EXPECT_FALSE(cpu.irq);
}

TEST_F(Gicv3Test, Sgi1rToSelf) {
    enable(3, 0x10);
    sysreg_write(ICC_SGI1R_EL1, uint64_t{3} << 24 | 1);  // INTID 3, Aff1 0, TargetList = Aff0 0
    EXPECT_TRUE(cpu.irq);
    EXPECT_EQ(r.read(GICR_ISPENDR0, 4), 1u << 3);
    EXPECT_EQ(ack(), 3u);
    eoi(3);
    EXPECT_FALSE(cpu.irq);
    sysreg_write(ICC_SGI1R_EL1, uint64_t{3} << 24 | 2);            // Aff0 1: another CPU
    sysreg_write(ICC_SGI1R_EL1, uint64_t{3} << 24 | uint64_t{1} << 40);  // IRM: every other CPU
    EXPECT_FALSE(cpu.irq);
}

TEST_F(Gicv3Test, GroupZeroIsFiqThroughIar0) {
    d.write(GICD_IGROUPR + 4, 4, ~(1u << 12));  // INTID 44 in Group 0
    enable(44, 0x30);
    gic.set_spi(12, true);
    EXPECT_FALSE(cpu.fiq);  // Group 0 not enabled at the CPU interface
    sysreg_write(ICC_IGRPEN0_EL1, 1);
    EXPECT_TRUE(cpu.fiq);
    EXPECT_FALSE(cpu.irq);
    EXPECT_EQ(ack(), Gicv3::kSpurious);  // IAR1 does not take Group 0
    EXPECT_EQ(sysreg(ICC_IAR0_EL1), 44u);
    gic.set_spi(12, false);
    sysreg_write(ICC_EOIR0_EL1, 44);
    EXPECT_FALSE(cpu.fiq);
    EXPECT_EQ(sysreg(ICC_RPR_EL1), 0xFFu);
}

TEST_F(Gicv3Test, DistributorGroupEnable) {
    enable(40, 0);
    gic.set_spi(8, true);
    d.write(GICD_CTLR, 4, 0x1);  // Group 1 off
    EXPECT_FALSE(cpu.irq);
    d.write(GICD_CTLR, 4, 0x3);
    EXPECT_TRUE(cpu.irq);
    sysreg_write(ICC_IGRPEN1_EL1, 0);
    EXPECT_FALSE(cpu.irq);
}

TEST_F(Gicv3Test, UnknownRegistersAreUndefAndIchRegistersRazWi) {
    uint64_t value = 1;
    EXPECT_FALSE(gic.read_sysreg(ICC_EOIR1_EL1, value));  // write-only
    EXPECT_FALSE(gic.write_sysreg(ICC_IAR1_EL1, 0));       // read-only
    EXPECT_FALSE(gic.read_sysreg(icc(9, 1), value));       // ICC_AP1R1_EL1: not with 5 priority bits
    EXPECT_TRUE(gic.write_sysreg(ICH_HCR_EL2, 1));
    EXPECT_TRUE(gic.read_sysreg(ICH_VTR_EL2, value));
    EXPECT_EQ(value, 0u);
}

// The virt board with gic-version=3: QEMU's addresses and device tree node,
// and the CPU interface reached through the board.
TEST(Gicv3VirtBoard, PlacedAndDescribedAsQemuDoes) {
    VirtBoard board{BoardConfig{128ull << 20, true, false, 3}, [](uint8_t) {}};
    uint64_t value = 0;
    ASSERT_TRUE(board.read(0x08000000 + GICD_PIDR2, 4, value));
    EXPECT_EQ(value, 0x3Bu);
    ASSERT_TRUE(board.read(0x080A0000 + GICR_TYPER, 8, value));
    EXPECT_EQ(value, 0x10u);
    EXPECT_FALSE(board.read(0x08010000, 4, value));  // no GICv2 CPU interface
    EXPECT_TRUE(board.gic_sysreg_read(ICC_SRE_EL1, value));
    EXPECT_EQ(value, 7u);

    const std::vector<uint8_t> tree = build_device_tree(board, {"arm,cortex-a53", PsciMethod::Smc});
    const int gic = fdt_path_offset(tree.data(), "/intc@8000000");
    ASSERT_GE(gic, 0);
    EXPECT_EQ(fdt_node_check_compatible(tree.data(), gic, "arm,gic-v3"), 0);
    auto cells = [&](int node, const char* name) {
        int len = 0;
        const auto* p = static_cast<const fdt32_t*>(fdt_getprop(tree.data(), node, name, &len));
        std::vector<uint32_t> out;
        for (int i = 0; p && i < len / 4; ++i) out.push_back(fdt32_to_cpu(p[i]));
        return out;
    };
    EXPECT_EQ(cells(gic, "reg"), (std::vector<uint32_t>{0, 0x08000000, 0, 0x10000, 0, 0x080A0000, 0, 0xF60000}));
    EXPECT_EQ(cells(gic, "#redistributor-regions"), std::vector<uint32_t>{1});
    EXPECT_EQ(cells(gic, "interrupts"), (std::vector<uint32_t>{1, 9, 4}));  // maintenance PPI with EL2
    const std::vector<uint32_t> timer = cells(fdt_path_offset(tree.data(), "/timer"), "interrupts");
    EXPECT_EQ(timer, (std::vector<uint32_t>{1, 13, 4, 1, 14, 4, 1, 11, 4, 1, 10, 4}));  // no GICv2 CPU mask
}

TEST(Gicv3VirtBoard, NoGicv3RegistersOnAGicv2Board) {
    VirtBoard board{BoardConfig{128ull << 20, false, false, 2}, [](uint8_t) {}};
    uint64_t value = 0;
    EXPECT_FALSE(board.gic_sysreg_read(ICC_SRE_EL1, value));
    EXPECT_FALSE(board.gic_sysreg_write(ICC_PMR_EL1, 0xF0));
}

}  // namespace
}  // namespace ferry::system
