#!/usr/bin/env bash
# Makes Debian's arm64 busybox-static available as BUILD_DIR/arm64-busybox/bin/busybox
# (apt-get download + dpkg -x; cached: a second run downloads nothing) and
# prints its path. Needs the arm64 architecture in dpkg, added here if
# missing (root, or sudo).
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
DEST=$1/arm64-busybox
BUSYBOX=$DEST/bin/busybox
if [ -x "$BUSYBOX" ]; then echo "$BUSYBOX"; exit 0; fi

SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    $SUDO dpkg --add-architecture arm64
    $SUDO apt-get update -qq >&2
fi
download=$(mktemp -d)
trap 'rm -rf "$download"' EXIT
chmod 755 "$download"
if ! (cd "$download" && apt-get download -qq busybox-static:arm64 >&2 2>/dev/null); then
    $SUDO apt-get update -qq >&2      # package lists without arm64 yet
    (cd "$download" && apt-get download -qq busybox-static:arm64 >&2)
fi
mkdir -p "$DEST"
dpkg -x "$download"/busybox-static_*_arm64.deb "$DEST"
[ -x "$BUSYBOX" ] || { echo "fetch-busybox: no bin/busybox in the package" >&2; exit 1; }
echo "$BUSYBOX"
