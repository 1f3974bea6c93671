// The gdb stub's pure parts: packet framing, hex, the AArch64 register
// file and target.xml.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/system_hooks.h"
#include "debug/aarch64_registers.h"
#include "debug/rsp.h"
#include "debug/target_description.h"

namespace ferry::debug {
namespace {

using rsp::Event;

TEST(GdbRsp, ChecksumIsTheByteSumModulo256) {
    EXPECT_EQ(rsp::checksum(""), 0);
    EXPECT_EQ(rsp::checksum("OK"), 0x9a);
    EXPECT_EQ(rsp::checksum(std::string(3, '\xff')), 0xfd);
}

TEST(GdbRsp, FrameAddsChecksumAndEscapes) {
    EXPECT_EQ(rsp::frame("OK"), "$OK#9a");
    EXPECT_EQ(rsp::frame(""), "$#00");
    // '*' would read as run-length encoding and '#' as the end: both are escaped.
    EXPECT_EQ(rsp::frame("a*#"), "$a}\x0a}\x03#" + std::string("68"));
}

TEST(GdbRsp, EscapesReservedBytesOfBinaryData) {
    const std::string data = "\x23\x24\x7d\x2a\x01";
    EXPECT_EQ(rsp::escape(data), "}\x03}\x04}\x5d}\x0a\x01");
    std::string back;
    ASSERT_TRUE(rsp::unescape(rsp::escape(data), back));
    EXPECT_EQ(back, data);
    EXPECT_FALSE(rsp::unescape("ab}", back));
}

TEST(GdbRsp, HexRoundTripAndRejectsBadDigits) {
    const std::vector<uint8_t> bytes = {0x00, 0x7f, 0xa5, 0xff};
    EXPECT_EQ(rsp::to_hex(bytes), "007fa5ff");
    std::vector<uint8_t> back;
    ASSERT_TRUE(rsp::from_hex("007FA5ff", back));
    EXPECT_EQ(back, bytes);
    EXPECT_FALSE(rsp::from_hex("abc", back));
    EXPECT_FALSE(rsp::from_hex("zz", back));
    EXPECT_EQ(rsp::to_hex(std::string_view("OK")), "4f4b");
}

TEST(GdbRsp, ParseHexNumber) {
    uint64_t value = 0;
    ASSERT_TRUE(rsp::parse_hex("ffffffffffff0010", value));
    EXPECT_EQ(value, 0xffffffffffff0010ull);
    EXPECT_FALSE(rsp::parse_hex("", value));
    EXPECT_FALSE(rsp::parse_hex("1ffffffffffffffff", value));
    EXPECT_FALSE(rsp::parse_hex("12g", value));
}

TEST(GdbRsp, RunLengthDecoding) {
    std::string out;
    ASSERT_TRUE(rsp::run_length_decode("0* 1", out));  // ' ' = 32: three more
    EXPECT_EQ(out, "00001");
    EXPECT_FALSE(rsp::run_length_decode("*!", out));
    EXPECT_FALSE(rsp::run_length_decode("0*", out));
}

TEST(GdbRsp, ReaderSplitsStreamIntoEvents) {
    rsp::PacketReader reader;
    std::vector<Event> events = reader.feed("+$qSupp");
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].kind, Event::Kind::Ack);
    const std::string sum = rsp::frame("qSupported").substr(12);
    EXPECT_TRUE(reader.feed("orted#" + sum.substr(0, 1)).empty());
    events = reader.feed(sum.substr(1) + "-\x03$?#00$?#3f");
    ASSERT_EQ(events.size(), 5u);
    EXPECT_EQ(events[0].kind, Event::Kind::Packet);
    EXPECT_EQ(events[0].payload, "qSupported");
    EXPECT_EQ(events[1].kind, Event::Kind::Nack);
    EXPECT_EQ(events[2].kind, Event::Kind::Interrupt);
    EXPECT_EQ(events[3].kind, Event::Kind::BadChecksum);
    EXPECT_EQ(events[4].kind, Event::Kind::Packet);
    EXPECT_EQ(events[4].payload, "?");
}

