// Stage 1 translation and the softmmu TLB: walks with 4K, 16K and 64K
// granules, TTBR1 high mappings, translation faults at each level, access
// flag and permission faults with their fault status codes; and through the
// CPU: the MMU switched on by a program, data aborts with ESR and FAR, MMIO,
// and a TLBI that makes a changed descriptor visible.
#include "system_cpu_fixture.h"

#include "system/cpu/mmu.h"

namespace ferry {
namespace {

using system::Access;
using system::WalkResult;
using test::FakeBus;
using test::Machine;
using test::PageTables;
namespace fsc = system::fsc;

constexpr uint64_t kTables = FakeBus::kRamBase + 0x100000;
constexpr uint64_t kMairNormalDevice = 0x00ff;  // attr0 = Normal WB, attr1 = Device-nGnRnE

// TCR_EL1 fields.
constexpr uint64_t tcr_t0(unsigned input_bits, unsigned granule_shift) {
    const uint64_t tg0 = granule_shift == 12 ? 0b00 : granule_shift == 16 ? 0b01 : 0b10;
    return (64 - input_bits) | (tg0 << 14);
}
constexpr uint64_t tcr_t1_4k(unsigned input_bits) { return (uint64_t{64 - input_bits} << 16) | (uint64_t{0b10} << 30); }

struct MmuRig {
    FakeBus bus;
    system::SysRegs regs;
    system::Mmu mmu{regs, bus};

