#include "user/elf_loader.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <vector>

namespace ferry::user {

namespace {

std::string format(const char* fmt, unsigned long long a, unsigned long long b = 0) {
    char buf[160];
    std::snprintf(buf, sizeof buf, fmt, a, b);
    return buf;
}

const Elf64_Ehdr& header(const uint8_t* data) { return *reinterpret_cast<const Elf64_Ehdr*>(data); }

std::vector<Elf64_Phdr> program_headers(const uint8_t* data) {
    const Elf64_Ehdr& eh = header(data);
    std::vector<Elf64_Phdr> phdrs(eh.e_phnum);
    std::memcpy(phdrs.data(), data + eh.e_phoff, eh.e_phnum * sizeof(Elf64_Phdr));
    return phdrs;
}

uint64_t load_bias_for(const Elf64_Ehdr& eh, const std::vector<Elf64_Phdr>& phdrs) {
    if (eh.e_type != ET_DYN) return 0;
    uint64_t lowest = UINT64_MAX;
    for (const Elf64_Phdr& ph : phdrs)
        if (ph.p_type == PT_LOAD) lowest = std::min(lowest, ph.p_vaddr);
    return kPieLoadBase - page_down(lowest);
}

std::string check_identity(const uint8_t* data, size_t size) {
    if (size < SELFMAG || std::memcmp(data, ELFMAG, SELFMAG) != 0) return "not an ELF file";
    if (size < EI_NIDENT) return "truncated ELF header";
    if (data[EI_CLASS] == ELFCLASS32) return "32-bit ELF, a 64-bit AArch64 executable is needed";
    if (data[EI_CLASS] != ELFCLASS64) return format("invalid ELF class %llu", data[EI_CLASS]);
    if (data[EI_DATA] == ELFDATA2MSB) return "big-endian ELF, a little-endian AArch64 executable is needed";
    if (data[EI_DATA] != ELFDATA2LSB) return format("invalid ELF data encoding %llu", data[EI_DATA]);
    if (size < sizeof(Elf64_Ehdr)) return "truncated ELF header";
    const Elf64_Ehdr& eh = header(data);
    if (eh.e_machine != EM_AARCH64) return format("not an AArch64 executable (e_machine %llu)", eh.e_machine);
    if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN)
        return format("not an executable (e_type %llu)", eh.e_type);
    return "";
}

std::string check_segment(const Elf64_Phdr& ph, unsigned index, size_t size, uint64_t bias) {
    if (ph.p_offset > size || ph.p_filesz > size - ph.p_offset)
        return format("truncated: segment %llu extends past the end of the file", index);
    if (ph.p_filesz > ph.p_memsz) return format("segment %llu: file size exceeds memory size", index);
    if (!AddressSpace::in_space(ph.p_vaddr, ph.p_memsz) || !AddressSpace::in_space(ph.p_vaddr + bias, ph.p_memsz) ||
        page_up(ph.p_vaddr + bias + ph.p_memsz) > AddressSpace::kSpaceSize)
        return format("segment %llu lies outside the %llu-bit guest address space", index, AddressSpace::kSpaceBits);
    return "";
}

}  // namespace

bool looks_like_aarch64_elf(const uint8_t* data, size_t size) {
    return size >= 20 && std::memcmp(data, ELFMAG, SELFMAG) == 0 && data[EI_CLASS] == ELFCLASS64 &&
           data[EI_DATA] == ELFDATA2LSB && (data[18] | data[19] << 8) == EM_AARCH64;
}

