#include "guest_program.h"

#include <elf.h>

#include <cstddef>
#include <cstring>

namespace qemu_diff {
namespace {

// ---- The few A64 encodings the harness itself needs ----
constexpr uint32_t kNop = 0xd503201f;
constexpr uint32_t kSvc0 = 0xd4000001;
constexpr uint32_t kRet = 0xd65f03c0;
constexpr uint32_t kClrex = 0xd503305f;

uint32_t movz(unsigned rd, uint32_t imm16, unsigned hw = 0) { return 0xd2800000 | hw << 21 | imm16 << 5 | rd; }
uint32_t movk(unsigned rd, uint32_t imm16, unsigned hw) { return 0xf2800000 | hw << 21 | imm16 << 5 | rd; }
uint32_t add_imm(unsigned rd, unsigned rn, uint32_t imm12) { return 0x91000000 | imm12 << 10 | rn << 5 | rd; }
uint32_t add_lsl(unsigned rd, unsigned rn, unsigned rm, unsigned shift) {
    return 0x8b000000 | rm << 16 | shift << 10 | rn << 5 | rd;
}
uint32_t ldr_x(unsigned rt, unsigned rn, uint32_t offset) { return 0xf9400000 | (offset / 8) << 10 | rn << 5 | rt; }
uint32_t str_x(unsigned rt, unsigned rn, uint32_t offset) { return 0xf9000000 | (offset / 8) << 10 | rn << 5 | rt; }
uint32_t pair(uint32_t opcode, unsigned scale, unsigned rt, unsigned rt2, unsigned rn, uint32_t offset) {
    return opcode | ((offset / scale) & 0x7f) << 15 | rt2 << 10 | rn << 5 | rt;
}
uint32_t ldp_x(unsigned rt, unsigned rt2, unsigned rn, uint32_t off) { return pair(0xa9400000, 8, rt, rt2, rn, off); }
uint32_t stp_x(unsigned rt, unsigned rt2, unsigned rn, uint32_t off) { return pair(0xa9000000, 8, rt, rt2, rn, off); }
uint32_t ldp_q(unsigned rt, unsigned rt2, unsigned rn, uint32_t off) { return pair(0xad400000, 16, rt, rt2, rn, off); }
uint32_t stp_q(unsigned rt, unsigned rt2, unsigned rn, uint32_t off) { return pair(0xad000000, 16, rt, rt2, rn, off); }

// System registers as MSR/MRS operands (op0 is always 3 here).
struct SysReg { uint32_t op1, crn, crm, op2; };
constexpr SysReg kNzcv{3, 4, 2, 0}, kFpcr{3, 4, 4, 0}, kFpsr{3, 4, 4, 1}, kTpidr{3, 13, 0, 2};
uint32_t sysreg_bits(SysReg r) { return 1u << 19 | r.op1 << 16 | r.crn << 12 | r.crm << 8 | r.op2 << 5; }
uint32_t msr(SysReg r, unsigned rt) { return 0xd5100000 | sysreg_bits(r) | rt; }
uint32_t mrs(unsigned rt, SysReg r) { return 0xd5300000 | sysreg_bits(r) | rt; }

constexpr unsigned kSp = 31;
constexpr uint32_t kSpOff = offsetof(RegState, sp), kNzcvOff = offsetof(RegState, nzcv);
constexpr uint32_t kFpsrOff = offsetof(RegState, fpsr), kFpcrOff = offsetof(RegState, fpcr), kVOff = offsetof(RegState, v);

class CodeWriter {
public:
    std::vector<uint32_t> words;
    void operator()(uint32_t w) { words.push_back(w); }
    // An address below 4 GiB in two instructions.
    void address(unsigned rd, uint64_t a) {
        words.push_back(movz(rd, a & 0xffff));
        words.push_back(movk(rd, (a >> 16) & 0xffff, 1));
    }
    uint64_t bytes() const { return 4 * words.size(); }
};

// Loads every register the stream sees from the in record, x28 last.
void prologue(CodeWriter& c, uint64_t in) {
    c.address(kBaseReg, in);
    c(kClrex);
    c(ldr_x(0, kBaseReg, kNzcvOff)); c(msr(kNzcv, 0));
    c(ldr_x(0, kBaseReg, kFpcrOff)); c(msr(kFpcr, 0));
    c(ldr_x(0, kBaseReg, kFpsrOff)); c(msr(kFpsr, 0));
    c(ldr_x(0, kBaseReg, kSpOff)); c(add_imm(kSp, 0, 0));
    for (unsigned q = 0; q < 32; q += 2) c(ldp_q(q, q + 1, kBaseReg, kVOff + 16 * q));
    for (unsigned r = 0; r < 27; r += 2) c(ldp_x(r, r + 1, kBaseReg, 8 * r));  // x0..x27
    c(ldp_x(29, 30, kBaseReg, 8 * 29));
    c(ldr_x(kBaseReg, kBaseReg, 8 * kBaseReg));
}

// Stores every register to the out record; TPIDR_EL0 holds x0 while x0 holds the address.
void epilogue(CodeWriter& c, uint64_t out) {
    c(msr(kTpidr, 0));
    c.address(0, out);
    for (unsigned r = 1; r < 31; r += 2) c(stp_x(r, r + 1, 0, 8 * r));
    c(mrs(1, kTpidr)); c(str_x(1, 0, 0));
    c(add_imm(1, kSp, 0)); c(str_x(1, 0, kSpOff));
    c(mrs(1, kNzcv)); c(str_x(1, 0, kNzcvOff));
    c(mrs(1, kFpsr)); c(str_x(1, 0, kFpsrOff));
    c(mrs(1, kFpcr)); c(str_x(1, 0, kFpcrOff));
    for (unsigned q = 0; q < 32; q += 2) c(stp_q(q, q + 1, 0, kVOff + 16 * q));
}

constexpr unsigned kBodyWords = 3 * kMaxStreamWords;  // each word may need a two-instruction x28 reset
constexpr int kSignals[] = {4 /* SIGILL */, 7 /* SIGBUS */, 11 /* SIGSEGV */};
constexpr uint64_t kSaSiginfo = 4, kSaOnStack = 0x08000000, kSaRestorer = 0x04000000;
constexpr uint64_t kSignalStackBytes = 0x10000;  // the streams' SP is random: handlers run on their own stack
// Installing the signal stack and handlers, padded.
constexpr uint64_t kStartWords = 8 + 8 * std::size(kSignals);
constexpr uint32_t kUcontextPc = 440;  // offsetof(ucontext_t, uc_mcontext.pc) on arm64 Linux
constexpr uint64_t kPage = 0x1000;

uint64_t page_align(uint64_t v) { return (v + kPage - 1) & ~(kPage - 1); }

template <typename T>
void put(std::vector<uint8_t>& image, uint64_t offset, const T& value) {
    std::memcpy(image.data() + offset, &value, sizeof value);
}

}  // namespace

std::vector<uint32_t> stream_body(const Stream& s, uint64_t scratch_address) {
    CodeWriter c;
    for (size_t k = 0; k < s.words.size(); ++k) {
        if (s.uses_base[k]) c.address(kBaseReg, scratch_address + kScratchBase);
        c(s.words[k]);
    }
    return c.words;
}

GuestProgram::GuestProgram(std::span<const Stream> streams) : streams_(streams) {
    slots_ = streams.size();
    CodeWriter probe;
    prologue(probe, 0);
    prologue_bytes_ = probe.bytes();
    epilogue(probe, 0);
    slot_bytes_ = probe.bytes() + 4 * kBodyWords;

    // Code: start (install signal handlers), the slots, the end (write and exit), the handler.
    const uint64_t code = kLoadAddress + kPage;
    const uint64_t slots = code + 4 * kStartWords;
    const uint64_t finish = slots + slots_ * slot_bytes_;
    const uint64_t finish_words = 12, handler_words = 16;
    const uint64_t handler = finish + 4 * finish_words;
    const uint64_t restorer = handler + 4 * handler_words;
    // PC-relative loads in the test words reach at most 256 bytes past the code.
    const uint64_t data = page_align(restorer + 8 + 512);
    const uint64_t action = data;
    const uint64_t altstack = action + 32;
    const uint64_t signal_stack = data + kPage;
    log_ = signal_stack + kSignalStackBytes;
    log_capacity_ = slots_ * kBodyWords + 16;
    in_ = page_align(log_ + 8 + 16 * log_capacity_);
    out_ = in_ + slots_ * sizeof(RegState);
    scratch_ = out_ + slots_ * sizeof(RegState);
    end_ = scratch_ + slots_ * kScratchBytes;

    CodeWriter c;
    c.address(0, altstack);
    c(movz(1, 0));
    c(movz(8, 132));  // sigaltstack
    c(kSvc0);
    for (int sig : kSignals) {
        c(movz(0, static_cast<uint32_t>(sig)));
        c.address(1, action);
        c(movz(2, 0));
        c(movz(3, 8));  // sizeof(sigset_t) for the kernel
        c(movz(8, 134));  // rt_sigaction
        c(kSvc0);
    }
    while (c.words.size() < kStartWords) c(kNop);
    for (size_t i = 0; i < slots_; ++i) {
        prologue(c, in_ + i * sizeof(RegState));
        std::vector<uint32_t> body = stream_body(streams[i], scratch_address(i));
        body.resize(kBodyWords, kNop);
        for (uint32_t w : body) c(w);
        epilogue(c, out_ + i * sizeof(RegState));
    }
    c(movz(0, 1)); c.address(1, log_); c.address(2, end_ - log_); c(movz(8, 64)); c(kSvc0);  // write(1, ...)
    c(movz(0, 0)); c(movz(8, 94)); c(kSvc0);                                                 // exit_group(0)
    while (c.words.size() * 4 < handler - code) c(kNop);
    // handler(sig, info, ucontext): log (pc, sig) while there is room, resume after the instruction.
    c.address(9, log_);
    c(ldr_x(10, 9, 0));
    c(add_lsl(11, 9, 10, 4));
    c(ldr_x(12, 2, kUcontextPc));
    c(str_x(12, 11, 8));
    c(str_x(0, 11, 16));
    c(add_imm(10, 10, 1));
    c(str_x(10, 9, 0));
    c(add_imm(12, 12, 4));
    c(str_x(12, 2, kUcontextPc));
    c(kRet);
    while (c.words.size() * 4 < restorer - code) c(kNop);
    c(movz(8, 139));  // rt_sigreturn
    c(kSvc0);

    image_.assign(end_ - kLoadAddress, 0);
    std::memcpy(image_.data() + (code - kLoadAddress), c.words.data(), c.bytes());
    put(image_, action - kLoadAddress, handler);
    put(image_, action - kLoadAddress + 8, kSaSiginfo | kSaOnStack | kSaRestorer);
    put(image_, action - kLoadAddress + 16, restorer);
    put(image_, altstack - kLoadAddress, signal_stack);
    put(image_, altstack - kLoadAddress + 16, kSignalStackBytes);
    for (size_t i = 0; i < slots_; ++i) {
        RegState in = streams[i].in;
        in.x[kBaseReg] = scratch_address(i) + kScratchBase;
        put(image_, in_ + i * sizeof(RegState) - kLoadAddress, in);
        put(image_, scratch_address(i) - kLoadAddress, streams[i].scratch);
    }

    Elf64_Ehdr eh{};
    std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = ET_EXEC;
    eh.e_machine = EM_AARCH64;
    eh.e_version = EV_CURRENT;
    eh.e_entry = code;
    eh.e_phoff = sizeof(Elf64_Ehdr);
    eh.e_ehsize = sizeof(Elf64_Ehdr);
    eh.e_phentsize = sizeof(Elf64_Phdr);
    eh.e_phnum = 1;
    Elf64_Phdr ph{};
    ph.p_type = PT_LOAD;
    ph.p_flags = PF_R | PF_W | PF_X;
    ph.p_vaddr = ph.p_paddr = kLoadAddress;
    ph.p_filesz = ph.p_memsz = image_.size();
    ph.p_align = kPage;
    put(image_, 0, eh);
    put(image_, sizeof eh, ph);
}

uint64_t GuestProgram::body_pc(size_t stream) const {
    return kLoadAddress + kPage + 4 * kStartWords + stream * slot_bytes_ + prologue_bytes_;
}

uint64_t GuestProgram::word_start_pc(size_t stream, size_t k) const {
    uint64_t pc = body_pc(stream);
    for (size_t i = 0; i < k; ++i) pc += streams_[stream].uses_base[i] ? 12 : 4;
    return pc;
}

uint64_t GuestProgram::word_pc(size_t stream, size_t k) const {
    return word_start_pc(stream, k) + (streams_[stream].uses_base[k] ? 8 : 0);
}

bool GuestProgram::parse(const std::string& dump, std::vector<StreamResult>& results, std::string& error) const {
    if (dump.size() != end_ - log_) {
        error = "guest wrote " + std::to_string(dump.size()) + " bytes, expected " + std::to_string(end_ - log_);
        return false;
    }
    auto at = [&](uint64_t guest) { return dump.data() + (guest - log_); };
    uint64_t logged;
    std::memcpy(&logged, at(log_), 8);
    if (logged > log_capacity_) {
        error = "signal log overflow";
        return false;
    }
    results.assign(slots_, {});
    for (size_t i = 0; i < slots_; ++i) {
        std::memcpy(&results[i].out, at(out_ + i * sizeof(RegState)), sizeof(RegState));
        std::memcpy(results[i].scratch.data(), at(scratch_address(i)), kScratchBytes);
    }
    const uint64_t slots_begin = body_pc(0) - prologue_bytes_;
    for (uint64_t e = 0; e < logged; ++e) {
        uint64_t pc, sig;
        std::memcpy(&pc, at(log_ + 8 + 16 * e), 8);
        std::memcpy(&sig, at(log_ + 16 + 16 * e), 8);
        if (pc < slots_begin || pc >= slots_begin + slots_ * slot_bytes_) {
            error = "signal " + std::to_string(sig) + " in the harness at pc " + std::to_string(pc);
            return false;
        }
        results[(pc - slots_begin) / slot_bytes_].signals[pc] = static_cast<int>(sig);
    }
    return true;
}

}  // namespace qemu_diff
