// The gdb stub over real sockets against a scripted fake target, and once
// end to end with gdb-multiarch.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <future>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/system_hooks.h"
#include "debug/aarch64_registers.h"
#include "debug/gdb_server.h"
#include "debug/rsp.h"

namespace ferry::debug {
namespace {

using namespace std::chrono_literals;

constexpr uint64_t kMemoryBase = 0x10000;

// A pretend guest: each "instruction" advances pc by 4 after a short sleep.
// It stops before a breakpoint address, at exit_pc (Exited, status 7), at
// once with a watchpoint hit if one is set, or on interrupt().
class FakeTarget : public DebugTarget {
public:
    CpuState cpu;
    std::vector<uint8_t> memory = std::vector<uint8_t>(0x1000);
    uint64_t exit_pc = ~0ull;
    std::atomic<uint64_t> steps{0};
    std::atomic<int> resumed_with_signal{-1};  // the signal of the last resume()

    FakeTarget() { cpu.pc = kMemoryBase; }

    const std::vector<RegisterInfo>& registers() const override { return registers_; }
    bool read_register(unsigned regnum, std::vector<uint8_t>& out) override {
        return read_aarch64_register(cpu, regnum, out);
    }
    bool write_register(unsigned regnum, const std::vector<uint8_t>& in) override {
        return write_aarch64_register(cpu, regnum, in);
    }
    bool read_memory(uint64_t va, void* out, size_t bytes) override {
        if (!mapped(va, bytes)) return false;
        std::copy_n(memory.begin() + static_cast<ptrdiff_t>(va - kMemoryBase), bytes, static_cast<uint8_t*>(out));
        return true;
    }
    bool write_memory(uint64_t va, const void* in, size_t bytes) override {
        if (!mapped(va, bytes)) return false;
        std::copy_n(static_cast<const uint8_t*>(in), bytes, memory.begin() + static_cast<ptrdiff_t>(va - kMemoryBase));
        return true;
    }
    void insert_breakpoint(uint64_t va) override { breakpoints_.insert(va); }
    void remove_breakpoint(uint64_t va) override { breakpoints_.erase(va); }
    void insert_watchpoint(const Watchpoint& w) override { watchpoints_.push_back(w); }
    bool remove_watchpoint(const Watchpoint& w) override {
        const auto it = std::find(watchpoints_.begin(), watchpoints_.end(), w);
        if (it == watchpoints_.end()) return false;
        watchpoints_.erase(it);
        return true;
    }
    void remove_all_points() override {
        breakpoints_.clear();
        watchpoints_.clear();
    }
    StopEvent resume(ResumeKind how, int signal) override {
        resumed_with_signal = signal;
        if (!watchpoints_.empty()) {
            StopEvent hit;
            hit.watch = watchpoints_.front();
            hit.watch_address = hit.watch->address + 2;
            return hit;
        }
        for (;;) {
            cpu.pc += 4;
            ++steps;
            if (cpu.pc == exit_pc) return {StopEvent::Kind::Exited, 0, 7, {}, 0, false};
            if (how == ResumeKind::Step || breakpoints_.count(cpu.pc)) return {};
            if (interrupted_.exchange(false)) return {StopEvent::Kind::Signal, 2, 0, {}, 0, false};
            std::this_thread::sleep_for(200us);
        }
    }
    void interrupt() override { interrupted_ = true; }

private:
    bool mapped(uint64_t va, size_t bytes) const {
        return va >= kMemoryBase && va - kMemoryBase <= memory.size() && bytes <= memory.size() - (va - kMemoryBase);
    }

    std::vector<RegisterInfo> registers_ = aarch64_registers();
    std::set<uint64_t> breakpoints_;
    std::vector<Watchpoint> watchpoints_;
    std::atomic<bool> interrupted_{false};
};

uint16_t free_port() {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    EXPECT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size), 0);
    close(fd);
    return ntohs(address.sin_port);
}

