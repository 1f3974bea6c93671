#!/bin/sh
# Real FP/SIMD/crypto programs (tests/guest_fp/*.c), built -O2 -static for
# AArch64 into BUILD_DIR/guest_fp/ and run under ferry-user. A program passes
# when it exits 0 and its stdout equals NAME.expected and, when qemu-aarch64
# is installed, qemu-aarch64's stdout. Extra compiler flags come from a
# "// cflags:" line in the source.
#
# Where the .expected files come from:
# - crypto: the same program built for the host with portable C versions of
#   the instructions (crypto_portable.h); run.sh checks that again on every run.
# - libm: qemu-aarch64's output. The host's differs in two known ways: x86's
#   default NaN is negative (printf shows "-nan" for 0/0, sqrt(-1), ...), and
#   glibc's cbrt and hypot are not correctly rounded, so the x86-64 and AArch64
#   builds of glibc give different last bits for a few inputs.
# - neon: qemu-aarch64's output (arm_neon.h does not exist for the host); the
#   program also checks its integer results against plain C and prints
#   "MISMATCH ..." (and exits 1) on a difference.
#   usage: tests/guest_fp/run.sh BUILD_DIR [ferry-user options...]
set -u
build=$(cd "${1:?usage: run.sh BUILD_DIR [ferry-user options]}" && pwd)
shift
src=$(cd "$(dirname "$0")" && pwd)
out="$build/guest_fp"
ferry="$build/ferry-user"
cc=${AARCH64_CC:-aarch64-linux-gnu-gcc}
host_cc=${HOST_CC:-cc}
HOST_SAME="crypto"  # programs whose host build must print the same
mkdir -p "$out"

pass=0
fail=0
for source in "$src"/*.c; do
    name=$(basename "$source" .c)
    cflags=$(sed -n 's|^// cflags: ||p' "$source")
    # shellcheck disable=SC2086 # cflags is a list of flags
    if ! "$cc" -O2 -static -Wall -Werror -o "$out/$name" "$source" $cflags; then
        echo "FAIL $name: does not compile"
        fail=$((fail + 1))
        continue
    fi
    (cd "$out" && timeout 120 "$ferry" "$@" "./$name" >"$name.ferry.out" 2>"$name.ferry.err")
    status=$?
    problem=""
    if [ "$status" -ne 0 ]; then
        problem="exit status $status (stderr: $(head -c 300 "$out/$name.ferry.err"))"
    elif ! diff -u "$src/$name.expected" "$out/$name.ferry.out" >"$out/$name.diff"; then
        problem="output differs from $name.expected (see $out/$name.diff)"
    elif command -v qemu-aarch64 >/dev/null &&
        ! (cd "$out" && timeout 120 qemu-aarch64 "./$name" >"$name.qemu.out" 2>/dev/null &&
            diff -u "$name.qemu.out" "$name.ferry.out" >"$name.qemu.diff"); then
        problem="output differs from qemu-aarch64 (see $out/$name.qemu.diff)"
    elif echo " $HOST_SAME " | grep -q " $name "; then
        # shellcheck disable=SC2086
        if ! "$host_cc" -O2 -Wall -Werror -o "$out/$name.host" "$source" $(echo "$cflags" | sed 's/-march=[^ ]*//') ||
            ! "$out/$name.host" >"$out/$name.host.out" ||
            ! diff -u "$out/$name.host.out" "$out/$name.ferry.out" >"$out/$name.host.diff"; then
            problem="output differs from the host build (see $out/$name.host.diff)"
        fi
    fi
    if [ -n "$problem" ]; then
        echo "FAIL guest_fp $name: $problem"
        fail=$((fail + 1))
    else
        echo "ok   guest_fp $name"
        pass=$((pass + 1))
    fi
done
echo "guest_fp tests: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
