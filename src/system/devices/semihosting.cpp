#include "system/devices/semihosting.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <ctime>

#include "common/log.h"

namespace ferry::system {

namespace {

enum Operation : uint32_t {
    SYS_OPEN = 0x01, SYS_CLOSE = 0x02, SYS_WRITEC = 0x03, SYS_WRITE0 = 0x04, SYS_WRITE = 0x05, SYS_READ = 0x06,
    SYS_READC = 0x07, SYS_ISERROR = 0x08, SYS_ISTTY = 0x09, SYS_SEEK = 0x0A, SYS_FLEN = 0x0C, SYS_CLOCK = 0x10,
    SYS_TIME = 0x11, SYS_ERRNO = 0x13, SYS_GET_CMDLINE = 0x15, SYS_HEAPINFO = 0x16, SYS_EXIT = 0x18,
    SYS_EXIT_EXTENDED = 0x20, SYS_ELAPSED = 0x30, SYS_TICKFREQ = 0x31,
};

constexpr uint64_t kApplicationExit = 0x20026;  // ADP_Stopped_ApplicationExit
constexpr uint64_t kTicksPerSecond = 1000000000;
constexpr size_t kChunk = 4096;

// SYS_OPEN modes 0-11 are fopen's r, rb, r+, r+b, w, wb, w+, w+b, a, ab, a+, a+b.
constexpr int kOpenFlags[6] = {O_RDONLY, O_RDWR, O_WRONLY | O_CREAT | O_TRUNC, O_RDWR | O_CREAT | O_TRUNC,
                               O_WRONLY | O_CREAT | O_APPEND, O_RDWR | O_CREAT | O_APPEND};

// :semihosting-features: magic "SHFB" then feature byte 0: SH_EXT_EXIT_EXTENDED | SH_EXT_STDOUT_STDERR.
const std::string kFeatures = std::string("SHFB") + '\x03';

}  // namespace

Semihosting::Semihosting(const Config& config, SemihostingConsole& console, GuestMemory memory)
    : config_(config), console_(console), memory_(std::move(memory)), start_(std::chrono::steady_clock::now()) {}

Semihosting::~Semihosting() {
    for (auto& h : handles_)
        if (h && h->fd >= 0 && !h->host_stream) ::close(h->fd);
}

int64_t Semihosting::fail(int error) {
    errno_ = error;
    return -1;
}

// The parameter block: count 64-bit fields at param.
bool Semihosting::fields(uint64_t param, uint64_t* out, unsigned count) {
    return memory_.read(param, out, count * sizeof(uint64_t));
}

bool Semihosting::read_string(uint64_t va, uint64_t length, std::string& out) {
    if (length > 4096) return false;
    out.resize(length);
    return memory_.read(va, out.data(), length);
}

Semihosting::Handle* Semihosting::handle(uint64_t id) {
    if (id == 0 || id > handles_.size() || !handles_[id - 1]) return nullptr;
    return &*handles_[id - 1];
}

// Handles start at 1: some C libraries take 0 for "not open".
int64_t Semihosting::allocate(Handle h) {
    for (size_t i = 0; i < handles_.size(); ++i)
        if (!handles_[i]) {
            handles_[i] = h;
            return static_cast<int64_t>(i + 1);
        }
    handles_.push_back(h);
    return static_cast<int64_t>(handles_.size());
}

int64_t Semihosting::open(uint64_t param) {
    uint64_t f[3];  // name, mode, name length
    std::string name;
    if (!fields(param, f, 3) || !read_string(f[0], f[2], name)) return fail(EFAULT);
    if (f[1] > 11) return fail(EINVAL);
    Handle h;
    if (name == ":tt") {
        // As QEMU: reading is the console; writing, the host's stdout (or
        // its stderr for the append modes 8-11).
        if (f[1] >= 4) h.fd = f[1] < 8 ? STDOUT_FILENO : STDERR_FILENO;
        h.host_stream = true;
        return allocate(h);
    }
    if (name == ":semihosting-features") {
        if (f[1] >= 4) return fail(EACCES);
        h.features = kFeatures;
        h.is_features = true;
        return allocate(h);
    }
    const int fd = ::open(name.c_str(), kOpenFlags[f[1] / 2] | O_CLOEXEC, 0644);
    if (fd < 0) return fail(errno);
    h.fd = fd;
    return allocate(h);
}

int64_t Semihosting::close(uint64_t param) {
    uint64_t id;
    if (!fields(param, &id, 1)) return fail(EFAULT);
    Handle* h = handle(id);
    if (!h) return fail(EBADF);
    if (h->fd >= 0 && !h->host_stream && ::close(h->fd) != 0) {
        handles_[id - 1].reset();
        return fail(errno);
    }
    handles_[id - 1].reset();
    return 0;
}

// Returns the number of bytes NOT written.
int64_t Semihosting::write(uint64_t param) {
    uint64_t f[3];  // handle, buffer, length
    if (!fields(param, f, 3)) return fail(EFAULT);
    Handle* h = handle(f[0]);
    if (!h || h->is_features) return fail(EBADF);
    uint64_t done = 0;
    char buffer[kChunk];
    while (done < f[2]) {
        const size_t n = static_cast<size_t>(std::min<uint64_t>(kChunk, f[2] - done));
        if (!memory_.read(f[1] + done, buffer, n)) {
            errno_ = EFAULT;
            break;
        }
        if (h->fd < 0) {
            console_.write(buffer, n);
        } else {
            const ssize_t w = ::write(h->fd, buffer, n);
            if (w < 0) {
                errno_ = errno;
                break;
            }
            done += static_cast<uint64_t>(w);
            if (static_cast<size_t>(w) < n) break;
            continue;
        }
        done += n;
    }
    return static_cast<int64_t>(f[2] - done);
}

// Returns the number of bytes NOT read (the whole length at end of file).
int64_t Semihosting::read(uint64_t param) {
    uint64_t f[3];  // handle, buffer, length
    if (!fields(param, f, 3)) return fail(EFAULT);
    Handle* h = handle(f[0]);
    if (!h) return fail(EBADF);
    uint64_t done = 0;
    char buffer[kChunk];
    while (done < f[2]) {
        const size_t want = static_cast<size_t>(std::min<uint64_t>(kChunk, f[2] - done));
        size_t got = 0;
        if (h->is_features) {
            while (got < want && h->pos < h->features.size()) buffer[got++] = h->features[h->pos++];
        } else if (h->fd < 0) {
            // The console: a line at most, as a terminal would hand it over.
            int c = 0;
            while (got < want && c != '\n' && (c = console_.read_byte()) >= 0) buffer[got++] = static_cast<char>(c);
        } else {
            const ssize_t r = ::read(h->fd, buffer, want);
            if (r < 0) {
                errno_ = errno;
                break;
            }
            got = static_cast<size_t>(r);
        }
        if (got && !memory_.write(f[1] + done, buffer, got)) {
            errno_ = EFAULT;
            break;
        }
        done += got;
        if (got < want) break;
    }
    return static_cast<int64_t>(f[2] - done);
}

int64_t Semihosting::write0(uint64_t param) {
    std::string text;
    for (char c; memory_.read(param + text.size(), &c, 1) && c;) text.push_back(c);
    console_.write(text.data(), text.size());
    return 0;
}

int64_t Semihosting::seek(uint64_t param) {
    uint64_t f[2];  // handle, absolute position
    if (!fields(param, f, 2)) return fail(EFAULT);
    Handle* h = handle(f[0]);
    if (!h) return fail(EBADF);
    if (h->is_features) {
        h->pos = f[1];
        return 0;
    }
    if (h->fd < 0) return fail(ESPIPE);
    return ::lseek(h->fd, static_cast<off_t>(f[1]), SEEK_SET) < 0 ? fail(errno) : 0;
}

int64_t Semihosting::flen(uint64_t param) {
    uint64_t id;
    if (!fields(param, &id, 1)) return fail(EFAULT);
    Handle* h = handle(id);
    if (!h) return fail(EBADF);
    if (h->is_features) return static_cast<int64_t>(h->features.size());
    struct stat st;
    if (h->fd < 0) return fail(ESPIPE);
    return ::fstat(h->fd, &st) != 0 ? fail(errno) : static_cast<int64_t>(st.st_size);
}

int64_t Semihosting::istty(uint64_t param) {
    uint64_t id;
    if (!fields(param, &id, 1)) return fail(EFAULT);
    Handle* h = handle(id);
    if (!h) return fail(EBADF);
    if (h->is_features) return 0;
    return h->fd < 0 ? 1 : ::isatty(h->fd);  // :tt output: whether the host's stream is a terminal, as QEMU
}

// The command line, NUL-terminated, into [buffer, length]; length becomes
// the string's length.
int64_t Semihosting::get_cmdline(uint64_t param) {
    uint64_t f[2];
    if (!fields(param, f, 2)) return fail(EFAULT);
    const std::string& line = config_.cmdline;
    if (line.size() + 1 > f[1]) return fail(E2BIG);
    const uint64_t length = line.size();
    if (!memory_.write(f[0], line.c_str(), line.size() + 1) || !memory_.write(param + 8, &length, 8)) return fail(EFAULT);
    return 0;
}

// Heap in the upper half of RAM, stack growing down from its top (what QEMU
// reports for a system-mode guest).
int64_t Semihosting::heapinfo(uint64_t param) {
    uint64_t block;
    if (!fields(param, &block, 1)) return fail(EFAULT);
    const uint64_t info[4] = {config_.ram_base + config_.ram_size / 2, config_.ram_base + config_.ram_size,
                              config_.ram_base + config_.ram_size, config_.ram_base};
    return memory_.write(block, info, sizeof info) ? 0 : fail(EFAULT);
}

int64_t Semihosting::elapsed(uint64_t param) {
    const uint64_t ticks = static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start_).count());
    return memory_.write(param, &ticks, sizeof ticks) ? 0 : fail(EFAULT);
}

