#!/usr/bin/env bash
# Builds the guest test programs into BUILD_DIR/guest/:
#   tests/guest/*.S -> aarch64-linux-gnu-as + ld (freestanding, static)
#   tests/guest/*.c -> aarch64-linux-gnu-gcc -O2 -static
# With --native, the C programs are also built for the host (gcc -O2) as
# BUILD_DIR/guest/native/<name>, the baseline for benchmarks and a second
# oracle for their output. Rebuilds only what is out of date.
set -euo pipefail

usage() { echo "usage: $0 BUILD_DIR [--native]" >&2; exit 2; }
[ $# -ge 1 ] || usage
BUILD_DIR=$1; shift
NATIVE=0
for arg in "$@"; do
    case $arg in
        --native) NATIVE=1 ;;
        *) usage ;;
    esac
done

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SRC=$ROOT/tests/guest
OUT=$BUILD_DIR/guest
CROSS=${CROSS:-aarch64-linux-gnu-}
ASFLAGS="-g -march=armv8.1-a+crc -I $SRC"
CFLAGS="-O2 -static -Wall -Wextra -Werror"
mkdir -p "$OUT"

# True when $1 is missing or older than any of the remaining files.
stale() {
    local target=$1; shift
    [ -e "$target" ] || return 0
    local f
    for f in "$@"; do [ "$f" -nt "$target" ] && return 0; done
    return 1
}

shopt -s nullglob
for src in "$SRC"/*.S; do
    name=$(basename "$src" .S)
    if stale "$OUT/$name" "$src" "$SRC/common.inc"; then
        ${CROSS}as $ASFLAGS -o "$OUT/$name.o" "$src"
        ${CROSS}ld -static -o "$OUT/$name" "$OUT/$name.o"
        rm -f "$OUT/$name.o"
    fi
done
for src in "$SRC"/*.c; do
    name=$(basename "$src" .c)
    if stale "$OUT/$name" "$src"; then
        ${CROSS}gcc $CFLAGS -o "$OUT/$name" "$src"
    fi
    if [ $NATIVE = 1 ]; then
        mkdir -p "$OUT/native"
        if stale "$OUT/native/$name" "$src"; then
            gcc $CFLAGS -o "$OUT/native/$name" "$src"
        fi
    fi
done
