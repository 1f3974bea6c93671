// Crypto-extension pieces that live in other classes' rows.
#pragma once
#include "frontend/a64/translator.h"

namespace ferry::a64 {

// PMULL/PMULL2 Vd.1Q, Vn.1D/2D, Vm.1D/2D: AdvSIMD three-different with
// size = 11 and opcode = 1110 (the row's handler calls this; fields Q, Rm, Rn, Rd).
bool translate_pmull64(Translator& t, Insn in);

}  // namespace ferry::a64
