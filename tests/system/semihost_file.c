// Semihosting file I/O: write a file, read it back, seek, length, errors,
// the command line, :tt and the features file.
#include "lib.h"

static const char kPath[] = "ferry-semihost-test.txt";
static const char kText[] = "line one\nline two\n";

static int64_t open_file(const char* name, uint64_t mode) {
    size_t len = 0;
    while (name[len]) ++len;
    const uint64_t block[3] = {(uint64_t)name, mode, len};
    return semihost(SYS_OPEN, block);
}

static int64_t tt;  // :tt opened for writing: the host's stdout

static void print(const char* s) {
    size_t len = 0;
    while (s[len]) ++len;
    const uint64_t block[3] = {(uint64_t)tt, (uint64_t)s, len};
    semihost(SYS_WRITE, block);
}

static void print_num(const char* label, int64_t v) {
    char text[32];
    int n = 0;
    uint64_t u = v < 0 ? (uint64_t)-v : (uint64_t)v;
    do text[n++] = (char)('0' + u % 10); while ((u /= 10) != 0);
    if (v < 0) text[n++] = '-';
    char out[64];
    int o = 0;
    while (*label) out[o++] = *label++;
    while (n) out[o++] = text[--n];
    out[o++] = '\n';
    out[o] = 0;
    print(out);
}

int kernel_main(uint64_t entry_el) {
    (void)entry_el;
    tt = open_file(":tt", 4);
    semihost(SYS_WRITE0, "SYS_WRITE0 goes to stderr\n");
    const int64_t w = open_file(kPath, 4);  // "w"
    print_num("open for write ok: ", w > 0);
    uint64_t wr[3] = {(uint64_t)w, (uint64_t)kText, sizeof kText - 1};
    print_num("write left: ", semihost(SYS_WRITE, wr));
    uint64_t h[1] = {(uint64_t)w};
    print_num("close: ", semihost(SYS_CLOSE, h));

    const int64_t r = open_file(kPath, 0);  // "r"
    print_num("open for read ok: ", r > 0);
    h[0] = (uint64_t)r;
    print_num("flen: ", semihost(SYS_FLEN, h));
    print_num("istty: ", semihost(SYS_ISTTY, h));
    uint64_t sk[2] = {(uint64_t)r, 9};
    print_num("seek: ", semihost(SYS_SEEK, sk));
    char buffer[32] = {0};
    uint64_t rd[3] = {(uint64_t)r, (uint64_t)buffer, 31};
    print_num("read left: ", semihost(SYS_READ, rd));
    print("read: ");
    print(buffer);
    print_num("read at eof left: ", semihost(SYS_READ, rd));
    print_num("close: ", semihost(SYS_CLOSE, h));
    print_num("close again: ", semihost(SYS_CLOSE, h));

    print_num("open missing: ", open_file("no/such/dir/file", 0));
    print_num("errno is ENOENT: ", semihost(SYS_ERRNO, 0) == 2);
    const int64_t status = -1;
    print_num("iserror(-1): ", semihost(SYS_ISERROR, &status) != 0);

    uint64_t ttw[1] = {(uint64_t)tt};
    print_num("istty(:tt): ", semihost(SYS_ISTTY, ttw));

    const int64_t f = open_file(":semihosting-features", 0);
    unsigned char feat[5] = {0};
    uint64_t fr[3] = {(uint64_t)f, (uint64_t)feat, 5};
    semihost(SYS_READ, fr);
    print_num("features magic ok: ", feat[0] == 'S' && feat[1] == 'H' && feat[2] == 'F' && feat[3] == 'B');
    print_num("exit extended supported: ", feat[4] & 1);

    char cmdline[128];
    uint64_t cl[2] = {(uint64_t)cmdline, sizeof cmdline};
    print_num("get_cmdline: ", semihost(SYS_GET_CMDLINE, cl));
    print("cmdline: ");
    print(cmdline);
    print("\n");

    uint64_t info[4];
    uint64_t* info_ptr = info;
    semihost(SYS_HEAPINFO, &info_ptr);
    print_num("heap in RAM: ", info[0] >= 0x40000000 && info[1] > info[0]);
    print_num("tickfreq nonzero: ", semihost(SYS_TICKFREQ, 0) > 0);
    print_num("time plausible: ", semihost(SYS_TIME, 0) > 1600000000);
    return 0;
}
