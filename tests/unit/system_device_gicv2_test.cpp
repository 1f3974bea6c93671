// GICv2 behaviour from the architecture specification (IHI 0048B):
// acknowledge, end of interrupt, priority masking and preemption, level and
// edge inputs, SGIs, split deactivation.
#include <gtest/gtest.h>

#include "system/devices/gicv2.h"

namespace ferry::system {
namespace {

constexpr uint64_t GICD_CTLR = 0x000, GICD_TYPER = 0x004, GICD_ISENABLER = 0x100, GICD_ICENABLER = 0x180,
                   GICD_ISPENDR = 0x200, GICD_ICPENDR = 0x280, GICD_ISACTIVER = 0x300, GICD_IPRIORITYR = 0x400,
                   GICD_ICFGR = 0xC00, GICD_SGIR = 0xF00, GICD_IGROUPR = 0x080;
constexpr uint64_t GICC_CTLR = 0x00, GICC_PMR = 0x04, GICC_BPR = 0x08, GICC_IAR = 0x0C, GICC_EOIR = 0x10,
                   GICC_RPR = 0x14, GICC_HPPIR = 0x18, GICC_DIR = 0x1000;

struct Lines : InterruptTarget {
    bool irq = false, fiq = false;
    void set_line(CpuLine line, bool level) override { (line == CpuLine::Irq ? irq : fiq) = level; }
};

struct Gicv2Test : ::testing::Test {
    Lines cpu;
    Gicv2 gic;
    MmioDevice& d = gic.distributor();
    MmioDevice& c = gic.cpu_interface();

