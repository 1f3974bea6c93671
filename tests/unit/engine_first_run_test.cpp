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

using test::kCountedLoopBody;
using test::kCountedLoopTrips;

struct LoopRun {
    explicit LoopRun(bool interpret_first_run) : state(test::make_state()) {
        EngineOptions options;
        options.interpret_first_run = interpret_first_run;
        options.count_indirect_hits = true;
        state.pc = test::kCountedLoopBase;
        engine = std::make_unique<Engine>(state, test::fetch_words(test::kCountedLoop, test::kCountedLoopBase), options);
        EXPECT_EQ(engine->run(), ExitReason::Syscall);
    }
    CpuState state;
    std::unique_ptr<Engine> engine;
};

TEST(EngineFirstRun, FirstRunsAreInterpretedAndSecondRunsCompiled) {
    LoopRun run(true);
    EXPECT_EQ(run.state.x[0], kCountedLoopTrips);
    EXPECT_EQ(run.state.x[2], 3 * kCountedLoopTrips);
    // The entry, one loop body and the SVC block were interpreted once each.
    EXPECT_EQ(run.engine->stats().instructions_stepped, 3u + 4u + 1u);
    // The loop body alone came back: translated a second time, to be compiled.
    EXPECT_EQ(run.engine->stats().blocks_translated, 4u);
    uint64_t body_runs = 0;
    for (const BlockProfile& p : run.engine->block_profiles())
        if (p.pc == kCountedLoopBody) body_runs += p.executions;
    EXPECT_EQ(body_runs, kCountedLoopTrips);
    EXPECT_EQ(run.engine->guest_instructions_executed(), 3 + 4 * kCountedLoopTrips + 1);
}

TEST(EngineFirstRun, OffByDefaultEveryBlockIsCompiled) {
    LoopRun run(false);
    EXPECT_EQ(run.state.x[0], kCountedLoopTrips);
    EXPECT_EQ(run.engine->stats().instructions_stepped, 0u);
    EXPECT_EQ(run.engine->stats().blocks_translated, 3u);
}

}  // namespace
}  // namespace ferry
