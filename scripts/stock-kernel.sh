#!/bin/sh
# Locate Debian 12's stock kernel (linux-image-amd64 / linux-headers-amd64).
#   stock-kernel.sh kdir|image|release
set -eu
rel=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sed 's|.*/linux-headers-||' | sort -V | tail -1)
[ -n "$rel" ] || { echo "stock-kernel: install linux-headers-amd64" >&2; exit 1; }
[ -f "/boot/vmlinuz-$rel" ] || { echo "stock-kernel: /boot/vmlinuz-$rel missing (install linux-image-amd64)" >&2; exit 1; }
case ${1:-kdir} in
kdir) echo "/usr/src/linux-headers-$rel" ;;
image) echo "/boot/vmlinuz-$rel" ;;
release) echo "$rel" ;;
*) exit 2 ;;
esac
