// target.xml (gdb's target description) for a register list: one feature
// per RegisterInfo::feature in order of first use, with the flag, vector and
// union types the registers of that feature use defined inside it.
#pragma once
#include <string>
#include <vector>

#include "debug/debug_target.h"

namespace ferry::debug {

std::string target_description_xml(const std::vector<RegisterInfo>& registers);

}  // namespace ferry::debug
