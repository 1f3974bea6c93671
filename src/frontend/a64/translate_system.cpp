// Exception generation, hints, barriers, PSTATE and system instructions, and
// system register moves, as a Linux process at EL0 may use them, and (system
// mode) as EL1-EL3 use them: the machine behind ReadSysReg/WriteSysReg does
// the work and checks the access against the current EL.
#include "core/cpu_state.h"
#include "frontend/a64/translate_common.h"
#include "ir/cpu_features.h"

namespace ferry::a64 {

using ir::Opcode;

namespace {

void exit_with(Translator& t, ExitReason reason, uint32_t info, uint64_t resume_pc) {
    t.exit_with(static_cast<uint32_t>(reason), info, resume_pc);
}

}  // namespace

// SVC, BRK and HLT leave to the run loop, and so do HVC and SMC above EL0 in
// system mode (the run loop knows which ELs exist). DCPS1-3 are UNDEF outside
// Debug state.
bool EXCEPTION(Translator& t, Insn in) {
    if (in["op2"] != 0) return false;
    const uint32_t imm16 = in["imm16"];
    const bool privileged = t.system && t.el > 0;
    enum { SVC = 0b000'01, HVC = 0b000'10, SMC = 0b000'11, BRK = 0b001'00, HLT = 0b010'00 };  // opc:LL
    switch ((in["opc"] << 2) | in["LL"]) {
    case SVC: exit_with(t, ExitReason::Syscall, imm16, t.next_pc()); return true;
    case HVC:
        if (!privileged) return false;
        exit_with(t, ExitReason::HypervisorCall, imm16, t.next_pc());
        return true;
    case SMC:
        if (!privileged) return false;
        exit_with(t, ExitReason::SecureMonitorCall, imm16, t.next_pc());
        return true;
    case BRK: exit_with(t, ExitReason::Breakpoint, imm16, t.pc); return true;
    case HLT: exit_with(t, ExitReason::Halt, imm16, t.pc); return true;
    }
    return false;
}

// Every hint (NOP, YIELD, WFE, WFI, SEV, SEVL and the unallocated ones, which
// the architecture defines as NOPs) does nothing observable for one process.
// In system mode WFI, WFE and SEV/SEVL leave to the run loop, which idles
// until an interrupt (or an event) and keeps the event register.
bool HINT(Translator& t, Insn in) {
    enum : unsigned { WFE = 0b0000'010, WFI = 0b0000'011, SEV = 0b0000'100, SEVL = 0b0000'101 };  // CRm:op2
    if (!t.system) return true;
    switch ((in["CRm"] << 3) | in["op2"]) {
    case WFI: exit_with(t, ExitReason::WaitForInterrupt, 0, t.next_pc()); break;
    case WFE: exit_with(t, ExitReason::WaitForEvent, 0, t.next_pc()); break;
    case SEV:
    case SEVL: exit_with(t, ExitReason::SendEvent, 0, t.next_pc()); break;
    }
    return true;
}

bool BARRIER(Translator& t, Insn in) {
    if (in["Rt"] != 0b11111) return false;
    enum { CLREX = 0b010, DSB = 0b100, DMB = 0b101, ISB = 0b110 };
    auto barrier = [&](ir::BarrierKind kind) {
        t.ir.emit(Opcode::Barrier, Type::Void, {}, {}, {}, static_cast<uint64_t>(kind));
    };
    switch (in["op2"]) {
    case CLREX: t.ir.emit(Opcode::ClearExclusive, Type::Void); return true;
    case DSB: barrier(ir::BarrierKind::DataSync); return true;
    case DMB: barrier(ir::BarrierKind::DataMemory); return true;
    case ISB:
        // Later instructions are fetched anew: end the block here. In system
        // mode go back to the run loop, which drops the code that writes,
        // TLBI and IC made stale before any later instruction runs.
        barrier(ir::BarrierKind::InstructionSync);
        if (t.system) t.end_block_for_new_state(t.next_pc());
        else t.branch_to(t.next_pc());
        return true;
    }
    return false;
}

// ARMv8.0's PSTATE fields here are SPSel, DAIFSet and DAIFClr; Linux runs EL0
// with SCTLR_EL1.UMA = 0, so none of them is writable: UNDEF. In system mode
// the machine writes the field (WriteSysReg of id (0, op1, 4, 0, op2), value
// CRm) and the block ends: an interrupt may be unmasked, the SP switched.
bool MSR_imm(Translator& t, Insn in) {
    if (!t.system) return false;
    const uint32_t field = cpu::sysreg_id(0, in["op1"], 4, 0, in["op2"]);
    t.ir.emit(Opcode::WriteSysReg, Type::Void, t.ir.imm64(in["CRm"]), {}, {}, field, t.pc);
    t.end_block_for_new_state(t.next_pc());
    return true;
}

// SYS at EL0: DC ZVA zeroes a block; the cache maintenance EL0 may issue (DC
// CVAU/CVAC/CVAP/CIVAC, IC IVAU) has no effect here because memory is
// coherent and self-modifying code is caught by write-protecting code pages.
// SYSL and every other operation are UNDEF. In system mode the machine
// performs every operation but DC ZVA (WriteSysReg of id (1, op1, CRn, CRm,
// op2), value Xt) and the block ends: a TLBI or IC may drop this very code.
bool SYS(Translator& t, Insn in) {
    if (in["L"]) return false;
    constexpr auto op = [](unsigned op1, unsigned crn, unsigned crm, unsigned op2) {
        return cpu::sysreg_id(1, op1, crn, crm, op2);
    };
    const uint32_t id = cpu::sysreg_id(1, in["op1"], in["CRn"], in["CRm"], in["op2"]);
    if (id == op(3, 7, 4, 1)) {  // DC ZVA
        t.ir.emit(Opcode::ZeroBlock, Type::Void, t.X(in["Rt"]), {}, {}, t.pc);
        return true;
    }
    if (t.system) {
        t.ir.emit(Opcode::WriteSysReg, Type::Void, t.X(in["Rt"]), {}, {}, id, t.pc);
        t.end_block_for_new_state(t.next_pc());
        return true;
    }
    switch (id) {
    case op(3, 7, 11, 1):  // DC CVAU
    case op(3, 7, 10, 1):  // DC CVAC
    case op(3, 7, 12, 1):  // DC CVAP
    case op(3, 7, 14, 1):  // DC CIVAC
    case op(3, 7, 5, 1):   // IC IVAU
        return true;
    }
    return false;
}

namespace {

void move_from_sysreg(Translator& t, uint32_t id, unsigned rt) {
    namespace reg = cpu::sysreg;
    auto get = [&](Opcode op, Type type) { return t.ir.zext(Type::U64, t.ir.emit(op, type)); };
    Value value;
    switch (id) {
    case reg::NZCV: value = get(Opcode::GetNZCV, Type::U32); break;
    case reg::FPCR: value = get(Opcode::GetFPCR, Type::U32); break;
    case reg::FPSR: value = get(Opcode::GetFPSR, Type::U32); break;
    case reg::TPIDR_EL0: value = get(Opcode::GetTPIDR, Type::U64); break;
    default: {
        // Linux reads SP_EL0 (`current`) at EL1 all the time: a backend can inline it.
        const bool sp_el0_above_el0 = id == reg::SP_EL0 && t.system && t.el >= 1;
        value = t.ir.emit(sp_el0_above_el0 ? Opcode::ReadSpEl0 : Opcode::ReadSysReg, Type::U64, {}, {}, {}, id, t.pc);
        break;
    }
    }
    t.set_X(rt, value);
}

void move_to_sysreg(Translator& t, uint32_t id, unsigned rt) {
    namespace reg = cpu::sysreg;
    const Value value = t.X(rt);
    auto set = [&](Opcode op, Type type) { t.ir.emit(op, Type::Void, t.ir.trunc(type, value)); };
    // RES0 bits of NZCV, FPCR and FPSR stay zero whatever is written; masking here, not only
    // in SetNZCV's store, keeps a later MRS in the same block (forwarded by the passes) exact.
    auto set_masked = [&](Opcode op, uint32_t implemented) {
        t.ir.emit(op, Type::Void, t.ir.and_(t.ir.trunc(Type::U32, value), t.ir.imm32(implemented)));
    };
    switch (id) {
    case reg::NZCV: set_masked(Opcode::SetNZCV, 0xf0000000u); break;
    case reg::FPCR: set_masked(Opcode::SetFPCR, cpu::kFpcrImplemented); break;
    case reg::FPSR: set_masked(Opcode::SetFPSR, cpu::kFpsrImplemented); break;
    case reg::TPIDR_EL0: set(Opcode::SetTPIDR, Type::U64); break;
    default: t.ir.emit(Opcode::WriteSysReg, Type::Void, value, {}, {}, id, t.pc); break;
    }
}

// Registers whose writes never change what later blocks were translated for.
bool is_el0_state(uint32_t id) {
    namespace reg = cpu::sysreg;
    return id == reg::NZCV || id == reg::FPCR || id == reg::FPSR || id == reg::TPIDR_EL0;
}

}  // namespace

// MRS and MSR (register). op0 = 2 + o0. In system mode an MSR to a system
// register ends the block: it may change the EL's view (MMU, SP, masks).
bool MOVE_sysreg(Translator& t, Insn in) {
    const uint32_t id = cpu::sysreg_id(2 + in["o0"], in["op1"], in["CRn"], in["CRm"], in["op2"]);
    if (in["L"]) {
        move_from_sysreg(t, id, in["Rt"]);
    } else {
        move_to_sysreg(t, id, in["Rt"]);
        if (t.system && !is_el0_state(id)) t.end_block_for_new_state(t.next_pc());
    }
    return true;
}

}  // namespace ferry::a64