    void enable(uint64_t tcr, uint64_t ttbr0, uint64_t ttbr1 = 0) {
        regs.tcr[1] = tcr;
        regs.ttbr0[1] = ttbr0;
        regs.ttbr1_el1 = ttbr1;
        regs.mair[1] = kMairNormalDevice;
        regs.sctlr[1] = system::kSctlrEl1Reset | system::bits::SCTLR_M;
        mmu.flush_all();
    }
    uint8_t fault(uint64_t va, unsigned el, Access access) {
        const WalkResult w = mmu.walk(va, el);
        return w.ok() ? system::Mmu::permission_fault(w.mapping, access) : w.fault;
    }
};

struct GranuleCase {
    unsigned granule_shift, input_bits, block_level;
};

TEST(SystemCpuMmu, PagesAndBlocksWithEachGranule) {
    for (const GranuleCase c : {GranuleCase{12, 48, 2}, {12, 39, 1}, {14, 47, 2}, {16, 42, 2}, {16, 48, 2}}) {
        SCOPED_TRACE(testing::Message() << "granule " << (1u << c.granule_shift) << ", " << c.input_bits << "-bit VA");
        MmuRig rig;
        PageTables pt(rig.bus, kTables, c.granule_shift, c.input_bits);
        const uint64_t page = uint64_t{1} << c.granule_shift;
        const uint64_t va = (uint64_t{1} << (c.input_bits - 1)) + 5 * page;  // high in the range: every level indexes
        pt.map(va, FakeBus::kRamBase + 0x300000, 3);
        rig.enable(tcr_t0(c.input_bits, c.granule_shift), pt.root);
        WalkResult w = rig.mmu.walk(va + 0x123, 1);
        ASSERT_TRUE(w.ok()) << int(w.fault);
        EXPECT_EQ(w.mapping.pa, FakeBus::kRamBase + 0x300123);
        EXPECT_EQ(w.mapping.level, 3u);

        const unsigned block_shift = c.granule_shift + (c.granule_shift - 3) * (3 - c.block_level);
        const uint64_t block_va = uint64_t{3} << block_shift;
        pt.map(block_va, uint64_t{1} << block_shift, c.block_level);
        w = rig.mmu.walk(block_va + 0x4567, 1);
        ASSERT_TRUE(w.ok()) << int(w.fault);
        EXPECT_EQ(w.mapping.pa, (uint64_t{1} << block_shift) + 0x4567);
        EXPECT_EQ(w.mapping.level, c.block_level);
    }
}

TEST(SystemCpuMmu, Ttbr1MapsTheHighRange) {
    MmuRig rig;
    PageTables low(rig.bus, kTables, 12, 48), high(rig.bus, kTables + 0x80000, 12, 48);
    const uint64_t kernel_va = 0xffff'8000'1234'5000;
    high.map(kernel_va, FakeBus::kRamBase + 0x200000, 3);
    rig.enable(tcr_t0(48, 12) | tcr_t1_4k(48), low.root, high.root);
    const WalkResult w = rig.mmu.walk(kernel_va + 8, 1);
    ASSERT_TRUE(w.ok()) << int(w.fault);
    EXPECT_EQ(w.mapping.pa, FakeBus::kRamBase + 0x200008);
    // Not in either range (bits 63:48 neither all zeros nor all ones).
    EXPECT_EQ(rig.mmu.walk(0x8000'0000'0000'0000, 1).fault, fsc::Translation + 0);
}

TEST(SystemCpuMmu, TranslationFaultReportsItsLevel) {
    const uint64_t va = 0x0000'7654'3210'0000;
    for (unsigned level = 0; level <= 3; ++level) {
        MmuRig rig;
        PageTables pt(rig.bus, kTables, 12, 48);
        if (level > 0) pt.descriptor_at(va, level);  // tables down to `level`, whose descriptor stays invalid
        rig.enable(tcr_t0(48, 12), pt.root);
        EXPECT_EQ(rig.mmu.walk(va, 1).fault, fsc::Translation + level) << "level " << level;
    }
}

TEST(SystemCpuMmu, AccessFlagAndPermissionFaults) {
    MmuRig rig;
    PageTables pt(rig.bus, kTables, 12, 39);
    const uint64_t no_af = 0x10000, read_only = 0x11000, kernel_only = 0x12000, user_rw = 0x13000, user_xn = 0x14000;
    const uint64_t pa = FakeBus::kRamBase + 0x300000;
    pt.map(no_af, pa, 3, 0);
    pt.map(read_only, pa, 3, PageTables::AF | PageTables::ApReadOnly);
    pt.map(kernel_only, pa, 3, PageTables::AF);
    pt.map(user_rw, pa, 3, PageTables::AF | PageTables::ApEl0);
    pt.map(user_xn, pa, 3, PageTables::AF | PageTables::ApEl0 | PageTables::Uxn);
    pt.map(0x20'0000, pa, 2, PageTables::AF | PageTables::ApReadOnly);  // a level 2 block
    rig.enable(tcr_t0(39, 12), pt.root);

    EXPECT_EQ(rig.fault(no_af, 1, Access::Read), fsc::AccessFlag + 3);
    EXPECT_EQ(rig.fault(read_only, 1, Access::Read), 0);
    EXPECT_EQ(rig.fault(read_only, 1, Access::Write), fsc::Permission + 3);
    EXPECT_EQ(rig.fault(0x20'0000, 1, Access::Write), fsc::Permission + 2);
    EXPECT_EQ(rig.fault(kernel_only, 1, Access::Write), 0);
    EXPECT_EQ(rig.fault(kernel_only, 0, Access::Read), fsc::Permission + 3);
    EXPECT_EQ(rig.fault(user_rw, 0, Access::Write), 0);
    EXPECT_EQ(rig.fault(user_rw, 0, Access::Fetch), 0);
    EXPECT_EQ(rig.fault(user_rw, 1, Access::Fetch), fsc::Permission + 3);  // EL0-writable: never privileged-executable
    EXPECT_EQ(rig.fault(user_xn, 0, Access::Fetch), fsc::Permission + 3);
    EXPECT_EQ(rig.fault(user_xn, 1, Access::Read), 0);
}

TEST(SystemCpuMmu, TlbKeepsTranslationsUntilInvalidated) {
    MmuRig rig;
    PageTables pt(rig.bus, kTables, 12, 39);
    const uint64_t va = 0x10000, page_a = FakeBus::kRamBase + 0x300000, page_b = FakeBus::kRamBase + 0x301000;
    const uint64_t slot = pt.map(va, page_a, 3);
    rig.enable(tcr_t0(39, 12), pt.root);
    system::Target t;
    uint8_t fault = 0;
    ASSERT_TRUE(rig.mmu.translate(va + 8, 1, Access::Read, t, fault));
    EXPECT_EQ(t.pa, page_a + 8);
    rig.bus.put64(slot, page_b | PageTables::AF | 3);
    ASSERT_TRUE(rig.mmu.translate(va + 8, 1, Access::Read, t, fault));
    EXPECT_EQ(t.pa, page_a + 8);  // cached
    rig.mmu.flush_page(va);
    ASSERT_TRUE(rig.mmu.translate(va + 8, 1, Access::Read, t, fault));
    EXPECT_EQ(t.pa, page_b + 8);
    EXPECT_EQ(t.host, rig.bus.ram.data() + (page_b - FakeBus::kRamBase) + 8);
}

// ---- Through the CPU -------------------------------------------------------------

// A machine whose program first turns the MMU on (4K granule, 39-bit VAs,
// RAM identity-mapped by 2 MB blocks, the data pages below mapped by pages).
struct MmuMachine {
    static constexpr uint64_t kPageA = FakeBus::kRamBase + 0x300000, kPageB = FakeBus::kRamBase + 0x301000;
    static constexpr uint64_t kDataVa = 0x10000, kUnmappedVa = 0x20000, kReadOnlyVa = 0x30000, kDeviceVa = 0x40000;

    explicit MmuMachine(unsigned granule_shift = 12, unsigned input_bits = 39, ExecMode mode = ExecMode::Interpreter)
        : m({}, {}, mode), pt(m.bus, kTables, granule_shift, input_bits) {
        const unsigned block_shift = granule_shift + (granule_shift - 3);
        for (uint64_t pa = FakeBus::kRamBase; pa < FakeBus::kRamBase + FakeBus::kRamSize; pa += uint64_t{1} << block_shift)
            pt.map(pa, pa, 2);
        m.bus.put64(kPageA, 0xaaaa);
        m.bus.put64(kPageB, 0xbbbb);
        m.vector(1, test::vector::CurrentSpxSync, test::Handler::Exit);
        CpuState& s = m.s();
        s.x[0] = Machine::kVectors;
        s.x[1] = pt.root;
        s.x[2] = tcr_t0(input_bits, granule_shift);
        s.x[3] = kMairNormalDevice;
        s.x[4] = system::kSctlrEl1Reset | system::bits::SCTLR_M;
        s.x[11] = kDataVa;
        s.x[14] = kUnmappedVa;
    }
    void run(std::vector<uint32_t> body) {
        std::vector<uint32_t> words = {
            0xd518c000,  // msr vbar_el1, x0
            0xd518a203,  // msr mair_el1, x3
            0xd5182042,  // msr tcr_el1, x2
            0xd5182001,  // msr ttbr0_el1, x1
            0xd5033fdf,  // isb
            0xd5181004,  // msr sctlr_el1, x4
            0xd5033fdf,  // isb
        };
        words.insert(words.end(), body.begin(), body.end());
        words.insert(words.end(), {test::kExitWords[0], test::kExitWords[1]});
        m.program(words);
        m.run();
    }
    static uint64_t body_pc(unsigned index) { return Machine::kEntry + 4 * (7 + index); }

    Machine m;
    PageTables pt;
};

constexpr uint32_t esr_data_abort_same_el(uint32_t iss) { return (0x25u << 26) | test::kEsrIl | iss; }

TEST(SystemCpuMmu, ProgramTurnsTheMmuOnWithEachGranule) {
    for (auto [granule_shift, input_bits] : {std::pair{12u, 39u}, {14u, 47u}, {16u, 42u}}) {
        SCOPED_TRACE(testing::Message() << "granule " << (1u << granule_shift));
        MmuMachine mm(granule_shift, input_bits);
        mm.m.s().x[11] = MmuMachine::kPageA;  // identity-mapped
        mm.run({0xf9400165 /* ldr x5, [x11] */});
        EXPECT_EQ(mm.m.x(5), 0xaaaau);
        EXPECT_EQ(mm.m.x(20), 0u);
    }
}

TEST(SystemCpuMmu, TlbiMakesAChangedDescriptorVisible) {
    MmuMachine mm;
    const uint64_t slot = mm.pt.map(MmuMachine::kDataVa, MmuMachine::kPageA, 3);
    mm.m.s().x[12] = MmuMachine::kPageB | PageTables::AF | 3;
    mm.m.s().x[13] = slot;
    mm.run({
        0xf9400165,  // ldr x5, [x11]
        0xf90001ac,  // str x12, [x13] (remap kDataVa to page B)
        0xf9400166,  // ldr x6, [x11]
        0xd508871f,  // tlbi vmalle1
        0xd5033f9f,  // dsb sy
        0xd5033fdf,  // isb
        0xf9400167,  // ldr x7, [x11]
    });
    EXPECT_EQ(mm.m.x(5), 0xaaaau);
    EXPECT_EQ(mm.m.x(6), 0xaaaau);  // the TLB still holds the old entry (architecturally allowed)
    EXPECT_EQ(mm.m.x(7), 0xbbbbu);
}

// A TLBI of everything keeps translated kernel (upper-range) code only while
// its page maps the same physical page: a code page remapped to other code
// runs the new code after TLBI VMALLE1, in the interpreter and the JIT.
TEST(SystemCpuMmu, FullTlbiDropsTheCodeOfARemappedKernelPage) {
    constexpr uint64_t kCodeVa = 0xffff'ff80'0000'1000;
    constexpr uint64_t kCodeA = FakeBus::kRamBase + 0x302000, kCodeB = FakeBus::kRamBase + 0x303000;
    for (ExecMode mode : {ExecMode::Interpreter, ExecMode::Jit}) {
        MmuMachine mm(12, 39, mode);
        PageTables high(mm.m.bus, kTables + 0x80000, 12, 39);
        mm.m.program({0xd2800020, 0xd65f03c0}, kCodeA);  // mov x0, #1; ret
        mm.m.program({0xd2800040, 0xd65f03c0}, kCodeB);  // mov x0, #2; ret
        CpuState& s = mm.m.s();
        s.x[2] = tcr_t0(39, 12) | tcr_t1_4k(39);
        s.x[9] = high.root;
        s.x[12] = kCodeB | PageTables::AF | 3;
        s.x[13] = high.map(kCodeVa, kCodeA, 3);
        s.x[15] = kCodeVa;
        mm.run({
            0xd5182029,  // msr ttbr1_el1, x9
            0xd5033fdf,  // isb
            0xd63f01e0,  // blr x15
            0xaa0003e5,  // mov x5, x0
            0xf90001ac,  // str x12, [x13] (kCodeVa now maps kCodeB)
            0xd508871f,  // tlbi vmalle1
            0xd5033f9f,  // dsb sy
            0xd5033fdf,  // isb
            0xd63f01e0,  // blr x15
            0xaa0003e6,  // mov x6, x0
        });
        EXPECT_EQ(mm.m.x(5), 1u);
        EXPECT_EQ(mm.m.x(6), 2u);
        EXPECT_EQ(mm.m.x(20), 0u);  // no exception
    }
}

TEST(SystemCpuMmu, TranslationFaultIsADataAbortWithFar) {
    MmuMachine mm;
    mm.pt.map(MmuMachine::kDataVa, MmuMachine::kPageA, 3);  // makes the level 3 table
    mm.run({0xf94001c8 /* ldr x8, [x14] */});
    EXPECT_EQ(mm.m.x(20), esr_data_abort_same_el(fsc::Translation + 3));
    EXPECT_EQ(mm.m.x(21), MmuMachine::body_pc(0));
    EXPECT_EQ(mm.m.x(23), MmuMachine::kUnmappedVa);
}

TEST(SystemCpuMmu, PermissionFaultOnStoreSetsWnR) {
    MmuMachine mm;
    mm.pt.map(MmuMachine::kReadOnlyVa, MmuMachine::kPageA, 3, PageTables::AF | PageTables::ApReadOnly);
    mm.m.s().x[15] = MmuMachine::kReadOnlyVa + 0x10;
    mm.run({0xf94001e9 /* ldr x9, [x15] */, 0xf90001ec /* str x12, [x15] */});
    constexpr uint32_t kWnR = 1u << 6;
    EXPECT_EQ(mm.m.x(20), esr_data_abort_same_el(kWnR | (fsc::Permission + 3)));
    EXPECT_EQ(mm.m.x(21), MmuMachine::body_pc(1));
    EXPECT_EQ(mm.m.x(23), MmuMachine::kReadOnlyVa + 0x10);
}

TEST(SystemCpuMmu, AccessFlagFault) {
    MmuMachine mm;
    mm.pt.map(MmuMachine::kDataVa, MmuMachine::kPageA, 3, 0);
    mm.run({0xf9400165 /* ldr x5, [x11] */});
    EXPECT_EQ(mm.m.x(20), esr_data_abort_same_el(fsc::AccessFlag + 3));
    EXPECT_EQ(mm.m.x(23), MmuMachine::kDataVa);
}

TEST(SystemCpuMmu, UnalignedDeviceAccessIsAnAlignmentFault) {
    MmuMachine mm;
    mm.pt.map(MmuMachine::kDeviceVa, FakeBus::kMmio & ~uint64_t{0xfff}, 3, PageTables::AF | PageTables::AttrDevice);
    mm.m.bus.mmio_value = 0x1234;
    mm.m.s().x[14] = MmuMachine::kDeviceVa;
    mm.m.s().x[12] = 0x5678;
    mm.m.s().x[11] = MmuMachine::kDeviceVa;
    mm.run({
        0xb94001c9,  // ldr w9, [x14] (MMIO read)
        0xb90001cc,  // str w12, [x14] (MMIO write)
        0xf8401169,  // ldur x9, [x11, #1]: unaligned on Device memory
    });
    EXPECT_EQ(mm.m.bus.mmio_value, 0x5678u);
    EXPECT_EQ(mm.m.x(20), esr_data_abort_same_el(fsc::Alignment));
    EXPECT_EQ(mm.m.x(23), MmuMachine::kDeviceVa + 1);
}

TEST(SystemCpuMmu, AtWritesParEl1) {
    MmuMachine mm;
    mm.pt.map(MmuMachine::kDataVa, MmuMachine::kPageA, 3);
    mm.m.s().x[10] = MmuMachine::kDataVa + 0x18;
    mm.run({
        0xd508780a,  // at s1e1r, x10
        0xd5387408,  // mrs x8, par_el1
        0xd508780e,  // at s1e1r, x14 (unmapped)
        0xd5387409,  // mrs x9, par_el1
    });
    EXPECT_EQ(mm.m.x(8), (uint64_t{0xff} << 56) | MmuMachine::kPageA | (1u << 11));
    EXPECT_EQ(mm.m.x(9), (1u << 11) | ((fsc::Translation + 3u) << 1) | 1u);
}

}  // namespace
}  // namespace ferry
