// Encoding patterns with named fields, parsed at compile time.
//
//   "sf op S 100010 sh imm12:12 Rn:5 Rd:5"
//
// Tokens are separated by spaces, most significant bit first. A token of 0, 1
// and x (don't care) is fixed bits; any other token names a field, one bit
// wide unless written name:width. The widths must add up to 32.
#pragma once
#include <array>
#include <cstdint>
#include <string_view>

namespace ferry::a64 {

struct Field {
    std::string_view name;
    uint8_t lsb = 0;
    uint8_t width = 0;
};

struct Pattern {
    uint32_t mask = 0;      // bits that must match
    uint32_t value = 0;     // their values
    std::array<Field, 12> fields{};
    uint8_t num_fields = 0;

    constexpr bool matches(uint32_t word) const { return (word & mask) == value; }
};

namespace detail {
constexpr bool is_fixed_token(std::string_view t) {
    for (char c : t)
        if (c != '0' && c != '1' && c != 'x') return false;
    return !t.empty();
}
// A constexpr function reaching a throw is a compile error: the message names the problem.
[[noreturn]] inline void pattern_error(const char* why) { throw why; }
}  // namespace detail

constexpr Pattern parse_pattern(std::string_view text) {
    Pattern p;
    int bit = 32;  // next bit to fill is bit-1
    size_t i = 0;
    while (i < text.size()) {
        if (text[i] == ' ') { ++i; continue; }
        size_t end = i;
        while (end < text.size() && text[end] != ' ') ++end;
        std::string_view tok = text.substr(i, end - i);
        i = end;
        if (detail::is_fixed_token(tok)) {
            for (char c : tok) {
                --bit;
                if (bit < 0) detail::pattern_error("pattern longer than 32 bits");
                if (c != 'x') {
                    p.mask |= 1u << bit;
                    if (c == '1') p.value |= 1u << bit;
                }
            }
            continue;
        }
        unsigned width = 1;
        const size_t colon = tok.find(':');
        if (colon != std::string_view::npos) {
            width = 0;
            for (char c : tok.substr(colon + 1)) {
                if (c < '0' || c > '9') detail::pattern_error("bad field width");
                width = width * 10 + static_cast<unsigned>(c - '0');
            }
            tok = tok.substr(0, colon);
        }
        bit -= static_cast<int>(width);
        if (bit < 0 || width == 0) detail::pattern_error("pattern longer than 32 bits");
        if (p.num_fields == p.fields.size()) detail::pattern_error("too many fields");
        p.fields[p.num_fields++] = Field{tok, static_cast<uint8_t>(bit), static_cast<uint8_t>(width)};
    }
    if (bit != 0) detail::pattern_error("pattern shorter than 32 bits");
    return p;
}

// One instruction word seen through the pattern that matched it.
class Insn {
public:
    constexpr Insn(uint32_t word, const Pattern& pattern) : word_(word), pattern_(&pattern) {}
    uint32_t word() const { return word_; }

    // The value of a named field; naming a field the pattern lacks is a
    // translator bug, caught by the decoder unit test that visits every row.
    uint32_t operator[](std::string_view name) const {
        for (unsigned i = 0; i < pattern_->num_fields; ++i) {
            const Field& f = pattern_->fields[i];
            if (f.name == name) return (word_ >> f.lsb) & ((f.width == 32) ? ~0u : ((1u << f.width) - 1));
        }
        missing_field(name);
        return 0;
    }
    bool has(std::string_view name) const {
        for (unsigned i = 0; i < pattern_->num_fields; ++i)
            if (pattern_->fields[i].name == name) return true;
        return false;
    }

private:
    [[noreturn]] static void missing_field(std::string_view name);
    uint32_t word_;
    const Pattern* pattern_;
};

}  // namespace ferry::a64
