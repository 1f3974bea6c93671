// Memory: brk, mmap/munmap/mprotect/mremap, madvise, big mallocs, faults as SIGSEGV.
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define CHECK(cond) do { if (!(cond)) { printf("FAIL line %d: %s (errno %d)\n", __LINE__, #cond, errno); return 1; } } while (0)

static sigjmp_buf recover;
static volatile void* fault_addr;

static void on_segv(int sig, siginfo_t* info, void* uc) {
    (void)uc;
    fault_addr = info->si_addr;
    siglongjmp(recover, sig);
}

int main(void) {
    void* start = sbrk(0);
    CHECK(sbrk(1 << 20) == start);
    memset(start, 0x5a, 1 << 20);
    CHECK(sbrk(-(1 << 20)) != (void*)-1 && sbrk(0) == start);

    char* big = malloc(64 << 20);
    CHECK(big != NULL);
    memset(big, 1, 64 << 20);
    free(big);

    long page = sysconf(_SC_PAGESIZE);
    unsigned char* m = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(m != MAP_FAILED);
    CHECK(m[0] == 0 && m[4 * page - 1] == 0);
    memset(m, 7, 4 * page);
    CHECK(madvise(m, page, MADV_DONTNEED) == 0 && m[0] == 0 && m[page] == 7);

    m = mremap(m, 4 * page, 64 * page, MREMAP_MAYMOVE);
    CHECK(m != MAP_FAILED && m[page] == 7 && m[63 * page] == 0);
    m = mremap(m, 64 * page, 2 * page, 0);
    CHECK(m != MAP_FAILED && m[page] == 7);

    struct sigaction sa = {0};
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    CHECK(sigaction(SIGSEGV, &sa, NULL) == 0);

    CHECK(mprotect(m, page, PROT_READ) == 0);
    int sig = sigsetjmp(recover, 1);
    if (sig == 0) {
        m[16] = 1;
        printf("FAIL: write to read-only page did not fault\n");
        return 1;
    }
    printf("write to read-only page: signal %d at offset %ld\n", sig, (long)((unsigned char*)fault_addr - m));

    CHECK(munmap(m, 2 * page) == 0);
    sig = sigsetjmp(recover, 1);
    if (sig == 0) {
        (void)*(volatile unsigned char*)(m + page);
        printf("FAIL: read of unmapped page did not fault\n");
        return 1;
    }
    printf("read of unmapped page: signal %d, address matches %d\n", sig, fault_addr == m + page);

    sig = sigsetjmp(recover, 1);
    if (sig == 0) {
        (void)*(volatile int*)0;
        return 1;
    }
    printf("null read: signal %d address %p\n", sig, (void*)fault_addr);

    unsigned char* fixed = mmap(m, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    CHECK(fixed == m && fixed[0] == 0);
    CHECK(munmap(fixed, page) == 0);
    CHECK(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == EINVAL);
    printf("ok\n");
    return 0;
}
