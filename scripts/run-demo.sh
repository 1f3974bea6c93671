#!/usr/bin/env bash
# `make run`: the demo. Builds tests/guest/demo.c for AArch64 and runs it
# under ferry-user, then, when Debian's arm64 busybox can be had, a few
# busybox commands (uname -a, echo, a shell pipeline).
#   scripts/run-demo.sh BUILD_DIR
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
BUILD_DIR=$(cd "$1" && pwd)
SCRIPTS=$(cd "$(dirname "$0")" && pwd)
FERRY=${FERRY_RUNNER:-$BUILD_DIR/ferry-user}
command -v "$FERRY" > /dev/null || { echo "run-demo: no ferry-user at $FERRY (run make first)" >&2; exit 1; }

"$SCRIPTS/build-guests.sh" "$BUILD_DIR"
echo "\$ ferry-user guest/demo"
"$FERRY" "$BUILD_DIR/guest/demo"

if BUSYBOX=$("$SCRIPTS/fetch-busybox.sh" "$BUILD_DIR" 2> /dev/null); then
    echo
    echo "\$ ferry-user busybox uname -a"
    "$FERRY" "$BUSYBOX" uname -a
    echo "\$ ferry-user busybox echo hello from busybox"
    "$FERRY" "$BUSYBOX" echo hello from busybox
    echo "\$ ferry-user busybox sh -c 'seq 1 10 | awk \"{ s += \\\$1 } END { print s }\"'"
    "$FERRY" "$BUSYBOX" sh -c 'seq 1 10 | awk "{ s += \$1 } END { print s }"'
else
    echo "(arm64 busybox not available: skipped the busybox part)"
fi
