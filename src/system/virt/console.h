// The serial line's host side (-serial / -nographic): where the PL011's
// bytes go and where its input comes from, plus the semihosting console.
// On a terminal the line is raw, restored on every way out (exit, fatal
// signal); Ctrl-A X quits, Ctrl-A A sends Ctrl-A, Ctrl-A H lists the keys.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "system/virt/board.h"

namespace ferry::system {

class Console {
public:
    // spec: "stdio", "mon:stdio", "file:PATH", "tcp:HOST:PORT[,server][,nowait]", "null", "none".
    static std::unique_ptr<Console> open(const std::string& spec, std::string& error);
    ~Console();

    // Output: the UART's transmitter.
    void write(const void* data, size_t bytes);
    // Semihosting console input: the next byte typed (not given to the
    // UART), -1 once input ended.
    int read_byte();

    // Starts feeding input to the board's UART; quit is called on Ctrl-A X.
    void start_input(VirtBoard& board, std::function<void()> quit);

private:
    Console() = default;
    void input_loop();
    bool accept_client();
    void take_input(const uint8_t* data, size_t bytes);
    void handle_escape(uint8_t key);
    void deliver_to_uart();

    int in_fd_ = -1, out_fd_ = -1;
    int listen_fd_ = -1;        // tcp server waiting for (another) client
    bool owns_fds_ = false;
    bool escapes_ = false;      // Ctrl-A commands are read from the input
    bool escape_pending_ = false;
    int wake_pipe_[2] = {-1, -1};

    VirtBoard* board_ = nullptr;
    std::function<void()> quit_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<uint8_t> pending_;  // typed, not yet in the UART's FIFO
    unsigned semihosting_readers_ = 0;
    bool input_ended_ = false, stopping_ = false;
    std::thread thread_;
};

}  // namespace ferry::system
