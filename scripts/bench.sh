#!/usr/bin/env bash
# `make bench`: user-mode speed of ferry-user against qemu-aarch64 and native.
#
#   scripts/bench.sh BUILD_DIR
#
# Workloads: busybox gzip -9 and sha256sum of a deterministic ~24 MiB text,
# busybox bunzip2 of it, the integer-heavy C programs intmix and vmlz, and
# the FP/SIMD ones: nbody (double precision), neon_kernel (arm_neon.h
# intrinsics; natively the same computation in portable C) and aes_loop (AES
# and PMULL through the ACLE intrinsics; natively AES-NI and PCLMULQDQ).
# Each runs under ferry-user, under qemu-aarch64 and natively (the host's
# amd64 busybox, or the same C program built for the host with gcc -O2),
# alternating, RUNS times (default 3); the table of medians and ratios goes
# to BUILD_DIR/bench/user.txt. Also: start-up time of a static hello, and the
# --stats of ferry-user on one workload.
# Environment: RUNS, FERRY_RUNNER, QEMU (QEMU= to leave it out),
# BENCH_MIB (text size), INTMIX_N, VMLZ_N, NBODY_N, NEON_N, AES_N, HELLO_RUNS.
set -uo pipefail

[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
BUILD_DIR=$(cd "$1" && pwd) || exit 2
SCRIPTS=$(cd "$(dirname "$0")" && pwd)
FERRY=${FERRY_RUNNER:-$BUILD_DIR/ferry-user}
QEMU=${QEMU-$(command -v qemu-aarch64 || true)}
RUNS=${RUNS:-3}
BENCH_MIB=${BENCH_MIB:-24}
INTMIX_N=${INTMIX_N:-40}
VMLZ_N=${VMLZ_N:-10}
NBODY_N=${NBODY_N:-2000000}
NEON_N=${NEON_N:-5000}
AES_N=${AES_N:-3000}
HELLO_RUNS=${HELLO_RUNS:-50}
OUT=$BUILD_DIR/bench
mkdir -p "$OUT"

die() { echo "bench: $*" >&2; exit 1; }
command -v "$FERRY" > /dev/null || die "no ferry-user at $FERRY (build it first)"
HOST_BUSYBOX=$(command -v busybox) || die "no host busybox (apt-get install busybox-static)"
GUEST_BUSYBOX=$("$SCRIPTS/fetch-busybox.sh" "$BUILD_DIR") || die "could not fetch busybox-static:arm64"
"$SCRIPTS/build-guests.sh" "$BUILD_DIR" --native || die "building the guest programs failed"
GUEST=$BUILD_DIR/guest

TEXT=$OUT/text-${BENCH_MIB}M.txt
if [ ! -s "$TEXT" ]; then
    echo "bench: generating $TEXT"
    "$SCRIPTS/gen-text.sh" "$TEXT" $((BENCH_MIB * 1048576)) 42
fi
if [ ! -s "$TEXT.bz2" ]; then
    if command -v bzip2 > /dev/null; then bzip2 -9 -c "$TEXT"; else "$HOST_BUSYBOX" bzip2 -9 -c "$TEXT"; fi > "$TEXT.bz2"
fi

now_ns() { date +%s%N; }

# time_run OUTFILE INFILE CMD...: seconds taken by CMD (stdin INFILE, stdout OUTFILE).
time_run() {
    local out=$1 in=$2; shift 2
    local t0 t1
    t0=$(now_ns)
    "$@" < "$in" > "$out" 2>> "$OUT/stderr.log" || echo "bench: failed: $*" >&2
    t1=$(now_ns)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f\n", (b - a) / 1e9 }'
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2fx\n", a / b }'; }

# bench NAME INFILE FERRY_CMD... -- QEMU_CMD... -- NATIVE_CMD...
rows=()
bench() {
    local name=$1 in=$2; shift 2
    local -a ferry=() qemu=() native=()
    while [ "$1" != -- ]; do ferry+=("$1"); shift; done; shift
    while [ "$1" != -- ]; do qemu+=("$1"); shift; done; shift
    native=("$@")
    local tf=() tq=() tn=() i
    echo "bench: $name"
    for ((i = 0; i < RUNS; i++)); do
        tf+=("$(time_run "$OUT/out.ferry" "$in" "${ferry[@]}")")
        [ -n "$QEMU" ] && tq+=("$(time_run "$OUT/out.qemu" "$in" "${qemu[@]}")")
        tn+=("$(time_run "$OUT/out.native" "$in" "${native[@]}")")
    done
    local mf mq mn note=""
    mf=$(printf '%s\n' "${tf[@]}" | median)
    mq=$( [ -n "$QEMU" ] && printf '%s\n' "${tq[@]}" | median || echo -)
    mn=$(printf '%s\n' "${tn[@]}" | median)
    cmp -s "$OUT/out.ferry" "$OUT/out.native" || note=" (OUTPUT DIFFERS from native)"
    rows+=("$(printf '%-30s %9s %9s %9s %11s %13s%s' "$name" "$mf" "$mq" "$mn" \
        "$(ratio "$mf" "$mq")" "$(ratio "$mf" "$mn")" "$note")")
}

bench "busybox gzip -9 (${BENCH_MIB} MiB)" "$TEXT" \
    "$FERRY" "$GUEST_BUSYBOX" gzip -9 -c -- "$QEMU" "$GUEST_BUSYBOX" gzip -9 -c -- "$HOST_BUSYBOX" gzip -9 -c
bench "busybox sha256sum (${BENCH_MIB} MiB)" "$TEXT" \
    "$FERRY" "$GUEST_BUSYBOX" sha256sum -- "$QEMU" "$GUEST_BUSYBOX" sha256sum -- "$HOST_BUSYBOX" sha256sum
bench "busybox bunzip2 (${BENCH_MIB} MiB)" "$TEXT.bz2" \
    "$FERRY" "$GUEST_BUSYBOX" bunzip2 -c -- "$QEMU" "$GUEST_BUSYBOX" bunzip2 -c -- "$HOST_BUSYBOX" bunzip2 -c
bench "intmix $INTMIX_N (C, -O2)" /dev/null \
    "$FERRY" "$GUEST/intmix" "$INTMIX_N" -- "$QEMU" "$GUEST/intmix" "$INTMIX_N" -- "$GUEST/native/intmix" "$INTMIX_N"
bench "vmlz $VMLZ_N (C, -O2)" /dev/null \
    "$FERRY" "$GUEST/vmlz" "$VMLZ_N" -- "$QEMU" "$GUEST/vmlz" "$VMLZ_N" -- "$GUEST/native/vmlz" "$VMLZ_N"
bench "nbody $NBODY_N (double)" /dev/null \
    "$FERRY" "$GUEST/nbody" "$NBODY_N" -- "$QEMU" "$GUEST/nbody" "$NBODY_N" -- "$GUEST/native/nbody" "$NBODY_N"
bench "neon_kernel $NEON_N (nat.: C)" /dev/null \
    "$FERRY" "$GUEST/neon_kernel" "$NEON_N" -- "$QEMU" "$GUEST/neon_kernel" "$NEON_N" \
    -- "$GUEST/native/neon_kernel" "$NEON_N"
bench "aes_loop $AES_N (nat.: AES-NI)" /dev/null \
    "$FERRY" "$GUEST/aes_loop" "$AES_N" -- "$QEMU" "$GUEST/aes_loop" "$AES_N" -- "$GUEST/native/aes_loop" "$AES_N"

# Start-up: HELLO_RUNS runs of a static hello in a row, per runner, alternating.
startup() {  # startup RUNNER...: milliseconds per run
    local t0 t1 i
    t0=$(now_ns)
    for ((i = 0; i < HELLO_RUNS; i++)); do "$@" > /dev/null; done
    t1=$(now_ns)
    awk -v a="$t0" -v b="$t1" -v n="$HELLO_RUNS" 'BEGIN { printf "%.3f\n", (b - a) / 1e6 / n }'
}
echo "bench: start-up"
sf=() sq=() sn=()
for ((i = 0; i < RUNS; i++)); do
    sf+=("$(startup "$FERRY" "$GUEST/hello")")
    [ -n "$QEMU" ] && sq+=("$(startup "$QEMU" "$GUEST/hello")")
    sn+=("$(startup "$GUEST/native/hello")")
done
msf=$(printf '%s\n' "${sf[@]}" | median)
msq=$( [ -n "$QEMU" ] && printf '%s\n' "${sq[@]}" | median || echo -)
msn=$(printf '%s\n' "${sn[@]}" | median)

geomean() {  # geomean COLUMN_OF_RATIOS...
    printf '%s\n' "$@" | awk '$1 != "-" { sub(/x$/, "", $1); s += log($1); n++ } END { if (n) printf "%.2fx\n", exp(s / n); else print "-" }'
}
fq=() fn=()
for row in "${rows[@]}"; do
    fq+=("$(awk '{ print $(NF - 1) }' <<< "${row%% (OUTPUT*}")")
    fn+=("$(awk '{ print $NF }' <<< "${row%% (OUTPUT*}")")
done

{
    echo "Ferry user-mode benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "host: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores; $RUNS runs each, alternating; medians"
    echo "ferry: $FERRY"
    echo "qemu:  ${QEMU:-(not installed)} $( [ -n "$QEMU" ] && "$QEMU" --version | head -1)"
    echo
    printf '%-30s %9s %9s %9s %11s %13s\n' "workload (seconds)" ferry qemu native ferry/qemu ferry/native
    printf '%s\n' "${rows[@]}"
    printf '%-30s %9s %9s %9s %11s %13s\n' "geometric mean" "" "" "" "$(geomean "${fq[@]}")" "$(geomean "${fn[@]}")"
    echo
    printf '%-30s %9s %9s %9s %11s %13s\n' "static hello start-up (ms)" "$msf" "$msq" "$msn" \
        "$(ratio "$msf" "$msq")" "$(ratio "$msf" "$msn")"
    echo
    echo "ferry-user --stats, busybox gzip -9 (${BENCH_MIB} MiB):"
    "$FERRY" --stats "$GUEST_BUSYBOX" gzip -9 -c < "$TEXT" 2>&1 > /dev/null | sed 's/^/  /'
} > "$OUT/user.txt"
cat "$OUT/user.txt"
