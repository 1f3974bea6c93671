#!/bin/sh
# Builds the guest test programs in tests/user/*.c (static AArch64) and runs
# each under ferry-user. A test passes when it exits 0 and its stdout equals
# NAME.expected; when qemu-aarch64 is installed, its stdout must also equal
# qemu-aarch64's, except for the tests listed in NOT_WITH_QEMU.
#   usage: tests/user/run.sh BUILD_DIR [ferry-user options...]
set -u
build=$(cd "${1:?usage: run.sh BUILD_DIR [ferry-user options]}" && pwd)
shift
src=$(cd "$(dirname "$0")" && pwd)
out="$build/user-tests"
ferry="$build/ferry-user"
cc=${AARCH64_CC:-aarch64-linux-gnu-gcc}
# exec: qemu-aarch64 cannot run a guest's execve without binfmt_misc.
NOT_WITH_QEMU="exec"
mkdir -p "$out"

pass=0
fail=0
for source in "$src"/*.c; do
    name=$(basename "$source" .c)
    if ! "$cc" -O2 -static -Wall -Werror -o "$out/$name" "$source"; then
        echo "FAIL $name: does not compile"
        fail=$((fail + 1))
        continue
    fi
    (cd "$out" && FERRY_TEST_VAR=set timeout 60 "$ferry" "$@" "./$name" first second \
        >"$name.ferry.out" 2>"$name.ferry.err")
    status=$?
    problem=""
    if [ "$status" -ne 0 ]; then
        problem="exit status $status (stderr: $(head -c 300 "$out/$name.ferry.err"))"
    elif ! diff -u "$src/$name.expected" "$out/$name.ferry.out" >"$out/$name.diff"; then
        problem="output differs from $name.expected (see $out/$name.diff)"
    elif command -v qemu-aarch64 >/dev/null && ! echo " $NOT_WITH_QEMU " | grep -q " $name "; then
        (cd "$out" && FERRY_TEST_VAR=set timeout 60 qemu-aarch64 "./$name" first second \
            >"$name.qemu.out" 2>/dev/null)
        if ! diff -u "$out/$name.qemu.out" "$out/$name.ferry.out" >"$out/$name.qemu.diff"; then
            problem="output differs from qemu-aarch64 (see $out/$name.qemu.diff)"
        fi
    fi
    if [ -n "$problem" ]; then
        echo "FAIL $name: $problem"
        fail=$((fail + 1))
    else
        echo "ok   $name"
        pass=$((pass + 1))
    fi
done
echo "user tests: $pass passed, $fail failed"
# --stats: its own checks and PASS/FAIL lines.
"$(dirname "$0")/stats.sh" "$build" || fail=$((fail + 1))
[ "$fail" -eq 0 ]
