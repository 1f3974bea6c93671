#!/bin/bash
# System-mode tests: bare-metal programs (tests/system/*.c) built with the
# cross compiler, each run under qemu-system-aarch64 and under ferry-system
# with the same options; exit status and output must match (and the status
# must be the expected one). Then the bad-input checks.
#   tests/system/run.sh BUILD_DIR
set -u
BUILD=$(realpath "${1:-build}")
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$BUILD/tests-system
FERRY=$BUILD/ferry-system
QEMU=$(command -v qemu-system-aarch64 || true)
CC=aarch64-linux-gnu-gcc
COMMON=(-M virt -cpu cortex-a53 -nographic -nic none -semihosting)
mkdir -p "$OUT"
failures=0

fail() { echo "FAIL $*"; failures=$((failures + 1)); }

# build PROGRAM [OUTPUT_NAME LOAD_ADDRESS]
build() {
    local name=${2:-$1} load=()
    [ -n "${3:-}" ] && load=(-Wl,--defsym=LOAD_ADDRESS="$3")
    "$CC" -ffreestanding -nostdlib -nostartfiles -static -O2 -mgeneral-regs-only -mstrict-align \
        -Wall -Werror -Wl,--build-id=none -Wl,--no-warn-rwx-segments "${load[@]}" -T "$HERE/link.ld" \
        "$HERE/start.S" "$HERE/vectors.S" "$HERE/lib.c" "$HERE/$1.c" -o "$OUT/$name.elf"
}

# run EMULATOR NAME DIR OPTIONS... : output in DIR/NAME.out, status in DIR/NAME.status
run() {
    local emulator=$1 name=$2 dir=$3
    shift 3
    mkdir -p "$dir"
    (cd "$dir" && timeout 30 "$emulator" "$@" </dev/null >"$name.out" 2>"$name.err"; echo $? >"$name.status")
}

# check NAME EXPECTED_STATUS MACHINE_OPTIONS...
check() {
    local name=$1 expected=$2 machine=$3 program=${1%%.*}
    shift 3
    local opts=("${COMMON[@]}" -M "$machine" -kernel "$OUT/$program.elf" "$@")
    run "$FERRY" "$name" "$OUT/ferry" "${opts[@]}"
    local status
    status=$(cat "$OUT/ferry/$name.status")
    if [ "$status" != "$expected" ]; then
        fail "$name: ferry-system exited $status, expected $expected ($(head -c 300 "$OUT/ferry/$name.err"))"
        return
    fi
    if [ -n "$QEMU" ]; then
        run "$QEMU" "$name" "$OUT/qemu" "${opts[@]}"
        if [ "$(cat "$OUT/qemu/$name.status")" != "$expected" ]; then
            fail "$name: qemu-system-aarch64 exited $(cat "$OUT/qemu/$name.status"), expected $expected"
            return
        fi
        if ! cmp -s "$OUT/qemu/$name.out" "$OUT/ferry/$name.out"; then
            fail "$name: output differs from qemu-system-aarch64:"
            diff "$OUT/qemu/$name.out" "$OUT/ferry/$name.out" | head -20
            return
        fi
    fi
    echo "ok   $name"
}

# bad NAME ARGS...: a one-line error and status 1
bad() {
    local name=$1
    shift
    timeout 30 "$FERRY" "$@" </dev/null >"$OUT/bad.out" 2>"$OUT/bad.err"
    local status=$? lines
    lines=$(wc -l <"$OUT/bad.err")
    if [ "$status" != 1 ] || [ "$lines" != 1 ]; then
        fail "bad input '$name': status $status, $lines stderr lines: $(head -c 300 "$OUT/bad.err")"
    else
        echo "ok   bad input: $name ($(cat "$OUT/bad.err"))"
    fi
}

[ -x "$FERRY" ] || { echo "FAIL: $FERRY not built"; exit 1; }
[ -n "$QEMU" ] || echo "note: qemu-system-aarch64 not installed: outputs are not compared"
for program in hello exit_code semihost_file dtb gic_timer exceptions mmu timer_wfi uart_echo; do
    build "$program" || fail "building $program"
done
build dtb dtb_high 0x40200000 || fail "building dtb_high"

check hello 0 virt
check hello.el2 0 virt,virtualization=on
check hello.el3 0 virt,secure=on
check exit_code 42 virt
check semihost_file 0 virt
check dtb 0 virt
check dtb_high 0 virt
check gic_timer 0 virt
check exceptions 0 virt
check exceptions.el2 0 virt,virtualization=on  # HVC to EL2, HCR_EL2.HCD
check mmu 0 virt                                # cortex-a53: 4K and 64K granules
check mmu.max 0 virt -cpu max                   # 4K, 16K and 64K
check timer_wfi 0 virt
check timer_wfi.gicv3 0 virt,gic-version=3

# The console: -serial file: gets what the UART prints; on a terminal,
# -nographic passes input through, Ctrl-A A sends Ctrl-A, Ctrl-A X quits.
rm -f "$OUT/serial.txt"
run "$FERRY" serial-file "$OUT/ferry" -M virt -semihosting -serial "file:$OUT/serial.txt" -kernel "$OUT/hello.elf"
if [ "$(cat "$OUT/ferry/serial-file.status")" = 0 ] && grep -q "hello from kernel_main" "$OUT/serial.txt" &&
    ! grep -q "hello from kernel_main" "$OUT/ferry/serial-file.out"; then
    echo "ok   -serial file: the UART output is in the file"
else
    fail "-serial file: status $(cat "$OUT/ferry/serial-file.status"), file: $(head -c 200 "$OUT/serial.txt" 2>/dev/null)"
fi
"$HERE/console.py" "$FERRY" "$OUT/uart_echo.elf" || failures=$((failures + 1))

bad "missing kernel" -M virt -kernel "$OUT/no-such-kernel"
bad "kernel is a directory" -M virt -kernel "$OUT"
echo "just text" >"$OUT/not-a-kernel.txt"
bad "neither ELF nor Image" -M virt -kernel "$OUT/not-a-kernel.txt"
bad "-m too small" -M virt -m 256K -kernel "$OUT/hello.elf"
bad "unknown machine" -M pc -kernel "$OUT/hello.elf"
bad "unknown cpu" -M virt -cpu cortex-a9000 -kernel "$OUT/hello.elf"
bad "unknown machine property" -M virt,frobnicate=on -kernel "$OUT/hello.elf"
bad "bad -m" -M virt -m lots -kernel "$OUT/hello.elf"
bad "-smp 2" -M virt -smp 2 -kernel "$OUT/hello.elf"
printf 'junk that is not a device tree' >"$OUT/bad.dtb"
bad "malformed -dtb" -M virt -dtb "$OUT/bad.dtb" -kernel "$OUT/hello.elf"

if [ "$failures" -ne 0 ]; then
    echo "tests/system: $failures failure(s)"
    exit 1
fi
echo "tests/system: all passed"
