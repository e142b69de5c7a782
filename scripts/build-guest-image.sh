#!/bin/sh
# Build a small bootable Debian 12 guest that looks like a VMware guest, from
# Debian packages alone:  scripts/build-guest-image.sh OUT.img
#
# debootstrap (minbase + kernel, GRUB, systemd, open-vm-tools, ifupdown) into
# a directory, then libguestfs lays it onto a 2 GiB raw sparse disk: one MBR
# partition from 1 MiB, ext4, fstab by UUID, GRUB (BIOS) in the MBR.  The network is
# configured for ens192 (VMware's first vmxnet3 NIC) with ifupdown + DHCP;
# the kernel console is ttyS0, so systemd runs a serial getty there and
# /etc/issue shows the address of ens192 ("ens192=\4{ens192}").
# The initramfs is built with MODULES=dep (what makes virt-v2v's rebuild fast).
#
# The result is cached in $VMIGRATE_GUEST_CACHE (default
# /var/cache/vmigrate-guest) under the hash of this script: a rerun copies it
# (older images are removed).
# Needs root, debootstrap, guestfish (libguestfs-tools) and a Debian mirror
# (VMIGRATE_GUEST_MIRROR, default: the one apt uses).
set -eu

OUT=${1:?usage: build-guest-image.sh OUT.img}
SELF=$(readlink -f "$0")
CACHE=${VMIGRATE_GUEST_CACHE:-/var/cache/vmigrate-guest}
KEY=$(sha256sum "$SELF" | cut -c1-16)
IMG="$CACHE/debian12-$KEY.img"
SIZE=${VMIGRATE_GUEST_SIZE:-2G}
SUITE=bookworm

export LIBGUESTFS_BACKEND=${LIBGUESTFS_BACKEND:-direct}
# /dev/kvm on these machines cannot run guests: software emulation.
export LIBGUESTFS_BACKEND_SETTINGS=${LIBGUESTFS_BACKEND_SETTINGS:-force_tcg}

say() { echo "build-guest-image: $*" >&2; }

mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock 9

if [ ! -s "$IMG" ]; then
    for c in debootstrap guestfish; do
        command -v $c >/dev/null || { say "needs $c (scripts/deps.sh installs it)"; exit 1; }
    done
    mirror=${VMIGRATE_GUEST_MIRROR:-}
    if [ -z "$mirror" ]; then
        # The mirror apt uses for Debian itself (deb822 or one-line sources).
        mirror=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
                 sed -n 's/^URIs:[[:space:]]*//p' | tr ' ' '\n' | grep -E '/debian/?$' | head -n1)
        [ -n "$mirror" ] || mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
                 awk '$1=="deb" {for (i=2;i<=NF;i++) if ($i ~ /^https?:/) {print $i; exit}}' |
                 grep -E '/debian/?$' | head -n1)
        mirror=${mirror:-http://deb.debian.org/debian}
    fi
    start=$(date +%s)
    work=$(mktemp -d "${TMPDIR:-/var/tmp}/vmigrate-guest.XXXXXX")
    # (under set -e a failing command in the trap would become the exit status)
    trap 'umount -R "$work/root" 2>/dev/null || true; rm -rf "$work"' EXIT
    root="$work/root"
    say "debootstrap $SUITE from $mirror"
    debootstrap --variant=minbase --arch=amd64 \
        --include=systemd-sysv,udev,kmod,linux-image-amd64,grub-pc,initramfs-tools,ifupdown,isc-dhcp-client,iproute2,open-vm-tools,e2fsprogs \
        "$SUITE" "$root" "$mirror" >"$work/debootstrap.log" 2>&1 ||
        { tail -n 30 "$work/debootstrap.log" >&2; say "debootstrap failed"; exit 1; }

    uuid=$(cat /proc/sys/kernel/random/uuid)
    echo vmguest > "$root/etc/hostname"
    printf '127.0.0.1\tlocalhost\n127.0.1.1\tvmguest\n' > "$root/etc/hosts"
    printf 'UUID=%s\t/\text4\terrors=remount-ro\t0\t1\n' "$uuid" > "$root/etc/fstab"
    cat > "$root/etc/network/interfaces" <<'EOF'
# VMware's first vmxnet3 NIC
auto lo
iface lo inet loopback

allow-hotplug ens192
iface ens192 inet dhcp
EOF
    printf 'Debian GNU/Linux 12 \\n \\l  vmigrate-guest ens192=\\4{ens192}\n\n' > "$root/etc/issue"
    # The root account has no password: a console login works in the test.
    chroot "$root" passwd -d root >/dev/null
    sed -i 's/^MODULES=.*/MODULES=dep/' "$root/etc/initramfs-tools/initramfs.conf"
    cat > "$root/etc/default/grub" <<'EOF'
GRUB_DEFAULT=0
GRUB_TIMEOUT=1
GRUB_DISTRIBUTOR=Debian
GRUB_CMDLINE_LINUX_DEFAULT=""
GRUB_CMDLINE_LINUX="console=tty0 console=ttyS0,115200n8"
GRUB_TERMINAL="console serial"
GRUB_SERIAL_COMMAND="serial --speed=115200 --unit=0"
EOF
    chroot "$root" apt-get clean
    rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/log/*.log
    say "root file system: $(du -sh "$root" | cut -f1)"
    tar -C "$root" --numeric-owner --xattrs -cf "$work/root.tar" .
    rm -rf "$root"

    # One MBR partition from 1 MiB (room for GRUB's core image before it),
    # ext4 with the UUID of fstab, GRUB in the MBR.  grub-install in the
    # appliance has once failed with "cross-disk install" / "embedding is
    # not possible" and passed on the next try: one retry on a fresh disk.
    lay_out() {
        rm -f "$work/disk.img"
        truncate -s "$SIZE" "$work/disk.img"
        guestfish -a "$work/disk.img" >"$work/guestfish.log" 2>&1 <<EOF
run
part-init /dev/sda mbr
part-add /dev/sda p 2048 -1
part-set-bootable /dev/sda 1 true
mke2fs /dev/sda1 fstype:ext4 uuid:$uuid
mount /dev/sda1 /
tar-in $work/root.tar / xattrs:true
command "grub-install --target=i386-pc /dev/sda"
command "update-grub"
umount-all
EOF
    }
    if ! lay_out; then
        tail -n 30 "$work/guestfish.log" >&2
        say "guestfish failed; trying once more"
        lay_out || { tail -n 30 "$work/guestfish.log" >&2; say "guestfish failed"; exit 1; }
    fi
    mv "$work/disk.img" "$IMG.tmp"
    mv "$IMG.tmp" "$IMG"
    # Images of older versions of this script are stale: keep only this one.
    for old in "$CACHE"/debian12-*.img; do
        [ "$old" = "$IMG" ] || rm -f "$old"
    done
    say "built $IMG in $(( $(date +%s) - start )) s"
fi
cp --sparse=always "$IMG" "$OUT"
say "$OUT (cached as $IMG)"
