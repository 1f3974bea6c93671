// ELF symbol tables: names for guest addresses from a real cross-compiled
// program and from a hand-made table, and no crash on any bad file.
#include <elf.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "common/symbols.h"

namespace ferry {
namespace {

// An ELF64 file with a .symtab of the given symbols (and its .strtab).
std::vector<uint8_t> elf_with_symbols(const std::vector<std::pair<std::string, Elf64_Sym>>& symbols) {
    std::string strtab(1, '\0');
    std::vector<Elf64_Sym> syms(1);  // index 0 is the null symbol
    for (auto [name, sym] : symbols) {
        sym.st_name = static_cast<uint32_t>(strtab.size());
        strtab += name + '\0';
        syms.push_back(sym);
    }
    const size_t symtab_offset = sizeof(Elf64_Ehdr);
    const size_t strtab_offset = symtab_offset + syms.size() * sizeof(Elf64_Sym);
    const size_t sections_offset = (strtab_offset + strtab.size() + 7) & ~size_t{7};
    std::vector<uint8_t> file(sections_offset + 3 * sizeof(Elf64_Shdr));

    Elf64_Ehdr eh = {};
    std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_machine = EM_AARCH64;
    eh.e_shoff = sections_offset;
    eh.e_shentsize = sizeof(Elf64_Shdr);
    eh.e_shnum = 3;
    std::memcpy(file.data(), &eh, sizeof eh);
    std::memcpy(file.data() + symtab_offset, syms.data(), syms.size() * sizeof(Elf64_Sym));
    std::memcpy(file.data() + strtab_offset, strtab.data(), strtab.size());
    Elf64_Shdr sh[3] = {};
    sh[1].sh_type = SHT_SYMTAB;
    sh[1].sh_offset = symtab_offset;
    sh[1].sh_size = syms.size() * sizeof(Elf64_Sym);
    sh[1].sh_link = 2;
    sh[1].sh_entsize = sizeof(Elf64_Sym);
    sh[2].sh_type = SHT_STRTAB;
    sh[2].sh_offset = strtab_offset;
    sh[2].sh_size = strtab.size();
    std::memcpy(file.data() + sections_offset, sh, sizeof sh);
    return file;
}

Elf64_Sym symbol(uint64_t address, uint64_t size, unsigned type) {
    Elf64_Sym s = {};
    s.st_value = address;
    s.st_size = size;
    s.st_info = ELF64_ST_INFO(STB_GLOBAL, type);
    s.st_shndx = 1;
    return s;
}

const std::vector<std::pair<std::string, Elf64_Sym>> kSymbols = {
    {"main", symbol(0x401000, 0x40, STT_FUNC)},
    {"table", symbol(0x402000, 0x10, STT_OBJECT)},
    {"_start", symbol(0x400000, 0, STT_NOTYPE)},
    {"$x", symbol(0x401000, 0, STT_NOTYPE)},
    {"undefined", [] { Elf64_Sym s = symbol(0x403000, 8, STT_FUNC); s.st_shndx = SHN_UNDEF; return s; }()},
};

TEST(Symbols, NamesAddressesWithinTheSymbol) {
    const SymbolTable t = SymbolTable::parse(elf_with_symbols(kSymbols));
    EXPECT_EQ(t.size(), 3u);  // not "$x" nor the undefined one
    EXPECT_EQ(t.lookup(0x401000), "main");
    EXPECT_EQ(t.lookup(0x40101c), "main+0x1c");
    EXPECT_EQ(t.lookup(0x401040), "");  // past main's size
    EXPECT_EQ(t.lookup(0x402008), "table+0x8");
    EXPECT_EQ(t.lookup(0x400100), "_start+0x100");  // size 0: within 64 KiB
    EXPECT_EQ(t.lookup(0x400000 + 0x10000), "");
    EXPECT_EQ(t.lookup(0x3fffff), "");
    EXPECT_EQ(t.lookup(0x403000), "");
}

TEST(Symbols, TruncatedFilesGiveAnEmptyTable) {
    const std::vector<uint8_t> whole = elf_with_symbols(kSymbols);
    for (size_t size = 0; size < whole.size(); ++size) {
        const std::vector<uint8_t> part(whole.begin(), whole.begin() + static_cast<ptrdiff_t>(size));
        EXPECT_EQ(SymbolTable::parse(part).size(), 0u) << size;  // the section headers are at the end
    }
}

TEST(Symbols, CorruptHeadersAndGarbageDoNotCrash) {
    const std::vector<uint8_t> whole = elf_with_symbols(kSymbols);
    Elf64_Ehdr eh;
    std::memcpy(&eh, whole.data(), sizeof eh);
    // Every header byte and every section header byte set to 0xff in turn.
    for (size_t i = 0; i < whole.size(); ++i) {
        if (i >= sizeof(Elf64_Ehdr) && i < eh.e_shoff) continue;
        std::vector<uint8_t> bad = whole;
        bad[i] = 0xff;
        const SymbolTable t = SymbolTable::parse(bad);
        EXPECT_LE(t.size(), 3u);
        t.lookup(0x401010);
    }
    std::vector<uint8_t> garbage(4096);
    srand(1);
    for (uint8_t& b : garbage) b = static_cast<uint8_t>(rand());
    std::memcpy(garbage.data(), whole.data(), EI_NIDENT);  // get past the magic
    EXPECT_EQ(SymbolTable::parse(garbage).size(), 0u);
    EXPECT_EQ(SymbolTable::load("/nonexistent/file").size(), 0u);
}

// A real program from the cross compiler: its symbols agree with nm's.
TEST(Symbols, CrossCompiledProgramAgreesWithNm) {
    char dir[] = "/tmp/ferry-symbols-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    const std::string d = dir;
    std::ofstream(d + "/p.c") << "int helper(int x) { return x * 3 + 1; }\nint main(int argc, char** argv) { (void)argv; return helper(argc); }\n";
    ASSERT_EQ(std::system(("aarch64-linux-gnu-gcc -O1 -static -o " + d + "/p " + d + "/p.c && aarch64-linux-gnu-nm " + d +
                           "/p | grep -E ' T (main|helper)$' | sort -k3 > " + d + "/nm.txt").c_str()),
              0);
    std::ifstream nm(d + "/nm.txt");
    uint64_t helper = 0, main_address = 0;
    std::string type, name;
    nm >> std::hex >> helper >> type >> name;
    ASSERT_EQ(name, "helper");
    nm >> std::hex >> main_address >> type >> name;
    ASSERT_EQ(name, "main");

    const SymbolTable t = SymbolTable::load(d + "/p");
    EXPECT_GT(t.size(), 100u);  // libc is in there too
    EXPECT_EQ(t.lookup(main_address), "main");
    EXPECT_EQ(t.lookup(main_address + 4), "main+0x4");
    EXPECT_EQ(t.lookup(helper + 8), "helper+0x8");
    std::system(("rm -rf " + d).c_str());
}

}  // namespace
}  // namespace ferry