// The debugger's side of the connection, with a receive timeout so that a
// broken stub fails the test instead of hanging it.
class Client {
public:
    explicit Client(uint16_t port) {
        fd_ = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
        set_timeout();
    }
    explicit Client(const std::string& unix_path) {
        fd_ = socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        unix_path.copy(address.sun_path, sizeof address.sun_path - 1);
        connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
        set_timeout();
    }
    ~Client() { close(fd_); }

    bool connected() const { return connected_; }
    void send_raw(const std::string& bytes) { ASSERT_EQ(write(fd_, bytes.data(), bytes.size()), ssize_t(bytes.size())); }
    void send_packet(const std::string& payload) { send_raw(rsp::frame(payload)); }

    // The next byte that is not part of a packet ('+' or '-'), or 0 on timeout.
    char next_ack() {
        if (buffer_.empty() && !fill()) return 0;
        const char c = buffer_[0];
        buffer_.erase(0, 1);
        return c;
    }
    // The payload of the next packet (escapes removed), skipping acks; "<timeout>" if none arrives.
    std::string reply() {
        for (;;) {
            const size_t start = buffer_.find('$');
            const size_t hash = start == std::string::npos ? start : buffer_.find('#', start);
            if (hash != std::string::npos && buffer_.size() >= hash + 3) {
                const std::string wire = buffer_.substr(start + 1, hash - start - 1);
                const std::string sum = buffer_.substr(hash + 1, 2);
                acks_seen_ += buffer_.substr(0, start);
                buffer_.erase(0, hash + 3);
                EXPECT_EQ(sum, rsp::frame(wire).substr(wire.size() + 2)) << "checksum of " << wire;
                std::string payload;
                EXPECT_TRUE(rsp::unescape(wire, payload));
                return payload;
            }
            if (!fill()) return "<timeout>";
        }
    }
    std::string command(const std::string& payload) {
        send_packet(payload);
        return reply();
    }
    const std::string& acks_seen() const { return acks_seen_; }

private:
    void set_timeout() {
        timeval timeout{5, 0};
        setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    }
    bool fill() {
        char chunk[4096];
        const ssize_t got = recv(fd_, chunk, sizeof chunk, 0);
        if (got <= 0) return false;
        buffer_.append(chunk, static_cast<size_t>(got));
        return true;
    }

    int fd_ = -1;
    bool connected_ = false;
    std::string buffer_;
    std::string acks_seen_;
};

// Polls (the guest runs on another thread) until done() or 5 s have passed.
template <typename Condition>
bool eventually(Condition done) {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(1ms);
    }
    return true;
}

std::string hex64(uint64_t value) {
    std::array<uint8_t, 8> bytes;
    for (unsigned i = 0; i < 8; ++i) bytes[i] = static_cast<uint8_t>(value >> (8 * i));
    return rsp::to_hex(bytes.data(), bytes.size());
}

class GdbServerTest : public ::testing::Test {
protected:
    void start(bool start_stopped, const std::string& spec = "") {
        spec_ = spec.empty() ? "tcp::" + std::to_string(port_) : spec;
        std::string error;
        server_ = GdbServer::open(spec_, error);
        ASSERT_NE(server_, nullptr) << error;
        ending_ = std::async(std::launch::async, [this, start_stopped] { return server_->serve(target_, start_stopped); });
    }
    GdbServer::Ending wait_for_serve() {
        if (ending_.wait_for(10s) != std::future_status::ready) {
            ADD_FAILURE() << "serve() did not return";
            std::abort();  // a hung serve thread cannot be joined
        }
        return ending_.get();
    }
    void TearDown() override {
        if (!ending_.valid()) return;
        client_.reset();
        // Make sure the guest stops and serve() returns: attach if needed and kill.
        Client killer(port_);
        killer.send_packet("k");
        EXPECT_EQ(wait_for_serve(), GdbServer::Ending::Killed);
    }
    void start_stopped_with_client() {
        start(true);
        client_ = std::make_unique<Client>(port_);
        ASSERT_TRUE(client_->connected());
    }
    void kill_and_expect_killed() {
        client_->send_packet("k");
        EXPECT_EQ(wait_for_serve(), GdbServer::Ending::Killed);
    }
    uint64_t read_pc() {
        std::vector<uint8_t> bytes;
        EXPECT_TRUE(rsp::from_hex(client_->command("p20"), bytes));
        uint64_t pc = 0;
        for (size_t i = 0; i < bytes.size(); ++i) pc |= uint64_t{bytes[i]} << (8 * i);
        return pc;
    }

