// The ELF loader: a good image loads where its headers say; every kind of
// bad file gives one clear reason instead of a crash.
#include <elf.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "user/address_space.h"
#include "user/elf_loader.h"

namespace ferry::user {
namespace {

constexpr uint64_t kVaddr = 0x400000;
constexpr size_t kCodeOffset = 0x1000;

// A minimal static executable: one R+X segment with 8 bytes of code and 24
// bytes of bss, the program headers inside the file's first page.
struct Image {
    std::vector<uint8_t> bytes = std::vector<uint8_t>(kCodeOffset + 8);
    Elf64_Ehdr& eh() { return *reinterpret_cast<Elf64_Ehdr*>(bytes.data()); }
    Elf64_Phdr& ph(unsigned i) { return reinterpret_cast<Elf64_Phdr*>(bytes.data() + sizeof(Elf64_Ehdr))[i]; }

    Image() {
        std::memcpy(eh().e_ident, ELFMAG, SELFMAG);
        eh().e_ident[EI_CLASS] = ELFCLASS64;
        eh().e_ident[EI_DATA] = ELFDATA2LSB;
        eh().e_ident[EI_VERSION] = EV_CURRENT;
        eh().e_type = ET_EXEC;
        eh().e_machine = EM_AARCH64;
        eh().e_version = EV_CURRENT;
        eh().e_entry = kVaddr + kCodeOffset;
        eh().e_phoff = sizeof(Elf64_Ehdr);
        eh().e_ehsize = sizeof(Elf64_Ehdr);
        eh().e_phentsize = sizeof(Elf64_Phdr);
        eh().e_phnum = 1;
        ph(0) = {PT_LOAD, PF_R | PF_X, 0, kVaddr, kVaddr, kCodeOffset + 8, kCodeOffset + 32, 0x10000};
        const uint32_t code[2] = {0xd2800540, 0xd65f03c0};  // mov x0, #42; ret
        std::memcpy(bytes.data() + kCodeOffset, code, sizeof code);
    }
    std::string check() const { return check_elf(bytes.data(), bytes.size()); }
};

std::string write_temp(const std::vector<uint8_t>& bytes) {
    char path[] = "/tmp/ferry-elf-test-XXXXXX";
    const int fd = mkstemp(path);
    EXPECT_GE(fd, 0);
    EXPECT_EQ(write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
    close(fd);
    return path;
}

TEST(ElfLoader, AcceptsAMinimalStaticExecutable) { EXPECT_EQ(Image().check(), ""); }

TEST(ElfLoader, LoadsSegmentsWithProtectionsAndZeroedBss) {
    Image img;
    const std::string path = write_temp(img.bytes);
    AddressSpace space;
    LoadedImage loaded;
    std::string error;
    ASSERT_TRUE(load_elf(space, path, loaded, error)) << error;
    unlink(path.c_str());
    EXPECT_EQ(loaded.entry, kVaddr + kCodeOffset);
    EXPECT_EQ(loaded.phdr, kVaddr + sizeof(Elf64_Ehdr));
    EXPECT_EQ(loaded.phnum, 1u);
    EXPECT_EQ(loaded.load_bias, 0u);
    EXPECT_EQ(loaded.brk_start, kVaddr + 0x2000);
    EXPECT_EQ(space.prot_at(kVaddr), PROT_READ | PROT_EXEC);
    uint32_t word = 0;
    ASSERT_TRUE(space.read_value(loaded.entry, word));
    EXPECT_EQ(word, 0xd2800540u);
    uint64_t bss = 1;
    ASSERT_TRUE(space.read_value(kVaddr + kCodeOffset + 16, bss));
    EXPECT_EQ(bss, 0u);
    EXPECT_FALSE(space.write_value(kVaddr, uint32_t{0})) << "code must not be writable";
}

TEST(ElfLoader, PlacesStaticPieAtTheLoadBase) {
    Image img;
    img.eh().e_type = ET_DYN;
    img.eh().e_entry = kCodeOffset;
    img.ph(0).p_vaddr = img.ph(0).p_paddr = 0;
    const std::string path = write_temp(img.bytes);
    AddressSpace space;
    LoadedImage loaded;
    std::string error;
    ASSERT_TRUE(load_elf(space, path, loaded, error)) << error;
    unlink(path.c_str());
    EXPECT_EQ(loaded.load_bias, kPieLoadBase);
    EXPECT_EQ(loaded.entry, kPieLoadBase + kCodeOffset);
    EXPECT_EQ(loaded.phdr, kPieLoadBase + sizeof(Elf64_Ehdr));
}

TEST(ElfLoader, MissingFileGivesTheSystemError) {
    AddressSpace space;
    LoadedImage loaded;
    std::string error;
    EXPECT_FALSE(load_elf(space, "/nonexistent/ferry/program", loaded, error));
    EXPECT_EQ(error, "No such file or directory");
}

TEST(ElfLoader, RejectsNonElf) {
    const std::vector<uint8_t> text = {'#', '!', '/', 'b', 'i', 'n', '/', 's', 'h'};
    EXPECT_EQ(check_elf(text.data(), text.size()), "not an ELF file");
    EXPECT_EQ(check_elf(text.data(), 0), "not an ELF file");
}

TEST(ElfLoader, RejectsTruncatedHeaders) {
    Image img;
    EXPECT_EQ(check_elf(img.bytes.data(), 10), "truncated ELF header");
    EXPECT_EQ(check_elf(img.bytes.data(), 40), "truncated ELF header");
    EXPECT_EQ(check_elf(img.bytes.data(), sizeof(Elf64_Ehdr) + 8), "truncated program headers");
    img.eh().e_phoff = ~uint64_t{0} - 8;  // offset + size would wrap
    EXPECT_EQ(img.check(), "truncated program headers");
}

TEST(ElfLoader, Rejects32BitBigEndianAndOtherMachines) {
    Image a, b, c;
    a.eh().e_ident[EI_CLASS] = ELFCLASS32;
    EXPECT_NE(a.check().find("32-bit"), std::string::npos);
    b.eh().e_ident[EI_DATA] = ELFDATA2MSB;
    EXPECT_NE(b.check().find("big-endian"), std::string::npos);
    c.eh().e_machine = EM_X86_64;
    EXPECT_EQ(c.check(), "not an AArch64 executable (e_machine 62)");
}

TEST(ElfLoader, RejectsDynamicExecutables) {
    Image img;
    img.eh().e_phnum = 2;
    img.ph(1) = {PT_INTERP, PF_R, 0x200, 0, 0, 10, 10, 1};
    EXPECT_NE(img.check().find("dynamic executables need -L"), std::string::npos);
}

TEST(ElfLoader, RejectsSegmentsOutsideFileOrSpace) {
    Image past_eof, wrap, high, bss_smaller;
    past_eof.ph(0).p_filesz = past_eof.bytes.size() + 1;
    EXPECT_NE(past_eof.check().find("extends past the end of the file"), std::string::npos);
    wrap.ph(0).p_offset = ~uint64_t{0};
    EXPECT_NE(wrap.check().find("extends past the end of the file"), std::string::npos);
    high.ph(0).p_vaddr = AddressSpace::kSpaceSize - 0x1000;
    EXPECT_NE(high.check().find("outside the 40-bit guest address space"), std::string::npos);
    bss_smaller.ph(0).p_memsz = 4;
    EXPECT_NE(bss_smaller.check().find("file size exceeds memory size"), std::string::npos);
}

TEST(ElfLoader, RejectsEntryOutsideCode) {
    Image img;
    img.eh().e_entry = 0x12345678;
    EXPECT_EQ(img.check(), "entry point 0x12345678 is not in an executable segment");
    Image no_exec;
    no_exec.ph(0).p_flags = PF_R;
    EXPECT_NE(no_exec.check().find("not in an executable segment"), std::string::npos);
}

TEST(ElfLoader, RecognisesAArch64HeadersForExecve) {
    Image img;
    EXPECT_TRUE(looks_like_aarch64_elf(img.bytes.data(), 64));
    img.eh().e_machine = EM_X86_64;
    EXPECT_FALSE(looks_like_aarch64_elf(img.bytes.data(), 64));
    EXPECT_FALSE(looks_like_aarch64_elf(img.bytes.data(), 8));
}

}  // namespace
}  // namespace ferry::user
