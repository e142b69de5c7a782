#!/bin/sh
# Install every Debian 12 package that vmigrate's build, lab, tests and demo need.
# Idempotent: quiet and quick when everything is already present.
#   deps.sh [--fuzz]    --fuzz: also what make fuzz needs (clang, libFuzzer)
#   deps.sh --bench     also what make bench needs (fio, the write floor)
set -eu

PACKAGES="
build-essential
meson
ninja-build
pkg-config
libcurl4-openssl-dev
libxml2-dev
libjson-c-dev
libyaml-dev
libnbd-dev
libnbd-bin
nbdkit
python3
python3-pyvmomi
python3-openstackclient
procps
coreutils
openssl
ca-certificates
curl
ansible-core
ansible-lint
virt-v2v
libguestfs-tools
qemu-system-x86
qemu-utils
debootstrap
linux-image-amd64
fdisk
"
# The last group is the real converter and what the real-guest tests
# (tests/guest/) need: virt-v2v-in-place, libguestfs (which needs a host
# kernel in /boot: linux-image-amd64), qemu to boot the converted guest and
# debootstrap to build it.  nbdkit (above) is one virt-v2v needs but Debian
# does not pull in.

# make fuzz only: clang and its libFuzzer runtime, which clang merely
# recommends (and we install without recommends).  make check does not
# need them: it replays the corpus with the normal compiler.
if [ "${1:-}" = "--fuzz" ]; then
    PACKAGES="$PACKAGES clang libclang-rt-14-dev"
fi
# make bench only: fio measures the write floor the copies are held to
# (bench/README.md).  nbdcopy (libnbd-bin) and nbdkit are in the list above.
if [ "${1:-}" = "--bench" ]; then
    PACKAGES="$PACKAGES fio"
fi

missing=""
for p in $PACKAGES; do
    # dpkg-query prints "install ok installed" only for fully installed packages.
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing="$missing $p"
    fi
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "deps.sh: missing packages:$missing" >&2
    echo "deps.sh: run as root (or: sudo apt-get install$missing)" >&2
    exit 1
fi

echo "deps.sh: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "deps.sh: done"
