#include "debug/gdb_server.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "debug/packet_handler.h"
#include "debug/rsp.h"

namespace ferry::debug {

namespace {

constexpr size_t kReadChunk = 4096;

bool all_digits(std::string_view text) {
    return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
}

// A listening socket and the path to unlink when it closes (Unix sockets).
struct Listener {
    int fd = -1;
    std::string unix_path;
};

std::string system_error(const std::string& spec) { return "gdb: " + spec + ": " + std::strerror(errno); }

// Splits "main,opt,opt" and accepts QEMU's server/wait/nowait options.
bool split_options(const std::string& spec, std::string_view text, std::string_view& main, std::string& error) {
    const size_t comma = text.find(',');
    main = text.substr(0, comma);
    std::string_view options = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    while (!options.empty()) {
        const size_t next = options.find(',');
        const std::string_view option = options.substr(0, next);
        if (option != "server" && option != "wait" && option != "nowait") {
            error = "gdb: " + spec + ": unknown option '" + std::string(option) + "'";
            return false;
        }
        options = next == std::string_view::npos ? std::string_view{} : options.substr(next + 1);
    }
    return true;
}

bool listen_tcp(const std::string& spec, std::string_view host, std::string_view port_text, Listener& out,
                std::string& error) {
    const unsigned long port = all_digits(port_text) && port_text.size() <= 5 ? std::stoul(std::string(port_text)) : 0;
    if (port == 0 || port > 65535) {
        error = "gdb: bad port in '" + spec + "'";
        return false;
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_ANY);  // as QEMU: every interface
    if (!host.empty()) {
        addrinfo hints{}, *found = nullptr;
        hints.ai_family = AF_INET;
        hints.ai_socktype = SOCK_STREAM;
        if (getaddrinfo(std::string(host).c_str(), nullptr, &hints, &found) != 0 || found == nullptr) {
            error = "gdb: " + spec + ": unknown host '" + std::string(host) + "'";
            return false;
        }
        address.sin_addr = reinterpret_cast<sockaddr_in*>(found->ai_addr)->sin_addr;
        freeaddrinfo(found);
    }
    out.fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const int one = 1;
    if (out.fd < 0 || setsockopt(out.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(out.fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || listen(out.fd, 1) != 0) {
        error = system_error(spec);
        return false;
    }
    return true;
}

bool listen_unix(const std::string& spec, std::string_view path, Listener& out, std::string& error) {
    sockaddr_un address{};
    if (path.empty() || path.size() >= sizeof address.sun_path) {
        error = "gdb: bad socket path in '" + spec + "'";
        return false;
    }
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, path.data(), path.size());
    struct stat existing {};
    // A socket file left by an earlier run; anything else there is not ours to remove.
    if (lstat(address.sun_path, &existing) == 0 && S_ISSOCK(existing.st_mode)) unlink(address.sun_path);
    out.fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (out.fd < 0 || bind(out.fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        listen(out.fd, 1) != 0) {
        error = system_error(spec);
        return false;
    }
    out.unix_path = std::string(path);
    return true;
}

bool open_listener(const std::string& spec, Listener& out, std::string& error) {
    const std::string_view text = spec;
    std::string_view main;
    if (all_digits(text)) return listen_tcp(spec, "", text, out, error);
    if (text.starts_with("tcp:")) {
        if (!split_options(spec, text.substr(4), main, error)) return false;
        const size_t colon = main.rfind(':');
        if (colon == std::string_view::npos) {
            error = "gdb: bad port in '" + spec + "'";
            return false;
        }
        return listen_tcp(spec, main.substr(0, colon), main.substr(colon + 1), out, error);
    }
    if (text.starts_with("unix:")) {
        return split_options(spec, text.substr(5), main, error) && listen_unix(spec, main, out, error);
    }
    error = "gdb: unknown device '" + spec + "' (use tcp::PORT or unix:PATH,server)";
    return false;
}

}  // namespace

// Threads: the serving thread (serve()) owns the connection while the guest
// is stopped; the watcher owns it while the guest runs (`watching`). The
// hand-offs go through `mutex`, and the eventfd wakes the watcher's poll()
// when the guest stops, so neither thread busy-waits.
struct GdbServer::Impl {
    Listener listener;
    int wake_fd = -1;
    std::thread watcher;

    int connection = -1;
    rsp::PacketReader reader;
    std::deque<rsp::Event> pending;  // read but not yet handled
    std::optional<PacketHandler> handler;
    bool acks = true;
    std::string last_reply;          // resent on '-'
    DebugTarget* target = nullptr;   // while serve() runs

    std::mutex mutex;
    std::condition_variable changed;
    bool watching = false;           // set by serve() for one resume, cleared by the watcher
    bool quitting = false;
    bool attached_while_running = false;

    ~Impl();
    Ending serve(DebugTarget& debugged, bool start_stopped);

    // Both threads, while they own the connection.
    void take_connection(int fd);
    void drop_connection();

    // Serving thread.
    void start_session();
    enum class SessionEnd { Resume, Detach, Kill, Disconnected };
    SessionEnd converse(ResumeKind& how, int& signal);
    bool read_events();
    void send(const std::string& bytes);
    StopEvent run_guest(ResumeKind how, int signal);

    // Watcher thread.
    void watch();
    void watch_while_running();
    void read_while_running();
    void accept_while_running();
};

GdbServer::Impl::~Impl() {
    {
        std::lock_guard lock(mutex);
        quitting = true;
    }
    changed.notify_all();
    if (watcher.joinable()) watcher.join();
    drop_connection();
    if (listener.fd >= 0) close(listener.fd);
    if (!listener.unix_path.empty()) unlink(listener.unix_path.c_str());
    if (wake_fd >= 0) close(wake_fd);
}

GdbServer::Ending GdbServer::Impl::serve(DebugTarget& debugged, bool start_stopped) {
    target = &debugged;
    if (start_stopped) {
        int fd;
        do fd = accept4(listener.fd, nullptr, nullptr, SOCK_CLOEXEC);
        while (fd < 0 && errno == EINTR);
        if (fd >= 0) {
            take_connection(fd);
            start_session();
        }
    }
    // Without a debugger the guest's own signals are delivered, as if passed.
    int unobserved_signal = 0;
    for (;;) {
        ResumeKind how = ResumeKind::Continue;
        int signal = unobserved_signal;
        if (connection >= 0) {
            switch (converse(how, signal)) {
            case SessionEnd::Kill: drop_connection(); return Ending::Killed;
            case SessionEnd::Detach:
            case SessionEnd::Disconnected:
                handler->remove_all_points();  // the guest runs on unobserved
                handler.reset();
                drop_connection();
                break;
            case SessionEnd::Resume: break;
            }
        }
        const StopEvent stop = run_guest(how, signal);
        unobserved_signal = stop.guest_signal ? stop.signal : 0;
        // A debugger that attached while the guest ran asks '?' itself and is told T05, as QEMU does.
        const bool new_debugger = std::exchange(attached_while_running, false);
        if (new_debugger) start_session();
        if (stop.kind != StopEvent::Kind::Signal) {
            if (connection >= 0) send(rsp::frame(handler->report_stop(stop)));
            return Ending::TargetEnded;
        }
        if (connection < 0) {
            // The debugger went away while the guest ran: its points go with it.
            handler.reset();
            debugged.remove_all_points();
        } else if (!new_debugger) {
            send(rsp::frame(handler->report_stop(stop)));
        }
    }
}

void GdbServer::Impl::take_connection(int fd) {
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // fails harmlessly on Unix sockets
    connection = fd;
    reader = {};
    pending.clear();
}

void GdbServer::Impl::drop_connection() {
    if (connection >= 0) close(connection);
    connection = -1;
}

void GdbServer::Impl::start_session() {
    target->remove_all_points();  // left over from a debugger that went away
    handler.emplace(*target);
    acks = true;
    last_reply.clear();
}

GdbServer::Impl::SessionEnd GdbServer::Impl::converse(ResumeKind& how, int& signal) {
    for (;;) {
        while (pending.empty())
            if (!read_events()) return SessionEnd::Disconnected;
        const rsp::Event event = std::move(pending.front());
        pending.pop_front();
        switch (event.kind) {
        case rsp::Event::Kind::Ack:
        case rsp::Event::Kind::Interrupt:  // already stopped
            continue;
        case rsp::Event::Kind::Nack: send(last_reply); continue;
        case rsp::Event::Kind::BadChecksum:
            std::fprintf(stderr, "gdb: bad checksum, packet dropped\n");
            if (acks) send("-");
            continue;
        case rsp::Event::Kind::Packet: break;
        }
        const PacketHandler::Outcome outcome = handler->handle(event.payload);
        const std::string ack = acks ? "+" : "";
        using Action = PacketHandler::Outcome::Action;
        if (outcome.action == Action::Kill || outcome.action == Action::Resume) {
            if (acks) send(ack);
            how = outcome.resume;
            signal = outcome.signal;
            return outcome.action == Action::Kill ? SessionEnd::Kill : SessionEnd::Resume;
        }
        last_reply = rsp::frame(outcome.reply);
        send(ack + last_reply);
        if (outcome.start_no_ack) acks = false;
        if (outcome.action == Action::Detach) return SessionEnd::Detach;
    }
}

bool GdbServer::Impl::read_events() {
    char buffer[kReadChunk];
    ssize_t got;
    do got = recv(connection, buffer, sizeof buffer, 0);
    while (got < 0 && errno == EINTR);
    if (got <= 0) return false;
    for (rsp::Event& event : reader.feed({buffer, static_cast<size_t>(got)})) pending.push_back(std::move(event));
    return true;
}

// One write per reply; a failure shows up as end-of-file on the next read.
void GdbServer::Impl::send(const std::string& bytes) {
    size_t sent = 0;
    while (sent < bytes.size()) {
        const ssize_t n = ::send(connection, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        sent += static_cast<size_t>(n);
    }
}

StopEvent GdbServer::Impl::run_guest(ResumeKind how, int signal) {
    {
        std::lock_guard lock(mutex);
        watching = true;
    }
    changed.notify_all();
    const StopEvent stop = target->resume(how, signal);
    const uint64_t one = 1;
    if (write(wake_fd, &one, sizeof one) != sizeof one) std::perror("gdb: eventfd");
    std::unique_lock lock(mutex);
    changed.wait(lock, [&] { return !watching; });
    return stop;
}

void GdbServer::Impl::watch() {
    std::unique_lock lock(mutex);
    for (;;) {
        changed.wait(lock, [&] { return watching || quitting; });
        if (quitting) return;
        lock.unlock();
        watch_while_running();
        lock.lock();
        watching = false;
        changed.notify_all();
    }
}

// Until the serving thread signals wake_fd (the guest stopped).
void GdbServer::Impl::watch_while_running() {
    for (;;) {
        pollfd fds[] = {{wake_fd, POLLIN, 0}, {listener.fd, POLLIN, 0}, {connection, POLLIN, 0}};
        const nfds_t count = connection >= 0 ? 3 : 2;
        if (poll(fds, count, -1) < 0) continue;  // EINTR
        if (fds[0].revents != 0) {
            uint64_t drained;
            if (read(wake_fd, &drained, sizeof drained) < 0) std::perror("gdb: eventfd");
            return;
        }
        if (count == 3 && fds[2].revents != 0) read_while_running();
        if (fds[1].revents != 0) accept_while_running();
    }
}

void GdbServer::Impl::read_while_running() {
    char buffer[kReadChunk];
    const ssize_t got = recv(connection, buffer, sizeof buffer, 0);
    if (got == 0 || (got < 0 && errno != EINTR && errno != EAGAIN)) {
        drop_connection();  // the guest runs on without a debugger
        return;
    }
    if (got < 0) return;
    for (rsp::Event& event : reader.feed({buffer, static_cast<size_t>(got)})) {
        if (event.kind == rsp::Event::Kind::Interrupt)
            target->interrupt();
        else
            pending.push_back(std::move(event));
    }
}

void GdbServer::Impl::accept_while_running() {
    const int fd = accept4(listener.fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) return;
    if (connection >= 0) {
        close(fd);  // one debugger at a time
        return;
    }
    take_connection(fd);
    attached_while_running = true;
    target->interrupt();
}

std::unique_ptr<GdbServer> GdbServer::open(const std::string& spec, std::string& error) {
    auto impl = std::make_unique<Impl>();
    if (!open_listener(spec, impl->listener, error)) return nullptr;
    impl->wake_fd = eventfd(0, EFD_CLOEXEC);
    if (impl->wake_fd < 0) {
        error = system_error(spec);
        return nullptr;
    }
    impl->watcher = std::thread(&Impl::watch, impl.get());
    return std::unique_ptr<GdbServer>(new GdbServer(std::move(impl)));
}

GdbServer::GdbServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
GdbServer::~GdbServer() = default;

GdbServer::Ending GdbServer::serve(DebugTarget& target, bool start_stopped) {
    return impl_->serve(target, start_stopped);
}

void GdbServer::announce_end(const StopEvent& end) {
    if (impl_->connection >= 0 && impl_->handler) impl_->send(rsp::frame(impl_->handler->report_stop(end)));
}

}  // namespace ferry::debug
