#!/usr/bin/env bash
# `make bench`, system mode: Debian 12's arm64 kernel booting a busybox
# initramfs to its marker and powering off (scripts/fetch-linux.sh), under
# ferry-system and under qemu-system-aarch64 with the same kernel,
# initramfs and options:
#   -M virt -cpu CPU -m 1G -nographic -nic none -kernel vmlinuz -initrd initrd.gz
#   -append 'console=ttyAMA0 panic=-1' -no-reboot
# for -cpu cortex-a53 and -cpu max, alternating, RUNS times (default 3); the
# medians of the wall time from start to exit and the ferry/qemu ratios go to
# BUILD_DIR/bench/system.txt, with ferry-system's --stats for one boot and
# everything `-d unimp` reported during the boots of scripts/linux-boot-test.sh's
# configurations.
#   scripts/bench-system.sh BUILD_DIR
# Environment: RUNS, QEMU_SYSTEM (QEMU_SYSTEM= leaves qemu out), LINUX_TIMEOUT.
set -uo pipefail

[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
BUILD_DIR=$(cd "$1" && pwd) || exit 2
SCRIPTS=$(cd "$(dirname "$0")" && pwd)
FERRY=$BUILD_DIR/ferry-system
QEMU=${QEMU_SYSTEM-$(command -v qemu-system-aarch64 || true)}
RUNS=${RUNS:-3}
TIMEOUT=${LINUX_TIMEOUT:-300}
MARKER=FERRY-LINUX-BOOT-MARKER
OUT=$BUILD_DIR/bench
mkdir -p "$OUT"

die() { echo "bench-system: $*" >&2; exit 1; }
[ -x "$FERRY" ] || die "no ferry-system at $FERRY (build it first)"
LINUX=$("$SCRIPTS/fetch-linux.sh" "$BUILD_DIR") || die "could not fetch the kernel or build the initramfs"
BOOT=(-m 1G -nographic -nic none -kernel "$LINUX/vmlinuz" -initrd "$LINUX/initrd.gz"
      -append 'console=ttyAMA0 panic=-1' -no-reboot)

# boot_seconds LOG EMULATOR ARGS...: wall seconds to exit, or "-" if the boot
# did not reach the marker and exit 0.
boot_seconds() {
    local log=$1 t0 t1 status
    shift
    t0=$(date +%s%N)
    timeout "$TIMEOUT" "$@" < /dev/null > "$log" 2>&1
    status=$?
    t1=$(date +%s%N)
    if [ $status -ne 0 ] || ! grep -q "^$MARKER" "$log"; then
        echo "bench-system: boot failed (status $status, log $log): $*" >&2
        echo -
        return
    fi
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", (b - a) / 1e9 }'
}

median() { grep -v '^-$' | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2fx\n", a / b }'; }

rows=()
for cpu in cortex-a53 max; do
    echo "bench-system: -cpu $cpu"
    tf=() tq=()
    for ((i = 0; i < RUNS; i++)); do
        tf+=("$(boot_seconds "$OUT/system-ferry.log" "$FERRY" -M virt -cpu $cpu "${BOOT[@]}")")
        [ -n "$QEMU" ] && tq+=("$(boot_seconds "$OUT/system-qemu.log" "$QEMU" -M virt -cpu $cpu "${BOOT[@]}")")
    done
    mf=$(printf '%s\n' "${tf[@]}" | median)
    mq=$( [ -n "$QEMU" ] && printf '%s\n' "${tq[@]}" | median || echo -)
    rows+=("$(printf '%-32s %9s %9s %11s   ferry runs: %s' "linux boot, -cpu $cpu" "$mf" "$mq" "$(ratio "$mf" "$mq")" "${tf[*]}")")
done

# -d unimp over every configuration the boot test runs.
unimp_report() {
    local name machine cpu log
    while read -r name machine cpu; do
        log=$OUT/system-unimp-$name.log
        rm -f "$log"
        timeout "$TIMEOUT" "$FERRY" -M "$machine" -cpu "$cpu" "${BOOT[@]}" -d unimp -D "$log" \
            < /dev/null > "$OUT/system-unimp-$name.console" 2>&1
        echo "  -M $machine -cpu $cpu (exit $?):"
        if [ -s "$log" ]; then
            sed 's/ at pc 0x[0-9a-f]*//' "$log" | sort | uniq -c | sort -rn | sed 's/^/    /'
        else
            echo "    (nothing)"
        fi
    done <<'EOF'
cortex-a53 virt cortex-a53
max virt max
gicv3 virt,gic-version=3 cortex-a53
el2 virt,virtualization=on cortex-a53
gicv3-el2 virt,gic-version=3,virtualization=on max
EOF
}

echo "bench-system: --stats and -d unimp"
stats=$("$FERRY" -M virt -cpu cortex-a53 "${BOOT[@]}" --stats < /dev/null 2>&1 > /dev/null)
unimp=$(unimp_report)

{
    echo "Ferry system-mode benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "host: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores; $RUNS runs each, alternating; medians"
    echo "kernel: $(cat "$LINUX/package"); initramfs: busybox-static, /init prints the marker, uname -a, /proc/cpuinfo, /proc/interrupts, powers off"
    echo "options: -M virt -cpu CPU -m 1G -nographic -nic none -kernel vmlinuz -initrd initrd.gz -append 'console=ttyAMA0 panic=-1' -no-reboot"
    echo "ferry: $FERRY"
    echo "qemu:  ${QEMU:-(not installed)} $( [ -n "$QEMU" ] && "$QEMU" --version | head -1)"
    echo
    printf '%-32s %9s %9s %11s\n' "start to power-off (seconds)" ferry qemu ferry/qemu
    printf '%s\n' "${rows[@]}"
    echo
    echo "ferry-system --stats, -cpu cortex-a53 boot:"
    if [ -n "$stats" ]; then printf '%s\n' "$stats" | sed 's/^/  /'; else echo "  (--stats printed nothing)"; fi
    echo
    echo "ferry-system -d unimp during the Linux boots (count, message; pcs left out):"
    printf '%s\n' "$unimp"
} > "$OUT/system.txt"
cat "$OUT/system.txt"