std::string check_elf(const uint8_t* data, size_t size) {
    if (std::string err = check_identity(data, size); !err.empty()) return err;
    const Elf64_Ehdr& eh = header(data);
    if (eh.e_phentsize != sizeof(Elf64_Phdr)) return format("bad program header size %llu", eh.e_phentsize);
    if (eh.e_phnum == 0) return "no program headers";
    if (eh.e_phoff > size || uint64_t{eh.e_phnum} * sizeof(Elf64_Phdr) > size - eh.e_phoff)
        return "truncated program headers";

    const std::vector<Elf64_Phdr> phdrs = program_headers(data);
    bool entry_is_code = false, any_load = false;
    for (const Elf64_Phdr& ph : phdrs) {
        if (ph.p_type == PT_INTERP)
            return "dynamic executable (has PT_INTERP): dynamic executables need -L <sysroot>, not supported yet";
        if (ph.p_type == PT_LOAD) any_load = true;
    }
    if (!any_load) return "no loadable segments";
    const uint64_t bias = load_bias_for(eh, phdrs);
    for (unsigned i = 0; i < phdrs.size(); ++i) {
        const Elf64_Phdr& ph = phdrs[i];
        if (ph.p_type != PT_LOAD) continue;
        if (std::string err = check_segment(ph, i, size, bias); !err.empty()) return err;
        if ((ph.p_flags & PF_X) && eh.e_entry >= ph.p_vaddr && eh.e_entry - ph.p_vaddr < ph.p_memsz)
            entry_is_code = true;
    }
    if (!entry_is_code) return format("entry point 0x%llx is not in an executable segment", eh.e_entry);
    return "";
}

namespace {

int guest_prot(uint32_t p_flags) {
    return (p_flags & PF_R ? PROT_READ : 0) | (p_flags & PF_W ? PROT_WRITE : 0) | (p_flags & PF_X ? PROT_EXEC : 0);
}

bool read_file(const std::string& path, std::vector<uint8_t>& out, std::string& error) {
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        error = std::strerror(errno);
        return false;
    }
    out.clear();
    uint8_t buf[65536];
    for (;;) {
        const ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            error = std::strerror(errno);
            close(fd);
            return false;
        }
        if (n == 0) break;
        out.insert(out.end(), buf, buf + n);
    }
    close(fd);
    return true;
}

}  // namespace

bool load_elf(AddressSpace& space, const std::string& path, LoadedImage& image, std::string& error) {
    std::vector<uint8_t> file;
    if (!read_file(path, file, error)) return false;
    error = check_elf(file.data(), file.size());
    if (!error.empty()) return false;

    const Elf64_Ehdr& eh = header(file.data());
    const std::vector<Elf64_Phdr> phdrs = program_headers(file.data());
    const uint64_t bias = load_bias_for(eh, phdrs);
    image = {};
    image.load_bias = bias;
    image.entry = eh.e_entry + bias;
    image.phnum = eh.e_phnum;

    // Map every segment writable first (segments may share a boundary page),
    // copy the file bytes, then apply the final protections: a shared page
    // gets the union of its segments' permissions.
    std::map<uint64_t, int> page_prot;
    for (const Elf64_Phdr& ph : phdrs) {
        if (ph.p_type == PT_GNU_STACK) image.exec_stack = ph.p_flags & PF_X;
        if (ph.p_type == PT_PHDR) image.phdr = ph.p_vaddr + bias;
        if (ph.p_type != PT_LOAD) continue;
        if (image.phdr == 0 && eh.e_phoff >= ph.p_offset && eh.e_phoff - ph.p_offset < ph.p_filesz)
            image.phdr = ph.p_vaddr + bias + (eh.e_phoff - ph.p_offset);
        if (ph.p_memsz == 0) continue;
        const uint64_t lo = page_down(ph.p_vaddr + bias), hi = page_up(ph.p_vaddr + bias + ph.p_memsz);
        for (uint64_t page = lo; page < hi; page += kPageSize) {
            if (!page_prot.count(page) &&
                space.map_fixed(page, kPageSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) < 0) {
                error = "cannot map segment";
                return false;
            }
            page_prot[page] |= guest_prot(ph.p_flags);
        }
        std::memcpy(space.host(ph.p_vaddr + bias), file.data() + ph.p_offset, ph.p_filesz);
        image.brk_start = std::max(image.brk_start, hi);
    }
    for (auto run = page_prot.begin(); run != page_prot.end();) {
        auto next = std::next(run);
        uint64_t end = run->first + kPageSize;
        while (next != page_prot.end() && next->first == end && next->second == run->second) {
            end += kPageSize;
            ++next;
        }
        space.protect(run->first, end - run->first, run->second);
        run = next;
    }
    return true;
}

}  // namespace ferry::user
