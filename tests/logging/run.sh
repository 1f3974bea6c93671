#!/bin/bash
# The -d logging items of ferry-user and ferry-system: each item on a small
# program, asserting what its log lines say (not just that there are some),
# plus -D FILE, -d help and unknown items.
#   tests/logging/run.sh BUILD_DIR
set -u
BUILD=$(realpath "${1:-build}")
HERE=$(cd "$(dirname "$0")" && pwd)
SYSTEM_TESTS=$HERE/../system
OUT=$BUILD/tests-logging
USER_FERRY=$BUILD/ferry-user
SYSTEM_FERRY=$BUILD/ferry-system
CC=aarch64-linux-gnu-gcc
OBJDUMP=aarch64-linux-gnu-objdump
NM=aarch64-linux-gnu-nm
MACHINE=(-M virt -cpu cortex-a53 -nographic -nic none -semihosting)
ALL_ITEMS=(in_asm out_asm op exec cpu int unimp guest_errors nochain strace mmu)
mkdir -p "$OUT"
failures=0

pass() { echo "PASS logging: $1"; }
fail() { echo "FAIL logging: $1${2:+: $2}"; failures=$((failures + 1)); }

# build_system PROGRAM DIR: a bare-metal program as tests/system/run.sh builds them.
build_system() {
    "$CC" -ffreestanding -nostdlib -nostartfiles -static -O2 -mgeneral-regs-only -mstrict-align -Wall -Werror \
        -Wl,--build-id=none -Wl,--no-warn-rwx-segments -I"$SYSTEM_TESTS" -T "$SYSTEM_TESTS/link.ld" \
        "$SYSTEM_TESTS/start.S" "$SYSTEM_TESTS/vectors.S" "$SYSTEM_TESTS/lib.c" "$2/$1.c" -o "$OUT/$1.elf"
}

# run NAME PROGRAM ARGS...: stdout in NAME.out, stderr (the log) in NAME.log, status in $status.
run() {
    local name=$1
    shift
    timeout 10 "$@" </dev/null >"$OUT/$name.out" 2>"$OUT/$name.log"
    status=$?
}
run_user() { local name=$1; shift; run "$name" "$USER_FERRY" "$@"; }
run_system() { local name=$1 kernel=$2; shift 2; run "$name" "$SYSTEM_FERRY" "${MACHINE[@]}" -kernel "$OUT/$kernel.elf" "$@"; }

# expect CHECK FILE EXPECTED_STATUS PATTERN...: the run exited as expected
# and FILE has a line matching each (extended) regular expression.
expect() {
    local check=$1 file=$2 expected=$3 pattern
    shift 3
    if [ "$status" != "$expected" ]; then
        fail "$check" "exit status $status, expected $expected ($(head -c 300 "$OUT/${file%.*}.log"))"
        return
    fi
    for pattern in "$@"; do
        if ! grep -Eq -- "$pattern" "$OUT/$file"; then
            fail "$check" "no line matching '$pattern' in $file"
            return
        fi
    done
    pass "$check"
}

# count_trace NAME: the number of "Trace:" lines in NAME.log.
count_trace() { grep -c '^Trace: ' "$OUT/$1.log"; }

# first_section FILE HEADING: the lines after the first HEADING line, up to a blank line.
first_section() { awk -v h="$2" '$0 == h { on = 1; next } on && /^$/ { exit } on' "$OUT/$1"; }

# symbol_address SYMBOL ELF: a symbol's address in hex, without 0x and leading zeros.
symbol_address() { "$NM" "$2" | awk -v s="$1" '$3 == s { sub(/^0+/, "", $1); print $1 }'; }

[ -x "$USER_FERRY" ] && [ -x "$SYSTEM_FERRY" ] || { echo "FAIL logging: ferry-user or ferry-system not built"; exit 1; }
command -v "$CC" >/dev/null || { echo "SKIP logging: no $CC"; exit 0; }

"$CC" -nostdlib -static -Wl,--build-id=none "$HERE/loop.S" -o "$OUT/loop" || fail "building loop.S"
"$CC" -static -O1 -Wall -Werror "$HERE/segv.c" -o "$OUT/segv" || fail "building segv.c"
for program in hello exceptions mmu gic_timer; do build_system "$program" "$SYSTEM_TESTS" || fail "building $program"; done
build_system poke "$HERE" || fail "building poke.c"

# ---- ferry-user ----------------------------------------------------------------
LOOP_ENTRY=$(symbol_address _start "$OUT/loop")