// A64 SYS_EXIT and SYS_EXIT_EXTENDED take (reason, subcode); an application
// exit ends with subcode as its status, any other reason with 1.
int64_t Semihosting::exit_program(uint64_t param) {
    uint64_t f[2];
    if (!fields(param, f, 2)) return fail(EFAULT);
    exit_status_ = f[0] == kApplicationExit ? static_cast<int>(f[1] & 0xFF) : 1;
    return 0;
}

uint64_t Semihosting::call(uint32_t op, uint64_t param) {
    int64_t result;
    switch (op) {
    case SYS_OPEN: result = open(param); break;
    case SYS_CLOSE: result = close(param); break;
    case SYS_WRITEC: {
        char c;
        result = memory_.read(param, &c, 1) ? (console_.write(&c, 1), 0) : fail(EFAULT);
        break;
    }
    case SYS_WRITE0: result = write0(param); break;
    case SYS_WRITE: result = write(param); break;
    case SYS_READ: result = read(param); break;
    case SYS_READC: result = console_.read_byte(); break;
    case SYS_ISERROR: {
        uint64_t status;
        result = fields(param, &status, 1) ? static_cast<int64_t>(status) < 0 : fail(EFAULT);
        break;
    }
    case SYS_ISTTY: result = istty(param); break;
    case SYS_SEEK: result = seek(param); break;
    case SYS_FLEN: result = flen(param); break;
    case SYS_CLOCK:
        result = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start_).count() / 10;
        break;
    case SYS_TIME: result = static_cast<int64_t>(std::time(nullptr)); break;
    case SYS_ERRNO: result = errno_; break;
    case SYS_GET_CMDLINE: result = get_cmdline(param); break;
    case SYS_HEAPINFO: result = heapinfo(param); break;
    case SYS_EXIT:
    case SYS_EXIT_EXTENDED: result = exit_program(param); break;
    case SYS_ELAPSED: result = elapsed(param); break;
    case SYS_TICKFREQ: result = kTicksPerSecond; break;
    default:
        log::printf_if(log::GuestErrors, "semihosting: unknown operation 0x%x (parameter 0x%" PRIx64 ")\n", op, param);
        result = fail(ENOSYS);
        break;
    }
    return static_cast<uint64_t>(result);
}

}  // namespace ferry::system
