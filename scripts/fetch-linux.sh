#!/usr/bin/env bash
# Makes a Linux boot for ferry-system available in BUILD_DIR/linux and prints
# that directory:
#   vmlinuz    Debian 12's arm64 kernel: the package linux-image-arm64:arm64
#              depends on (apt-get download + dpkg -x); an uncompressed arm64
#              Image with an EFI stub header
#   initrd.gz  busybox-static:arm64 (scripts/fetch-busybox.sh) and an /init
#              that mounts proc, sys and devtmpfs, prints MARKER, runs
#              `uname -a`, reads /proc/cpuinfo and /proc/interrupts and powers off
#   package    the kernel package's name
# Cached: a second run downloads nothing. Needs the arm64 architecture in
# dpkg (added here if missing, as root or with sudo) and cpio.
#   scripts/fetch-linux.sh BUILD_DIR
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
SCRIPTS=$(cd "$(dirname "$0")" && pwd)
DEST=$(cd "$1" && pwd)/linux
MARKER=FERRY-LINUX-BOOT-MARKER
mkdir -p "$DEST"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"  # apt-get download runs as _apt

die() { echo "fetch-linux: $*" >&2; exit 1; }
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo

# The versioned kernel package behind the linux-image-arm64 metapackage.
kernel_package() {
    apt-cache depends linux-image-arm64:arm64 2>/dev/null |
        sed -n 's/^ *Depends: \(linux-image-[0-9][^:]*-arm64\)\(:arm64\)\{0,1\}$/\1/p' | head -1
}

if [ ! -s "$DEST/vmlinuz" ]; then
    if ! dpkg --print-foreign-architectures | grep -qx arm64; then
        $SUDO dpkg --add-architecture arm64
        $SUDO apt-get update -qq >&2
    fi
    package=$(kernel_package)
    if [ -z "$package" ]; then
        $SUDO apt-get update -qq >&2  # package lists without arm64 yet
        package=$(kernel_package)
    fi
    [ -n "$package" ] || die "cannot resolve the package linux-image-arm64:arm64 depends on"
    (cd "$work" && apt-get download -qq "$package:arm64" >&2) || die "apt-get download $package:arm64 failed"
    dpkg -x "$work"/"${package}"_*_arm64.deb "$work/x"
    cp "$work"/x/boot/vmlinuz-* "$DEST/vmlinuz.part" || die "no boot/vmlinuz-* in $package"
    mv "$DEST/vmlinuz.part" "$DEST/vmlinuz"
    echo "$package" > "$DEST/package"
fi

if [ ! -s "$DEST/initrd.gz" ]; then
    command -v cpio > /dev/null || die "cpio is not installed (apt-get install cpio)"
    busybox=$("$SCRIPTS/fetch-busybox.sh" "$(dirname "$DEST")") || die "could not fetch busybox-static:arm64"
    root=$work/root
    mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev"
    cp "$busybox" "$root/bin/busybox"
    # /dev/console comes from the kernel's built-in initramfs.
    cat > "$root/init" <<EOF
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
echo $MARKER
uname -a
cat /proc/cpuinfo
cat /proc/interrupts
poweroff -f
EOF
    chmod 755 "$root/init"
    (cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet --owner 0:0) | gzip -9 > "$DEST/initrd.gz.part"
    mv "$DEST/initrd.gz.part" "$DEST/initrd.gz"
fi
echo "$DEST"