run_user user-in_asm -d in_asm "$OUT/loop"
expect "user in_asm" user-in_asm.log 0 '^IN:' "^0x0*$LOOP_ENTRY: +movz +x19, #0x1234\$"
run_user user-out_asm -d out_asm "$OUT/loop"
expect "user out_asm" user-out_asm.log 0 '^OUT: \[guest 0x' ':  (mov|jmp|ret|cmp|sub) '
run_user user-op -d op "$OUT/loop"
first_section user-op.log 'OP:' >"$OUT/user-op-before.log"
first_section user-op.log 'OP after optimization:' >"$OUT/user-op-after.log"
# The entry block: "subs x20, x20, #1" on x20 = 50 is folded to the constant 49.
expect "user op (before the passes)" user-op-before.log 0 "^block pc=0x$LOOP_ENTRY " '= GetX\.u64 ' '= Sub\.u64 '
expect "user op (after the passes)" user-op-after.log 0 "^block pc=0x$LOOP_ENTRY " '= Const\.u64 \[0x31, ' 'SetX '
grep -q 'Sub\.u64' "$OUT/user-op-after.log" && fail "user op" "the Sub was not folded after optimization"
run_user user-exec -d exec "$OUT/loop"
expect "user exec" user-exec.log 0 "^Trace: pc=0x0*$LOOP_ENTRY\$"
run_user user-cpu -d cpu,nochain "$OUT/loop"
expect "user cpu" user-cpu.log 0 '^X16=.* X19=0000000000001234$' "^PC=0*$LOOP_ENTRY NZCV="
run_user user-unimp -d unimp "$OUT/loop"
expect "user unimp" user-unimp.log 0 '^ferry-user: unimplemented system call 999$'
run_user user-strace -d strace "$OUT/loop"
expect "user strace" user-strace.log 0 '^[0-9]+ write\(0x1,0x[0-9a-f]+,0xa\) = 10$'
run_user user-guest_errors -d guest_errors "$OUT/loop"
expect "user guest_errors" user-guest_errors.log 0 '^ferry-user: guest memory map:$'

HANDLER=$(symbol_address on_segv "$OUT/segv")
run_user user-int -d int "$OUT/segv"
expect "user int" user-int.log 0 \
    "^ferry-user: signal 11 \(SIGSEGV\) at pc 0x[0-9a-f]+ delivered to handler 0x0*$HANDLER, fault address 0x10\$"
grep -q '^caught$' "$OUT/user-int.out" || fail "user int" "the handler did not run"

run_user user-exec-chained -d exec "$OUT/loop"
chained=$(count_trace user-exec-chained)
run_user user-nochain -d exec,nochain "$OUT/loop"
unchained=$(count_trace user-nochain)
if [ "$unchained" -gt $((chained + 40)) ] && grep -q '^loop done$' "$OUT/user-nochain.out"; then
    pass "user nochain ($chained Trace lines chained, $unchained with nochain)"
else
    fail "user nochain" "$chained Trace lines chained, $unchained with nochain, output '$(cat "$OUT/user-nochain.out")'"
fi

rm -f "$OUT/user-D.txt"
run_user user-D -d in_asm -D "$OUT/user-D.txt" "$OUT/loop"
if [ "$status" = 0 ] && grep -q '^IN:' "$OUT/user-D.txt" && ! grep -q '^IN:' "$OUT/user-D.log"; then
    pass "user -D FILE"
else
    fail "user -D FILE" "status $status; the log did not go (only) to the file"
fi

# ---- ferry-system --------------------------------------------------------------
HELLO_ENTRY=$(symbol_address _start "$OUT/hello.elf")
KERNEL_MAIN=$(symbol_address kernel_main "$OUT/hello.elf")
FIRST_INSN=$("$OBJDUMP" -d "$OUT/hello.elf" | awk -v a="$KERNEL_MAIN:" '$1 == a { print $3; exit }')

run_system system-in_asm hello -d in_asm
expect "system in_asm" system-in_asm.log 0 '^IN:' "^0x0*$KERNEL_MAIN: +$FIRST_INSN "
run_system system-out_asm hello -d out_asm
expect "system out_asm" system-out_asm.log 0 '^OUT: \[guest 0x' ':  (mov|jmp|call|cmp) '
run_system system-op hello -d op
first_section system-op.log 'OP:' >"$OUT/system-op-before.log"
first_section system-op.log 'OP after optimization:' >"$OUT/system-op-after.log"
expect "system op (before the passes)" system-op-before.log 0 "^block pc=0x$HELLO_ENTRY " '= ReadSysReg' 'SetX '
expect "system op (after the passes)" system-op-after.log 0 "^block pc=0x$HELLO_ENTRY " 'SetX '
run_system system-exec hello -d exec
expect "system exec" system-exec.log 0 "^Trace: pc=0x0*$HELLO_ENTRY\$"
run_system system-cpu hello -d cpu,nochain
# The dump on entering kernel_main: x0 = x19 = 1, the EL start.S was entered at.
grep -B8 -m1 "^PC=0*$KERNEL_MAIN NZCV=" "$OUT/system-cpu.log" >"$OUT/system-cpu-kernel_main.log"
expect "system cpu" system-cpu-kernel_main.log 0 '^X00=0000000000000001 ' ' X19=0000000000000001$' \
    ' PSTATE=[0-9a-f]{8} EL1h DAIF=f$'

