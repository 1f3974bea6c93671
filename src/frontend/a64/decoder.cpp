#include "frontend/a64/decoder.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "frontend/a64/translator.h"

namespace ferry::a64 {

namespace {

constexpr Encoding kTable[] = {
#define INST(handler, name, pattern) {#handler, name, pattern, parse_pattern(pattern), &handler},
#include "frontend/a64/a64.inc"
#undef INST
};

// Rows bucketed by instruction bits 28:25 (the A64 top-level op0), each
// bucket ordered most specific first, so that a row carved out of a wider
// one (CAS inside the ordered loads, say) wins.
// A row as decode() scans it: the mask and value inline, so that the scan
// reads one small array instead of following a pointer per row.
struct Row {
    uint32_t mask;
    uint32_t value;
    const Encoding* encoding;
};

struct Buckets {
    std::array<std::vector<Row>, 16> rows;
    Buckets() {
        for (const Encoding& e : kTable) {
            for (uint32_t op0 = 0; op0 < 16; ++op0) {
                const uint32_t bits = op0 << 25, mask = 0xfu << 25;
                if (((bits ^ e.pattern.value) & e.pattern.mask & mask) == 0)
                    rows[op0].push_back({e.pattern.mask, e.pattern.value, &e});
            }
        }
        for (auto& bucket : rows)
            std::stable_sort(bucket.begin(), bucket.end(),
                             [](const Row& a, const Row& b) { return std::popcount(a.mask) > std::popcount(b.mask); });
    }
};

const Buckets& buckets() {
    static const Buckets b;
    return b;
}

}  // namespace

std::span<const Encoding> encodings() { return kTable; }

const Encoding* decode(uint32_t word) {
    for (const Row& row : buckets().rows[(word >> 25) & 0xf])
        if ((word & row.mask) == row.value) return row.encoding;
    return nullptr;
}

size_t encoding_index(const Encoding& e) { return static_cast<size_t>(&e - kTable); }

void Insn::missing_field(std::string_view name) {
    std::fprintf(stderr, "ferry: internal error: translator asked for field '%.*s' its pattern lacks\n",
                 static_cast<int>(name.size()), name.data());
    std::abort();
}

}  // namespace ferry::a64
