#!/usr/bin/env bash
# `make test`: every test of Ferry, with one summary at the end.
#
#   scripts/test.sh BUILD_DIR [--sanitized]
#
# 1. BUILD_DIR/ferry-unit-tests (GoogleTest)
# 2. guest programs (tests/guest/*.S, *.c) built into BUILD_DIR/guest and run
#    under ferry-user (also with --interp and --lockstep for the .S tests);
#    outputs compared with qemu-aarch64 (when installed) and, for the C
#    programs, with the same program built for the host
# 3. BUILD_DIR/ferry-fuzz --instructions 100000 (JIT against interpreter)
# 4. tests/user/run.sh and tests/guest_fp/run.sh BUILD_DIR, if present
# 5. Linux boots under ferry-system (scripts/linux-boot-test.sh)
# 6. busybox pipelines against the host's busybox (scripts/busybox-test.sh)
# 7. bad input: ferry-user must print one line to stderr and exit 1
#
# --sanitized (ASan+UBSan build) runs a reduced subset: unit tests, guest
# programs, a shorter fuzz run, the cortex-a53 Linux boot, one busybox pipeline.
# FERRY_RUNNER overrides the program that runs guests (default
# BUILD_DIR/ferry-user); FERRY_RUNNER=qemu-aarch64 checks the tests themselves.
# QEMU=... names the differential oracle (QEMU= to disable).
set -uo pipefail

usage() { echo "usage: $0 BUILD_DIR [--sanitized]" >&2; exit 2; }
[ $# -ge 1 ] || usage
BUILD_DIR=$(cd "$1" 2>/dev/null && pwd) || { echo "test.sh: no build directory $1" >&2; exit 2; }
SANITIZED=0
case "${2:-}" in
    "") ;;
    --sanitized) SANITIZED=1 ;;
    *) usage ;;
esac
ROOT=$(cd "$(dirname "$0")/.." && pwd)
FERRY=$BUILD_DIR/ferry-user
RUNNER=${FERRY_RUNNER:-$FERRY}
QEMU=${QEMU-$(command -v qemu-aarch64 || true)}
GUEST_TIMEOUT=${GUEST_TIMEOUT:-300}
LOG=$BUILD_DIR/test-logs
rm -rf "$LOG" && mkdir -p "$LOG"

passed=0 failed=0 skipped=0
failures=()
pass() { passed=$((passed + 1)); echo "PASS $1"; }
fail() { failed=$((failed + 1)); failures+=("$1"); echo "FAIL $1${2:+: $2}"; }
skip() { skipped=$((skipped + 1)); echo "SKIP $1${2:+: $2}"; }
section() { echo; echo "== $1"; }

# Counts the PASS (or ok)/FAIL/SKIP lines another script printed (already shown).
count_lines() {
    local file=$1 line
    while IFS= read -r line; do
        case $line in
            PASS\ *|ok\ *) passed=$((passed + 1)) ;;
            FAIL\ *) failed=$((failed + 1)); failures+=("${line#FAIL }") ;;
            SKIP\ *) skipped=$((skipped + 1)) ;;
        esac
    done < "$file"
}

# The source line of a failed CHECK ("FAIL ... at 0xPC" in OUTFILE), if any.
check_site() {
    local prog=$1 out=$2 pc
    pc=$(grep -o ' at 0x[0-9a-f]*$' "$out" | head -1 | cut -c5-)
    [ -n "$pc" ] && echo "(check at $(aarch64-linux-gnu-addr2line -e "$prog" "$pc" | sed "s|^$ROOT/||"))"
}

# run_guest LOGNAME RUNNER... : runs a guest command with a timeout; leaves
# stdout in $LOG/LOGNAME.out, stderr in .err and the exit status in $status.
run_guest() {
    local name=$1; shift
    timeout "$GUEST_TIMEOUT" "$@" > "$LOG/$name.out" 2> "$LOG/$name.err" < /dev/null
    status=$?
}

