// The system registers a debugger shows (SystemCpu::debug_register_names).
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace ferry::system {

class CpuContext;

class DebugRegisters {
public:
    // The registers of the exception levels context implements.
    explicit DebugRegisters(const CpuContext& context);
    const std::vector<std::string>& names() const { return names_; }
    uint64_t read(CpuContext& c, size_t index) const;
    bool write(CpuContext& c, size_t index, uint64_t value) const;

private:
    struct Register {
        std::function<uint64_t(CpuContext&)> read;
        std::function<void(CpuContext&, uint64_t)> write;  // null: read-only
    };
    void add(std::string name, Register r);
    std::vector<std::string> names_;
    std::vector<Register> registers_;
};

}  // namespace ferry::system
