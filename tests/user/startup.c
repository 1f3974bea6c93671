// Process start-up: argv, envp, auxv as Linux's create_elf_tables lays them out.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/utsname.h>

#define CHECK(cond) do { if (!(cond)) { printf("FAIL line %d: %s\n", __LINE__, #cond); return 1; } } while (0)

int main(int argc, char** argv, char** envp) {
    printf("argc %d\n", argc);
    for (int i = 1; i < argc; ++i) printf("argv[%d] %s\n", i, argv[i]);
    CHECK(argv[argc] == NULL);
    CHECK(((unsigned long)argv & 7) == 0);
    int env_count = 0;
    while (envp[env_count]) ++env_count;
    CHECK(env_count > 0);
    printf("FERRY_TEST_VAR %s\n", getenv("FERRY_TEST_VAR") ? getenv("FERRY_TEST_VAR") : "(unset)");
    CHECK(getauxval(AT_PAGESZ) == 4096);
    CHECK(getauxval(AT_HWCAP) & 1);  // HWCAP_FP
    CHECK(getauxval(AT_ENTRY) != 0);
    CHECK(getauxval(AT_PHDR) != 0 && getauxval(AT_PHNUM) > 0);
    const unsigned char* random = (const unsigned char*)getauxval(AT_RANDOM);
    CHECK(random != NULL);
    const char* execfn = (const char*)getauxval(AT_EXECFN);
    CHECK(execfn != NULL && strstr(execfn, "startup") != NULL);
    const char* platform = (const char*)getauxval(AT_PLATFORM);
    printf("platform %s\n", platform ? platform : "(none)");
    struct utsname u;
    CHECK(uname(&u) == 0);
    printf("machine %s\n", u.machine);
    printf("ok\n");
    return 0;
}
