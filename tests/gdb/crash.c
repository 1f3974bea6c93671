// A program that faults, for tests/gdb/run.sh: the debugger sees the
// SIGSEGV before the guest does, then passes it on (to a handler with
// "handle", else the process dies of it).
#include <signal.h>
#include <string.h>
#include <unistd.h>

static void on_segv(int sig) {
    (void)sig;
    static const char message[] = "handled\n";
    write(1, message, sizeof message - 1);
    _exit(3);
}

__attribute__((noinline)) void crash(volatile int* p) { *p = 42; }

int main(int argc, char** argv) {
    if (argc > 1 && strcmp(argv[1], "handle") == 0) signal(SIGSEGV, on_segv);
    crash((volatile int*)16);
    return 0;
}
