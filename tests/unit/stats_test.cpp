// --stats: block execution counts, instructions executed (the same in the
// JIT, the interpreter and lockstep, and equal to a count by hand), the
// early-exit correction, exits by cause and the report.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "core/engine.h"
#include "guest_runner.h"

namespace ferry {
namespace {

constexpr uint64_t kBase = test::kCountedLoopBase;
constexpr uint64_t kTrips = test::kCountedLoopTrips;
constexpr uint64_t kLoopBody = test::kCountedLoopBody;
const std::vector<uint32_t>& kLoop = test::kCountedLoop;
// By hand: the 3-instruction entry, kTrips loop bodies of 4, three SVC blocks of 1.
constexpr uint64_t kLoopInstructions = 3 + 4 * kTrips + 3;

// An LDXR from a misaligned address faults in the middle of its block.
const std::vector<uint32_t> kFaultMidBlock = {
    0xd28000e1u,  // movz x1, #7
    0x91000421u,  // add x1, x1, #1
    0xc85f7c03u,  // ldxr x3, [x0]   (x0 misaligned: Alignment)
    0x91000421u,  // add x1, x1, #1
    0xd4000001u,  // svc #0
};

struct StatsRun {
    explicit StatsRun(const std::vector<uint32_t>& words, ExecMode mode) : state(test::make_state()) {
        EngineOptions options;
        options.mode = mode;
        options.count_indirect_hits = true;
        state.pc = kBase;
        engine = std::make_unique<Engine>(state, test::fetch_words(words, kBase), options);
    }
    const BlockProfile& profile_at(uint64_t pc) const {
        const auto& all = engine->block_profiles();
        auto it = std::find_if(all.begin(), all.end(), [pc](const BlockProfile& p) { return p.pc == pc; });
        EXPECT_NE(it, all.end()) << "no block at 0x" << std::hex << pc;
        return *it;
    }
    uint64_t exits(ExitReason r) const { return engine->stats().exits[static_cast<size_t>(r)]; }

    CpuState state;
    std::unique_ptr<Engine> engine;
};

class StatsTest : public testing::TestWithParam<ExecMode> {};

TEST_P(StatsTest, LoopCountsMatchTheCountByHand) {
    StatsRun run(kLoop, GetParam());
    for (int svc = 0; svc < 3; ++svc) ASSERT_EQ(run.engine->run(), ExitReason::Syscall);
    EXPECT_EQ(run.state.x[0], kTrips);
    EXPECT_EQ(run.engine->guest_instructions_executed(), kLoopInstructions);
    EXPECT_EQ(run.profile_at(kLoopBody).executions, kTrips);
    EXPECT_EQ(run.profile_at(kLoopBody).instructions, 4u);
    EXPECT_EQ(run.profile_at(kBase).executions, 1u);
    EXPECT_EQ(run.exits(ExitReason::Syscall), 3u);
}

TEST_P(StatsTest, BlockLeftByAFaultCountsOnlyWhatRan) {
    alignas(16) uint8_t buffer[32] = {};
    StatsRun run(kFaultMidBlock, GetParam());
    run.state.x[0] = reinterpret_cast<uint64_t>(buffer + 1);
    ASSERT_EQ(run.engine->run(), ExitReason::Alignment);
    EXPECT_EQ(run.state.pc, kBase + 8);
    EXPECT_EQ(run.state.x[1], 8u);
    EXPECT_EQ(run.profile_at(kBase).executions, 1u);
    EXPECT_EQ(run.profile_at(kBase).instructions, 5u);
    EXPECT_EQ(run.engine->guest_instructions_executed(), 2u);
    EXPECT_EQ(run.exits(ExitReason::Alignment), 1u);
}

INSTANTIATE_TEST_SUITE_P(Modes, StatsTest,
                         testing::Values(ExecMode::Jit, ExecMode::Interpreter, ExecMode::Lockstep),
                         [](const testing::TestParamInfo<ExecMode>& info) {
                             switch (info.param) {
                             case ExecMode::Jit: return "Jit";
                             case ExecMode::Interpreter: return "Interpreter";
                             case ExecMode::Lockstep: return "Lockstep";
                             }
                             return "?";
                         });

TEST(StatsReport, HasEveryFigureAndTheLoopBodyFirst) {
    StatsRun run(kLoop, ExecMode::Jit);
    for (int svc = 0; svc < 3; ++svc) ASSERT_EQ(run.engine->run(), ExitReason::Syscall);
    const std::string report = run.engine->stats_report();
    SCOPED_TRACE(report);
    for (const char* line : {"guest instructions executed  4006\n", "blocks translated            5 ", "host bytes per guest instruction",
                             "time                         translating ", "translated code ", " samples",
                             "block exits                  chained ", "exits by cause               ",
                             "syscall 3", "hottest blocks (by time):\n"})
        EXPECT_NE(report.find(line), std::string::npos) << line;
    // The first row of the table is the loop body (no symbols: "-").
    const size_t table = report.find("insns\n");
    ASSERT_NE(table, std::string::npos);
    const std::string first_row = report.substr(table + 6, report.find('\n', table + 6) - table - 6);
    EXPECT_NE(first_row.find("0x000000000001000c  -"), std::string::npos) << first_row;
    EXPECT_NE(first_row.find(" 1000 "), std::string::npos) << first_row;
}

// Every block execution ends in one exit: chained + indirect + dispatcher = executions.
TEST(StatsReport, BlockExitsAddUpToExecutions) {
    StatsRun run(kLoop, ExecMode::Jit);
    for (int svc = 0; svc < 3; ++svc) ASSERT_EQ(run.engine->run(), ExitReason::Syscall);
    uint64_t executions = 0;
    for (const BlockProfile& p : run.engine->block_profiles()) executions += p.executions;
    EXPECT_EQ(executions, 1 + kTrips + 3);
    const std::string report = run.engine->stats_report();
    const std::string expected = "chained " + std::to_string(executions - run.engine->stats().dispatches) +
                                 ", indirect-table 0 (hit rate 0.0%), dispatcher " +
                                 std::to_string(run.engine->stats().dispatches) + "\n";
    EXPECT_NE(report.find(expected), std::string::npos) << report;
}

// A loop long enough to be sampled (~0.1 s): the samples land in its body.
TEST(StatsProfiler, ChargesSamplesToTheBlockRunning) {
    std::vector<uint32_t> long_loop = kLoop;
    long_loop[1] = 0xd2a0c001u;  // movz x1, #0x600, lsl #16: 100M trips
    StatsRun run(long_loop, ExecMode::Jit);
    ASSERT_EQ(run.engine->run(), ExitReason::Syscall);
    const std::string report = run.engine->stats_report();  // charges the samples taken so far
    uint64_t samples = 0;
    for (const BlockProfile& p : run.engine->block_profiles()) samples += p.samples;
    EXPECT_GE(samples, 5u) << report;
    EXPECT_GE(run.profile_at(kLoopBody).samples, samples * 9 / 10) << report;
}

}  // namespace
}  // namespace ferry