    FakeTarget target_;
    uint16_t port_ = free_port();
    std::string spec_;
    std::unique_ptr<GdbServer> server_;
    std::future<GdbServer::Ending> ending_;
    std::unique_ptr<Client> client_;
};

TEST_F(GdbServerTest, AnnouncesFeaturesAndThreadInfo) {
    start_stopped_with_client();
    EXPECT_EQ(client_->command("qSupported:multiprocess+;swbreak+;hwbreak+"),
              "PacketSize=4000;qXfer:features:read+;swbreak+;hwbreak+;vContSupported+;QStartNoAckMode+");
    EXPECT_EQ(client_->acks_seen(), "+");
    EXPECT_EQ(client_->command("?"), "T05thread:1;");
    EXPECT_EQ(client_->command("vMustReplyEmpty"), "");
    EXPECT_EQ(client_->command("qAttached"), "1");
    EXPECT_EQ(client_->command("qC"), "QC1");
    EXPECT_EQ(client_->command("qfThreadInfo"), "m1");
    EXPECT_EQ(client_->command("qsThreadInfo"), "l");
    EXPECT_EQ(client_->command("Hg0"), "OK");
    EXPECT_EQ(client_->command("T1"), "OK");
    EXPECT_EQ(client_->command("qOffsets"), "");
    EXPECT_EQ(client_->command("qSymbol::"), "OK");
    EXPECT_EQ(client_->command("vCont?"), "vCont;c;C;s;S");
    EXPECT_EQ(client_->command("Zz"), "E01");
    kill_and_expect_killed();
}

TEST_F(GdbServerTest, ServesTargetXmlInChunks) {
    start_stopped_with_client();
    std::string xml;
    for (;;) {
        char range[32];
        std::snprintf(range, sizeof range, "%zx,200", xml.size());
        const std::string chunk = client_->command("qXfer:features:read:target.xml:" + std::string(range));
        ASSERT_FALSE(chunk.empty());
        ASSERT_TRUE(chunk[0] == 'm' || chunk[0] == 'l') << chunk;
        xml += chunk.substr(1);
        if (chunk[0] == 'l') break;
        EXPECT_EQ(chunk.size(), 0x201u);
    }
    EXPECT_NE(xml.find("cpsr_flags"), std::string::npos);
    EXPECT_NE(xml.find("name=\"EL\""), std::string::npos);
    EXPECT_NE(xml.find("name=\"v31\""), std::string::npos);
    EXPECT_NE(xml.find("name=\"fpcr\""), std::string::npos);
    EXPECT_EQ(xml.substr(xml.size() - 10), "</target>\n");
    EXPECT_EQ(client_->command("qXfer:features:read:other.xml:0,100"), "E00");
    kill_and_expect_killed();
}

