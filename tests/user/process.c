// Processes: fork, wait4 statuses,
// kill, pipes between processes, time and randomness.
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHECK(cond) do { if (!(cond)) { printf("FAIL line %d: %s (errno %d)\n", __LINE__, #cond, errno); return 1; } } while (0)

static volatile int got_chld;
static void on_chld(int sig) { (void)sig; got_chld++; }

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    signal(SIGCHLD, on_chld);

    int p[2];
    CHECK(pipe(p) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        const char msg[] = "hello from the child";
        if (write(p[1], msg, sizeof msg) != sizeof msg) _exit(1);
        _exit(7);
    }
    close(p[1]);
    char buf[64] = {0};
    CHECK(read(p[0], buf, sizeof buf) > 0);
    printf("parent read '%s'\n", buf);
    close(p[0]);
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    printf("child exit %d status %d\n", WIFEXITED(status), WEXITSTATUS(status));
    printf("SIGCHLD seen %d\n", got_chld > 0);

    pid = fork();
    if (pid == 0) {
        pause();
        _exit(0);
    }
    CHECK(kill(pid, SIGTERM) == 0);
    CHECK(waitpid(pid, &status, 0) == pid);
    printf("killed child signalled %d by %d\n", WIFSIGNALED(status), WTERMSIG(status));

    pid = fork();
    if (pid == 0) {
        __asm__ volatile(".inst 0x00000000");
        _exit(0);
    }
    CHECK(waitpid(pid, &status, 0) == pid);
    printf("udf child signalled %d by %d\n", WIFSIGNALED(status), WTERMSIG(status));

    char* no_args[] = {"/bin/true-not-aarch64", NULL};
    CHECK(execv("/nonexistent/program", no_args) == -1 && errno == ENOENT);

    struct timespec t1, t2;
    CHECK(clock_gettime(CLOCK_MONOTONIC, &t1) == 0);
    struct timespec nap = {0, 1000000};
    CHECK(nanosleep(&nap, NULL) == 0);
    CHECK(clock_gettime(CLOCK_MONOTONIC, &t2) == 0);
    CHECK(t2.tv_sec > t1.tv_sec || (t2.tv_sec == t1.tv_sec && t2.tv_nsec > t1.tv_nsec));
    struct timeval tv;
    CHECK(gettimeofday(&tv, NULL) == 0 && tv.tv_sec > 1600000000);
    CHECK(time(NULL) > 1600000000);
    unsigned char rnd[32];
    CHECK(getrandom(rnd, sizeof rnd, 0) == sizeof rnd);
    CHECK(getpid() > 0 && getppid() > 0);
    printf("ok\n");
    return 0;
}
