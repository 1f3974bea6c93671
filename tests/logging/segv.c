// User-mode program for -d int: a SIGSEGV at a known address, caught by a handler.
#include <signal.h>
#include <unistd.h>

#define FAULT_ADDRESS 0x10

void on_segv(int sig) {
    (void)sig;
    write(1, "caught\n", 7);
    _exit(0);
}

int main(void) {
    signal(SIGSEGV, on_segv);
    *(volatile int*)FAULT_ADDRESS = 1;
    return 1;
}