TEST_F(GdbServerTest, ReadsAndWritesRegisters) {
    target_.cpu.x[1] = 0x1122334455667788ull;
    start_stopped_with_client();
    const std::string all = client_->command("g");
    EXPECT_EQ(all.size(), 31u * 16 + 16 + 16 + 8 + 32 * 32 + 8 + 8);
    EXPECT_EQ(all.substr(16, 16), "8877665544332211");
    EXPECT_EQ(client_->command("p1"), "8877665544332211");
    EXPECT_EQ(client_->command("P1f=" + hex64(0x7fff0000)), "OK");
    EXPECT_EQ(client_->command("p1f"), hex64(0x7fff0000));
    EXPECT_EQ(client_->command("P22=" + std::string(32, 'a')), "OK");  // v0
    EXPECT_EQ(client_->command("p22"), std::string(32, 'a'));
    EXPECT_EQ(client_->command("p44"), "E01");  // no register 68
    // G writes them all back; x1 changed in the text.
    std::string changed = client_->command("g");
    changed.replace(16, 16, hex64(42));
    EXPECT_EQ(client_->command("G" + changed), "OK");
    EXPECT_EQ(client_->command("p1"), hex64(42));
    EXPECT_EQ(client_->command("G00"), "E01");
    kill_and_expect_killed();
    EXPECT_EQ(target_.cpu.sp, 0x7fff0000u);
    EXPECT_EQ(target_.cpu.v[0].lo, 0xaaaaaaaaaaaaaaaaull);
    EXPECT_EQ(target_.cpu.x[1], 42u);
}

TEST_F(GdbServerTest, ReadsAndWritesMemory) {
    start_stopped_with_client();
    EXPECT_EQ(client_->command("M10010,4:deadbeef"), "OK");
    EXPECT_EQ(client_->command("m10010,4"), "deadbeef");
    // X carries binary data: the bytes the protocol reserves arrive escaped.
    EXPECT_EQ(client_->command(std::string("X10020,5:\x23\x24\x7d\x2a\x00", 14)), "OK");
    EXPECT_EQ(client_->command("m10020,5"), "23247d2a00");
    EXPECT_EQ(client_->command("X10020,0:"), "OK");
    EXPECT_EQ(client_->command("m20000,4"), "E14");
    EXPECT_EQ(client_->command("M20000,1:00"), "E14");
    EXPECT_EQ(client_->command("X20000,1:a"), "E14");
    EXPECT_EQ(client_->command("M10010,4:dead"), "E01");
    kill_and_expect_killed();
    EXPECT_EQ(target_.memory[0x20], 0x23);
    EXPECT_EQ(target_.memory[0x23], 0x2a);
}

TEST_F(GdbServerTest, BreakpointStopsContinueAtIt) {
    start_stopped_with_client();
    client_->command("qSupported:swbreak+;hwbreak+");
    EXPECT_EQ(client_->command("Z0,10040,4"), "OK");
    EXPECT_EQ(client_->command("c"), "T05swbreak:;thread:1;");
    EXPECT_EQ(read_pc(), 0x10040u);
    EXPECT_EQ(client_->command("?"), "T05swbreak:;thread:1;");
    EXPECT_EQ(client_->command("z0,10040,4"), "OK");
    EXPECT_EQ(client_->command("Z1,10080,4"), "OK");
    EXPECT_EQ(client_->command("vCont;c"), "T05hwbreak:;thread:1;");
    EXPECT_EQ(read_pc(), 0x10080u);
    kill_and_expect_killed();
}

TEST_F(GdbServerTest, BreakpointIsPlainT05WithoutSwbreakFeature) {
    start_stopped_with_client();
    EXPECT_EQ(client_->command("Z0,10008,4"), "OK");
    EXPECT_EQ(client_->command("c"), "T05thread:1;");
    EXPECT_EQ(read_pc(), 0x10008u);
    kill_and_expect_killed();
}

