// PSCI 1.1 for one CPU (Arm DEN 0022).
#include <gtest/gtest.h>

#include "system/virt/psci.h"

namespace ferry::system {
namespace {

int64_t result(uint64_t fn, uint64_t x1 = 0) { return static_cast<int64_t>(Psci::call(fn, x1).x0); }

TEST(PsciTest, VersionAndFeatures) {
    EXPECT_EQ(result(0x84000000), 0x10001);
    EXPECT_EQ(result(0x8400000A, 0xC4000003), 0);   // CPU_ON (SMC64) implemented
    EXPECT_EQ(result(0x8400000A, 0x84000012), -1);  // SYSTEM_RESET2 not
    EXPECT_EQ(result(0x8400000A, 0x80000000), -1);  // SMCCC_VERSION not
}

TEST(PsciTest, CpuOnAndAffinity) {
    EXPECT_EQ(result(0xC4000003, 0), -4);   // ALREADY_ON
    EXPECT_EQ(result(0xC4000003, 1), -2);   // INVALID_PARAMETERS: no such CPU
    EXPECT_EQ(result(0xC4000004, 0), 0);    // ON
    EXPECT_EQ(result(0xC4000004, 0x100), -2);
}

TEST(PsciTest, PowerActions) {
    EXPECT_EQ(Psci::call(0x84000008, 0).action, Psci::Action::PowerOff);
    EXPECT_EQ(Psci::call(0x84000009, 0).action, Psci::Action::Reset);
    EXPECT_EQ(Psci::call(0x84000002, 0).action, Psci::Action::CpuOff);
    EXPECT_EQ(Psci::call(0x84000000, 0).action, Psci::Action::None);
}

TEST(PsciTest, UnknownFunctionIdsAreNotSupported) {
    // SMCCC: the firmware answers every call through its conduit.
    EXPECT_EQ(result(0x80000000), -1);  // SMCCC_VERSION
    EXPECT_EQ(result(0xC2000000), -1);  // SiP service
    EXPECT_EQ(result(0x12345678), -1);
    EXPECT_EQ(result(0x8400001F), -1);  // unknown PSCI
}

}  // namespace
}  // namespace ferry::system