# int: "svc #0x123" at EL1 (ELR = its address + 4), an SVC from EL0, ERET, and timer IRQs.
SVC_AT=$("$OBJDUMP" -d "$OUT/exceptions.elf" | awk '$NF == "#0x123" && $(NF-1) == "svc" { sub(":", "", $1); print $1; exit }')
SVC_ELR=$(printf '%x' $((0x$SVC_AT + 4)))
run_system system-int exceptions -d int
expect "system int (SVC, BRK, ERET)" system-int.log 0 \
    "^Taking exception 0x15 \[SVC\] from EL1 to EL1: ESR 0x56000123 FAR 0x0 ELR 0x$SVC_ELR SPSR 0x[0-9a-f]+ \(to vector 0x[0-9a-f]+\)\$" \
    '^Taking exception 0x15 \[SVC\] from EL0 to EL1: ESR 0x560' \
    '^Taking exception 0x3c \[BRK\] from EL1 to EL1: ESR 0xf20003e8 ' \
    '^Exception return from EL1 to EL0 at 0x' \
    '^Taking exception 0x25 \[DABT\] from EL1 to EL1: ESR 0x96000010 FAR 0x50000008 '
run_system system-int-irq gic_timer -d int
expect "system int (IRQ)" system-int-irq.log 0 '^Taking exception \[IRQ\] from EL[01] to EL1: ELR 0x[0-9a-f]+ SPSR 0x[0-9a-f]+ \(to vector'

run_system system-mmu mmu -d mmu
expect "system mmu" system-mmu.log 0 '^mmu: SCTLR_EL1 = 0x[0-9a-f]+ \(MMU enabled\)$' '^mmu: TCR_EL1 = 0x' \
    '^mmu: TTBR0_EL1 = 0x' '^mmu: (read|write) of VA 0x80[0-9a-f]{6} at EL1 faults: translation fault, level 3' \
    '^mmu: write of VA 0x[0-9a-f]+ at EL1 faults: permission fault, level 3' '^mmu: TLBI S1_0_C8_C3_1 by VA 0x80002000$'

run_system system-mmu-at poke -d mmu
expect "system mmu (AT)" system-mmu-at.log 0 '^mmu: AT S1_0_C7_C8_0 VA 0x40001000 at EL1: translated, PAR_EL1 0x[0-9a-f]*40001[0-9a-f]{3}$'

run_system system-unimp poke -d unimp
expect "system unimp" system-unimp.log 0 '^unimplemented system register read S3_1_C15_C2_0 at pc 0x[0-9a-f]+ \(EL1\)$'
grep -Eq '^ok   mrs S3_1_C15_C2_0: ESR 0x0*2000000 ' "$OUT/system-unimp.out" || fail "system unimp" "the guest did not get UNDEF"

run_system system-guest_errors poke -d guest_errors
expect "system guest_errors (devices, PSCI, semihosting)" system-guest_errors.log 0 \
    '^pl011: read of unknown register 0x100$' '^pl011: write to read-only register 0x18$' \
    '^pl011: 8-byte read of register 0x18$' \
    '^gicv2 distributor: read of unknown register 0x20$' \
    '^psci: unknown function id 0x8400ff00$' '^semihosting: unknown operation 0x99 '
run_system system-guest_errors-gicv3 poke -M virt,gic-version=3 -d guest_errors
expect "system guest_errors (GICv3)" system-guest_errors-gicv3.log 0 '^gicv3 distributor: read of unknown register 0x20$'
run_system system-guest_errors-abort exceptions -d guest_errors
expect "system guest_errors (unmapped physical address)" system-guest_errors-abort.log 0 \
    '^invalid read of 8 bytes at physical address 0x50000008 \(VA 0x50000008, pc 0x[0-9a-f]+\): nothing is mapped there' \
    '^invalid write of 1 bytes at physical address 0x50000003 '

run_system system-exec-chained hello -d exec
chained=$(count_trace system-exec-chained)
run_system system-nochain hello -d exec,nochain
unchained=$(count_trace system-nochain)
if [ "$unchained" -gt "$chained" ] && grep -q 'hello from kernel_main' "$OUT/system-nochain.out"; then
    pass "system nochain ($chained Trace lines chained, $unchained with nochain)"