TEST_F(GdbServerTest, StepAdvancesOneInstruction) {
    start_stopped_with_client();
    client_->command("qSupported:swbreak+");
    EXPECT_EQ(client_->command("s"), "T05thread:1;");
    EXPECT_EQ(read_pc(), kMemoryBase + 4);
    EXPECT_EQ(client_->command("vCont;s:1;c"), "T05thread:1;");
    EXPECT_EQ(read_pc(), kMemoryBase + 8);
    EXPECT_EQ(client_->command("S05;10100"), "T05thread:1;");  // step from 0x10100 with signal 5
    EXPECT_EQ(read_pc(), 0x10104u);
    EXPECT_EQ(target_.resumed_with_signal, 5);
    EXPECT_EQ(client_->command("vCont;c:2;s:-1"), "T05thread:1;");  // thread 2 does not exist
    EXPECT_EQ(read_pc(), 0x10108u);
    kill_and_expect_killed();
}

TEST_F(GdbServerTest, ResumeCarriesTheSignalTheDebuggerPasses) {
    start_stopped_with_client();
    EXPECT_EQ(client_->command("s"), "T05thread:1;");
    EXPECT_EQ(target_.resumed_with_signal, 0);
    EXPECT_EQ(client_->command("vCont;S0b:1"), "T05thread:1;");
    EXPECT_EQ(target_.resumed_with_signal, 11);
    ASSERT_EQ(kMemoryBase, 0x10000u);
    EXPECT_EQ(client_->command("Z0,10010,4"), "OK");
    EXPECT_EQ(client_->command("vCont;C0a"), "T05thread:1;");  // continue to the breakpoint
    EXPECT_EQ(target_.resumed_with_signal, 10);
    EXPECT_EQ(read_pc(), 0x10010u);
    EXPECT_EQ(client_->command("vCont;Czz"), "E01");
    kill_and_expect_killed();
}

TEST_F(GdbServerTest, WatchpointReportsTheAccessedAddress) {
    start_stopped_with_client();
    EXPECT_EQ(client_->command("Z2,10200,8"), "OK");
    EXPECT_EQ(client_->command("c"), "T05watch:10202;thread:1;");
    EXPECT_EQ(client_->command("z2,10200,8"), "OK");
    EXPECT_EQ(client_->command("z2,10200,8"), "E01");
    EXPECT_EQ(client_->command("Z3,10300,4"), "OK");
    EXPECT_EQ(client_->command("c"), "T05rwatch:10302;thread:1;");
    EXPECT_EQ(client_->command("z3,10300,4"), "OK");
    EXPECT_EQ(client_->command("Z4,10400,1"), "OK");
    EXPECT_EQ(client_->command("c"), "T05awatch:10402;thread:1;");
    kill_and_expect_killed();
}

TEST_F(GdbServerTest, CtrlCInterruptsContinue) {
    start_stopped_with_client();
    client_->send_packet("c");
    EXPECT_EQ(client_->next_ack(), '+');
    std::this_thread::sleep_for(20ms);
    client_->send_raw("\x03");
    EXPECT_EQ(client_->reply(), "T02thread:1;");
    EXPECT_GT(target_.steps.load(), 0u);
    EXPECT_EQ(client_->command("?"), "T02thread:1;");
    kill_and_expect_killed();
}

TEST_F(GdbServerTest, MalformedPacketGetsErrorAndConnectionLivesOn) {
    start_stopped_with_client();
    EXPECT_EQ(client_->command("mzz,4"), "E01");
    EXPECT_EQ(client_->command("P1f"), "E01");
    EXPECT_EQ(client_->command(std::string(500, 'm')), "E01");
    EXPECT_EQ(client_->command("?"), "T05thread:1;");
    kill_and_expect_killed();
}

TEST_F(GdbServerTest, BadChecksumIsNackedAndNackResends) {
    start_stopped_with_client();
    client_->send_raw("$?#00");
    EXPECT_EQ(client_->next_ack(), '-');
    EXPECT_EQ(client_->command("qC"), "QC1");
    client_->send_raw("-");
    EXPECT_EQ(client_->reply(), "QC1");
    kill_and_expect_killed();
}

TEST_F(GdbServerTest, NoAckModeStopsAcks) {
    start_stopped_with_client();
    EXPECT_EQ(client_->command("QStartNoAckMode"), "OK");
    client_->send_raw("+");
    EXPECT_EQ(client_->command("qC"), "QC1");
    EXPECT_EQ(client_->command("qAttached"), "1");
    EXPECT_EQ(client_->acks_seen(), "+");  // only for QStartNoAckMode itself
    kill_and_expect_killed();
}

TEST_F(GdbServerTest, DetachLetsGuestRunAndANewDebuggerAttaches) {
    start_stopped_with_client();
    EXPECT_EQ(client_->command("Z0,10010,4"), "OK");
    EXPECT_EQ(client_->command("D"), "OK");
    client_.reset();
    EXPECT_TRUE(eventually([&] { return target_.steps > 8; }));  // ran past the removed breakpoint
    client_ = std::make_unique<Client>(port_);
    ASSERT_TRUE(client_->connected());
    EXPECT_EQ(client_->command("?"), "T05thread:1;");
    EXPECT_GT(read_pc(), 0x10010u);
    kill_and_expect_killed();
}

TEST_F(GdbServerTest, DebuggerThatVanishesWhileRunningLeavesTheGuestRunning) {
    start_stopped_with_client();
    EXPECT_EQ(client_->command("Z0,10040,4"), "OK");
    client_->send_packet("c");
    EXPECT_EQ(client_->next_ack(), '+');
    client_.reset();
    EXPECT_TRUE(eventually([&] { return target_.steps > 0x40 / 4 + 4; }));
    client_ = std::make_unique<Client>(port_);
    ASSERT_TRUE(client_->connected());
    EXPECT_EQ(client_->command("?"), "T05thread:1;");
    EXPECT_GT(read_pc(), 0x10040u);  // the old debugger's breakpoint went with it
    kill_and_expect_killed();
}

TEST_F(GdbServerTest, AttachingToARunningGuestStopsIt) {
    start(false);
    std::this_thread::sleep_for(10ms);
    client_ = std::make_unique<Client>(port_);
    ASSERT_TRUE(client_->connected());
    EXPECT_EQ(client_->command("qSupported:swbreak+"),
              "PacketSize=4000;qXfer:features:read+;swbreak+;hwbreak+;vContSupported+;QStartNoAckMode+");
    EXPECT_EQ(client_->command("?"), "T05thread:1;");
    const uint64_t stopped_at = read_pc();
    EXPECT_GT(stopped_at, kMemoryBase);
    std::this_thread::sleep_for(10ms);
    EXPECT_EQ(read_pc(), stopped_at);
    kill_and_expect_killed();
}

TEST_F(GdbServerTest, ExitIsReportedAndServeReturns) {
    target_.exit_pc = 0x10020;
    start_stopped_with_client();
    EXPECT_EQ(client_->command("c"), "W07");
    EXPECT_EQ(wait_for_serve(), GdbServer::Ending::TargetEnded);
}

TEST_F(GdbServerTest, ExitWithoutDebuggerJustReturns) {
    target_.exit_pc = 0x10020;
    start(false);
    EXPECT_EQ(wait_for_serve(), GdbServer::Ending::TargetEnded);
}

TEST_F(GdbServerTest, ServesAUnixSocket) {
    const std::string path = "/tmp/ferry-gdb-test-" + std::to_string(getpid()) + ".sock";
    start(true, "unix:" + path + ",server,nowait");
    client_ = std::make_unique<Client>(path);
    ASSERT_TRUE(client_->connected());
    EXPECT_EQ(client_->command("?"), "T05thread:1;");
    kill_and_expect_killed();
    server_.reset();
    EXPECT_NE(access(path.c_str(), F_OK), 0);
}

