// Smallest static C program: measures start-up (loader, glibc init, exit).
#include <stdio.h>

int main(void) {
    puts("hello from aarch64");
    return 0;
}
