#include "common/log.h"

#include <capstone/capstone.h>

#include <cinttypes>
#include <cstdio>

namespace ferry::log {

namespace {
uint32_t g_mask = 0;
FILE* g_file = nullptr;

struct ItemName { const char* name; Item item; const char* help; };
constexpr ItemName kItems[] = {
    {"in_asm", InAsm, "show target assembly code for each compiled TB"},
    {"out_asm", OutAsm, "show generated host assembly code for each compiled TB"},
    {"op", Op, "show IR before and after optimisation"},
    {"exec", Exec, "show trace before each executed TB (lots of logs)"},
    {"cpu", Cpu, "show CPU registers before entering a TB (lots of logs)"},
    {"int", Int, "show exceptions and their returns (system), guest signals delivered (user)"},
    {"unimp", Unimp, "log unimplemented functionality"},
    {"guest_errors", GuestErrors, "log when the guest OS does something invalid"},
    {"nochain", NoChain, "do not chain compiled TBs so that \"exec\" and \"cpu\" show complete traces"},
    {"strace", Strace, "log every user-mode syscall, its input, and its result (ferry-system accepts and ignores it)"},
    {"mmu", Mmu, "log MMU enable/regime changes, faulting walks, TLBI and AT (system)"},
};

std::string disassemble(cs_arch arch, cs_mode mode, uint64_t address, const uint8_t* bytes, size_t size) {
    csh handle;
    if (cs_open(arch, mode, &handle) != CS_ERR_OK) return "  (disassembler unavailable)\n";
    std::string out;
    char line[256];
    size_t offset = 0;
    while (offset < size) {
        cs_insn* insn = nullptr;
        const size_t n = cs_disasm(handle, bytes + offset, size - offset, address + offset, 0, &insn);
        for (size_t i = 0; i < n; ++i) {
            snprintf(line, sizeof line, "0x%016" PRIx64 ":  %-8s %s\n", insn[i].address, insn[i].mnemonic, insn[i].op_str);
            out += line;
            offset += insn[i].size;
        }
        cs_free(insn, n);
        if (offset >= size) break;
        // Capstone stops at what it cannot decode: show that word raw and go on.
        uint32_t word = 0;
        for (unsigned b = 0; b < 4 && offset + b < size; ++b) word |= uint32_t{bytes[offset + b]} << (8 * b);
        snprintf(line, sizeof line, "0x%016" PRIx64 ":  .inst    0x%08x\n", address + offset, word);
        out += line;
        offset += arch == CS_ARCH_ARM64 ? 4 : 1;
    }
    cs_close(&handle);
    return out;
}
}  // namespace

bool parse_items(std::string_view list, uint32_t& mask, std::string& error) {
    while (!list.empty()) {
        const size_t comma = list.find(',');
        const std::string_view name = list.substr(0, comma);
        bool found = false;
        for (const ItemName& i : kItems)
            if (name == i.name) { mask |= i.item; found = true; }
        if (!found) {
            error = "unknown logging item '" + std::string(name) + "' (-d help lists them)";
            return false;
        }
        list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    }
    return true;
}

std::string help() {
    std::string out = "Log items (comma separated):\n";
    char line[200];
    for (const ItemName& i : kItems) {
        snprintf(line, sizeof line, "%-12s %s\n", i.name, i.help);
        out += line;
    }
    return out;
}

void set_mask(uint32_t mask) { g_mask = mask; }
bool enabled(Item item) { return (g_mask & item) != 0; }

bool set_file(const char* path) {
    FILE* f = std::fopen(path, "w");
    if (!f) return false;
    if (g_file) std::fclose(g_file);
    g_file = f;
    return true;
}

namespace {
void write_formatted(const char* fmt, va_list ap) {
    std::vfprintf(g_file ? g_file : stderr, fmt, ap);
    if (g_file) std::fflush(g_file);
}
}  // namespace

void printf(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    write_formatted(fmt, ap);
    va_end(ap);
}

void printf_if(Item item, const char* fmt, ...) {
    if (!enabled(item)) return;
    va_list ap;
    va_start(ap, fmt);
    write_formatted(fmt, ap);
    va_end(ap);
}

std::string disassemble_a64(uint64_t pc, const uint32_t* words, size_t count) {
    return disassemble(CS_ARCH_ARM64, CS_MODE_LITTLE_ENDIAN, pc, reinterpret_cast<const uint8_t*>(words), count * 4);
}

std::string disassemble_x64(const void* code, size_t bytes) {
    return disassemble(CS_ARCH_X86, CS_MODE_64, reinterpret_cast<uint64_t>(code), static_cast<const uint8_t*>(code), bytes);
}

}  // namespace ferry::log
