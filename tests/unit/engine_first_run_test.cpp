// EngineOptions::interpret_first_run: a block's first run is interpreted, its
// second translates and compiles it, and the results and --stats counts are
// those of a JIT-only run.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "core/engine.h"
#include "guest_runner.h"

namespace ferry {
namespace {

constexpr uint64_t kBase = 0x10000;
constexpr uint64_t kTrips = 1000;
constexpr uint64_t kLoopBody = kBase + 0xc;

// x1 counts down from kTrips in a four-instruction block, then one SVC.
const std::vector<uint32_t> kLoop = {
    0xd2800000u,  // movz x0, #0
    0xd2807d01u,  // movz x1, #1000
    0x14000001u,  // b loop
    0x91000400u,  // loop: add x0, x0, #1
    0x91000c42u,  //       add x2, x2, #3
    0xf1000421u,  //       subs x1, x1, #1
    0x54ffffa1u,  //       b.ne loop
    0xd4000001u,  // svc #0
};

struct LoopRun {
    explicit LoopRun(bool interpret_first_run) : state(test::make_state()) {
        EngineOptions options;
        options.interpret_first_run = interpret_first_run;
        options.count_indirect_hits = true;
        state.pc = kBase;
        engine = std::make_unique<Engine>(
            state,
            [](uint64_t pc, uint32_t& w) {
                if (pc < kBase || pc >= kBase + 4 * kLoop.size()) return false;
                w = kLoop[(pc - kBase) / 4];
                return true;
            },
            options);
        EXPECT_EQ(engine->run(), ExitReason::Syscall);
    }
    CpuState state;
    std::unique_ptr<Engine> engine;
};

TEST(EngineFirstRun, FirstRunsAreInterpretedAndSecondRunsCompiled) {
    LoopRun run(true);
    EXPECT_EQ(run.state.x[0], kTrips);
    EXPECT_EQ(run.state.x[2], 3 * kTrips);
    // The entry, one loop body and the SVC block were interpreted once each.
    EXPECT_EQ(run.engine->stats().instructions_stepped, 3u + 4u + 1u);
    // The loop body alone came back: translated a second time, to be compiled.
    EXPECT_EQ(run.engine->stats().blocks_translated, 4u);
    uint64_t body_runs = 0;
    for (const BlockProfile& p : run.engine->block_profiles())
        if (p.pc == kLoopBody) body_runs += p.executions;
    EXPECT_EQ(body_runs, kTrips);
    EXPECT_EQ(run.engine->guest_instructions_executed(), 3 + 4 * kTrips + 1);
}

TEST(EngineFirstRun, OffByDefaultEveryBlockIsCompiled) {
    LoopRun run(false);
    EXPECT_EQ(run.state.x[0], kTrips);
    EXPECT_EQ(run.engine->stats().instructions_stepped, 0u);
    EXPECT_EQ(run.engine->stats().blocks_translated, 3u);
}

}  // namespace
}  // namespace ferry
