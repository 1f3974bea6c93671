// The decoder built from a64.inc: word -> table row.
#pragma once
#include <cstdint>
#include <span>

#include "frontend/a64/pattern.h"

namespace ferry::a64 {

class Translator;
using Handler = bool (*)(Translator&, Insn);

struct Encoding {
    const char* handler_name;  // the row's handler, e.g. "ADDSUB_imm"
    const char* name;          // the instructions it covers, for logs and reports
    const char* pattern_text;
    Pattern pattern;
    Handler handler;
};

// Every row of the table, in table order.
std::span<const Encoding> encodings();

// The most specific row matching word, or nullptr (unallocated: UNDEF).
const Encoding* decode(uint32_t word);

// Index of an encoding within encodings(), for coverage counters.
size_t encoding_index(const Encoding& e);

}  // namespace ferry::a64