else
    fail "system nochain" "$chained Trace lines chained, $unchained with nochain"
fi

run_system system-strace hello -d strace
expect "system strace (accepted, ignored)" system-strace.out 0 'hello from kernel_main'
[ -s "$OUT/system-strace.log" ] && fail "system strace" "it logged: $(head -c 200 "$OUT/system-strace.log")"

rm -f "$OUT/system-D.txt"
run_system system-D hello -d exec -D "$OUT/system-D.txt"
if [ "$status" = 0 ] && grep -q "^Trace: pc=0x0*$HELLO_ENTRY\$" "$OUT/system-D.txt" && ! grep -q '^Trace:' "$OUT/system-D.log"; then
    pass "system -D FILE"
else
    fail "system -D FILE" "status $status; the log did not go (only) to the file"
fi

# ---- both: -d help, unknown items ------------------------------------------------
for program in ferry-user ferry-system; do
    "$BUILD/$program" -d help >"$OUT/$program-help.txt" 2>&1
    status=$?
    missing=""
    for item in "${ALL_ITEMS[@]}"; do grep -Eq "^$item +[a-z]" "$OUT/$program-help.txt" || missing+=" $item"; done
    if [ "$status" = 0 ] && [ -z "$missing" ]; then pass "$program -d help lists all ${#ALL_ITEMS[@]} items"; else
        fail "$program -d help" "status $status, missing:$missing"; fi

    "$BUILD/$program" -d in_asm,foo -M virt -kernel "$OUT/hello.elf" </dev/null >/dev/null 2>"$OUT/$program-unknown.err"
    status=$?
    if [ "$status" = 1 ] && [ "$(wc -l <"$OUT/$program-unknown.err")" = 1 ] &&
        grep -qx "$program: unknown logging item 'foo' (-d help lists them)" "$OUT/$program-unknown.err"; then
        pass "$program unknown -d item: one line, exit 1"
    else
        fail "$program unknown -d item" "status $status: $(head -c 200 "$OUT/$program-unknown.err")"
    fi
done

# ---- ferry-system --stats: every figure, and the JIT's instruction count equals the interpreter's --
for program in exceptions mmu; do
    run_system "system-stats-$program" "$program" --stats
    jit=$(sed -n 's/^  guest instructions executed  //p' "$OUT/system-stats-$program.log")
    expect "system --stats ($program)" "system-stats-$program.log" 0 '^  blocks translated  ' '^  time  .* translating ' \
        '^  block exits  .*chained ' '^  softmmu TLB  .*hit rate ' '^  exits by cause  .*hlt [0-9]+' \
        '^ +1  0x[0-9a-f]{16}  [a-z_]+'
    run_system "system-stats-$program-interp" "$program" --stats --interp
    interp=$(sed -n 's/^  guest instructions executed  //p' "$OUT/system-stats-$program-interp.log")
    if [ -n "$jit" ] && [ "$jit" = "$interp" ]; then pass "system --stats ($program): $jit instructions, JIT = interpreter"
    else fail "system --stats ($program)" "JIT counted '$jit', the interpreter '$interp'"; fi
done

# ---- both: --perf-map names every translated block in /tmp/perf-PID.map -----------
# perf_map NAME SYMBOL COMMAND...: the map exists and names a block by SYMBOL.
perf_map() {
    local name=$1 symbol=$2 pid map
    shift 2
    "$@" </dev/null >"$OUT/$name.out" 2>&1 &
    pid=$!
    wait "$pid"
    map=/tmp/perf-$pid.map
    mv "$map" "$OUT/$name.map" 2>/dev/null
    if grep -Eq "^[0-9a-f]+ [0-9a-f]+ $symbol(\+0x[0-9a-f]+)? \(guest_0x[0-9a-f]+\)\$" "$OUT/$name.map" 2>/dev/null &&
        ! grep -Evq '^[0-9a-f]+ [0-9a-f]+ .*guest_0x[0-9a-f]+\)?$' "$OUT/$name.map"; then
        pass "$name"
    else
        fail "$name" "no block named $symbol in /tmp/perf-$pid.map ($(head -c 200 "$OUT/$name.map" 2>/dev/null))"
    fi
}
perf_map "ferry-user --perf-map" _start "$USER_FERRY" --perf-map "$OUT/loop"
perf_map "ferry-system --perf-map" kernel_main "$SYSTEM_FERRY" "${MACHINE[@]}" -kernel "$OUT/hello.elf" --perf-map

if [ "$failures" -ne 0 ]; then
    echo "tests/logging: $failures failure(s)"
    exit 1
fi
echo "tests/logging: all passed"