TEST(GdbRsp, ReaderAcceptsAPacketInPieces) {
    rsp::PacketReader reader;
    const std::string packet = rsp::frame("m1000,4");
    std::vector<Event> all;
    for (char c : packet)
        for (Event& e : reader.feed(std::string(1, c))) all.push_back(e);
    ASSERT_EQ(all.size(), 1u);
    EXPECT_EQ(all[0].kind, Event::Kind::Packet);
    EXPECT_EQ(all[0].payload, "m1000,4");
}

TEST(GdbRsp, ReaderKeepsEscapesAndExpandsRunLength) {
    rsp::PacketReader reader;
    const std::string wire = "X10,2:}\x03" "a* ";
    const std::string packet = "$" + wire + "#" + rsp::to_hex(std::string(1, static_cast<char>(rsp::checksum(wire))));
    const std::vector<Event> events = reader.feed(packet);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].payload, "X10,2:}\x03" "aaaa");
}

TEST(GdbAarch64Registers, ListFollowsGdbNumbering) {
    const std::vector<RegisterInfo> regs = aarch64_registers();
    ASSERT_EQ(regs.size(), 68u);
    EXPECT_EQ(regs[0].name, "x0");
    EXPECT_EQ(regs[30].name, "x30");
    EXPECT_EQ(regs[31].name, "sp");
    EXPECT_EQ(regs[31].type, "data_ptr");
    EXPECT_EQ(regs[32].name, "pc");
    EXPECT_EQ(regs[32].type, "code_ptr");
    EXPECT_EQ(regs[33].name, "cpsr");
    EXPECT_EQ(regs[33].bits, 32u);
    EXPECT_EQ(regs[33].feature, "org.gnu.gdb.aarch64.core");
    EXPECT_EQ(regs[34].name, "v0");
    EXPECT_EQ(regs[65].name, "v31");
    EXPECT_EQ(regs[65].bits, 128u);
    EXPECT_EQ(regs[66].name, "fpsr");
    EXPECT_EQ(regs[67].name, "fpcr");
    EXPECT_EQ(regs[67].feature, "org.gnu.gdb.aarch64.fpu");
}

TEST(GdbAarch64Registers, ReadsFromCpuState) {
    CpuState s;
    s.x[5] = 0x1122334455667788ull;
    s.sp = 0x7ff0;
    s.pc = 0x400000;
    s.v[31] = {0x0102030405060708ull, 0x1112131415161718ull};
    s.fpcr = 0x03000000;
    std::vector<uint8_t> out;
    ASSERT_TRUE(read_aarch64_register(s, 5, out));
    EXPECT_EQ(out, (std::vector<uint8_t>{0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11}));
    ASSERT_TRUE(read_aarch64_register(s, 31, out));
    EXPECT_EQ(out[0], 0xf0);
    EXPECT_EQ(out[1], 0x7f);
    ASSERT_TRUE(read_aarch64_register(s, 32, out));
    EXPECT_EQ(out[2], 0x40);
    ASSERT_TRUE(read_aarch64_register(s, 65, out));
    ASSERT_EQ(out.size(), 16u);
    EXPECT_EQ(out[0], 0x08);
    EXPECT_EQ(out[15], 0x11);
    ASSERT_TRUE(read_aarch64_register(s, 67, out));
    EXPECT_EQ(out, (std::vector<uint8_t>{0, 0, 0, 3}));
    EXPECT_FALSE(read_aarch64_register(s, 68, out));
}

TEST(GdbAarch64Registers, CpsrCombinesNzcvAndPstate) {
    CpuState s;
    s.nzcv = 0x60000000;
    s.pstate = (1u << pstate::ElShift) | pstate::SPSel | pstate::DAIF;
    std::vector<uint8_t> out;
    ASSERT_TRUE(read_aarch64_register(s, 33, out));
    EXPECT_EQ(out, (std::vector<uint8_t>{0xc5, 0x03, 0x00, 0x60}));
}

