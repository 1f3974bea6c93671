#include "core/host_cpu.h"

#include <cpuid.h>

#include <cstdio>
#include <string>

namespace ferry {

namespace {
std::string missing_host_features() {
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return "cpuid";
    std::string missing;
    auto require = [&](bool present, const char* name) {
        if (present) return;
        if (!missing.empty()) missing += ", ";
        missing += name;
    };
    require(ecx & bit_SSE4_1, "SSE4.1");
    require(ecx & bit_CMPXCHG16B, "CMPXCHG16B");
    return missing;
}
}  // namespace

bool host_has_required_features(const char* program) {
    const std::string missing = missing_host_features();
    if (missing.empty()) return true;
    std::fprintf(stderr, "%s: this x86-64 host lacks %s, which Ferry needs\n", program, missing.c_str());
    return false;
}

}  // namespace ferry
