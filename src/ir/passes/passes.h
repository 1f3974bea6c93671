// IR passes, each in its own file. All are linear in the block size.
#pragma once
#include "ir/ir.h"

namespace ferry::ir::passes {

// Replaces reads of guest registers with the value last read or written in
// the block, and drops writes that a later write overwrites before anything
// can observe the register (a fault, an exit, a helper).
void get_set_elimination(Block& block);

// Evaluates pure instructions whose arguments are constants, using the
// reference semantics, and simplifies identities (x + 0, x & ~0, ...).
void constant_folding(Block& block);

// Local value numbering and peepholes: a pure instruction repeating an
// earlier one (same operands) becomes that one; constants of commutative
// operations move to the right; ZeroExt/Trunc chains collapse; an And whose
// mask another And already applied disappears.
void simplify(Block& block);

// Turns ConditionHolds of flags computed in the block by a compare (SUBS,
// ADDS, ANDS and their CMP/CMN/TST aliases) into one CondCompare of the
// compared values, so that a backend can branch on its own flags and the
// NZCV word is only built if something else needs it. An EQ/NE/MI/PL of
// ADDS flags tests the sum the block also computes (Logic of the sum).
void flag_fusion(Block& block);

// Removes NZCV writes that a later NZCV write overwrites before a read or a
// point where the guest could observe the flags; their flag computations
// then die in dead code elimination.
void dead_flag_elimination(Block& block);

// Removes pure instructions whose results are never used.
void dead_code_elimination(Block& block);

// Rewrites every argument (and the terminal's value) through `replacement`.
void apply_replacements(Block& block, const std::vector<ValueId>& replacement);

}  // namespace ferry::ir::passes
