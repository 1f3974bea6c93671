// What Ferry needs from the x86-64 host it runs on.
#pragma once
#include <string>

namespace ferry {

// Names of the required host CPU features this machine lacks ("" if none):
// SSE4.1 (FP/SIMD code) and CMPXCHG16B (128-bit guest atomics).
std::string missing_host_features();

}  // namespace ferry
