#include "system/virt/loader.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "system/virt/fdt.h"

namespace ferry::system {

namespace {

constexpr uint64_t kMiB = 1ull << 20;
constexpr uint64_t kImageMagic = 0x644D5241;     // "ARM\x64" at offset 56 of an arm64 Image
constexpr uint64_t kLegacyTextOffset = 0x80000;  // image_size 0: a kernel older than 3.17
constexpr uint64_t kDtbAlignment = 2 * kMiB;     // arm64 Linux maps the tree by 2 MiB block

struct Span { uint64_t low = ~0ull, high = 0; };

uint64_t align_up(uint64_t value, uint64_t alignment) { return (value + alignment - 1) & ~(alignment - 1); }

uint64_t le64(const std::vector<uint8_t>& bytes, size_t offset) {
    uint64_t v;
    std::memcpy(&v, bytes.data() + offset, 8);
    return v;
}

std::string hex(uint64_t v) {
    char text[32];
    std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(v));
    return text;
}

bool place(VirtBoard& board, uint64_t paddr, const uint8_t* data, uint64_t bytes, uint64_t zeroed, const char* what,
           std::string& error) {
    uint8_t* host = board.ram_range(paddr, bytes + zeroed);
    if (!host) {
        error = std::string(what) + " at " + hex(paddr) + " (" + std::to_string(bytes + zeroed) +
                " bytes) does not fit in RAM " + hex(VirtBoard::kRamBase) + "-" +
                hex(VirtBoard::kRamBase + board.ram_size() - 1) + " (-m too small?)";
        return false;
    }
    if (bytes) std::memcpy(host, data, bytes);
    std::memset(host + bytes, 0, zeroed);
    return true;
}

bool is_elf(const std::vector<uint8_t>& f) { return f.size() >= SELFMAG && std::memcmp(f.data(), ELFMAG, SELFMAG) == 0; }
bool is_gzip(const std::vector<uint8_t>& f) { return f.size() >= 2 && f[0] == 0x1F && f[1] == 0x8B; }
bool is_image(const std::vector<uint8_t>& f) { return f.size() >= 64 && (le64(f, 56) & 0xFFFFFFFF) == kImageMagic; }

bool gunzip(const std::vector<uint8_t>& in, std::vector<uint8_t>& out, std::string& error) {
    z_stream z{};
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
        error = "cannot start zlib";
        return false;
    }
    z.next_in = const_cast<Bytef*>(in.data());
    z.avail_in = static_cast<uInt>(in.size());
    out.resize(std::max<size_t>(in.size() * 4, 1 << 20));
    int rc;
    do {
        if (z.total_out == out.size()) out.resize(out.size() * 2);
        z.next_out = out.data() + z.total_out;
        z.avail_out = static_cast<uInt>(out.size() - z.total_out);
        rc = inflate(&z, Z_NO_FLUSH);
    } while (rc == Z_OK);
    out.resize(z.total_out);
    inflateEnd(&z);
    if (rc != Z_STREAM_END) {
        error = "corrupt gzip data in the kernel";
        return false;
    }
    return true;
}

// ELF: every PT_LOAD segment at its physical address, the entry point from
// the header; no registers are set up (not a Linux boot).
bool load_elf(VirtBoard& board, const std::vector<uint8_t>& f, BootEntry& entry, Span& span, std::string& error) {
    Elf64_Ehdr eh;
    if (f.size() < sizeof eh || f[EI_CLASS] != ELFCLASS64 || f[EI_DATA] != ELFDATA2LSB) {
        error = "kernel is not a 64-bit little-endian ELF file";
        return false;
    }
    std::memcpy(&eh, f.data(), sizeof eh);
    if (eh.e_machine != EM_AARCH64) {
        error = "kernel is an ELF file for another machine (e_machine " + std::to_string(eh.e_machine) + ")";
        return false;
    }
    if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phoff > f.size() ||
        eh.e_phnum > (f.size() - eh.e_phoff) / sizeof(Elf64_Phdr)) {
        error = "kernel ELF program headers are truncated";
        return false;
    }
    for (unsigned i = 0; i < eh.e_phnum; ++i) {
        Elf64_Phdr ph;
        std::memcpy(&ph, f.data() + eh.e_phoff + i * sizeof ph, sizeof ph);
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0) continue;
        if (ph.p_filesz > ph.p_memsz || ph.p_offset > f.size() || ph.p_filesz > f.size() - ph.p_offset) {
            error = "kernel ELF segment " + std::to_string(i) + " lies outside the file";
            return false;
        }
        if (!place(board, ph.p_paddr, f.data() + ph.p_offset, ph.p_filesz, ph.p_memsz - ph.p_filesz, "kernel segment", error))
            return false;
        span.low = std::min(span.low, ph.p_paddr);
        span.high = std::max(span.high, ph.p_paddr + ph.p_memsz);
    }
    if (span.high == 0) {
        error = "kernel ELF file has nothing to load";
        return false;
    }
    entry.pc = eh.e_entry;
    return true;
}

