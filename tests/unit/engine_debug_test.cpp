// The engine's debugging support (core/debug.h): breakpoints in translated
// code, watchpoints on guest data accesses, single step. Guests are user-mode
// style: instruction words at kBase fetched from a vector, data in a host
// buffer whose address is its guest address. Every test runs in the JIT and
// in the interpreter. Instruction words were assembled with aarch64-linux-gnu-as.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <vector>

#include "core/engine.h"
#include "guest_runner.h"
#include "system/cpu/sysregs.h"
#include "system_cpu_fixture.h"

namespace ferry {
namespace {

constexpr uint64_t kBase = 0x10000;

// x0 = 3 * 10 by a loop; ends with SVC.
const std::vector<uint32_t> kLoop = {
    0xd2800000,  // 0x10000 mov x0, #0
    0xd2800141,  // 0x10004 mov x1, #10
    0x91000c00,  // 0x10008 loop: add x0, x0, #3
    0xf1000421,  // 0x1000c subs x1, x1, #1
    0x54ffffc1,  // 0x10010 b.ne loop
    0xd4000001,  // 0x10014 svc #0
};
constexpr uint64_t kLoopAdd = kBase + 0x8, kLoopSubs = kBase + 0xc, kLoopBranch = kBase + 0x10;

constexpr uint32_t kSvc = 0xd4000001;
constexpr uint32_t kMovX3 = 0xd2824683;  // mov x3, #0x1234
constexpr uint64_t kStored = 0x1234;
constexpr uint64_t kUntouched = 0xdeadbeef;

// A guest with a 128-byte data buffer at x2 (64-byte aligned, for DC ZVA).
class EngineDebug : public ::testing::TestWithParam<ExecMode> {
protected:
    void load(std::vector<uint32_t> words) {
        words_ = std::move(words);
        EngineOptions options;
        options.mode = GetParam();
        engine_ = std::make_unique<Engine>(s, [this](uint64_t pc, uint32_t& w) { return fetch(pc, w); }, options);
        restart();
    }
    // Back to the first instruction with fresh registers and zeroed data.
    void restart() {
        std::memset(data, 0, sizeof data);
        s.pc = kBase;
        s.x[2] = addr(0);
        s.x[4] = s.x[6] = kUntouched;
    }
    // Runs the program once without debug points, so the JIT has compiled
    // (and chained) it with inline memory accesses, then restarts.
    void warm_up() {
        ASSERT_EQ(engine().run(), ExitReason::Syscall);
        restart();
    }
    bool fetch(uint64_t pc, uint32_t& w) const {
        if (pc < kBase || pc >= kBase + 4 * words_.size()) return false;
        w = words_[(pc - kBase) / 4];
        return true;
    }

    Engine& engine() { return *engine_; }
    uint64_t addr(unsigned offset) const { return reinterpret_cast<uint64_t>(data) + offset; }
    uint64_t data64(unsigned offset) const {
        uint64_t v;
        std::memcpy(&v, data + offset, 8);
        return v;
    }
    void expect_watch_stop(uint64_t pc, uint64_t address, WatchKind kind) {
        EXPECT_EQ(s.exit_reason, ExitReason::Watchpoint);
        EXPECT_EQ(s.pc, pc);
        EXPECT_EQ(s.fault_address, address);
        EXPECT_EQ(s.exit_info, static_cast<uint32_t>(kind));
    }