    void SetUp() override {
        gic.connect(cpu);
        d.write(GICD_CTLR, 4, 1);
        c.write(GICC_CTLR, 4, 1);
        c.write(GICC_PMR, 4, 0xFF);
    }
    void enable(unsigned id, uint8_t priority) {
        d.write(GICD_IPRIORITYR + id, 1, priority);
        d.write(GICD_ISENABLER + id / 32 * 4, 4, 1u << (id % 32));
    }
    uint32_t ack() { return static_cast<uint32_t>(c.read(GICC_IAR, 4)); }
    void eoi(uint32_t id) { c.write(GICC_EOIR, 4, id); }
};

TEST_F(Gicv2Test, TyperReports288Interrupts) { EXPECT_EQ(d.read(GICD_TYPER, 4) & 0x1F, 8u); }

TEST_F(Gicv2Test, LevelSpiAcknowledgeAndEoi) {
    enable(33, 0x80);
    EXPECT_FALSE(cpu.irq);
    gic.set_spi(1, true);
    EXPECT_TRUE(cpu.irq);
    EXPECT_EQ(c.read(GICC_HPPIR, 4), 33u);
    EXPECT_EQ(ack(), 33u);
    EXPECT_FALSE(cpu.irq);  // active: no longer signalled
    EXPECT_EQ(c.read(GICC_RPR, 4), 0x80u);
    EXPECT_EQ(d.read(GICD_ISACTIVER + 4, 4), 1u << 1);
    EXPECT_EQ(d.read(GICD_ISPENDR + 4, 4), 1u << 1);  // line still high: active and pending
    eoi(33);
    EXPECT_TRUE(cpu.irq);  // still asserted by the device
    gic.set_spi(1, false);
    EXPECT_FALSE(cpu.irq);
    EXPECT_EQ(ack(), Gicv2::kSpurious);
    EXPECT_EQ(c.read(GICC_RPR, 4), 0xFFu);
}

TEST_F(Gicv2Test, DisabledInterruptIsNotSignalled) {
    gic.set_spi(5, true);
    EXPECT_FALSE(cpu.irq);
    EXPECT_EQ(ack(), Gicv2::kSpurious);
    enable(37, 0);
    EXPECT_TRUE(cpu.irq);
    d.write(GICD_ICENABLER + 4, 4, 1u << 5);
    EXPECT_FALSE(cpu.irq);
}

TEST_F(Gicv2Test, DistributorAndCpuInterfaceEnables) {
    enable(40, 0);
    gic.set_spi(8, true);
    d.write(GICD_CTLR, 4, 0);
    EXPECT_FALSE(cpu.irq);
    d.write(GICD_CTLR, 4, 1);
    c.write(GICC_CTLR, 4, 0);
    EXPECT_FALSE(cpu.irq);
    c.write(GICC_CTLR, 4, 1);
    EXPECT_TRUE(cpu.irq);
}

TEST_F(Gicv2Test, PriorityMask) {
    enable(34, 0x80);
    c.write(GICC_PMR, 4, 0x80);  // only priorities strictly higher (lower value) than 0x80
    gic.set_spi(2, true);
    EXPECT_FALSE(cpu.irq);
    EXPECT_EQ(ack(), Gicv2::kSpurious);
    c.write(GICC_PMR, 4, 0x81);
    EXPECT_TRUE(cpu.irq);
    EXPECT_EQ(ack(), 34u);
}

TEST_F(Gicv2Test, HighestPriorityFirstThenLowestId) {
    enable(40, 0x40);
    enable(41, 0x20);
    enable(42, 0x20);
    gic.set_spi(8, true);
    gic.set_spi(9, true);
    gic.set_spi(10, true);
    EXPECT_EQ(ack(), 41u);
}

TEST_F(Gicv2Test, PreemptionNeedsHigherGroupPriority) {
    enable(40, 0x40);
    enable(41, 0x20);
    enable(42, 0x41);
    gic.set_spi(8, true);
    EXPECT_EQ(ack(), 40u);
    gic.set_spi(10, true);
    EXPECT_FALSE(cpu.irq);  // 0x41's group priority (bits [7:1] with BPR 0) is the running 0x40
    gic.set_spi(9, true);
    EXPECT_TRUE(cpu.irq);   // 0x20 preempts
    EXPECT_EQ(ack(), 41u);
    gic.set_spi(9, false);
    gic.set_spi(8, false);
    eoi(41);
    eoi(40);
    EXPECT_EQ(ack(), 42u);
}

TEST_F(Gicv2Test, BinaryPointGroupsPriorities) {
    c.write(GICC_BPR, 4, 5);  // group priority bits [7:6]
    enable(40, 0x40);
    enable(41, 0x50);
    gic.set_spi(8, true);
    EXPECT_EQ(ack(), 40u);
    gic.set_spi(9, true);   // 0x50 has group priority 0x40 too: no preemption
    EXPECT_FALSE(cpu.irq);
}

TEST_F(Gicv2Test, EdgeInterruptLatchesUntilAcknowledged) {
    d.write(GICD_ICFGR + 8, 4, 2u << 0);  // INTID 32 edge-triggered
    enable(32, 0);
    gic.set_spi(0, true);
    gic.set_spi(0, false);
    EXPECT_TRUE(cpu.irq);
    EXPECT_EQ(ack(), 32u);
    EXPECT_EQ(d.read(GICD_ISPENDR + 4, 4) & 1, 0u);
    eoi(32);
    EXPECT_FALSE(cpu.irq);
}

TEST_F(Gicv2Test, SoftwarePendAndClear) {
    enable(50, 0);
    d.write(GICD_ISPENDR + 4, 4, 1u << 18);
    EXPECT_TRUE(cpu.irq);
    d.write(GICD_ICPENDR + 4, 4, 1u << 18);
    EXPECT_FALSE(cpu.irq);
}

TEST_F(Gicv2Test, SgiToSelf) {
    enable(3, 0x10);
    d.write(GICD_SGIR, 4, (2u << 24) | 3);
    EXPECT_TRUE(cpu.irq);
    EXPECT_EQ(ack(), 3u);
    eoi(3);
    d.write(GICD_SGIR, 4, (1u << 24) | 3);  // every other CPU: none
    EXPECT_FALSE(cpu.irq);
    d.write(GICD_SGIR, 4, (0u << 24) | (1u << 16) | 3);  // target list with CPU 0
    EXPECT_EQ(ack(), 3u);
}

TEST_F(Gicv2Test, SgiConfigIsReadOnlyEdge) {
    EXPECT_EQ(d.read(GICD_ICFGR, 4), 0xAAAAAAAAu);
    d.write(GICD_ICFGR, 4, 0);
    EXPECT_EQ(d.read(GICD_ICFGR, 4), 0xAAAAAAAAu);
}

TEST_F(Gicv2Test, TimerPpiThroughBoardNumbering) {
    enable(30, 0xA0);
    gic.set_ppi(14, true);
    EXPECT_EQ(ack(), 30u);
}

TEST_F(Gicv2Test, SplitPriorityDropAndDeactivate) {
    c.write(GICC_CTLR, 4, 1 | (1u << 9));  // EOImode
    enable(33, 0x80);
    gic.set_spi(1, true);
    EXPECT_EQ(ack(), 33u);
    gic.set_spi(1, false);
    eoi(33);  // priority drop only
    EXPECT_EQ(c.read(GICC_RPR, 4), 0xFFu);
    EXPECT_EQ(d.read(GICD_ISACTIVER + 4, 4), 1u << 1);
    c.write(GICC_DIR, 4, 33);
    EXPECT_EQ(d.read(GICD_ISACTIVER + 4, 4), 0u);
}

TEST_F(Gicv2Test, Group1NeedsAckCtlOrFiqForGroup0) {
    d.write(GICD_CTLR, 4, 3);
    c.write(GICC_CTLR, 4, 3);
    d.write(GICD_IGROUPR + 4, 4, 1u << 1);  // INTID 33 in group 1
    enable(33, 0);
    gic.set_spi(1, true);
    EXPECT_TRUE(cpu.irq);
    EXPECT_EQ(ack(), 1022u);
    c.write(GICC_CTLR, 4, 3 | (1u << 2));
    EXPECT_EQ(ack(), 33u);
    eoi(33);
    gic.set_spi(1, false);
    // Group 0 with FIQEn goes to the FIQ line.
    c.write(GICC_CTLR, 4, 3 | (1u << 3));
    enable(34, 0);
    gic.set_spi(2, true);
    EXPECT_TRUE(cpu.fiq);
    EXPECT_FALSE(cpu.irq);
}

}  // namespace
}  // namespace ferry::system