// arm64 Image (Documentation/arch/arm64/booting.rst): loaded text_offset
// bytes above a 2 MiB aligned base (the start of RAM), image_size bytes long.
bool load_image(VirtBoard& board, const std::vector<uint8_t>& f, BootEntry& entry, Span& span, std::string& error) {
    const uint64_t image_size = le64(f, 16);
    const uint64_t text_offset = image_size ? le64(f, 8) : kLegacyTextOffset;
    const uint64_t load = VirtBoard::kRamBase + text_offset;
    const uint64_t size = std::max<uint64_t>(image_size, f.size());
    if (!place(board, load, f.data(), f.size(), size - f.size(), "kernel Image", error)) return false;
    span = {load, load + size};
    entry.pc = load;
    entry.is_linux = true;
    return true;
}

bool load_kernel(VirtBoard& board, const std::string& path, BootEntry& entry, Span& span, std::string& error) {
    std::vector<uint8_t> file;
    if (!read_file(path, "kernel", file, error)) return false;
    if (is_elf(file)) return load_elf(board, file, entry, span, error);
    if (is_gzip(file)) {
        std::vector<uint8_t> unpacked;
        if (!gunzip(file, unpacked, error)) return false;
        file = std::move(unpacked);
    }
    if (is_image(file)) return load_image(board, file, entry, span, error);
    error = "kernel '" + path + "' is neither an ELF file nor an arm64 Linux Image";
    return false;
}

}  // namespace

bool read_file(const std::string& path, const char* what, std::vector<uint8_t>& out, std::string& error) {
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        error = std::string("cannot open ") + what + " '" + path + "': " + std::strerror(errno);
        return false;
    }
    // Straight into the vector, sized up front from the file's size: a
    // 32 MiB kernel copied byte by byte took a few percent of a Linux boot.
    struct stat st {};
    out.clear();
    out.resize(fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? static_cast<size_t>(st.st_size) + 1 : 0);
    size_t used = 0;
    for (;;) {
        if (used == out.size()) out.resize(used + (size_t{1} << 20));
        const ssize_t n = read(fd, out.data() + used, out.size() - used);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            error = std::string("cannot read ") + what + " '" + path + "': " + std::strerror(errno);
            close(fd);
            return false;
        }
        if (n == 0) break;
        used += static_cast<size_t>(n);
    }
    close(fd);
    out.resize(used);
    return true;
}

bool load_boot_files(VirtBoard& board, const BootFiles& files, const DeviceTreeMaker& make_dtb, BootEntry& entry,
                     std::string& error) {
    Span kernel;
    if (!load_kernel(board, files.kernel, entry, kernel, error)) return false;

    // The initrd goes half-way up RAM (at most 128 MiB in), above the kernel.
    ChosenInfo chosen{files.append, 0, 0};
    uint64_t initrd_start = VirtBoard::kRamBase + std::min(board.ram_size() / 2, 128 * kMiB);
    initrd_start = align_up(std::max(initrd_start, kernel.high), VirtBoard::kPageSize);
    uint64_t initrd_end = initrd_start;
    if (!files.initrd.empty()) {
        std::vector<uint8_t> initrd;
        if (!read_file(files.initrd, "initrd", initrd, error) ||
            !place(board, initrd_start, initrd.data(), initrd.size(), 0, "initrd", error))
            return false;
        initrd_end = initrd_start + initrd.size();
        chosen.initrd_start = initrd_start;
        chosen.initrd_end = initrd_end;
    }

    std::vector<uint8_t> dtb;
    if (files.dtb.empty())
        dtb = make_dtb(entry.is_linux);
    else if (!read_file(files.dtb, "device tree", dtb, error))
        return false;
    if (!set_chosen(dtb, chosen, error)) {
        if (!files.dtb.empty()) error = "-dtb '" + files.dtb + "': " + error;
        return false;
    }

    // Linux: the tree after the initrd, 2 MiB aligned, its address in x0.
    // Other images: at the start of RAM if it fits below the image (or the
    // image lies elsewhere), else nowhere, as QEMU does.
    uint64_t dtb_address = 0;
    if (entry.is_linux) {
        dtb_address = align_up(initrd_end, kDtbAlignment);
    } else if (kernel.low > VirtBoard::kRamBase || kernel.high <= VirtBoard::kRamBase) {
        const uint64_t room = kernel.low > VirtBoard::kRamBase ? kernel.low - VirtBoard::kRamBase : board.ram_size();
        if (dtb.size() <= room) dtb_address = VirtBoard::kRamBase;
    }
    if (dtb_address) {
        if (!place(board, dtb_address, dtb.data(), dtb.size(), 0, "device tree", error)) return false;
        entry.dtb_address = dtb_address;
        if (entry.is_linux) entry.x0 = dtb_address;
    }
    return true;
}

}  // namespace ferry::system
