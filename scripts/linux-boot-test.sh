#!/usr/bin/env bash
# Boots Debian 12's arm64 kernel with a busybox initramfs (scripts/fetch-linux.sh)
# under ferry-system, as qemu-system-aarch64 would be asked to:
#   ferry-system -M virt -cpu cortex-a53 -m 1G -nographic -kernel vmlinuz \
#       -initrd initrd.gz -append 'console=ttyAMA0 panic=-1' -no-reboot
# and again with -cpu max, with -M virt,gic-version=3 and with
# -M virt,virtualization=on (the kernel starts at EL2). Each boot must print
# the initramfs's marker, a `uname -a` line and the timer in /proc/interrupts,
# and power off with exit status 0 within LINUX_TIMEOUT seconds (default 120).
# Prints one "ok   linux ..." or "FAIL linux ..." line per boot; logs in
# BUILD_DIR/linux/logs.
#   scripts/linux-boot-test.sh BUILD_DIR [--quick]
# --quick: the cortex-a53 boot only.
set -uo pipefail

usage() { echo "usage: $0 BUILD_DIR [--quick]" >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 2 ] || usage
BUILD_DIR=$(cd "$1" 2>/dev/null && pwd) || { echo "linux-boot-test: no build directory $1" >&2; exit 2; }
QUICK=0
case "${2:-}" in
    "") ;;
    --quick) QUICK=1 ;;
    *) usage ;;
esac
SCRIPTS=$(cd "$(dirname "$0")" && pwd)
FERRY=$BUILD_DIR/ferry-system
TIMEOUT=${LINUX_TIMEOUT:-120}
MARKER=FERRY-LINUX-BOOT-MARKER

if [ ! -x "$FERRY" ]; then
    echo "FAIL linux: $FERRY not built"
    exit 1
fi
if ! LINUX=$("$SCRIPTS/fetch-linux.sh" "$BUILD_DIR"); then
    echo "FAIL linux: could not fetch the kernel or build the initramfs (scripts/fetch-linux.sh)"
    exit 1
fi
LOGS=$LINUX/logs
mkdir -p "$LOGS"

failures=0
# boot NAME MACHINE CPU: one boot, judged by its console output and status.
boot() {
    local name=$1 machine=$2 cpu=$3 log=$LOGS/$1.log t0 t1 status problem=""
    t0=$(date +%s%N)
    timeout "$TIMEOUT" "$FERRY" -M "$machine" -cpu "$cpu" -m 1G -nographic -kernel "$LINUX/vmlinuz" \
        -initrd "$LINUX/initrd.gz" -append 'console=ttyAMA0 panic=-1' -no-reboot < /dev/null > "$log" 2>&1
    status=$?
    t1=$(date +%s%N)
    local seconds
    seconds=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
    if [ $status -eq 124 ]; then
        problem="timed out (LINUX_TIMEOUT=$TIMEOUT)"
    elif [ $status -ne 0 ]; then
        problem="exit status $status"
    elif ! grep -q "^$MARKER" "$log"; then
        problem="no marker line"
    elif ! grep -q '^Linux .* aarch64' "$log"; then
        problem="no 'uname -a' line"
    elif ! grep -q 'arch_timer' "$log"; then
        problem="no timer interrupt in /proc/interrupts"
    fi
    if [ -z "$problem" ]; then
        echo "ok   linux $name: -M $machine -cpu $cpu, marker and uname in $seconds s"
    else
        failures=$((failures + 1))
        echo "FAIL linux $name: -M $machine -cpu $cpu: $problem after $seconds s; last lines of $log:"
        tail -5 "$log" | sed 's/^/    /'
    fi
}

boot cortex-a53 virt cortex-a53
if [ $QUICK = 0 ]; then
    boot max virt max
    boot gicv3 virt,gic-version=3 cortex-a53
    boot el2 virt,virtualization=on cortex-a53
    boot gicv3-el2 virt,gic-version=3,virtualization=on max
fi
[ $failures -eq 0 ]
