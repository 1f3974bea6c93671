#include "debug/target_description.h"

#include <algorithm>

namespace ferry::debug {

namespace {

// The layouts follow GDB's own aarch64-core.xml and aarch64-fpu.xml, so
// `info registers cpsr` shows EL and DAIF and `p $v0` shows every lane view.
constexpr char kCpsrFlags[] = R"(<flags id="cpsr_flags" size="4">
<field name="SP" start="0" end="0"/>
<field name="EL" start="2" end="3"/>
<field name="nRW" start="4" end="4"/>
<field name="F" start="6" end="6"/>
<field name="I" start="7" end="7"/>
<field name="A" start="8" end="8"/>
<field name="D" start="9" end="9"/>
<field name="IL" start="20" end="20"/>
<field name="SS" start="21" end="21"/>
<field name="V" start="28" end="28"/>
<field name="C" start="29" end="29"/>
<field name="Z" start="30" end="30"/>
<field name="N" start="31" end="31"/>
</flags>
)";

constexpr char kFpsrFlags[] = R"(<flags id="fpsr_flags" size="4">
<field name="IOC" start="0" end="0"/>
<field name="DZC" start="1" end="1"/>
<field name="OFC" start="2" end="2"/>
<field name="UFC" start="3" end="3"/>
<field name="IXC" start="4" end="4"/>
<field name="IDC" start="7" end="7"/>
<field name="QC" start="27" end="27"/>
<field name="V" start="28" end="28"/>
<field name="C" start="29" end="29"/>
<field name="Z" start="30" end="30"/>
<field name="N" start="31" end="31"/>
</flags>
)";

constexpr char kFpcrFlags[] = R"(<flags id="fpcr_flags" size="4">
<field name="IOE" start="8" end="8"/>
<field name="DZE" start="9" end="9"/>
<field name="OFE" start="10" end="10"/>
<field name="UFE" start="11" end="11"/>
<field name="IXE" start="12" end="12"/>
<field name="IDE" start="15" end="15"/>
<field name="Len" start="16" end="18"/>
<field name="FZ16" start="19" end="19"/>
<field name="Stride" start="20" end="21"/>
<field name="RMode" start="22" end="23"/>
<field name="FZ" start="24" end="24"/>
<field name="DN" start="25" end="25"/>
<field name="AHP" start="26" end="26"/>
</flags>
)";

constexpr char kAarch64V[] = R"(<vector id="v2d" type="ieee_double" count="2"/>
<vector id="v2u" type="uint64" count="2"/>
<vector id="v2i" type="int64" count="2"/>
<vector id="v4f" type="ieee_single" count="4"/>
<vector id="v4u" type="uint32" count="4"/>
<vector id="v4i" type="int32" count="4"/>
<vector id="v8f" type="ieee_half" count="8"/>
<vector id="v8u" type="uint16" count="8"/>
<vector id="v8i" type="int16" count="8"/>
<vector id="v16u" type="uint8" count="16"/>
<vector id="v16i" type="int8" count="16"/>
<vector id="v1u" type="uint128" count="1"/>
<vector id="v1i" type="int128" count="1"/>
<union id="vnd">
<field name="f" type="v2d"/>
<field name="u" type="v2u"/>
<field name="s" type="v2i"/>
</union>
<union id="vns">
<field name="f" type="v4f"/>
<field name="u" type="v4u"/>
<field name="s" type="v4i"/>
</union>
<union id="vnh">
<field name="f" type="v8f"/>
<field name="u" type="v8u"/>
<field name="s" type="v8i"/>
</union>
<union id="vnb">
<field name="u" type="v16u"/>
<field name="s" type="v16i"/>
</union>
<union id="vnq">
<field name="u" type="v1u"/>
<field name="s" type="v1i"/>
</union>
<union id="aarch64v">
<field name="d" type="vnd"/>
<field name="s" type="vns"/>
<field name="h" type="vnh"/>
<field name="b" type="vnb"/>
<field name="q" type="vnq"/>
</union>
)";

struct TypeDefinition {
    const char* id;
    const char* xml;
};
constexpr TypeDefinition kDefinedTypes[] = {
    {"cpsr_flags", kCpsrFlags},
    {"fpsr_flags", kFpsrFlags},
    {"fpcr_flags", kFpcrFlags},
    {"aarch64v", kAarch64V},
};

std::vector<std::string> features_in_order(const std::vector<RegisterInfo>& registers) {
    std::vector<std::string> features;
    for (const RegisterInfo& r : registers)
        if (std::find(features.begin(), features.end(), r.feature) == features.end()) features.push_back(r.feature);
    return features;
}

bool feature_uses_type(const std::vector<RegisterInfo>& registers, const std::string& feature, const char* type) {
    return std::any_of(registers.begin(), registers.end(),
                       [&](const RegisterInfo& r) { return r.feature == feature && r.type == type; });
}

std::string register_element(const RegisterInfo& r, size_t regnum) {
    std::string xml = "<reg name=\"" + r.name + "\" bitsize=\"" + std::to_string(r.bits) + "\" type=\"" + r.type +
                      "\" regnum=\"" + std::to_string(regnum) + "\"";
    if (!r.group.empty()) xml += " group=\"" + r.group + "\"";
    return xml + "/>\n";
}

}  // namespace

std::string target_description_xml(const std::vector<RegisterInfo>& registers) {
    std::string xml =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
        "<target version=\"1.0\">\n<architecture>aarch64</architecture>\n";
    for (const std::string& feature : features_in_order(registers)) {
        xml += "<feature name=\"" + feature + "\">\n";
        for (const TypeDefinition& type : kDefinedTypes)
            if (feature_uses_type(registers, feature, type.id)) xml += type.xml;
        for (size_t regnum = 0; regnum < registers.size(); ++regnum)
            if (registers[regnum].feature == feature) xml += register_element(registers[regnum], regnum);
        xml += "</feature>\n";
    }
    return xml + "</target>\n";
}

}  // namespace ferry::debug
