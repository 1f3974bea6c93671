#include "backend/x64/code_cache.h"

#include <sys/mman.h>

#include <new>

namespace ferry::x64 {

CodeCache::CodeCache(size_t bytes) : bytes_(bytes) {
    // Readable, writable and executable at once: blocks are patched in place
    // (chaining) between runs, and flipping protections per patch would cost
    // more than it protects on a user-mode emulator.
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    base_ = static_cast<uint8_t*>(p);
    code_ = std::make_unique<Xbyak::CodeGenerator>(bytes, base_);
    // Forward jumps may cross a whole block (to its exit stubs): near by default.
    code_->setDefaultJmpNEAR(true);
}

CodeCache::~CodeCache() {
    code_.reset();
    munmap(base_, bytes_);
}

void CodeCache::rewind() {
    code_->reset();
    code_->setSize(prefix_bytes_);
}

void CodeCache::rewind_to(const uint8_t* mark) {
    code_->reset();
    code_->setSize(static_cast<size_t>(mark - base_));
}

}  // namespace ferry::x64
