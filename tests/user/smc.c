// Self-modifying code: instructions written into a mapping, run, rewritten, run again.
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

typedef int (*fn_t)(void);

static uint32_t mov_w0(int imm) { return 0x52800000u | ((uint32_t)imm << 5); }  // movz w0, #imm
#define RET 0xd65f03c0u

int main(void) {
    uint32_t* code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (code == MAP_FAILED) return 1;
    fn_t f = (fn_t)code;
    int sum = 0;
    for (int i = 1; i <= 5; ++i) {
        code[0] = mov_w0(i * 10);
        code[1] = RET;
        __builtin___clear_cache((char*)code, (char*)(code + 2));
        int r = f();
        printf("call %d returned %d\n", i, r);
        sum += r;
    }
    // W^X style: write while not executable, then flip to executable.
    if (mprotect(code, 4096, PROT_READ | PROT_WRITE) != 0) return 1;
    code[0] = mov_w0(99);
    if (mprotect(code, 4096, PROT_READ | PROT_EXEC) != 0) return 1;
    __builtin___clear_cache((char*)code, (char*)(code + 2));
    printf("after mprotect %d\n", f());
    printf("sum %d\n", sum);
    return 0;
}