section "unit tests"
if [ -x "$BUILD_DIR/ferry-unit-tests" ]; then
    if "$BUILD_DIR/ferry-unit-tests" --gtest_brief=1 > "$LOG/unit.log" 2>&1; then
        pass "unit: $(grep -Eo '[0-9]+ tests? from [0-9]+ test suites? ran' "$LOG/unit.log" | head -1)"
    else
        grep -E '^\[  FAILED  \]' "$LOG/unit.log" | sort -u | head -40
        fail unit "ferry-unit-tests failed (log: $LOG/unit.log)"
    fi
else
    fail unit "$BUILD_DIR/ferry-unit-tests not built"
fi

section "guest programs"
ferry_ok=1
if ! command -v "$RUNNER" > /dev/null; then
    fail guest "runner $RUNNER not found"
    ferry_ok=0
elif ! "$ROOT/scripts/build-guests.sh" "$BUILD_DIR" --native > "$LOG/build-guests.log" 2>&1; then
    cat "$LOG/build-guests.log"
    fail guest "building the guest programs failed"
    ferry_ok=0
fi
# Extra modes of ferry-user itself (not meaningful for another runner).
modes=("")
[ "$RUNNER" = "$FERRY" ] && modes+=("--interp" "--lockstep")

if [ $ferry_ok = 1 ]; then
    for src in "$ROOT"/tests/guest/*.S; do
        name=$(basename "$src" .S)
        prog=$BUILD_DIR/guest/$name
        for mode in "${modes[@]}"; do
            label="guest/$name${mode:+ $mode}"
            logname="$name${mode:+.${mode#--}}"
            run_guest "$logname" "$RUNNER" $mode "$prog"
            if [ $status -eq 0 ] && [ "$(cat "$LOG/$logname.out")" = "PASS $name" ]; then
                pass "$label"
            else
                fail "$label" "exit $status: $(cat "$LOG/$logname.out" "$LOG/$logname.err" | head -c 300 | tr '\n' ' ')$(check_site "$prog" "$LOG/$logname.out")"
            fi
        done
    done
    for src in "$ROOT"/tests/guest/*.c; do
        name=$(basename "$src" .c)
        args=()
        case $name in intmix|vmlz) args=(1) ;; esac
        run_guest "$name" "$RUNNER" "$BUILD_DIR/guest/$name" "${args[@]}"
        ferry_status=$status
        if [ $name = hello ] && [ ${#modes[@]} -gt 1 ]; then  # glibc start-up, both engines
            for mode in "${modes[@]:1}"; do
                run_guest "hello.${mode#--}" "$RUNNER" $mode "$BUILD_DIR/guest/hello"
                if [ $status -eq 0 ] && cmp -s "$LOG/hello.${mode#--}.out" "$LOG/hello.out"; then
                    pass "guest/hello $mode"
                else
                    fail "guest/hello $mode" "exit $status: $(head -c 200 "$LOG/hello.${mode#--}.err" | tr '\n' ' ')"
                fi
            done
        fi
        if [ $name = demo ]; then  # prints the machine name: no native twin
            if [ $ferry_status -eq 0 ] && grep -q "machine 'aarch64'" "$LOG/$name.out"; then
                pass "guest/$name"
            else
                fail "guest/$name" "exit $ferry_status: $(cat "$LOG/$name.out" "$LOG/$name.err" | head -c 200 | tr '\n' ' ')"
            fi
            continue
        fi
        "$BUILD_DIR/guest/native/$name" "${args[@]}" > "$LOG/$name.native.out" 2>/dev/null
        native_status=$?
        if [ $ferry_status -ne $native_status ]; then
            fail "guest/$name" "exit $ferry_status, natively $native_status: $(head -c 200 "$LOG/$name.err")"
        elif ! cmp -s "$LOG/$name.out" "$LOG/$name.native.out"; then
            fail "guest/$name" "output differs from the host build: diff $LOG/$name.out $LOG/$name.native.out"
        else
            pass "guest/$name"
        fi
    done

    # Differential: the same programs under qemu-aarch64, stdout and status.
    # (The sanitizer build checks the same outputs against their expected
    # values above; the comparison with qemu is the normal build's job.)
    if [ $SANITIZED = 1 ]; then
        :
    elif [ -n "$QEMU" ] && [ "$QEMU" != "$RUNNER" ]; then
        for prog in "$BUILD_DIR"/guest/*; do
            [ -f "$prog" ] && [ -x "$prog" ] || continue
            name=$(basename "$prog")
            args=()
            case $name in intmix|vmlz) args=(1) ;; esac
            run_guest "$name.ferry" "$RUNNER" "$prog" "${args[@]}"
            ferry_status=$status
            run_guest "$name.qemu" "$QEMU" "$prog" "${args[@]}"
            if [ $ferry_status -eq $status ] && cmp -s "$LOG/$name.ferry.out" "$LOG/$name.qemu.out"; then
                pass "qemu-diff/$name"
            else
                fail "qemu-diff/$name" "ferry exit $ferry_status, qemu exit $status; diff $LOG/$name.ferry.out $LOG/$name.qemu.out"
            fi
        done
    else
        skip qemu-diff "qemu-aarch64 not installed"
    fi
fi

section "fuzzer"
if [ -x "$BUILD_DIR/ferry-fuzz" ]; then
    count=100000
    [ $SANITIZED = 1 ] && count=20000
    if "$BUILD_DIR/ferry-fuzz" --instructions $count > "$LOG/fuzz.log" 2>&1; then
        pass "fuzz: $count instructions ($(tail -1 "$LOG/fuzz.log"))"
    else
        tail -20 "$LOG/fuzz.log"
        fail fuzz "ferry-fuzz --instructions $count failed (log: $LOG/fuzz.log)"
    fi
else
    fail fuzz "$BUILD_DIR/ferry-fuzz not built"
fi

section "differential fuzzer (qemu-aarch64 as the oracle)"
if [ -x "$BUILD_DIR/ferry-qemu-diff" ] && command -v qemu-aarch64 >/dev/null; then
    streams=5000 fp_streams=12000
    [ $SANITIZED = 1 ] && streams=500 fp_streams=500
    # qemu_diff NAME ARGS...: one run, logged to $LOG/NAME.log.
    qemu_diff() {
        local name=$1; shift
        if "$BUILD_DIR/ferry-qemu-diff" "$@" > "$LOG/$name.log" 2>&1; then
            pass "$name: $(head -1 "$LOG/$name.log" | grep -o '[0-9]* streams, [0-9]* instructions compared')"
        else
            tail -20 "$LOG/$name.log"
            fail "$name" "differences from qemu-aarch64 (log: $LOG/$name.log)"
        fi
    }
    for mode in interp jit; do
        qemu_diff "qemu-diff-$mode" --streams $streams --mode $mode
        # FP/SIMD/crypto only, special operands oversampled, on an ARMv8.0+crypto CPU like Ferry's.
        qemu_diff "qemu-diff-fp-$mode" --streams $fp_streams --rows 'FP_|SIMD_|Crypto' --cpu cortex-a72 --mode $mode
    done
elif [ $SANITIZED = 1 ] || ! command -v qemu-aarch64 >/dev/null; then
    skip qemu-diff "qemu-aarch64 not installed"
else
    fail qemu-diff "$BUILD_DIR/ferry-qemu-diff not built"
fi

# Suites with their own driver: system calls and signals, FP/SIMD programs,
# bare-metal programs under ferry-system against qemu-system-aarch64, the
# -d log items, the gdb stub driven by gdb-multiarch.
for suite in user guest_fp system logging gdb; do
    [ -x "$ROOT/tests/$suite/run.sh" ] || continue
    section "tests/$suite"
    "$ROOT/tests/$suite/run.sh" "$BUILD_DIR" 2>&1 | tee "$LOG/$suite.log"
    suite_status=${PIPESTATUS[0]}
    count_lines "$LOG/$suite.log"
    if [ "$suite_status" -ne 0 ] && ! grep -q '^FAIL ' "$LOG/$suite.log"; then
        fail "tests/$suite" "run.sh exited $suite_status"
    fi
done

section "linux (ferry-system boots Debian's arm64 kernel)"
linux_args=() linux_timeout=${LINUX_TIMEOUT:-120}
# Under ASan+UBSan one boot takes about a minute: only the first, with room.
[ $SANITIZED = 1 ] && linux_args=(--quick) linux_timeout=${LINUX_TIMEOUT:-300}
LINUX_TIMEOUT=$linux_timeout "$ROOT/scripts/linux-boot-test.sh" "$BUILD_DIR" "${linux_args[@]}" 2>&1 | tee "$LOG/linux.log"
linux_status=${PIPESTATUS[0]}
count_lines "$LOG/linux.log"
if [ "$linux_status" -ne 0 ] && ! grep -q '^FAIL ' "$LOG/linux.log"; then
    fail linux "linux-boot-test.sh exited $linux_status"
fi

section "busybox"
busybox_args=()
[ $SANITIZED = 1 ] && busybox_args=(--quick)
"$ROOT/scripts/busybox-test.sh" "$BUILD_DIR" "${busybox_args[@]}" 2>&1 | tee "$LOG/busybox.log"
busybox_status=${PIPESTATUS[0]}
count_lines "$LOG/busybox.log"
if [ "$busybox_status" -ne 0 ] && ! grep -q '^FAIL ' "$LOG/busybox.log"; then
    fail busybox "busybox-test.sh exited $busybox_status"
fi

section "bad input"
bad=$BUILD_DIR/bad-input
mkdir -p "$bad"
printf 'this is not an ELF file\n' > "$bad/text"
: > "$bad/empty"
# ELF32 little-endian header for EM_ARM, ELF64 big-endian header for EM_AARCH64.
printf '\177ELF\001\001\001\000\000\000\000\000\000\000\000\000\002\000\050\000\001\000\000\000' > "$bad/elf32"
head -c 52 /dev/zero >> "$bad/elf32"
printf '\177ELF\002\002\001\000\000\000\000\000\000\000\000\000\000\002\000\267\000\000\000\001' > "$bad/elf64-big-endian"
head -c 64 /dev/zero >> "$bad/elf64-big-endian"
good=$BUILD_DIR/guest/hello
if [ -f "$good" ]; then
    head -c 40 "$good" > "$bad/truncated-header"
    head -c 200 "$good" > "$bad/truncated-phdrs"
    head -c 3000 "$good" > "$bad/truncated-segments"
fi
cp /bin/true "$bad/x86-64-elf"
mkdir -p "$bad/directory"
bad_inputs=("$bad/does-not-exist" "$bad/text" "$bad/empty" "$bad/elf32" "$bad/elf64-big-endian"
            "$bad/x86-64-elf" "$bad/directory")
[ -f "$good" ] && bad_inputs+=("$bad/truncated-header" "$bad/truncated-phdrs" "$bad/truncated-segments")
if command -v "$RUNNER" > /dev/null; then
    for input in "${bad_inputs[@]}"; do
        name=bad-input/$(basename "$input")
        run_guest bad "$RUNNER" "$input"
        lines=$(wc -l < "$LOG/bad.err")
        if [ $status -eq 1 ] && [ "$lines" -eq 1 ] && [ ! -s "$LOG/bad.out" ]; then
            pass "$name"
        else
            fail "$name" "exit $status (want 1), $lines stderr lines (want 1): $(head -c 200 "$LOG/bad.err" | tr '\n' ' ')"
        fi
    done
else
    fail bad-input "runner $RUNNER not found"
fi

echo
if [ $failed -ne 0 ]; then
    echo "Failures:"
    printf '  %s\n' "${failures[@]}"
fi
echo "logs: $LOG"
echo "summary: $passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