TEST(GdbServerOpen, PortInUseIsOneLineError) {
    const std::string spec = "tcp::" + std::to_string(free_port());
    std::string error;
    const auto first = GdbServer::open(spec, error);
    ASSERT_NE(first, nullptr) << error;
    EXPECT_EQ(GdbServer::open(spec, error), nullptr);
    EXPECT_EQ(error, "gdb: " + spec + ": Address already in use");
}

TEST(GdbServerOpen, AcceptsQemuSpellings) {
    std::string error;
    EXPECT_NE(GdbServer::open(std::to_string(free_port()), error), nullptr) << error;
    EXPECT_NE(GdbServer::open("tcp:127.0.0.1:" + std::to_string(free_port()), error), nullptr) << error;
    EXPECT_NE(GdbServer::open("tcp::" + std::to_string(free_port()) + ",server,nowait", error), nullptr) << error;
}

TEST(GdbServerOpen, RejectsBadSpecs) {
    std::string error;
    EXPECT_EQ(GdbServer::open("foo", error), nullptr);
    EXPECT_EQ(error, "gdb: unknown device 'foo' (use tcp::PORT or unix:PATH,server)");
    EXPECT_EQ(GdbServer::open("tcp::99999", error), nullptr);
    EXPECT_EQ(error, "gdb: bad port in 'tcp::99999'");
    EXPECT_EQ(GdbServer::open("tcp::1234,bogus", error), nullptr);
    EXPECT_EQ(error, "gdb: tcp::1234,bogus: unknown option 'bogus'");
    EXPECT_EQ(GdbServer::open("unix:/nonexistent-dir/x.sock,server", error), nullptr);
    EXPECT_EQ(error, "gdb: unix:/nonexistent-dir/x.sock,server: No such file or directory");
}

// gdb itself parses our target.xml and shows cpsr's EL and DAIF fields and
// the vector views; a missing gdb-multiarch is a failure, not a skip.
TEST_F(GdbServerTest, GdbMultiarchReadsRegistersAndMemory) {
    target_.cpu.pstate = (1u << pstate::ElShift) | pstate::SPSel | pstate::DAIF;
    target_.cpu.nzcv = 0x60000000;
    target_.cpu.v[0] = {0x3ff0000000000000ull, 0};  // d[0] = 1.0
    target_.cpu.x[3] = 1234;
    target_.cpu.fpcr = 0x03000000;  // FZ, DN
    target_.cpu.fpsr = 0x08000000;  // QC
    target_.memory[0x40] = 0x5a;
    start(true);
    const std::string command = "gdb-multiarch -nx -batch -ex 'set architecture aarch64' -ex 'target remote :" +
                                std::to_string(port_) +
                                "' -ex 'info registers cpsr' -ex 'info registers fpsr fpcr' -ex 'p $v0.d.f' -ex 'p $x3'"
                                " -ex 'x/1xb 0x10040' -ex 'stepi' -ex 'p/x $pc' -ex 'kill' 2>&1";
    FILE* gdb = popen(command.c_str(), "r");
    ASSERT_NE(gdb, nullptr);
    std::string output;
    char line[512];
    while (std::fgets(line, sizeof line, gdb)) output += line;
    EXPECT_EQ(pclose(gdb), 0) << output;
    EXPECT_NE(output.find("EL=1"), std::string::npos) << output;
    EXPECT_NE(output.find(" F I A D "), std::string::npos) << output;
    EXPECT_NE(output.find("[ QC ]"), std::string::npos) << output;
    EXPECT_NE(output.find("FZ DN"), std::string::npos) << output;
    EXPECT_NE(output.find("= {1, 0}"), std::string::npos) << output;
    EXPECT_NE(output.find("= 1234"), std::string::npos) << output;
    EXPECT_NE(output.find("0x5a"), std::string::npos) << output;
    EXPECT_NE(output.find("= 0x10004"), std::string::npos) << output;
    EXPECT_EQ(wait_for_serve(), GdbServer::Ending::Killed);
}

}  // namespace
}  // namespace ferry::debug
