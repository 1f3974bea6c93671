#include "common/symbols.h"

#include <elf.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>
#include <tuple>

namespace ferry {

namespace {

constexpr uint64_t kUnsizedReach = 64 * 1024;  // how far past a size-0 symbol an address still belongs to it

// A bounds-checked view of the file: every read says whether it fit.
class Bytes {
public:
    explicit Bytes(const std::vector<uint8_t>& file) : file_(file) {}

    bool holds(uint64_t offset, uint64_t size) const {
        return offset <= file_.size() && size <= file_.size() - offset;
    }
    template <typename T>
    std::optional<T> read(uint64_t offset) const {
        if (!holds(offset, sizeof(T))) return std::nullopt;
        T value;
        std::memcpy(&value, file_.data() + offset, sizeof value);
        return value;
    }
    // The NUL-terminated string at offset within [begin, begin + size), or "" if it runs past.
    std::string string_in(uint64_t begin, uint64_t size, uint64_t offset) const {
        if (offset >= size) return {};
        const char* first = reinterpret_cast<const char*>(file_.data() + begin + offset);
        const char* end = reinterpret_cast<const char*>(file_.data() + begin + size);
        const char* nul = std::find(first, end, '\0');
        return nul == end ? std::string{} : std::string(first, nul);
    }

private:
    const std::vector<uint8_t>& file_;
};

bool is_little_endian_elf64(const Elf64_Ehdr& eh) {
    return std::memcmp(eh.e_ident, ELFMAG, SELFMAG) == 0 && eh.e_ident[EI_CLASS] == ELFCLASS64 &&
           eh.e_ident[EI_DATA] == ELFDATA2LSB && eh.e_shentsize == sizeof(Elf64_Shdr);
}

std::optional<Elf64_Shdr> find_section(const Bytes& bytes, const Elf64_Ehdr& eh, uint32_t type) {
    for (uint64_t i = 0; i < eh.e_shnum; ++i)
        if (auto sh = bytes.read<Elf64_Shdr>(eh.e_shoff + i * sizeof(Elf64_Shdr)); sh && sh->sh_type == type)
            return sh;
    return std::nullopt;
}

bool is_named_symbol(const Elf64_Sym& sym) {
    const unsigned type = ELF64_ST_TYPE(sym.st_info);
    return (type == STT_FUNC || type == STT_OBJECT || type == STT_NOTYPE) && sym.st_shndx != SHN_UNDEF &&
           sym.st_name != 0;
}

}  // namespace

SymbolTable SymbolTable::parse(const std::vector<uint8_t>& file) {
    SymbolTable table;
    const Bytes bytes(file);
    const auto eh = bytes.read<Elf64_Ehdr>(0);
    if (!eh || !is_little_endian_elf64(*eh)) return table;
    auto symtab = find_section(bytes, *eh, SHT_SYMTAB);
    if (!symtab) symtab = find_section(bytes, *eh, SHT_DYNSYM);
    if (!symtab || symtab->sh_link >= eh->e_shnum) return table;
    const auto strtab = bytes.read<Elf64_Shdr>(eh->e_shoff + uint64_t{symtab->sh_link} * sizeof(Elf64_Shdr));
    if (!strtab || !bytes.holds(strtab->sh_offset, strtab->sh_size) || !bytes.holds(symtab->sh_offset, symtab->sh_size))
        return table;

    for (uint64_t at = 0; at + sizeof(Elf64_Sym) <= symtab->sh_size; at += sizeof(Elf64_Sym)) {
        const auto sym = bytes.read<Elf64_Sym>(symtab->sh_offset + at);
        if (!sym || !is_named_symbol(*sym)) continue;
        std::string name = bytes.string_in(strtab->sh_offset, strtab->sh_size, sym->st_name);
        // "$x" and "$d" mark code and data in AArch64 objects; they name nothing.
        if (name.empty() || name[0] == '$') continue;
        table.symbols_.push_back({sym->st_value, sym->st_size, std::move(name)});
    }
    // By address, and at one address the largest last (lookup takes the last at or below).
    std::sort(table.symbols_.begin(), table.symbols_.end(),
              [](const Symbol& a, const Symbol& b) { return std::tie(a.address, a.size) < std::tie(b.address, b.size); });
    return table;
}

SymbolTable SymbolTable::load(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return {};
    const std::vector<uint8_t> file{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    return parse(file);
}

std::string SymbolTable::lookup(uint64_t addr) const {
    auto after = std::upper_bound(symbols_.begin(), symbols_.end(), addr,
                                  [](uint64_t a, const Symbol& s) { return a < s.address; });
    if (after == symbols_.begin()) return {};
    const Symbol& s = *std::prev(after);
    const uint64_t offset = addr - s.address;
    if (offset >= (s.size ? s.size : kUnsizedReach)) return {};
    if (offset == 0) return s.name;
    char suffix[24];
    std::snprintf(suffix, sizeof suffix, "+0x%llx", static_cast<unsigned long long>(offset));
    return s.name + suffix;
}

}  // namespace ferry
