// The JIT's inline softmmu TLB path (emit_memory.cpp) against the
// interpreter on one small system-mode machine: stage 1 on at EL1 with a
// read-write page, a read-only page, a Device page in front of the fake MMIO
// register and an unmapped page. TLB hits and misses, MMIO, page-crossing
// accesses, precise permission/translation/alignment/external faults, a TLBI
// seen by already-translated code, EL0 after EL1 using its own TLB, and a
// store that rewrites translated code.
// Instruction words were assembled with aarch64-linux-gnu-as.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "system_cpu_fixture.h"

namespace ferry::test {
namespace {

constexpr uint64_t kBody = Machine::kEntry + 0x1000;
constexpr uint64_t kTables = FakeBus::kRamBase + 0x10'0000;
constexpr uint64_t kData = 0x1000'0000;                     // VA of the read-write page
constexpr uint64_t kDataPa = FakeBus::kRamBase + 0x40'0000;
constexpr uint64_t kReadOnly = kData + 0x1000, kDevice = kData + 0x2000, kUnmapped = kData + 0x3000;
constexpr uint64_t kRemapPa = FakeBus::kRamBase + 0x40'4000;

// MAIR_EL1 = 0xff (attr 0 Normal, attr 1 Device-nGnRnE); TCR_EL1: T0SZ 25,
// 4K granule, EPD1; TTBR0_EL1 = kTables; VBAR_EL1 = kVectors; SCTLR_EL1.M;
// then jump to kBody.
const std::vector<uint32_t> kPrologue = {
    0xd2801fe0, 0xd518a200, 0xd2800320, 0xf2a01000, 0xd5182040, 0xd2a80200, 0xd5182000, 0xd2a80020, 0xd518c000,
    0xd5033fdf, 0xd5381000, 0xb2400000, 0xd5181000, 0xd5033fdf, 0xd2a80000, 0x91400400, 0xd61f0000};

struct Outcome {
    CpuState state;
    std::vector<uint8_t> data;  // the read-write page
    uint64_t mmio_value;
};

// Runs body at kBody under the MMU, in mode, after setup(state); EL1
// exceptions record ESR, ELR, SPSR, FAR in x20..x23 and end the run.
template <typename Setup>
Outcome run_program(ExecMode mode, const std::vector<uint32_t>& body, Setup setup) {
    Machine m({}, {}, mode);
    PageTables tables(m.bus, kTables, 12, 39);
    tables.map(FakeBus::kRamBase, FakeBus::kRamBase, 1);
    const uint64_t data_slot = tables.map(kData, kDataPa, 3);
    tables.map(kReadOnly, kDataPa + 0x1000, 3, PageTables::AF | PageTables::ApReadOnly);
    tables.map(kDevice, FakeBus::kMmio, 3, PageTables::AF | PageTables::AttrDevice);
    for (uint64_t i = 0; i < 512; ++i) m.bus.put64(kDataPa + 0x1000 + 8 * i, 0xa0a1a2a3a4a5a6a7 + i);
    m.bus.put64(kRemapPa, 0x5eed);
    m.program(kPrologue);
    m.program(body, kBody);
    m.vectors(1, Handler::Exit);
    setup(m.s(), data_slot);
    m.run();
    const auto* page = &m.bus.ram[kDataPa - FakeBus::kRamBase];
    return {m.s(), std::vector<uint8_t>(page, page + 0x1000), m.bus.mmio_value};
}

Outcome run_program(ExecMode mode, const std::vector<uint32_t>& body) {
    return run_program(mode, body, [](CpuState&, uint64_t) {});
}

void expect_same(const Outcome& jit, const Outcome& interp) {
    for (unsigned r = 0; r < 31; ++r) EXPECT_EQ(jit.state.x[r], interp.state.x[r]) << "x" << r;
    for (unsigned r = 0; r < 32; ++r) EXPECT_EQ(jit.state.v[r], interp.state.v[r]) << "v" << r;
    EXPECT_EQ(jit.data, interp.data);
    EXPECT_EQ(jit.mmio_value, interp.mmio_value);
}

TEST(X64Softmmu, AccessesOfEverySizeMatchTheInterpreter) {
    // x10 = kData; 512 stores of x2 (counting up from 0x1122334455667788)
    // fill the page through the TLB; then loads of 1, 2 (unaligned), 4
    // (unaligned), 8 and 16 bytes, a byte store, 8- and 16-byte loads that
    // cross into the read-only page, an MMIO store and load through the
    // Device page, a pair and a 16-byte store.
    const std::vector<uint32_t> body = {
        0xd2a2000a, 0xd28ef102, 0xf2aaacc2, 0xf2c66882, 0xf2e22442, 0xd2800001, 0xf8217942, 0x91000442, 0x91000421,
        0xf108003f, 0x54ffff81, 0x39400543, 0x78403144, 0xb8405145, 0xf9400546, 0x3dc00540, 0x4e183c07, 0x39200542,
        0xf9440148, 0x913ff151, 0xf9400229, 0x913fe151, 0x3dc00221, 0x4e183c2b, 0x9140094c, 0xf9000182, 0xf940018d,
        0xa9100d42, 0xa9503d4e, 0x3d808141, 0xf9410550, 0xd2800300, 0xd45e0000};
    const Outcome jit = run_program(ExecMode::Jit, body);
    const Outcome interp = run_program(ExecMode::Interpreter, body);
    expect_same(jit, interp);

    const uint64_t first = 0x1122334455667788, last_stored = first + 512;
    EXPECT_EQ(jit.state.x[3], 0x77u);                          // ldrb [x10, #1]
    EXPECT_EQ(jit.state.x[4], 0x4455u);                        // ldurh [x10, #3]
    EXPECT_EQ(jit.state.x[5], (first >> 40 | (first + 1) << 24) & 0xffffffff);  // ldur w [x10, #5]
    EXPECT_EQ(jit.state.x[6], first + 1);
    EXPECT_EQ(jit.state.v[0].lo, first + 2);
    EXPECT_EQ(jit.state.x[7], first + 3);
    EXPECT_EQ(jit.state.x[8], ((first + 256) & ~uint64_t{0xff00}) | (last_stored & 0xff) << 8);
    // 8 bytes at 0xffc: the high half of the page's last word, then the read-only page's first.
    EXPECT_EQ(jit.state.x[9], (first + 511) >> 32 | (0xa0a1a2a3a4a5a6a7 & 0xffffffff) << 32);
    EXPECT_EQ(jit.state.v[1].lo, first + 511);
    EXPECT_EQ(jit.state.x[11], 0xa0a1a2a3a4a5a6a7u);
    EXPECT_EQ(jit.mmio_value, last_stored);
    EXPECT_EQ(jit.state.x[13], last_stored);
    EXPECT_EQ(jit.state.x[14], last_stored);
    EXPECT_EQ(jit.state.x[15], 0x77u);
    EXPECT_EQ(jit.state.x[16], 0xa0a1a2a3a4a5a6a7u);
}

struct FaultCase {
    const char* name;
    std::vector<uint32_t> insns;  // after the common prefix; the last one faults
    uint32_t iss;                 // WnR | fault status code
    uint64_t far;
};

class X64SoftmmuFault : public testing::TestWithParam<FaultCase> {};

// x10 = kData, x12 = kDevice; two stores and a load that hit the TLB, x6 = 8
// (written before the fault: it must be in the state the handler sees).
const std::vector<uint32_t> kFaultPrefix = {0xd2a2000a, 0x9140094c, 0xd28000e5, 0xf9000145,
                                            0xf9000545, 0x910004a6, 0xf9400547};

TEST_P(X64SoftmmuFault, IsPreciseWithTheSyndromeOfTheInterpreter) {
    const FaultCase& c = GetParam();
    std::vector<uint32_t> body = kFaultPrefix;
    body.insert(body.end(), c.insns.begin(), c.insns.end());
    const uint64_t fault_pc = kBody + 4 * (body.size() - 1);
    const Outcome jit = run_program(ExecMode::Jit, body);
    const Outcome interp = run_program(ExecMode::Interpreter, body);
    expect_same(jit, interp);
    constexpr uint32_t kDataAbortSameEl = 0x25u << 26;
    EXPECT_EQ(jit.state.x[20], kDataAbortSameEl | kEsrIl | c.iss);
    EXPECT_EQ(jit.state.x[21], fault_pc);
    EXPECT_EQ(jit.state.x[23], c.far);
    EXPECT_EQ(jit.state.x[6], 8u);
    EXPECT_EQ(jit.state.x[7], 7u);
}

constexpr uint32_t kWnR = 1u << 6;
INSTANTIATE_TEST_SUITE_P(
    Cases, X64SoftmmuFault,
    testing::Values(FaultCase{"StoreToReadOnly", {0xf9080945}, kWnR | 0x0f, kReadOnly + 0x10},       // str x5, [x10, #0x1010]
                    FaultCase{"LoadUnmapped", {0xf9580543}, 0x07, kUnmapped + 8},                     // ldr x3, [x10, #0x3008]
                    FaultCase{"VectorLoadUnmapped", {0x3dcc0143}, 0x07, kUnmapped},                   // ldr q3, [x10, #0x3000]
                    FaultCase{"StoreCrossingIntoReadOnly", {0x913ff14d, 0xf90001a5}, kWnR | 0x0f, kReadOnly},  // str x5, [x10 + 0xffc]
                    FaultCase{"UnalignedDevice", {0xb8401183}, 0x21, kDevice + 1},                    // ldur w3, [x12, #1]
                    FaultCase{"NoDeviceThere", {0xf9400583}, 0x10, kDevice + 8}),                     // ldr x3, [x12, #8]
    [](const testing::TestParamInfo<FaultCase>& info) { return info.param.name; });

TEST(X64Softmmu, TlbiIsSeenByTranslatedCode) {
    // bl read (x3 = [x10]); x4 = x3; bl read; str x6, [x5] (the new descriptor);
    // dsb; tlbi vae1, x10 >> 12; dsb; isb; bl read. read: ldr x3, [x10]; ret.
    const std::vector<uint32_t> body = {0xd2a2000a, 0x9400000c, 0xaa0303e4, 0x9400000a, 0xf90000a6,
                                        0xd5033b9f, 0xd34cfd47, 0xd5088727, 0xd5033b9f, 0xd5033fdf,
                                        0x94000003, 0xd2800300, 0xd45e0000, 0xf9400143, 0xd65f03c0};
    auto remap = [](CpuState& s, uint64_t data_slot) {
        s.x[5] = data_slot;
        s.x[6] = kRemapPa | PageTables::AF | 3;
    };
    for (ExecMode mode : {ExecMode::Jit, ExecMode::Interpreter}) {
        const Outcome r = run_program(mode, body, remap);
        EXPECT_EQ(r.state.x[4], 0u) << "before the TLBI";
        EXPECT_EQ(r.state.x[3], 0x5eedu) << "after it";
    }
}

TEST(X64Softmmu, EretToEl0LooksUpEl0sTable) {
    // At EL1: ldr x3, [x10] (kData, EL1-only: now in EL1's TLB); x4 = x3;
    // x3 = 0; eret to EL0 (DAIF masked), where ldr x3, [x10] must take a
    // permission fault: EL0's table, not EL1's, is looked up. mov x5, #1 after it.
    const std::vector<uint32_t> body = {0xd2a2000a, 0xf9400143, 0xaa0303e4, 0xd2800003, 0x100000a0, 0xd5184020,
                                        0xd2807800, 0xd5184000, 0xd69f03e0, 0xf9400143, 0xd2800025};
    const Outcome jit = run_program(ExecMode::Jit, body);
    const Outcome interp = run_program(ExecMode::Interpreter, body);
    expect_same(jit, interp);
    EXPECT_EQ(jit.state.x[20] >> 26, 0x24u) << "data abort from EL0";
    EXPECT_EQ(jit.state.x[23], kData);
    EXPECT_EQ(jit.state.x[5], 0u);
}

TEST(X64Softmmu, StoreToTranslatedCodeDropsIt) {
    // bl func (x3 = 1); x4 = x3; rewrite func's first instruction to
    // "mov x3, #2" with a plain store; dsb; isb; bl func.
    const std::vector<uint32_t> body = {0x9400000b, 0xaa0303e4, 0x52800866, 0x72ba5006, 0x100000e5,
                                        0xb90000a6, 0xd5033b9f, 0xd5033fdf, 0x94000003, 0xd2800300,
                                        0xd45e0000, 0xd2800023, 0xd65f03c0};
    for (ExecMode mode : {ExecMode::Jit, ExecMode::Interpreter}) {
        const Outcome r = run_program(mode, body);
        EXPECT_EQ(r.state.x[4], 1u);
        EXPECT_EQ(r.state.x[3], 2u) << (mode == ExecMode::Jit ? "jit" : "interpreter");
    }
}

}  // namespace
}  // namespace ferry::test
