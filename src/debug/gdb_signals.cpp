#include "debug/gdb_signals.h"

#include <signal.h>


namespace ferry::debug {

namespace {
struct SignalPair {
    int linux_signal;
    int gdb_signal;
};
// GDB's numbers from include/gdb/signals.def.
constexpr SignalPair kSignals[] = {
    {SIGHUP, 1},     {SIGINT, 2},     {SIGQUIT, 3},   {SIGILL, 4},     {SIGTRAP, 5},    {SIGABRT, 6},
    {SIGFPE, 8},     {SIGKILL, 9},    {SIGBUS, 10},   {SIGSEGV, 11},   {SIGSYS, 12},    {SIGPIPE, 13},
    {SIGALRM, 14},   {SIGTERM, 15},   {SIGURG, 16},   {SIGSTOP, 17},   {SIGTSTP, 18},   {SIGCONT, 19},
    {SIGCHLD, 20},   {SIGTTIN, 21},   {SIGTTOU, 22},  {SIGIO, 23},     {SIGXCPU, 24},   {SIGXFSZ, 25},
    {SIGVTALRM, 26}, {SIGPROF, 27},   {SIGWINCH, 28}, {SIGPWR, 32},    {SIGUSR1, 30},   {SIGUSR2, 31},
};
}  // namespace

int gdb_signal_from_linux(int linux_signal) {
    for (const SignalPair& s : kSignals)
        if (s.linux_signal == linux_signal) return s.gdb_signal;
    return 0;
}

int linux_signal_from_gdb(int gdb_signal) {
    for (const SignalPair& s : kSignals)
        if (s.gdb_signal == gdb_signal) return s.linux_signal;
    return 0;
}

}  // namespace ferry::debug
