#include "system/virt/console.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace ferry::system {

namespace {

constexpr uint8_t kEscape = 0x01;  // Ctrl-A

// The terminal's settings before raw mode, restored at exit and on fatal
// signals (async-signal-safe: tcsetattr only).
struct termios g_saved_terminal;
volatile sig_atomic_t g_terminal_raw = 0;

void restore_terminal() {
    if (g_terminal_raw) {
        tcsetattr(STDIN_FILENO, TCSANOW, &g_saved_terminal);
        g_terminal_raw = 0;
    }
}

void restore_and_die(int sig) {
    restore_terminal();
    signal(sig, SIG_DFL);
    raise(sig);
}

// Raw input (no line editing, echo or CR translation), output post-processing
// kept so that the guest's "\n" still returns the carriage. keep_signals:
// Ctrl-C stays a host signal (-serial stdio) rather than a guest byte.
void make_terminal_raw(bool keep_signals) {
    if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &g_saved_terminal) != 0) return;
    struct termios raw = g_saved_terminal;
    raw.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    raw.c_oflag |= OPOST;
    raw.c_lflag &= ~(ECHO | ECHONL | ICANON | IEXTEN);
    if (!keep_signals) raw.c_lflag &= ~ISIG;
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    static bool handlers_installed = false;
    if (!handlers_installed) {
        handlers_installed = true;
        std::atexit(restore_terminal);
        for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL}) signal(sig, restore_and_die);
    }
    if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0) g_terminal_raw = 1;
}

void write_all(int fd, const void* data, size_t bytes) {
    const char* p = static_cast<const char*>(data);
    while (bytes) {
        const ssize_t n = ::write(fd, p, bytes);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;  // the far end is gone: the line drops the bytes
        p += n;
        bytes -= static_cast<size_t>(n);
    }
}

// "HOST:PORT,opt,opt": the address, and whether to listen / wait for a client.
struct TcpSpec { std::string host, port; bool server = false, wait = true; };

bool parse_tcp(const std::string& text, TcpSpec& spec, std::string& error) {
    size_t comma = text.find(',');
    const std::string address = text.substr(0, comma);
    const size_t colon = address.rfind(':');
    if (colon == std::string::npos) {
        error = "-serial tcp: needs HOST:PORT";
        return false;
    }
    spec.host = address.substr(0, colon);
    spec.port = address.substr(colon + 1);
    while (comma != std::string::npos) {
        const size_t next = text.find(',', comma + 1);
        const std::string opt = text.substr(comma + 1, next - comma - 1);
        if (opt == "server" || opt == "server=on") spec.server = true;
        else if (opt == "nowait" || opt == "wait=off") spec.wait = false;
        else if (opt == "wait=on" || opt == "server=off") spec.server = spec.server && opt == "wait=on";
        else if (opt != "nodelay" && opt != "telnet=off") {
            error = "-serial tcp: unsupported option '" + opt + "'";
            return false;
        }
        comma = next;
    }
    return true;
}

int tcp_socket(const TcpSpec& spec, std::string& error) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = spec.server ? AI_PASSIVE : 0;
    addrinfo* found = nullptr;
    const int rc = getaddrinfo(spec.host.empty() ? nullptr : spec.host.c_str(), spec.port.c_str(), &hints, &found);
    if (rc != 0) {
        error = "-serial tcp:" + spec.host + ":" + spec.port + ": " + gai_strerror(rc);
        return -1;
    }
    int fd = -1;
    for (addrinfo* a = found; a && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) continue;
        const int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        const bool ok = spec.server ? (bind(fd, a->ai_addr, a->ai_addrlen) == 0 && listen(fd, 1) == 0)
                                    : connect(fd, a->ai_addr, a->ai_addrlen) == 0;
        if (!ok) {
            ::close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(found);
    if (fd < 0) error = "-serial tcp:" + spec.host + ":" + spec.port + ": " + std::strerror(errno);
    return fd;
}

}  // namespace

std::unique_ptr<Console> Console::open(const std::string& spec, std::string& error) {
    std::unique_ptr<Console> c(new Console());
    if (pipe2(c->wake_pipe_, O_CLOEXEC) != 0) {
        error = std::string("cannot create a pipe: ") + std::strerror(errno);
        return nullptr;
    }
    if (spec == "stdio" || spec == "mon:stdio") {
        c->in_fd_ = STDIN_FILENO;
        c->out_fd_ = STDOUT_FILENO;
        c->escapes_ = true;
        make_terminal_raw(spec == "stdio");
    } else if (spec.rfind("file:", 0) == 0) {
        c->out_fd_ = ::open(spec.c_str() + 5, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (c->out_fd_ < 0) {
            error = "-serial " + spec + ": " + std::strerror(errno);
            return nullptr;
        }
        c->owns_fds_ = true;
    } else if (spec.rfind("tcp:", 0) == 0) {
        TcpSpec tcp;
        if (!parse_tcp(spec.substr(4), tcp, error)) return nullptr;
        const int fd = tcp_socket(tcp, error);
        if (fd < 0) return nullptr;
        c->owns_fds_ = true;
        if (!tcp.server) {
            c->in_fd_ = c->out_fd_ = fd;
        } else {
            c->listen_fd_ = fd;
            if (tcp.wait) {
                std::fprintf(stderr, "ferry-system: waiting for a connection on %s\n", spec.c_str());
                if (!c->accept_client()) {
                    error = "-serial " + spec + ": accept: " + std::strerror(errno);
                    return nullptr;
                }
            }
        }
    }  // null, none: no output, no input
    return c;
}

Console::~Console() {
    {
        std::lock_guard<std::mutex> guard(mutex_);
        stopping_ = true;
    }
    changed_.notify_all();
    if (wake_pipe_[1] >= 0) write_all(wake_pipe_[1], "x", 1);
    if (thread_.joinable()) thread_.join();
    for (int fd : wake_pipe_)
        if (fd >= 0) ::close(fd);
    if (owns_fds_) {
        if (in_fd_ >= 0 && in_fd_ != out_fd_) ::close(in_fd_);
        if (out_fd_ >= 0) ::close(out_fd_);
        if (listen_fd_ >= 0) ::close(listen_fd_);
    }
    restore_terminal();
}

bool Console::accept_client() {
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) return false;
    std::lock_guard<std::mutex> guard(mutex_);
    in_fd_ = out_fd_ = fd;
    return true;
}

