// Test support: for every A64 condition code, NZCV values under which it
// holds and under which it fails (AL and NV always hold).
#pragma once
#include <cstdint>
#include <optional>

#include "guest_runner.h"

namespace ferry::test {

struct ConditionCase {
    unsigned cond;
    uint32_t holds;
    std::optional<uint32_t> fails;
};

inline constexpr ConditionCase kConditions[] = {
    {0x0, Z, 0},         {0x1, 0, Z},         {0x2, C, 0},         {0x3, 0, C},      // EQ NE CS CC
    {0x4, N, 0},         {0x5, 0, N},         {0x6, V, 0},         {0x7, 0, V},      // MI PL VS VC
    {0x8, C, C | Z},     {0x9, C | Z, C},     {0xa, N | V, N},     {0xb, N, N | V},  // HI LS GE LT
    {0xc, 0, Z},         {0xd, Z, 0},                                                // GT LE
    {0xe, N | Z | C | V, std::nullopt},       {0xf, 0, std::nullopt},               // AL NV
};

}  // namespace ferry::test
