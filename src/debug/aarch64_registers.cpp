#include "debug/aarch64_registers.h"

#include <cstring>
#include <string>

#include "core/system_hooks.h"

namespace ferry::debug {

namespace {

constexpr char kCoreFeature[] = "org.gnu.gdb.aarch64.core";
constexpr char kFpuFeature[] = "org.gnu.gdb.aarch64.fpu";
constexpr uint32_t kNzcvMask = 0xf0000000u;

// Where a register lives in CpuState and how many bytes it has (cpsr is
// composed from nzcv and pstate, so it has no single place).
struct Location {
    void* address;
    size_t bytes;
};

Location locate(CpuState& s, unsigned regnum) {
    using namespace aarch64_regnum;
    if (regnum < Sp) return {&s.x[regnum - X0], 8};
    if (regnum == Sp) return {&s.sp, 8};
    if (regnum == Pc) return {&s.pc, 8};
    if (regnum >= V0 && regnum < V0 + 32) return {&s.v[regnum - V0], 16};
    if (regnum == Fpsr) return {&s.fpsr, 4};
    if (regnum == Fpcr) return {&s.fpcr, 4};
    return {nullptr, 0};
}

}  // namespace

std::vector<RegisterInfo> aarch64_registers() {
    std::vector<RegisterInfo> regs;
    regs.reserve(aarch64_regnum::Count);
    for (unsigned i = 0; i < 31; ++i) regs.push_back({"x" + std::to_string(i), 64, "int", kCoreFeature, ""});
    regs.push_back({"sp", 64, "data_ptr", kCoreFeature, ""});
    regs.push_back({"pc", 64, "code_ptr", kCoreFeature, ""});
    regs.push_back({"cpsr", 32, "cpsr_flags", kCoreFeature, ""});
    for (unsigned i = 0; i < 32; ++i) regs.push_back({"v" + std::to_string(i), 128, "aarch64v", kFpuFeature, ""});
    regs.push_back({"fpsr", 32, "fpsr_flags", kFpuFeature, ""});
    regs.push_back({"fpcr", 32, "fpcr_flags", kFpuFeature, ""});
    return regs;
}

bool read_aarch64_register(const CpuState& s, unsigned regnum, std::vector<uint8_t>& out) {
    if (regnum >= aarch64_regnum::Count) return false;
    if (regnum == aarch64_regnum::Cpsr) {
        const uint32_t cpsr = (s.nzcv & kNzcvMask) | s.pstate;
        out.resize(4);
        std::memcpy(out.data(), &cpsr, 4);
        return true;
    }
    // locate() only hands out addresses; nothing is written through them here.
    const Location where = locate(const_cast<CpuState&>(s), regnum);
    out.resize(where.bytes);
    std::memcpy(out.data(), where.address, where.bytes);
    return true;
}

bool write_aarch64_register(CpuState& s, unsigned regnum, const std::vector<uint8_t>& in) {
    if (regnum >= aarch64_regnum::Count) return false;
    if (regnum == aarch64_regnum::Cpsr) {
        if (in.size() != 4) return false;
        uint32_t cpsr;
        std::memcpy(&cpsr, in.data(), 4);
        s.nzcv = cpsr & kNzcvMask;
        s.pstate = (s.pstate & ~pstate::DAIF) | (cpsr & pstate::DAIF);
        return true;
    }
    const Location where = locate(s, regnum);
    if (in.size() != where.bytes) return false;
    std::memcpy(where.address, in.data(), where.bytes);
    return true;
}

}  // namespace ferry::debug