    CpuState s = test::make_state();
    alignas(64) uint8_t data[128] = {};

private:
    std::vector<uint32_t> words_;
    std::unique_ptr<Engine> engine_;
};

INSTANTIATE_TEST_SUITE_P(Modes, EngineDebug, ::testing::Values(ExecMode::Jit, ExecMode::Interpreter),
                         [](const auto& info) { return info.param == ExecMode::Jit ? "Jit" : "Interpreter"; });

// ---- Breakpoints ----

TEST_P(EngineDebug, BreakpointInLoopStopsBeforeTheInstruction) {
    load(kLoop);
    engine().insert_breakpoint(kLoopSubs);
    ASSERT_EQ(engine().run(), ExitReason::DebugBreakpoint);
    EXPECT_EQ(s.pc, kLoopSubs);
    EXPECT_EQ(s.x[0], 3u);
    EXPECT_EQ(s.x[1], 10u);  // the SUBS has not run

    // Running again from a breakpoint stops there at once; stepping moves off it.
    ASSERT_EQ(engine().run(), ExitReason::DebugBreakpoint);
    EXPECT_EQ(s.pc, kLoopSubs);
    EXPECT_EQ(s.x[1], 10u);
    ASSERT_EQ(engine().step(), ExitReason::None);
    ASSERT_EQ(engine().run(), ExitReason::DebugBreakpoint);
    EXPECT_EQ(s.pc, kLoopSubs);
    EXPECT_EQ(s.x[0], 6u);
    EXPECT_EQ(s.x[1], 9u);

    engine().remove_breakpoint(kLoopSubs);
    ASSERT_EQ(engine().run(), ExitReason::Syscall);
    EXPECT_EQ(s.x[0], 30u);
    EXPECT_EQ(s.x[1], 0u);
}

// The loop has run (JIT: compiled and chained to itself) before the breakpoint exists.
TEST_P(EngineDebug, BreakpointInsertedAfterTheCodeRanStillStops) {
    load(kLoop);
    warm_up();
    engine().insert_breakpoint(kLoopAdd);
    ASSERT_EQ(engine().run(), ExitReason::DebugBreakpoint);
    EXPECT_EQ(s.pc, kLoopAdd);
    EXPECT_EQ(s.x[0], 0u);
    EXPECT_EQ(s.x[1], 10u);

    ASSERT_EQ(engine().step(), ExitReason::None);
    ASSERT_EQ(engine().run(), ExitReason::DebugBreakpoint);
    EXPECT_EQ(s.pc, kLoopAdd);
    EXPECT_EQ(s.x[0], 3u);
    EXPECT_EQ(s.x[1], 9u);

    engine().remove_breakpoint(kLoopAdd);
    ASSERT_EQ(engine().run(), ExitReason::Syscall);
    EXPECT_EQ(s.x[0], 30u);
}

TEST_P(EngineDebug, RemoveAllDebugPointsLetsTheProgramFinish) {
    load(kLoop);
    engine().insert_breakpoint(kLoopAdd);
    engine().insert_breakpoint(kLoopBranch);
    engine().insert_watchpoint({addr(0), 8, WatchKind::Access});
    ASSERT_EQ(engine().run(), ExitReason::DebugBreakpoint);
    engine().remove_all_debug_points();
    ASSERT_EQ(engine().run(), ExitReason::Syscall);
    EXPECT_EQ(s.x[0], 30u);
    EXPECT_EQ(s.watchpoints, nullptr);
}

TEST_P(EngineDebug, ExitRequestStillStopsTheRun) {
    load(kLoop);
    engine().insert_breakpoint(kLoopSubs);
    s.exit_request = 1;
    EXPECT_EQ(engine().run(), ExitReason::ExitRequest);
    EXPECT_EQ(s.pc, kBase);
    s.exit_request = 0;
}

// ---- Single step ----

TEST_P(EngineDebug, StepRunsExactlyOneInstruction) {
    load(kLoop);
    s.pc = kLoopAdd;
    s.x[0] = 5;
    const CpuState before = s;
    const EngineStats stats_before = engine().stats();
    ASSERT_EQ(engine().step(), ExitReason::None);
    EXPECT_EQ(s.pc, kLoopAdd + 4);
    EXPECT_EQ(s.x[0], 8u);
    for (unsigned r = 1; r < 31; ++r) EXPECT_EQ(s.x[r], before.x[r]) << "x" << r;
    EXPECT_EQ(s.nzcv, before.nzcv);
    EXPECT_EQ(engine().stats().dispatches, stats_before.dispatches + 1);
    EXPECT_EQ(engine().stats().instructions_stepped, stats_before.instructions_stepped + 1);
    EXPECT_EQ(engine().guest_instructions_executed(), 1u);  // --stats counts a debugger's stepi
}

TEST_P(EngineDebug, StepOfABranchGoesToItsTarget) {
    load(kLoop);
    s.pc = kLoopBranch;
    s.nzcv = 0;  // Z clear: B.NE taken
    ASSERT_EQ(engine().step(), ExitReason::None);
    EXPECT_EQ(s.pc, kLoopAdd);
    s.pc = kLoopBranch;
    s.nzcv = test::Z;
    ASSERT_EQ(engine().step(), ExitReason::None);
    EXPECT_EQ(s.pc, kLoopBranch + 4);
}

TEST_P(EngineDebug, StepFromABreakpointExecutesTheInstruction) {
    load(kLoop);
    engine().insert_breakpoint(kLoopAdd);
    s.pc = kLoopAdd;
    s.x[0] = 0;
    s.x[1] = 2;
    ASSERT_EQ(engine().step(), ExitReason::None);
    EXPECT_EQ(s.pc, kLoopAdd + 4);
    EXPECT_EQ(s.x[0], 3u);
    ASSERT_EQ(engine().run(), ExitReason::DebugBreakpoint);
    EXPECT_EQ(s.pc, kLoopAdd);
    EXPECT_EQ(s.x[1], 1u);
}

TEST_P(EngineDebug, StepReportsExits) {
    load(kLoop);
    s.pc = kLoopBranch + 4;
    EXPECT_EQ(engine().step(), ExitReason::Syscall);
    s.pc = kBase + 4 * kLoop.size();  // nothing to fetch
    EXPECT_EQ(engine().step(), ExitReason::InstructionAbort);
}

// ---- Watchpoints ----

// mov x3, #0x1234; str x3, [x2, #8]; ldr x4, [x2, #16]; svc
const std::vector<uint32_t> kStoreLoad = {kMovX3, 0xf9000443, 0xf9400844, kSvc};
constexpr uint64_t kStorePc = kBase + 4, kLoadPc = kBase + 8;

TEST_P(EngineDebug, WriteWatchpointStopsBeforeTheStore) {
    load(kStoreLoad);
    warm_up();
    engine().insert_watchpoint({addr(8), 8, WatchKind::Write});
    ASSERT_EQ(engine().run(), ExitReason::Watchpoint);
    expect_watch_stop(kStorePc, addr(8), WatchKind::Write);
    EXPECT_EQ(s.x[3], kStored);
    EXPECT_EQ(data64(8), 0u);

    EXPECT_TRUE(engine().remove_watchpoint({addr(8), 8, WatchKind::Write}));
    EXPECT_FALSE(engine().remove_watchpoint({addr(8), 8, WatchKind::Write}));
    ASSERT_EQ(engine().run(), ExitReason::Syscall);
    EXPECT_EQ(data64(8), kStored);
}

TEST_P(EngineDebug, ReadWatchpointStopsBeforeTheLoadAndIgnoresWrites) {
    load(kStoreLoad);
    warm_up();
    engine().insert_watchpoint({addr(8), 16, WatchKind::Read});
    ASSERT_EQ(engine().run(), ExitReason::Watchpoint);
    expect_watch_stop(kLoadPc, addr(16), WatchKind::Read);
    EXPECT_EQ(data64(8), kStored);  // the store went through
    EXPECT_EQ(s.x[4], kUntouched);
}

TEST_P(EngineDebug, WriteWatchpointIgnoresReads) {
    load(kStoreLoad);
    engine().insert_watchpoint({addr(16), 8, WatchKind::Write});
    ASSERT_EQ(engine().run(), ExitReason::Syscall);
    EXPECT_EQ(s.x[4], 0u);
}

// The debugger's way on: stop, remove, step over, insert, continue.
TEST_P(EngineDebug, AccessWatchpointStopsAtStoreAndLoad) {
    load(kStoreLoad);
    const Watchpoint both{addr(8), 16, WatchKind::Access};
    engine().insert_watchpoint(both);
    ASSERT_EQ(engine().run(), ExitReason::Watchpoint);
    expect_watch_stop(kStorePc, addr(8), WatchKind::Access);
    ASSERT_TRUE(engine().remove_watchpoint(both));
    ASSERT_EQ(engine().step(), ExitReason::None);
    engine().insert_watchpoint(both);
    ASSERT_EQ(engine().run(), ExitReason::Watchpoint);
    expect_watch_stop(kLoadPc, addr(16), WatchKind::Access);
    EXPECT_EQ(data64(8), kStored);
}

TEST_P(EngineDebug, ByteAccessInsideAWatchedDoubleword) {
    load({kMovX3, 0x39002c43 /* strb w3, [x2, #11] */, kSvc});
    warm_up();
    engine().insert_watchpoint({addr(8), 8, WatchKind::Write});
    ASSERT_EQ(engine().run(), ExitReason::Watchpoint);
    expect_watch_stop(kStorePc, addr(11), WatchKind::Write);
    EXPECT_EQ(data[11], 0u);
}

TEST_P(EngineDebug, UnalignedAccessOverlappingTheStartOfAWatch) {
    load({kMovX3, 0xf800c043 /* stur x3, [x2, #12]: bytes 12..19 */, kSvc});
    warm_up();
    engine().insert_watchpoint({addr(4), 8, WatchKind::Write});  // bytes 4..11: adjacent, not hit
    engine().insert_watchpoint({addr(16), 8, WatchKind::Write});
    ASSERT_EQ(engine().run(), ExitReason::Watchpoint);
    expect_watch_stop(kStorePc, addr(16), WatchKind::Write);
    EXPECT_EQ(data64(12), 0u);
}

TEST_P(EngineDebug, PairStoreAndPairLoad) {
    // mov x3, #0x1234; stp x3, x5, [x2, #8]; ldp x4, x6, [x2, #8]; svc
    load({kMovX3, 0xa9009443, 0xa9409844, kSvc});
    warm_up();
    s.x[5] = 0x5555;
    const Watchpoint second_write{addr(16), 8, WatchKind::Write};
    engine().insert_watchpoint(second_write);
    ASSERT_EQ(engine().run(), ExitReason::Watchpoint);
    expect_watch_stop(kStorePc, addr(16), WatchKind::Write);
    EXPECT_EQ(data64(16), 0u);

    ASSERT_TRUE(engine().remove_watchpoint(second_write));
    engine().insert_watchpoint({addr(16), 8, WatchKind::Read});
    ASSERT_EQ(engine().run(), ExitReason::Watchpoint);
    expect_watch_stop(kLoadPc, addr(16), WatchKind::Read);
    EXPECT_EQ(data64(16), 0x5555u);
    EXPECT_EQ(s.x[4], kUntouched);  // neither register of the pair is written
    EXPECT_EQ(s.x[6], kUntouched);
}

TEST_P(EngineDebug, VectorStore) {
    load({0x3d800440 /* str q0, [x2, #16] */, kSvc});
    warm_up();
    s.v[0] = {0x1111, 0x2222};
    engine().insert_watchpoint({addr(28), 2, WatchKind::Write});
    ASSERT_EQ(engine().run(), ExitReason::Watchpoint);
    expect_watch_stop(kBase, addr(28), WatchKind::Write);
    EXPECT_EQ(data64(16), 0u);
    EXPECT_EQ(data64(24), 0u);
}

TEST_P(EngineDebug, AtomicReadModifyWriteHitsAReadWatchpoint) {
    load({0xf8230044 /* ldadd x3, x4, [x2] */, kSvc});
    engine().insert_watchpoint({addr(0), 1, WatchKind::Read});
    ASSERT_EQ(engine().run(), ExitReason::Watchpoint);
    expect_watch_stop(kBase, addr(0), WatchKind::Read);
    EXPECT_EQ(s.x[4], kUntouched);
}

TEST_P(EngineDebug, ZeroBlockHitsAWriteWatchpoint) {
    load({0xd50b7422 /* dc zva, x2 */, kSvc});
    std::memset(data, 0xff, sizeof data);
    engine().insert_watchpoint({addr(40), 1, WatchKind::Write});
    ASSERT_EQ(engine().run(), ExitReason::Watchpoint);
    expect_watch_stop(kBase, addr(40), WatchKind::Write);
    EXPECT_EQ(data[0], 0xffu);
}

// With the last watchpoint gone, a JIT block reaches memory inline again: it
// no longer consults CpuState::watchpoints at all (the interpreter always does).
TEST_P(EngineDebug, RemovingTheLastWatchpointRestoresInlineMemory) {
    load(kStoreLoad);
    const Watchpoint w{addr(8), 8, WatchKind::Write};
    engine().insert_watchpoint(w);
    ASSERT_EQ(engine().run(), ExitReason::Watchpoint);
    ASSERT_TRUE(engine().remove_watchpoint(w));
    EXPECT_EQ(s.watchpoints, nullptr);
    ASSERT_EQ(engine().run(), ExitReason::Syscall);
    EXPECT_EQ(data64(8), kStored);

    restart();
    const WatchList unseen_by_inline_code{{w}};
    s.watchpoints = &unseen_by_inline_code;
    EXPECT_EQ(engine().run(), GetParam() == ExecMode::Jit ? ExitReason::Syscall : ExitReason::Watchpoint);
    s.watchpoints = nullptr;
}

// ---- System mode ----

// A program turns the MMU on (4K granule, 39-bit VAs, RAM identity-mapped by
// 2 MB blocks, kDataVa mapped to kDataPa by a page) and stores twice to
// that page; the second store would find the page in the softmmu TLB, so only
// an out-of-line access sees the watchpoint on its virtual address. One on
// the code itself shows that instruction fetches are not data reads.
TEST(EngineDebugSystem, WatchpointStopsOnTheVirtualAddress) {
    using test::FakeBus;
    constexpr uint64_t kDataVa = 0x10000, kDataPa = FakeBus::kRamBase + 0x300000;
    for (ExecMode mode : {ExecMode::Jit, ExecMode::Interpreter}) {
        SCOPED_TRACE(mode == ExecMode::Jit ? "jit" : "interpreter");
        test::Machine m({}, {}, mode);
        test::PageTables pt(m.bus, FakeBus::kRamBase + 0x100000, 12, 39);
        for (uint64_t pa = FakeBus::kRamBase; pa < FakeBus::kRamBase + FakeBus::kRamSize; pa += 2 << 20)
            pt.map(pa, pa, 2);
        pt.map(kDataVa, kDataPa, 3);
        CpuState& s = m.s();
        s.x[1] = pt.root;
        s.x[2] = 64 - 39;  // TCR_EL1.T0SZ; TG0 = 4K
        s.x[3] = 0xff;     // MAIR_EL1 attr0: Normal write-back
        s.x[4] = system::kSctlrEl1Reset | system::bits::SCTLR_M;
        s.x[11] = kDataVa;
        s.x[12] = kStored;
        m.program({
            0xd518a203,  // msr mair_el1, x3
            0xd5182042,  // msr tcr_el1, x2
            0xd5182001,  // msr ttbr0_el1, x1
            0xd5033fdf,  // isb
            0xd5181004,  // msr sctlr_el1, x4
            0xd5033fdf,  // isb
            0xf900017f,  // str xzr, [x11]
            0xf900056c,  // str x12, [x11, #8]
            test::kExitWords[0], test::kExitWords[1],
        });
        constexpr uint64_t kStorePc = test::Machine::kEntry + 4 * 7;
        Engine& engine = m.cpu->engine();
        engine.insert_watchpoint({test::Machine::kEntry, 64, WatchKind::Read});
        engine.insert_watchpoint({kDataVa + 8, 8, WatchKind::Write});
        ExitReason reason = engine.run();
        // MSRs that change the translation regime leave to the run loop, whose
        // boundary work (clearing the request) this test does itself.
        for (int blocks = 0; reason == ExitReason::ExitRequest && blocks < 10; ++blocks) {
            s.exit_request = 0;
            reason = engine.run();
        }
        ASSERT_EQ(reason, ExitReason::Watchpoint);
        EXPECT_EQ(s.pc, kStorePc);
        EXPECT_EQ(s.fault_address, kDataVa + 8);
        EXPECT_EQ(s.exit_info, static_cast<uint32_t>(WatchKind::Write));
        EXPECT_EQ(m.bus.get64(kDataPa + 8), 0u);

        // A machine reset (PSCI SYSTEM_RESET) keeps the debugger's watchpoints.
        m.cpu->reset();
        EXPECT_NE(s.watchpoints, nullptr);
    }
}

}  // namespace
}  // namespace ferry
