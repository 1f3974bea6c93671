// The code cache: one executable mapping that an xbyak CodeGenerator writes
// into front to back. A fixed prefix (the run trampoline and shared stubs)
// survives flushes; everything after it is dropped at once by rewind().
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <xbyak/xbyak.h>

namespace ferry::x64 {

class CodeCache {
public:
    explicit CodeCache(size_t bytes);
    ~CodeCache();
    CodeCache(const CodeCache&) = delete;
    CodeCache& operator=(const CodeCache&) = delete;

    Xbyak::CodeGenerator& code() { return *code_; }
    const uint8_t* cursor() const { return code_->getCurr(); }

    // Everything emitted so far is the fixed prefix.
    void seal_prefix() { prefix_bytes_ = code_->getSize(); }
    // Drops everything after the prefix.
    void rewind();
    // Drops a partly emitted block that started at `mark` (cache full).
    void rewind_to(const uint8_t* mark);

    bool contains(uintptr_t host_pc) const {
        return host_pc >= reinterpret_cast<uintptr_t>(base_) && host_pc < reinterpret_cast<uintptr_t>(base_) + bytes_;
    }

private:
    uint8_t* base_ = nullptr;
    size_t bytes_ = 0;
    size_t prefix_bytes_ = 0;
    std::unique_ptr<Xbyak::CodeGenerator> code_;
};

}  // namespace ferry::x64
