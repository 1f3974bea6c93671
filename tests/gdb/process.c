// The static program tests/gdb/run.sh debugs under ferry-user -g.
#include <stdio.h>

volatile long total;

__attribute__((noinline)) long add(long a, long b) { return a + b; }

int main(void) {
    for (long i = 1; i <= 3; ++i) total = add(total, i);
    printf("total=%ld\n", total);
    return total == 6 ? 0 : 1;
}
