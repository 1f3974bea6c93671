// File system calls: open/read/write/lseek, the stat family, directories, pipes, dup, fcntl.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/uio.h>
#include <unistd.h>

#define CHECK(cond) do { if (!(cond)) { printf("FAIL line %d: %s (errno %d)\n", __LINE__, #cond, errno); return 1; } } while (0)

int main(void) {
    char dir[] = "/tmp/ferry-files-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    CHECK(chdir(dir) == 0);

    int fd = open("a.txt", O_CREAT | O_WRONLY | O_TRUNC, 0640);
    CHECK(fd >= 0);
    CHECK(write(fd, "hello, ferry\n", 13) == 13);
    struct iovec iov[2] = {{"two ", 4}, {"pieces\n", 7}};
    CHECK(writev(fd, iov, 2) == 11);
    CHECK(close(fd) == 0);

    struct stat st;
    CHECK(stat("a.txt", &st) == 0);
    printf("size %lld mode %o regular %d\n", (long long)st.st_size, st.st_mode & 0777, S_ISREG(st.st_mode));
    CHECK(lstat("a.txt", &st) == 0 && st.st_size == 24);

    fd = open("a.txt", O_RDONLY);
    CHECK(fd >= 0);
    CHECK(fstat(fd, &st) == 0 && st.st_size == 24 && st.st_nlink == 1);
    char buf[64] = {0};
    CHECK(read(fd, buf, 5) == 5);
    printf("read '%s'\n", buf);
    CHECK(lseek(fd, 7, SEEK_SET) == 7);
    memset(buf, 0, sizeof buf);
    CHECK(read(fd, buf, 6) == 6);
    printf("after seek '%s'\n", buf);
    CHECK(pread(fd, buf, 3, 13) == 3 && memcmp(buf, "two", 3) == 0);
    int flags = fcntl(fd, F_GETFL);
    CHECK((flags & O_ACCMODE) == O_RDONLY);
    int fd2 = fcntl(fd, F_DUPFD_CLOEXEC, 10);
    CHECK(fd2 >= 10 && (fcntl(fd2, F_GETFD) & FD_CLOEXEC));
    CHECK(dup2(fd, 20) == 20);
    close(fd2);
    close(20);
    close(fd);

    // O_DIRECTORY and O_NOFOLLOW have different values on arm64 and x86-64.
    CHECK(open("a.txt", O_RDONLY | O_DIRECTORY) < 0 && errno == ENOTDIR);
    CHECK(symlink("a.txt", "link") == 0);
    CHECK(open("link", O_RDONLY | O_NOFOLLOW) < 0 && errno == ELOOP);
    ssize_t n = readlink("link", buf, sizeof buf);
    CHECK(n == 5);
    buf[n] = 0;
    printf("readlink %s\n", buf);
    int dfd = open(".", O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0);
    CHECK(fcntl(dfd, F_GETFL) & O_DIRECTORY);
    CHECK(fstatat(dfd, "a.txt", &st, 0) == 0 && st.st_size == 24);
    close(dfd);

    CHECK(mkdir("sub", 0755) == 0);
    CHECK(rename("a.txt", "sub/b.txt") == 0);
    CHECK(access("sub/b.txt", R_OK) == 0 && access("a.txt", F_OK) != 0);
    DIR* d = opendir("sub");
    CHECK(d != NULL);
    int entries = 0;
    struct dirent* e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, "b.txt") == 0) printf("found %s\n", e->d_name);
        ++entries;
    }
    closedir(d);
    printf("entries %d\n", entries);
    CHECK(truncate("sub/b.txt", 3) == 0 && stat("sub/b.txt", &st) == 0 && st.st_size == 3);

    struct statfs sfs;
    CHECK(statfs(".", &sfs) == 0 && sfs.f_bsize > 0);

    int p[2];
    CHECK(pipe(p) == 0);
    CHECK(write(p[1], "through a pipe", 14) == 14);
    memset(buf, 0, sizeof buf);
    CHECK(read(p[0], buf, sizeof buf) == 14);
    printf("pipe '%s'\n", buf);
    close(p[0]);
    close(p[1]);

    char cwd[256];
    CHECK(getcwd(cwd, sizeof cwd) != NULL && strcmp(cwd, dir) == 0);
    CHECK(read(-1, buf, 1) < 0 && errno == EBADF);
    void* volatile bad = (void*)8;  // a bad pointer must not crash Ferry
    CHECK(read(0, bad, 0) == 0 || errno == EFAULT);

    CHECK(unlink("sub/b.txt") == 0 && unlink("link") == 0);
    CHECK(rmdir("sub") == 0);
    CHECK(chdir("/") == 0 && rmdir(dir) == 0);
    printf("ok\n");
    return 0;
}
