#include "user/elf_loader.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
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

// The file, mapped read-only for validation; its descriptor stays open so
// that segments can be mapped from it.
struct MappedFile {
    int fd = -1;
    const uint8_t* data = nullptr;
    size_t size = 0;
    MappedFile() = default;
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;
    ~MappedFile() {
        if (data) munmap(const_cast<uint8_t*>(data), size);
        if (fd >= 0) close(fd);
    }
};

bool open_file(const std::string& path, MappedFile& file, std::string& error) {
    file.fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (file.fd < 0 || fstat(file.fd, &st) != 0) {
        error = std::strerror(errno);
        return false;
    }
    if (S_ISDIR(st.st_mode)) {
        error = std::strerror(EISDIR);
        return false;
    }
    if (!S_ISREG(st.st_mode)) {
        error = "not a regular file";
        return false;
    }
    file.size = static_cast<size_t>(st.st_size);
    if (file.size == 0) return true;  // check_elf reports it
    void* p = mmap(nullptr, file.size, PROT_READ, MAP_PRIVATE, file.fd, 0);
    if (p == MAP_FAILED) {
        error = std::strerror(errno);
        return false;
    }
    file.data = static_cast<const uint8_t*>(p);
    return true;
}

struct Segment {
    uint64_t start, file_end, mem_end;  // guest addresses
    uint64_t offset;                    // in the file
    int prot;
};

// The kernel's way: each segment's file bytes are mapped copy-on-write from
// the file (read in lazily as the guest touches them), the rest of its last
// file page is zeroed and whole pages beyond are anonymous. Needs segments
// that share no page and whose address and offset agree modulo the page.
bool can_map_from_file(std::vector<Segment> segs) {
    std::sort(segs.begin(), segs.end(), [](const Segment& a, const Segment& b) { return a.start < b.start; });
    for (size_t i = 0; i < segs.size(); ++i) {
        if ((segs[i].start - segs[i].offset) % kPageSize != 0) return false;
        if (i > 0 && page_down(segs[i].start) < page_up(segs[i - 1].mem_end)) return false;
    }
    return true;
}

bool map_from_file(AddressSpace& space, const MappedFile& file, const Segment& seg) {
    const uint64_t lo = page_down(seg.start), file_top = page_up(seg.file_end), top = page_up(seg.mem_end);
    if (seg.file_end > seg.start &&
        space.map_fixed(lo, file_top - lo, PROT_READ | PROT_WRITE, MAP_PRIVATE, file.fd, page_down(seg.offset)) < 0)
        return false;
    const uint64_t anon_lo = seg.file_end > seg.start ? file_top : lo;
    if (top > anon_lo &&
        space.map_fixed(anon_lo, top - anon_lo, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) < 0)
        return false;
    if (seg.mem_end > seg.file_end && file_top > seg.file_end)
        std::memset(space.host(seg.file_end), 0, std::min(file_top, seg.mem_end) - seg.file_end);
    return space.protect(lo, top - lo, seg.prot) == 0;
}

// Fallback for unusual layouts: every page anonymous, file bytes copied, a
// page shared by segments gets the union of their permissions.
bool copy_segments(AddressSpace& space, const MappedFile& file, const std::vector<Segment>& segs) {
    std::map<uint64_t, int> page_prot;
    for (const Segment& seg : segs) {
        for (uint64_t page = page_down(seg.start); page < page_up(seg.mem_end); page += kPageSize) {
            if (!page_prot.count(page) &&
                space.map_fixed(page, kPageSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) < 0)
                return false;
            page_prot[page] |= seg.prot;
        }
        std::memcpy(space.host(seg.start), file.data + seg.offset, seg.file_end - seg.start);
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

}  // namespace

bool load_elf(AddressSpace& space, const std::string& path, LoadedImage& image, std::string& error) {
    MappedFile file;
    if (!open_file(path, file, error)) return false;
    error = check_elf(file.data, file.size);
    if (!error.empty()) return false;

    const Elf64_Ehdr& eh = header(file.data);
    const std::vector<Elf64_Phdr> phdrs = program_headers(file.data);
    const uint64_t bias = load_bias_for(eh, phdrs);
    image = {};
    image.load_bias = bias;
    image.entry = eh.e_entry + bias;
    image.phnum = eh.e_phnum;

    std::vector<Segment> segs;
    for (const Elf64_Phdr& ph : phdrs) {
        if (ph.p_type == PT_GNU_STACK) image.exec_stack = ph.p_flags & PF_X;
        if (ph.p_type == PT_PHDR) image.phdr = ph.p_vaddr + bias;
        if (ph.p_type != PT_LOAD) continue;
        if (image.phdr == 0 && eh.e_phoff >= ph.p_offset && eh.e_phoff - ph.p_offset < ph.p_filesz)
            image.phdr = ph.p_vaddr + bias + (eh.e_phoff - ph.p_offset);
        if (ph.p_memsz == 0) continue;
        const uint64_t start = ph.p_vaddr + bias;
        segs.push_back({start, start + ph.p_filesz, start + ph.p_memsz, ph.p_offset, guest_prot(ph.p_flags)});
        image.brk_start = std::max(image.brk_start, page_up(start + ph.p_memsz));
    }
    bool mapped = true;
    if (can_map_from_file(segs)) {
        for (const Segment& seg : segs) mapped = mapped && map_from_file(space, file, seg);
    } else {
        mapped = copy_segments(space, file, segs);
    }
    if (!mapped) error = "cannot map segment";
    return mapped;
}

}  // namespace ferry::user