void Console::write(const void* data, size_t bytes) {
    if (out_fd_ >= 0) write_all(out_fd_, data, bytes);
}

void Console::start_input(VirtBoard& board, std::function<void()> quit) {
    board_ = &board;
    quit_ = std::move(quit);
    {
        std::lock_guard<std::recursive_mutex> guard(board.lock());
        board.uart().set_rx_space_callback([this] { changed_.notify_all(); });
    }
    if (in_fd_ < 0 && listen_fd_ < 0) return;
    thread_ = std::thread([this] { input_loop(); });
}

void Console::handle_escape(uint8_t key) {
    switch (key) {
    case 'x': case 'X': {
        static const char kBye[] = "\r\nferry-system: terminated\r\n";
        write_all(STDERR_FILENO, kBye, sizeof kBye - 1);
        if (quit_) quit_();
        break;
    }
    case 'h': case 'H': case '?': {
        static const char kHelp[] =
            "\r\nC-a h    print this help\r\nC-a x    exit emulator\r\nC-a C-a  send C-a\r\n"
            "C-a a    send C-a\r\n";
        write_all(STDERR_FILENO, kHelp, sizeof kHelp - 1);
        break;
    }
    case 'a': case 'A': case kEscape: pending_.push_back(kEscape); break;
    default: break;  // the monitor (C-a c) and the rest do not exist here
    }
}

void Console::take_input(const uint8_t* data, size_t bytes) {
    std::lock_guard<std::mutex> guard(mutex_);
    for (size_t i = 0; i < bytes; ++i) {
        if (escape_pending_) {
            escape_pending_ = false;
            handle_escape(data[i]);
        } else if (escapes_ && data[i] == kEscape) {
            escape_pending_ = true;
        } else {
            pending_.push_back(data[i]);
        }
    }
    changed_.notify_all();
}

// Hands typed bytes to the UART while its FIFO has room (unless semihosting
// is reading the console: then they are its). Called without mutex_ held.
void Console::deliver_to_uart() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stopping_ && !pending_.empty()) {
        if (semihosting_readers_ == 0) {
            uint8_t chunk[64];
            size_t n = 0;
            while (n < sizeof chunk && n < pending_.size()) chunk[n] = pending_[n], ++n;
            lock.unlock();
            size_t taken;
            {
                std::lock_guard<std::recursive_mutex> guard(board_->lock());
                taken = board_->uart().receive(chunk, n);
                if (taken == n) board_->uart().receive_idle();
            }
            lock.lock();
            pending_.erase(pending_.begin(), pending_.begin() + static_cast<long>(taken));
            if (taken == n) continue;
        }
        // The FIFO is full (or semihosting reads): wait for room.
        changed_.wait_for(lock, std::chrono::milliseconds(50));
    }
}

void Console::input_loop() {
    if (in_fd_ < 0 && !accept_client()) return;
    for (;;) {
        pollfd fds[2] = {{in_fd_, POLLIN, 0}, {wake_pipe_[0], POLLIN, 0}};
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        if (fds[1].revents) break;  // shutting down
        uint8_t buffer[256];
        const ssize_t n = ::read(in_fd_, buffer, sizeof buffer);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (n <= 0) {
            // End of input. A tcp server takes the next client; others stop.
            if (listen_fd_ >= 0 && ::close(in_fd_) == 0 && accept_client()) continue;
            break;
        }
        take_input(buffer, static_cast<size_t>(n));
        deliver_to_uart();
    }
    std::lock_guard<std::mutex> guard(mutex_);
    input_ended_ = true;
    changed_.notify_all();
}

int Console::read_byte() {
    std::unique_lock<std::mutex> lock(mutex_);
    if (!thread_.joinable()) return -1;  // no input on this line
    ++semihosting_readers_;
    changed_.wait(lock, [this] { return !pending_.empty() || input_ended_ || stopping_; });
    --semihosting_readers_;
    if (pending_.empty()) return -1;
    const int c = pending_.front();
    pending_.pop_front();
    return c;
}

}  // namespace ferry::system
