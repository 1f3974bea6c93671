// BlockTable on its own: lookups, chaining (link sites patched to their
// targets and back), range and predicate invalidation, and many keys coming
// and going through the open-addressing index.
#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <vector>

#include "backend/x64/block_table.h"

namespace ferry::x64 {
namespace {

// Stand-ins for compiled code: only the addresses matter. The jump fields
// live next to them, within rel32 reach.
alignas(16) std::array<uint8_t, 64> g_code_a, g_code_b, g_stub;
alignas(16) std::array<uint8_t, 4096> g_fields;
size_t g_fields_used = 0;

// A rel32 jump field, as an exit stub leaves it (pointing at g_stub).
struct Rel32Field {
    uint8_t* at;
    Rel32Field() : at(g_fields.data() + (g_fields_used += 8) % g_fields.size()) { point_at(g_stub.data()); }
    uint8_t* field() { return at; }
    void point_at(const void* target) {
        const auto rel = static_cast<int32_t>(reinterpret_cast<uintptr_t>(target) - reinterpret_cast<uintptr_t>(field() + 4));
        std::memcpy(field(), &rel, 4);
    }
    // In integers: the compiler may assume a pointer derived from g_fields never equals one into g_stub.
    uintptr_t points_at() {
        int32_t rel;
        std::memcpy(&rel, field(), 4);
        return reinterpret_cast<uintptr_t>(field()) + 4 + static_cast<uintptr_t>(static_cast<intptr_t>(rel));
    }
    LinkSite site(BlockKey target) { return {LinkSite::Kind::Rel32, field(), g_stub.data(), target}; }
};

uintptr_t address(const std::array<uint8_t, 64>& code) { return reinterpret_cast<uintptr_t>(code.data()); }

TEST(BlockTable, FindsOnlyAddedKeys) {
    BlockTable table(true);
    table.add({0x1000, 5}, 0x1010, g_code_a.data(), {}, {});
    EXPECT_EQ(table.find({0x1000, 5}), g_code_a.data());
    EXPECT_EQ(table.find({0x1000, 6}), nullptr);
    EXPECT_EQ(table.find({0x1004, 5}), nullptr);
}

TEST(BlockTable, LinksSitesWhenTheTargetArrivesAndUnlinksWhenItGoes) {
    BlockTable table(true);
    Rel32Field a_to_b;
    table.add({0x1000, 0}, 0x1008, g_code_a.data(), {a_to_b.site({0x2000, 0})}, {});
    EXPECT_EQ(a_to_b.points_at(), address(g_stub));  // B does not exist yet

    table.add({0x2000, 0}, 0x2008, g_code_b.data(), {}, {});
    EXPECT_EQ(a_to_b.points_at(), address(g_code_b));

    table.invalidate(0x2004, 0x2008);  // overlaps B only
    EXPECT_EQ(a_to_b.points_at(), address(g_stub));
    EXPECT_EQ(table.find({0x2000, 0}), nullptr);
    EXPECT_EQ(table.find({0x1000, 0}), g_code_a.data());

    table.add({0x2000, 0}, 0x2008, g_code_b.data(), {}, {});  // recompiled: linked again
    EXPECT_EQ(a_to_b.points_at(), address(g_code_b));
}

TEST(BlockTable, LinksASiteToATargetThatAlreadyExists) {
    BlockTable table(true);
    Rel32Field b_to_a, a_to_a;
    table.add({0x1000, 0}, 0x1008, g_code_a.data(), {a_to_a.site({0x1000, 0})}, {});
    EXPECT_EQ(a_to_a.points_at(), address(g_code_a));  // a jump to itself
    table.add({0x2000, 0}, 0x2008, g_code_b.data(), {b_to_a.site({0x1000, 0})}, {});
    EXPECT_EQ(b_to_a.points_at(), address(g_code_a));
    EXPECT_EQ(table.chained_links(), 2u);
}

TEST(BlockTable, DroppedBlocksSitesNoLongerFollowTheirTarget) {
    BlockTable table(true);
    Rel32Field a_to_b;
    table.add({0x1000, 0}, 0x1008, g_code_a.data(), {a_to_b.site({0x2000, 0})}, {});
    table.invalidate(0x1000, 0x1001);  // A goes: its site is dead code
    table.add({0x2000, 0}, 0x2008, g_code_b.data(), {}, {});
    EXPECT_EQ(a_to_b.points_at(), address(g_stub));
}

TEST(BlockTable, WithoutChainingSitesStayUnlinked) {
    BlockTable table(false);
    Rel32Field a_to_b;
    table.add({0x2000, 0}, 0x2008, g_code_b.data(), {}, {});
    table.add({0x1000, 0}, 0x1008, g_code_a.data(), {a_to_b.site({0x2000, 0})}, {});
    EXPECT_EQ(a_to_b.points_at(), address(g_stub));
    EXPECT_EQ(table.find({0x2000, 0}), g_code_b.data());
}

TEST(BlockTable, RangeInvalidationDropsExactlyTheOverlappingBlocks) {
    BlockTable table(true);
    table.add({0x0ff8, 0}, 0x1000, g_code_a.data(), {}, {});  // ends where the range starts
    table.add({0x1ff0, 0}, 0x2000, g_code_a.data(), {}, {});  // ends inside the range
    table.add({0x2010, 1}, 0x2014, g_code_a.data(), {}, {});  // inside, other flags
    table.add({0x3000, 0}, 0x3000, g_code_a.data(), {}, {});  // empty, starts at hi
    table.add({0x2ffc, 0}, 0x2ffc, g_code_a.data(), {}, {});  // empty, starts inside
    table.invalidate(0x1ff8, 0x3000);
    EXPECT_NE(table.find({0x0ff8, 0}), nullptr);
    EXPECT_EQ(table.find({0x1ff0, 0}), nullptr);
    EXPECT_EQ(table.find({0x2010, 1}), nullptr);
    EXPECT_NE(table.find({0x3000, 0}), nullptr);
    EXPECT_EQ(table.find({0x2ffc, 0}), nullptr);
}

TEST(BlockTable, HugeRangeInvalidationWalksTheBlocksNotThePages) {
    BlockTable table(true);
    table.add({0xffff'0000'0000'1000, 0}, 0xffff'0000'0000'1004, g_code_a.data(), {}, {});
    table.add({0x4000, 0}, 0x4004, g_code_a.data(), {}, {});
    table.invalidate(0x5000, ~uint64_t{0});
    EXPECT_EQ(table.find({0xffff'0000'0000'1000, 0}), nullptr);
    EXPECT_NE(table.find({0x4000, 0}), nullptr);
}

TEST(BlockTable, PredicateInvalidationPicksByKey) {
    BlockTable table(true);
    Rel32Field b_to_a;
    table.add({0x1000, 7}, 0x1004, g_code_a.data(), {}, {});
    table.add({0x1000, 8}, 0x1004, g_code_b.data(), {b_to_a.site({0x1000, 7})}, {});
    table.invalidate_if([](const BlockKey& key) { return key.flags == 7; });
    EXPECT_EQ(table.find({0x1000, 7}), nullptr);
    EXPECT_EQ(table.find({0x1000, 8}), g_code_b.data());
    EXPECT_EQ(b_to_a.points_at(), address(g_stub));
}

TEST(BlockTable, ManyKeysSurviveGrowthAndInterleavedRemoval) {
    BlockTable table(true);
    constexpr uint64_t kBlocks = 20000;
    for (uint64_t i = 0; i < kBlocks; ++i) table.add({0x10000 + 4 * i, i % 3}, 0x10004 + 4 * i, g_code_a.data(), {}, {});
    // Drop every block with flags 1, then every fifth page's blocks.
    table.invalidate_if([](const BlockKey& key) { return key.flags == 1; });
    for (uint64_t page = 0x10; page < 0x10 + kBlocks * 4 / 0x1000 + 1; page += 5)
        table.invalidate(page << 12, (page + 1) << 12);
    for (uint64_t i = 0; i < kBlocks; ++i) {
        const uint64_t pc = 0x10000 + 4 * i;
        const bool kept = i % 3 != 1 && ((pc >> 12) - 0x10) % 5 != 0;
        ASSERT_EQ(table.find({pc, i % 3}) != nullptr, kept) << "pc 0x" << std::hex << pc;
    }
}

TEST(BlockTable, GuestPcForHostPcFindsTheAccessRecord) {
    BlockTable table(true);
    table.add({0x1000, 0}, 0x1008, g_code_a.data(), {}, {{100, 110, 0x1000}, {120, 130, 0x1004}});
    uint64_t pc = 0;
    EXPECT_TRUE(table.guest_pc_for_host_pc(125, pc));
    EXPECT_EQ(pc, 0x1004u);
    EXPECT_FALSE(table.guest_pc_for_host_pc(115, pc));
}

}  // namespace
}  // namespace ferry::x64
