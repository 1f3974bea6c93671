// Names for guest addresses: the function and object symbols of an ELF64 file.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace ferry {

class SymbolTable {
public:
    struct Symbol {
        uint64_t address;
        uint64_t size;
        std::string name;
    };

    // The FUNC, OBJECT and NOTYPE symbols of .symtab (or .dynsym if there is
    // none). A missing, short or malformed file gives an empty table.
    static SymbolTable load(const std::string& path);
    static SymbolTable parse(const std::vector<uint8_t>& file);

    // "name+0x1c" for the nearest symbol at or below addr that covers it
    // (within its size, or within 64 KiB when its size is 0); "" if none.
    std::string lookup(uint64_t addr) const;
    size_t size() const { return symbols_.size(); }

private:
    std::vector<Symbol> symbols_;  // by address
};

}  // namespace ferry
