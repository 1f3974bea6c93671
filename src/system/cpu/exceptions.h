// Exception entry and return in AArch64 (Arm ARM D1.10, D1.11): routing to
// the target EL, the vector offset, SPSR/ELR/ESR/FAR and the new PSTATE, and
// ERET with its illegal-return checks.
#pragma once
#include <cstdint>

#include "system/cpu/cpu_context.h"

namespace ferry::system {

enum class ExceptionType : uint16_t { Synchronous = 0x000, Irq = 0x080, Fiq = 0x100, SError = 0x180 };

// Where a synchronous exception from the current EL goes: EL1 from EL0 (EL2
// with HCR_EL2.TGE), else the current EL.
unsigned synchronous_target_el(const CpuContext& c);

// Takes an exception to target_el with the given preferred return address.
// syndrome is null for IRQ and FIQ (ESR is not written).
void take_exception(CpuContext& c, unsigned target_el, ExceptionType type, const Syndrome* syndrome,
                    uint64_t preferred_return);

// ERET at the current EL (> 0).
void exception_return(CpuContext& c);

// An IRQ, FIQ or SError that the current PSTATE and routing let in; taken
// with the pc as the preferred return. Returns whether one was taken.
bool take_pending_interrupt(CpuContext& c);

// Would an asserted line wake a WFI (any asserted line does, masked or not)?
bool interrupt_pending(const CpuContext& c);

}  // namespace ferry::system