TEST(GdbAarch64Registers, CpsrWriteChangesFlagsAndDaifButNotEl) {
    CpuState s;
    s.pstate = (1u << pstate::ElShift) | pstate::SPSel | pstate::I;
    // N set, EL field 3, SPSel 0, D and F set, I clear.
    const uint32_t written = 0x80000000u | (3u << pstate::ElShift) | pstate::D | pstate::F;
    ASSERT_TRUE(write_aarch64_register(
        s, 33, {uint8_t(written), uint8_t(written >> 8), uint8_t(written >> 16), uint8_t(written >> 24)}));
    EXPECT_EQ(s.nzcv, 0x80000000u);
    EXPECT_EQ(s.pstate, (1u << pstate::ElShift) | pstate::SPSel | pstate::D | pstate::F);
}

TEST(GdbAarch64Registers, WritesCheckSize) {
    CpuState s;
    ASSERT_TRUE(write_aarch64_register(s, 34, std::vector<uint8_t>(16, 0xab)));
    EXPECT_EQ(s.v[0].hi, 0xababababababababull);
    ASSERT_TRUE(write_aarch64_register(s, 0, {1, 0, 0, 0, 0, 0, 0, 0x80}));
    EXPECT_EQ(s.x[0], 0x8000000000000001ull);
    EXPECT_FALSE(write_aarch64_register(s, 0, {1, 2, 3}));
    EXPECT_FALSE(write_aarch64_register(s, 68, std::vector<uint8_t>(8)));
}

size_t count_of(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

TEST(GdbTargetDescription, FeaturesInOrderWithTheirTypes) {
    std::vector<RegisterInfo> regs = aarch64_registers();
    regs.push_back({"sctlr_el1", 64, "uint64", "org.ferry.aarch64.system", "system"});
    const std::string xml = target_description_xml(regs);
    EXPECT_NE(xml.find("<architecture>aarch64</architecture>"), std::string::npos);
    const size_t core = xml.find("<feature name=\"org.gnu.gdb.aarch64.core\">");
    const size_t fpu = xml.find("<feature name=\"org.gnu.gdb.aarch64.fpu\">");
    const size_t system = xml.find("<feature name=\"org.ferry.aarch64.system\">");
    ASSERT_NE(core, std::string::npos);
    ASSERT_LT(core, fpu);
    ASSERT_LT(fpu, system);
    // Each type is defined once, inside the feature whose registers use it.
    EXPECT_EQ(count_of(xml, "<flags id=\"cpsr_flags\""), 1u);
    EXPECT_LT(xml.find("<flags id=\"cpsr_flags\""), fpu);
    EXPECT_NE(xml.find("<field name=\"EL\" start=\"2\" end=\"3\"/>"), std::string::npos);
    EXPECT_GT(xml.find("<union id=\"aarch64v\">"), fpu);
    EXPECT_GT(xml.find("<flags id=\"fpcr_flags\""), fpu);
    EXPECT_NE(xml.find("<reg name=\"cpsr\" bitsize=\"32\" type=\"cpsr_flags\" regnum=\"33\"/>"), std::string::npos);
    EXPECT_NE(xml.find("<reg name=\"v31\" bitsize=\"128\" type=\"aarch64v\" regnum=\"65\"/>"), std::string::npos);
    EXPECT_NE(xml.find("<reg name=\"sctlr_el1\" bitsize=\"64\" type=\"uint64\" regnum=\"68\" group=\"system\"/>"),
              std::string::npos);
    EXPECT_EQ(count_of(xml, "<reg "), 69u);
    EXPECT_EQ(xml.substr(xml.size() - 10), "</target>\n");
}

}  // namespace
}  // namespace ferry::debug
