// CodePages: the physical pages translated code came from and the virtual
// pages it was translated at, including pages that share a PageFilter slot
// (2^16 pages apart), which the filter must count rather than flag.
#include <gtest/gtest.h>

#include "system/cpu/mmu.h"

namespace ferry::system {
namespace {

constexpr uint64_t kPage = 0x1000;
constexpr uint64_t kSameSlot = (uint64_t{1} << 16) * kPage;  // 256 MiB: the filter's period

TEST(SystemCpuCodePages, PhysicalPagesSharingAFilterSlotAreTrackedApart) {
    CodePages code;
    const uint64_t pa1 = 0x4000'0000, pa2 = pa1 + kSameSlot;
    const uint64_t va1 = 0xffff'8000'0000'0000, va2 = va1 + 5 * kPage;
    EXPECT_FALSE(code.holds_code(pa1));
    EXPECT_TRUE(code.note(va1 + 8, pa1 + 8));
    EXPECT_TRUE(code.note(va2, pa2));
    EXPECT_TRUE(code.holds_code(pa1 + 0x800));
    EXPECT_TRUE(code.holds_code(pa2));
    EXPECT_FALSE(code.holds_code(pa1 + kPage)) << "a neighbour in another slot";
    EXPECT_FALSE(code.holds_code(pa1 + 2 * kSameSlot)) << "same slot, never code";

    EXPECT_EQ(code.take_physical(pa1), std::vector<uint64_t>{va1});
    EXPECT_FALSE(code.holds_code(pa1));
    EXPECT_TRUE(code.holds_code(pa2)) << "its slot still counts pa2";
    EXPECT_EQ(code.take_physical(pa2), std::vector<uint64_t>{va2});
    EXPECT_FALSE(code.holds_code(pa2));
    EXPECT_TRUE(code.take_physical(pa2).empty());
}

TEST(SystemCpuCodePages, VirtualPagesSharingAFilterSlotAreTakenApart) {
    CodePages code;
    const uint64_t va1 = 0x40'0000, va2 = va1 + kSameSlot;
    code.note(va1, 0x4000'0000);
    code.note(va2, 0x4000'1000);
    EXPECT_FALSE(code.take_virtual(va1 + kPage, va1 + 2 * kPage)) << "no code there";
    EXPECT_TRUE(code.take_virtual(va1, va1 + kPage));
    EXPECT_FALSE(code.take_virtual(va1, va1 + kPage)) << "already taken";
    EXPECT_TRUE(code.take_virtual(va2 + 4, va2 + 8)) << "its slot still counts va2";
    EXPECT_FALSE(code.take_virtual(va2, va2 + kPage));
    // Noted again after being taken: found again, by the whole-set sweep too.
    code.note(va1, 0x4000'0000);
    EXPECT_TRUE(code.take_virtual(0, ~uint64_t{0}));
    EXPECT_FALSE(code.take_virtual(va1, va1 + kPage));
}

}  // namespace
}  // namespace ferry::system
