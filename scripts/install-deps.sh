#!/bin/sh
# Install everything raftlog's build, tests and demo need on a fresh Debian 12
# (bookworm) machine.  Idempotent and quiet when all is present.
set -eu

pkgs="build-essential bc bison flex libelf-dev libssl-dev dwarves kmod cpio
xz-utils rsync python3 python3-yaml python3-jsonschema python3-prometheus-client git
linux-source-6.12 linux-headers-amd64 linux-image-amd64
qemu-system-x86 busybox-static
clang llvm libclang-rt-14-dev sparse
liburing-dev libmnl-dev
iproute2 nftables fio
dpkg-dev debhelper dh-dkms dkms lintian
systemd groff-base"

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: need root to install:$missing" >&2
	exit 1
fi
echo "install-deps: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >/dev/null
