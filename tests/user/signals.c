// Signals: handlers for kill(), SIGALRM, blocked and pending signals,
// sigsuspend, SIGILL from an undefined instruction, SIGPIPE, the alternate
// stack, registers preserved across a handler, SA_RESTART and SA_RESETHAND.
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHECK(cond) do { if (!(cond)) { printf("FAIL line %d: %s (errno %d)\n", __LINE__, #cond, errno); return 1; } } while (0)

static volatile int count[65];
static volatile uintptr_t handler_sp;
static sigjmp_buf recover;

static void on_signal(int sig) {
    count[sig]++;
    handler_sp = (uintptr_t)__builtin_frame_address(0);
}

static void on_ill(int sig, siginfo_t* info, void* uc) {
    (void)uc;
    count[sig]++;
    printf("SIGILL %s\n", info->si_code == ILL_ILLOPC || info->si_code == ILL_ILLOPN ? "illegal opcode" : "other");
    siglongjmp(recover, 1);
}

static void clobber_fp(int sig) {
    count[sig]++;
    volatile double x = 1.0;
    for (int i = 0; i < 10; ++i) x = x * 3.5 + 1.0;
    __asm__ volatile("fmov d8, #2.0\n fmov d0, #3.0" ::: "d0", "d8");
}

static int install(int sig, void (*fn)(int), int flags) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fn;
    sa.sa_flags = flags;
    return sigaction(sig, &sa, NULL);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    CHECK(install(SIGUSR1, on_signal, 0) == 0);
    CHECK(kill(getpid(), SIGUSR1) == 0);
    printf("SIGUSR1 delivered %d\n", count[SIGUSR1]);

    // Blocked: stays pending until unblocked.
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    CHECK(sigprocmask(SIG_BLOCK, &set, &old) == 0);
    CHECK(raise(SIGUSR1) == 0);
    printf("while blocked %d\n", count[SIGUSR1]);
    sigset_t pending;
    CHECK(sigpending(&pending) == 0);
    printf("pending %d\n", sigismember(&pending, SIGUSR1));
    CHECK(sigprocmask(SIG_SETMASK, &old, NULL) == 0);
    printf("after unblock %d\n", count[SIGUSR1]);

    // SIGALRM and sigsuspend.
    CHECK(install(SIGALRM, on_signal, 0) == 0);
    CHECK(sigprocmask(SIG_BLOCK, &(sigset_t){0}, &old) == 0);
    sigset_t alrm;
    sigemptyset(&alrm);
    sigaddset(&alrm, SIGALRM);
    CHECK(sigprocmask(SIG_BLOCK, &alrm, NULL) == 0);
    struct itimerval it = {{0, 0}, {0, 20000}};
    CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
    sigset_t wait_mask;
    sigemptyset(&wait_mask);
    CHECK(sigsuspend(&wait_mask) == -1 && errno == EINTR);
    printf("SIGALRM via sigsuspend %d\n", count[SIGALRM]);
    sigset_t now;
    CHECK(sigprocmask(SIG_BLOCK, NULL, &now) == 0 && sigismember(&now, SIGALRM));
    CHECK(sigprocmask(SIG_UNBLOCK, &alrm, NULL) == 0);

    // SIGILL from an undefined instruction.
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_ill;
    sa.sa_flags = SA_SIGINFO;
    CHECK(sigaction(SIGILL, &sa, NULL) == 0);
    if (sigsetjmp(recover, 1) == 0) {
        __asm__ volatile(".inst 0x00000000");  // UDF #0
        printf("FAIL: udf did not trap\n");
        return 1;
    }
    printf("SIGILL handled %d\n", count[SIGILL]);

    // SIGPIPE from writing to a pipe nobody reads.
    CHECK(install(SIGPIPE, on_signal, 0) == 0);
    int p[2];
    CHECK(pipe(p) == 0);
    close(p[0]);
    CHECK(write(p[1], "x", 1) == -1 && errno == EPIPE);
    printf("SIGPIPE %d\n", count[SIGPIPE]);
    close(p[1]);

    // Alternate signal stack.
    static char altstack[64 * 1024];
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
    CHECK(sigaltstack(&ss, NULL) == 0);
    CHECK(install(SIGUSR2, on_signal, SA_ONSTACK) == 0);
    CHECK(raise(SIGUSR2) == 0);
    printf("on alternate stack %d\n",
           handler_sp >= (uintptr_t)altstack && handler_sp < (uintptr_t)altstack + sizeof altstack);

    // FP/SIMD registers survive a handler that changes them.
    CHECK(install(SIGUSR1, clobber_fp, 0) == 0);
    double before = 0, after = 0;
    __asm__ volatile("fmov d8, #1.5\n"
                     "fmov %d0, d8\n"
                     : "=w"(before) : : "d8");
    CHECK(kill(getpid(), SIGUSR1) == 0);
    __asm__ volatile("fmov %d0, d8" : "=w"(after));
    printf("d8 preserved %d\n", before == after && after == 1.5);

    // SA_RESETHAND: the second SIGUSR2 would kill, so it is ignored instead.
    CHECK(install(SIGUSR2, on_signal, SA_RESETHAND) == 0);
    CHECK(raise(SIGUSR2) == 0);
    struct sigaction cur;
    CHECK(sigaction(SIGUSR2, NULL, &cur) == 0);
    printf("reset to default %d\n", cur.sa_handler == SIG_DFL);

    // A blocking read interrupted by a handler: restarted with SA_RESTART,
    // EINTR without it.
    for (int restart = 1; restart >= 0; --restart) {
        CHECK(install(SIGALRM, on_signal, restart ? SA_RESTART : 0) == 0);
        int q[2];
        CHECK(pipe(q) == 0);
        pid_t writer = fork();
        if (writer == 0) {
            usleep(200000);
            if (write(q[1], "late", 4) != 4) _exit(1);
            _exit(0);
        }
        struct itimerval once = {{0, 0}, {0, 50000}};
        CHECK(setitimer(ITIMER_REAL, &once, NULL) == 0);
        char data[8] = {0};
        ssize_t got = read(q[0], data, sizeof data);
        printf("SA_RESTART=%d read %zd %s\n", restart, got, got < 0 ? (errno == EINTR ? "EINTR" : "error") : data);
        kill(writer, SIGKILL);
        waitpid(writer, NULL, 0);
        close(q[0]);
        close(q[1]);
    }

    // Ignored signals vanish.
    CHECK(signal(SIGUSR1, SIG_IGN) != SIG_ERR);
    CHECK(raise(SIGUSR1) == 0);
    printf("ok\n");
    return 0;
}
