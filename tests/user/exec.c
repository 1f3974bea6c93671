// execve of AArch64 programs: through vfork, of /proc/self/exe, of a "#!"
// script whose interpreter is an AArch64 program, and of a host program
// (ENOEXEC). Not compared with qemu-aarch64, which cannot run a guest's
// execve without binfmt_misc.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHECK(cond) do { if (!(cond)) { printf("FAIL line %d: %s (errno %d)\n", __LINE__, #cond, errno); return 1; } } while (0)

static int run(const char* path, char* const argv[]) {
    pid_t pid = vfork();
    if (pid == 0) {
        execv(path, argv);
        _exit(100 + errno);
    }
    int status;
    if (pid < 0 || waitpid(pid, &status, 0) != pid) return -1;
    return WEXITSTATUS(status);
}

int main(int argc, char** argv) {
    if (argc > 1 && strcmp(argv[1], "child") == 0) {
        printf("child argv:");
        for (int i = 2; i < argc; ++i) printf(" [%s]", strstr(argv[i], "ferry-exec-") ? "SCRIPT" : argv[i]);
        printf(" env FERRY_EXEC=%s\n", getenv("FERRY_EXEC") ? getenv("FERRY_EXEC") : "(unset)");
        return 42;
    }
    setvbuf(stdout, NULL, _IONBF, 0);
    char* self_args[] = {argv[0], "child", "one", "two", NULL};
    printf("exec /proc/self/exe: %d\n", run("/proc/self/exe", self_args));
    printf("exec argv[0]: %d\n", run(argv[0], self_args));

    // A script whose #! line names this program.
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    CHECK(n > 0);
    self[n] = 0;
    char script[] = "/tmp/ferry-exec-XXXXXX";
    int fd = mkstemp(script);
    CHECK(fd >= 0);
    dprintf(fd, "#!%s child\n", self);
    close(fd);
    CHECK(chmod(script, 0755) == 0);
    char* script_args[] = {script, "arg", NULL};
    printf("exec script: %d\n", run(script, script_args));
    unlink(script);

    setenv("FERRY_EXEC", "passed", 1);
    printf("exec with env: %d\n", run("/proc/self/exe", self_args));

    char* host_args[] = {"/bin/true", NULL};
    CHECK(execv("/bin/true", host_args) == -1);
    printf("host program: %s\n", errno == ENOEXEC ? "ENOEXEC" : strerror(errno));
    CHECK(execv("/nonexistent", host_args) == -1 && errno == ENOENT);
    printf("ok\n");
    return 0;
}
