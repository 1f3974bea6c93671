// User-mode program for the -d checks: a known first instruction, a register
// with a known value (x19), a counted loop (exec, nochain), a system call
// number Linux does not have (unimp) and a write (strace).
    .global _start
    .text
_start:
    mov     x19, #0x1234
    mov     x20, #50
1:  subs    x20, x20, #1
    b.ne    1b
    mov     x8, #999            // no such system call: -ENOSYS
    svc     #0
    mov     x0, #1
    adr     x1, message
    mov     x2, #(message_end - message)
    mov     x8, #64             // write
    svc     #0
    mov     x0, #0
    mov     x8, #93             // exit
    svc     #0
message:
    .ascii  "loop done\n"
message_end:
