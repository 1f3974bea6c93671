// What Ferry needs from the x86-64 host it runs on.
#pragma once

namespace ferry {

// Whether the host has what Ferry needs: SSE4.1 (FP/SIMD code) and
// CMPXCHG16B (128-bit guest atomics). If not, prints a one-line error
// naming `program` and the missing features.
bool host_has_required_features(const char* program);

}  // namespace ferry
