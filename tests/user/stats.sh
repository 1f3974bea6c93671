#!/bin/sh
# ferry-user --stats on a small static program: the report has every figure
# the issue asks for, the same instruction count in the JIT and the
# interpreter, and the program's own function names among the hottest blocks.
#   usage: tests/user/stats.sh BUILD_DIR
set -u
build=$(cd "${1:?usage: stats.sh BUILD_DIR}" && pwd)
out="$build/user-tests/stats"
cc=${AARCH64_CC:-aarch64-linux-gnu-gcc}
mkdir -p "$out"
cat >"$out/hot.c" <<'C'
#include <stdio.h>
__attribute__((noinline)) static unsigned long spin(unsigned long n) {
    unsigned long a = 0;
    for (unsigned long i = 0; i < n; ++i) a = a * 31 + i;
    return a;
}
int main(void) { printf("%lu\n", spin(3000000)); return 0; }
C
"$cc" -O1 -static -o "$out/hot" "$out/hot.c" || { echo "FAIL stats: does not compile"; exit 1; }

fail=0
check() {  # check WHAT PATTERN FILE
    grep -q -- "$2" "$3" || { echo "FAIL stats: $1 (no '$2' in $3)"; fail=1; }
}
"$build/ferry-user" --stats "$out/hot" >"$out/jit.out" 2>"$out/jit.err" || { echo "FAIL stats: ferry-user exited $?"; fail=1; }
"$build/ferry-user" --interp --stats "$out/hot" >"$out/interp.out" 2>"$out/interp.err" || { echo "FAIL stats: --interp exited $?"; fail=1; }
for line in "guest instructions executed" "blocks translated .* instructions each), .* host bytes per guest instruction" \
            "time  *translating .* translated code .* helpers.* samples" \
            "block exits  *chained .* indirect-table .* (hit rate .*), dispatcher" \
            "exits by cause .*syscall" "hottest blocks (by time):"; do
    check "report line" "$line" "$out/jit.err"
done
check "a function name among the hottest blocks" " spin[+ ]" "$out/jit.err"
jit=$(grep "guest instructions executed" "$out/jit.err")
interp=$(grep "guest instructions executed" "$out/interp.err")
[ -n "$jit" ] && [ "$jit" = "$interp" ] || { echo "FAIL stats: JIT '$jit' but interpreter '$interp'"; fail=1; }
[ $fail = 0 ] && echo "PASS stats"
exit $fail
