// The remote protocol numbers signals as GDB does (enum gdb_signal), which
// differs from Linux's numbers beyond the first few (SIGBUS is 10, SIGUSR1
// 30...). The user-mode target converts at the boundary.
#pragma once

namespace ferry::debug {

// 0 for a Linux signal GDB has no number for.
int gdb_signal_from_linux(int linux_signal);
// 0 for a GDB signal Linux does not have.
int linux_signal_from_gdb(int gdb_signal);

}  // namespace ferry::debug
