// Reference semantics of the guest-state, integer, flag, CRC and memory
// opcodes. Values arrive zero-extended to 64 (or 128) bits and leave so.
#include "ir/semantics.h"

#include <array>
#include <bit>
#include <cstring>

#include "core/debug.h"
#include "core/fault.h"
#include "core/guest_memory.h"
#include "core/system_hooks.h"
#include "ir/cpu_features.h"

namespace ferry::ir {

namespace sem {

namespace {
#define SEM(name) Vec128 name(CpuState* s, const Vec128* a, uint64_t imm0, uint64_t imm1, uint32_t type)
#define UNUSED_SEM_ARGS (void)s, (void)a, (void)imm0, (void)imm1, (void)type

unsigned width(uint32_t type) { return bit_width(static_cast<Type>(type)); }
Vec128 masked(uint64_t v, uint32_t type) { return scalar(v & type_mask(type)); }

uint32_t nzcv_of_add(uint64_t x, uint64_t y, uint64_t carry, unsigned bits) {
    const uint64_t m = width_mask(bits);
    x &= m;
    y &= m;
    uint64_t result;
    bool c;
    if (bits == 64) {
        unsigned __int128 wide = static_cast<unsigned __int128>(x) + y + carry;
        result = static_cast<uint64_t>(wide);
        c = (wide >> 64) != 0;
    } else {
        const uint64_t wide = x + y + carry;
        result = wide & m;
        c = (wide >> bits) != 0;
    }
    const uint64_t sign = uint64_t{1} << (bits - 1);
    const bool n = result & sign;
    const bool z = result == 0;
    const bool v = ((x ^ result) & (y ^ result) & sign) != 0;
    return (uint32_t{n} << 31) | (uint32_t{z} << 30) | (uint32_t{c} << 29) | (uint32_t{v} << 28);
}

template <typename T>
T* host(CpuState* s, uint64_t addr, uint64_t pc) {
    s->fault_pc = pc;
    return reinterpret_cast<T*>(guest_host_ptr(*s, addr));
}

unsigned type_bytes(uint32_t type) { return width(type) / 8; }

enum class Direction : bool { Read, Write };

// Exclusives and atomics must be naturally aligned; the fault says whether
// the access was a write (ESR's WnR).
void check_alignment(CpuState* s, uint64_t addr, unsigned bytes, uint64_t pc, Direction direction) {
    if ((addr & (bytes - 1)) == 0) return;
    s->fault_is_write = direction == Direction::Write;
    raise_guest_fault(*s, ExitReason::Alignment, addr, pc);
}

// A debugger's watchpoints see every data access before it happens (system
// mode: on the virtual address, before the MMU).
void watch(CpuState* s, uint64_t addr, unsigned bytes, WatchKind kind, uint64_t pc) {
    if (s->watchpoints) check_watchpoints(*s, addr, bytes, kind, pc);
}

// Guest memory: user mode's flat mapping, or the machine's MMU in system mode.
Vec128 read_sized(CpuState* s, uint64_t addr, unsigned bytes, uint64_t pc) {
    watch(s, addr, bytes, WatchKind::Read, pc);
    if (SystemHooks* sys = system_hooks(*s)) return sys->load(*s, addr, bytes, pc);
    Vec128 v{};
    std::memcpy(&v, host<uint8_t>(s, addr, pc), bytes);
    return v;
}
void write_sized(CpuState* s, uint64_t addr, const Vec128& v, unsigned bytes, uint64_t pc) {
    watch(s, addr, bytes, WatchKind::Write, pc);
    if (SystemHooks* sys = system_hooks(*s)) return sys->store(*s, addr, v, bytes, pc);
    std::memcpy(host<uint8_t>(s, addr, pc), &v, bytes);
}
// Host memory for an atomic read-modify-write of `bytes` aligned bytes (the
// caller has checked the watchpoints for the kind of access it makes).
uint8_t* rmw_pointer(CpuState* s, uint64_t addr, unsigned bytes, uint64_t pc) {
    if (SystemHooks* sys = system_hooks(*s)) return sys->rmw_pointer(*s, addr, bytes, pc);
    return host<uint8_t>(s, addr, pc);
}

// Host compare-and-swap of `bytes` at p; returns the old value.
Vec128 cas_sized(uint8_t* p, Vec128 expected, Vec128 desired, unsigned bytes) {
    switch (bytes) {
    case 1: { uint8_t e = expected.lo; __atomic_compare_exchange_n(p, &e, uint8_t(desired.lo), false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); return scalar(e); }
    case 2: { uint16_t e = expected.lo; __atomic_compare_exchange_n(reinterpret_cast<uint16_t*>(p), &e, uint16_t(desired.lo), false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); return scalar(e); }
    case 4: { uint32_t e = expected.lo; __atomic_compare_exchange_n(reinterpret_cast<uint32_t*>(p), &e, uint32_t(desired.lo), false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); return scalar(e); }
    case 8: { uint64_t e = expected.lo; __atomic_compare_exchange_n(reinterpret_cast<uint64_t*>(p), &e, desired.lo, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); return scalar(e); }
    default: {
        // The __sync form compiles to an inline cmpxchg16b with -mcx16 (no libatomic).
        const unsigned __int128 e = (static_cast<unsigned __int128>(expected.hi) << 64) | expected.lo;
        const unsigned __int128 d = (static_cast<unsigned __int128>(desired.hi) << 64) | desired.lo;
        const unsigned __int128 old = __sync_val_compare_and_swap(reinterpret_cast<unsigned __int128*>(p), e, d);
        return Vec128{static_cast<uint64_t>(old), static_cast<uint64_t>(old >> 64)};
    }
    }
}

uint64_t atomic_apply(AtomicOp op, uint64_t old, uint64_t operand, unsigned bits) {
    const int64_t so = sign_extend(old, bits), sv = sign_extend(operand, bits);
    switch (op) {
    case AtomicOp::Add: return old + operand;
    case AtomicOp::Clr: return old & ~operand;
    case AtomicOp::Eor: return old ^ operand;
    case AtomicOp::Set: return old | operand;
    case AtomicOp::SMax: return so > sv ? old : operand;
    case AtomicOp::SMin: return so < sv ? old : operand;
    case AtomicOp::UMax: return old > operand ? old : operand;
    case AtomicOp::UMin: return old < operand ? old : operand;
    case AtomicOp::Swp: return operand;
    }
    return old;
}
}  // namespace

// ---- Guest state ----
SEM(GetX) { UNUSED_SEM_ARGS; return scalar(s->x[imm0]); }
SEM(SetX) { UNUSED_SEM_ARGS; s->x[imm0] = a[0].lo; return {}; }
SEM(GetSP) { UNUSED_SEM_ARGS; return scalar(s->sp); }
SEM(SetSP) { UNUSED_SEM_ARGS; s->sp = a[0].lo; return {}; }
SEM(GetNZCV) { UNUSED_SEM_ARGS; return scalar(s->nzcv); }
SEM(SetNZCV) { UNUSED_SEM_ARGS; s->nzcv = static_cast<uint32_t>(a[0].lo) & 0xf0000000u; return {}; }
SEM(GetV) { UNUSED_SEM_ARGS; return s->v[imm0]; }
SEM(SetV) { UNUSED_SEM_ARGS; s->v[imm0] = a[0]; return {}; }
SEM(GetFPCR) { UNUSED_SEM_ARGS; return scalar(s->fpcr); }
SEM(SetFPCR) { UNUSED_SEM_ARGS; s->fpcr = static_cast<uint32_t>(a[0].lo); return {}; }
SEM(GetFPSR) { UNUSED_SEM_ARGS; return scalar(s->fpsr); }
SEM(SetFPSR) { UNUSED_SEM_ARGS; s->fpsr = static_cast<uint32_t>(a[0].lo); return {}; }
SEM(GetTPIDR) { UNUSED_SEM_ARGS; return scalar(s->tpidr_el0); }
SEM(SetTPIDR) { UNUSED_SEM_ARGS; s->tpidr_el0 = a[0].lo; return {}; }

// ---- Constants and conversions ----
SEM(Const) { UNUSED_SEM_ARGS; return scalar(imm0); }
SEM(ZeroExt) { UNUSED_SEM_ARGS; return scalar(a[0].lo & width_mask(imm0)); }
SEM(SignExt) { UNUSED_SEM_ARGS; return masked(static_cast<uint64_t>(sign_extend(a[0].lo, imm0)), type); }
SEM(Trunc) { UNUSED_SEM_ARGS; return masked(a[0].lo, type); }

// ---- Integer arithmetic ----
SEM(Add) { UNUSED_SEM_ARGS; return masked(a[0].lo + a[1].lo, type); }
SEM(AddCarry) { UNUSED_SEM_ARGS; return masked(a[0].lo + a[1].lo + (a[2].lo & 1), type); }
SEM(Sub) { UNUSED_SEM_ARGS; return masked(a[0].lo - a[1].lo, type); }
SEM(Mul) { UNUSED_SEM_ARGS; return masked(a[0].lo * a[1].lo, type); }
SEM(UMulHigh) {
    UNUSED_SEM_ARGS;
    return scalar(static_cast<uint64_t>((static_cast<unsigned __int128>(a[0].lo) * a[1].lo) >> 64));
}
SEM(SMulHigh) {
    UNUSED_SEM_ARGS;
    const __int128 p = static_cast<__int128>(static_cast<int64_t>(a[0].lo)) * static_cast<int64_t>(a[1].lo);
    return scalar(static_cast<uint64_t>(static_cast<unsigned __int128>(p) >> 64));
}
SEM(UDiv) { UNUSED_SEM_ARGS; return scalar(a[1].lo == 0 ? 0 : a[0].lo / a[1].lo); }
SEM(SDiv) {
    UNUSED_SEM_ARGS;
    const unsigned w = width(type);
    const int64_t n = sign_extend(a[0].lo, w), d = sign_extend(a[1].lo, w);
    if (d == 0) return scalar(0);
    if (d == -1) return masked(0 - a[0].lo, type);  // MIN / -1 wraps to MIN, as on Arm
    return masked(static_cast<uint64_t>(n / d), type);
}
SEM(And) { UNUSED_SEM_ARGS; return scalar(a[0].lo & a[1].lo); }
SEM(AndNot) { UNUSED_SEM_ARGS; return scalar(a[0].lo & ~a[1].lo); }
SEM(Or) { UNUSED_SEM_ARGS; return scalar(a[0].lo | a[1].lo); }
SEM(OrNot) { UNUSED_SEM_ARGS; return masked(a[0].lo | ~a[1].lo, type); }
SEM(Xor) { UNUSED_SEM_ARGS; return scalar(a[0].lo ^ a[1].lo); }
SEM(XorNot) { UNUSED_SEM_ARGS; return masked(a[0].lo ^ ~a[1].lo, type); }
SEM(Not) { UNUSED_SEM_ARGS; return masked(~a[0].lo, type); }
SEM(Neg) { UNUSED_SEM_ARGS; return masked(0 - a[0].lo, type); }
SEM(Lsl) { UNUSED_SEM_ARGS; return masked(a[0].lo << (a[1].lo % width(type)), type); }
SEM(Lsr) { UNUSED_SEM_ARGS; return scalar(a[0].lo >> (a[1].lo % width(type))); }
SEM(Asr) {
    UNUSED_SEM_ARGS;
    const unsigned w = width(type);
    return masked(static_cast<uint64_t>(sign_extend(a[0].lo, w) >> (a[1].lo % w)), type);
}
SEM(Ror) {
    UNUSED_SEM_ARGS;
    const unsigned w = width(type), n = a[1].lo % w;
    return n == 0 ? a[0] : masked((a[0].lo >> n) | (a[0].lo << (w - n)), type);
}
SEM(Clz) {
    UNUSED_SEM_ARGS;
    const unsigned w = width(type);
    return scalar(a[0].lo == 0 ? w : std::countl_zero(a[0].lo) - (64 - w));
}
SEM(Cls) {
    UNUSED_SEM_ARGS;
    // CountLeadingZeroBits(x<N-1:1> EOR x<N-2:0>)
    const unsigned w = width(type);
    const uint64_t y = (a[0].lo ^ (a[0].lo >> 1)) & width_mask(w - 1);
    return scalar(y == 0 ? w - 1 : std::countl_zero(y) - (64 - (w - 1)));
}
SEM(Rbit) {
    UNUSED_SEM_ARGS;
    // Bytes reversed, then nibbles, bit pairs and bits within each byte.
    uint64_t x = __builtin_bswap64(a[0].lo);
    x = (x >> 4 & 0x0f0f0f0f0f0f0f0full) | (x & 0x0f0f0f0f0f0f0f0full) << 4;
    x = (x >> 2 & 0x3333333333333333ull) | (x & 0x3333333333333333ull) << 2;
    x = (x >> 1 & 0x5555555555555555ull) | (x & 0x5555555555555555ull) << 1;
    return scalar(x >> (64 - width(type)));
}
SEM(ByteRev) { UNUSED_SEM_ARGS; return scalar(__builtin_bswap64(a[0].lo) >> (64 - width(type))); }
SEM(Select) { UNUSED_SEM_ARGS; return (a[0].lo & 1) ? a[1] : a[2]; }
SEM(Eq) { UNUSED_SEM_ARGS; return scalar(a[0] == a[1]); }
SEM(IsZero) { UNUSED_SEM_ARGS; return scalar(a[0].lo == 0 && a[0].hi == 0); }
SEM(TestBit) { UNUSED_SEM_ARGS; return scalar(imm0 < 64 ? (a[0].lo >> imm0) & 1 : (a[0].hi >> (imm0 - 64)) & 1); }

// ---- Flags ----
SEM(NZCVAdd) { UNUSED_SEM_ARGS; return scalar(nzcv_of_add(a[0].lo, a[1].lo, a[2].lo & 1, imm0)); }
SEM(NZCVSub) { UNUSED_SEM_ARGS; return scalar(nzcv_of_add(a[0].lo, ~a[1].lo, a[2].lo & 1, imm0)); }
SEM(NZCVLogic) {
    UNUSED_SEM_ARGS;
    const uint64_t r = a[0].lo & width_mask(imm0);
    return scalar((static_cast<uint32_t>((r >> (imm0 - 1)) & 1) << 31) | (uint32_t{r == 0} << 30));
}
namespace {
bool condition_holds(uint64_t cond, uint32_t f) {
    const bool n = f >> 31 & 1, z = f >> 30 & 1, c = f >> 29 & 1, v = f >> 28 & 1;
    bool result;
    switch ((cond >> 1) & 7) {
    case 0: result = z; break;
    case 1: result = c; break;
    case 2: result = n; break;
    case 3: result = v; break;
    case 4: result = c && !z; break;
    case 5: result = n == v; break;
    case 6: result = n == v && !z; break;
    default: result = true; break;
    }
    if ((cond & 1) && (cond & 0xf) != 0xf) result = !result;
    return result;
}
}  // namespace

SEM(CondHolds) { UNUSED_SEM_ARGS; return scalar(condition_holds(imm0, static_cast<uint32_t>(a[0].lo))); }
SEM(CondCompare) {
    UNUSED_SEM_ARGS;
    const unsigned bits = static_cast<unsigned>(imm1 >> 8);
    uint32_t flags = 0;
    switch (static_cast<CompareKind>(imm1 & 0xff)) {
    case CompareKind::Sub: flags = nzcv_of_add(a[0].lo, ~a[1].lo, 1, bits); break;
    case CompareKind::Add: flags = nzcv_of_add(a[0].lo, a[1].lo, 0, bits); break;
    case CompareKind::Logic: {
        const uint64_t r = a[0].lo & a[1].lo & width_mask(bits);
        flags = (static_cast<uint32_t>((r >> (bits - 1)) & 1) << 31) | (uint32_t{r == 0} << 30);
        break;
    }
    }
    return scalar(condition_holds(imm0, flags));
}
SEM(GetCarry) { UNUSED_SEM_ARGS; return scalar((a[0].lo >> 29) & 1); }

// ---- CRC ----
namespace {
// The reflected CRC of each byte value: eight steps of the bitwise definition at once.
constexpr std::array<uint32_t, 256> crc_byte_table(uint32_t poly) {
    std::array<uint32_t, 256> table{};
    for (uint32_t byte = 0; byte < 256; ++byte) {
        uint32_t crc = byte;
        for (int i = 0; i < 8; ++i) crc = (crc >> 1) ^ ((crc & 1) ? poly : 0);
        table[byte] = crc;
    }
    return table;
}
constexpr auto kCrc32Table = crc_byte_table(0xedb88320u);   // CRC-32, reflected
constexpr auto kCrc32cTable = crc_byte_table(0x82f63b78u);  // CRC-32C, reflected
}  // namespace

SEM(Crc32) {
    UNUSED_SEM_ARGS;
    const auto& table = imm0 ? kCrc32cTable : kCrc32Table;
    uint32_t crc = static_cast<uint32_t>(a[0].lo);
    uint64_t data = a[1].lo;
    for (unsigned i = 0; i < imm1; i += 8, data >>= 8) crc = table[(crc ^ data) & 0xff] ^ (crc >> 8);
    return scalar(crc);
}

// ---- Memory ----
SEM(Load) { UNUSED_SEM_ARGS; return read_sized(s, a[0].lo, type_bytes(type), imm0); }
SEM(Store) { UNUSED_SEM_ARGS; write_sized(s, a[0].lo, a[1], static_cast<unsigned>(imm1), imm0); return {}; }
SEM(LoadExclusive) {
    UNUSED_SEM_ARGS;
    const unsigned bytes = type_bytes(type);
    check_alignment(s, a[0].lo, bytes, imm0, Direction::Read);
    const Vec128 v = read_sized(s, a[0].lo, bytes, imm0);
    s->exclusive_addr = a[0].lo;
    s->exclusive_size = bytes;
    s->exclusive_value = v;
    return v;
}
SEM(StoreExclusive) {
    UNUSED_SEM_ARGS;
    const unsigned bytes = static_cast<unsigned>(imm1);
    check_alignment(s, a[0].lo, bytes, imm0, Direction::Write);
    // Before the monitor is cleared, so the store can be retried after the stop.
    watch(s, a[0].lo, bytes, WatchKind::Write, imm0);
    const bool armed = s->exclusive_size == bytes && s->exclusive_addr == a[0].lo;
    s->exclusive_size = 0;
    if (!armed) return scalar(1);
    // The store succeeds only if memory still holds what the load saw: a
    // host compare-and-swap makes that one atomic step.
    const Vec128 old = cas_sized(rmw_pointer(s, a[0].lo, bytes, imm0), s->exclusive_value, a[1], bytes);
    Vec128 expected = s->exclusive_value;
    if (bytes < 16) expected.hi = 0;
    return scalar(old == expected ? 0 : 1);
}
SEM(ClearExclusive) { UNUSED_SEM_ARGS; s->exclusive_size = 0; return {}; }
SEM(AtomicRmw) {
    UNUSED_SEM_ARGS;
    const unsigned bytes = type_bytes(type), bits = width(type);
    check_alignment(s, a[0].lo, bytes, imm0, Direction::Read);
    watch(s, a[0].lo, bytes, WatchKind::Access, imm0);
    uint8_t* p = rmw_pointer(s, a[0].lo, bytes, imm0);
    Vec128 old{};
    std::memcpy(&old, p, bytes);
    while (true) {
        const Vec128 desired = masked(atomic_apply(static_cast<AtomicOp>(imm1), old.lo, a[1].lo, bits), type);
        const Vec128 seen = cas_sized(p, old, desired, bytes);
        if (seen == old) return old;
        old = seen;
    }
}
SEM(AtomicCas) {
    UNUSED_SEM_ARGS;
    const unsigned bytes = type_bytes(type);
    check_alignment(s, a[0].lo, bytes, imm0, Direction::Read);
    watch(s, a[0].lo, bytes, WatchKind::Access, imm0);
    return cas_sized(rmw_pointer(s, a[0].lo, bytes, imm0), a[1], a[2], bytes);
}
SEM(Barrier) { UNUSED_SEM_ARGS; __atomic_thread_fence(__ATOMIC_SEQ_CST); return {}; }
SEM(ZeroBlock) {
    UNUSED_SEM_ARGS;
    const uint64_t block = a[0].lo & ~uint64_t{cpu::kZvaBlockBytes - 1};
    watch(s, block, cpu::kZvaBlockBytes, WatchKind::Write, imm0);
    std::memset(rmw_pointer(s, block, cpu::kZvaBlockBytes, imm0), 0, cpu::kZvaBlockBytes);
    return {};
}

// ---- Exceptions ----
SEM(RaiseException) {
    UNUSED_SEM_ARGS;
    s->exit_reason = static_cast<ExitReason>(imm0);
    s->exit_info = static_cast<uint32_t>(imm1);
    return {};
}

}  // namespace sem

SemanticFn semantic_fn(Opcode op) {
    static constexpr SemanticFn table[] = {
#define OPCODE(name, ...) &sem::name,
#include "ir/opcodes.inc"
#undef OPCODE
    };
    return table[static_cast<size_t>(op)];
}

}  // namespace ferry::ir
