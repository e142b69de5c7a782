# Issue 5: a real bootable Debian 12 guest (scripts/build-guest-image.sh) is
# seeded over two windows with guest-filesystem changes in between (written
# with libguestfs on the live disk file, recorded for CBT with labctl
# vm-track), cut over with the REAL virt-v2v-in-place on the attached
# volume's device, then the converted volume boots under qemu (virtio-blk,
# TCG) to a login prompt, with the last window's files in place and ens192
# kept by MAC address.  Its own timeout: VMIGRATE_GUEST_TIMEOUT (default
# 1500 s; an image build on a cold cache takes most of it).
. "$(dirname "$0")/../lib.sh"

# Work in progress (issue 5): it passes end to end (about 6 min with a cached
# image, 7 more for a cold image build), but a cold build takes longer than
# tests/run allows and the multi-disk path is not covered yet, so it runs only
# on request:
#   scripts/deps.sh --guest && VMIGRATE_GUEST_TEST=1 tests/run build guest
[ "${VMIGRATE_GUEST_TEST:-}" = 1 ] || { echo "SKIP: real-guest conversion is opt-in for now (VMIGRATE_GUEST_TEST=1 after scripts/deps.sh --guest)"; exit 77; }

for c in virt-v2v-in-place guestfish virt-cat qemu-system-x86_64; do
    command -v $c >/dev/null 2>&1 || { echo "SKIP: virt-v2v cannot run here: no $c (scripts/deps.sh installs it)"; exit 77; }
done
ls /boot/vmlinuz-* >/dev/null 2>&1 || { echo "SKIP: virt-v2v cannot run here: libguestfs needs a host kernel in /boot (linux-image-amd64)"; exit 77; }
[ "$(id -u)" -eq 0 ] || { echo "SKIP: virt-v2v cannot run here: needs root (host kernel, debootstrap)"; exit 77; }

export LIBGUESTFS_BACKEND=direct
export LIBGUESTFS_BACKEND_SETTINGS=force_tcg   # /dev/kvm cannot run guests here

# The test's own timeout: a watchdog kills the whole test.
T0=$(date +%s)
LIMIT=${VMIGRATE_GUEST_TIMEOUT:-1500}
( sleep "$LIMIT"; echo "FAIL: timeout after $LIMIT s" >&2; kill -TERM $$ ) &
WATCHDOG=$!
cleanup "kill $WATCHDOG 2>/dev/null"
step() { echo "[$(( $(date +%s) - T0 )) s] $*"; }

lab_start
WORK=$(mktemp -d "${TMPDIR:-/var/tmp}/vmigrate-guest-test.XXXXXX")
cleanup "rm -rf '$WORK'"

step "guest image"
t=$(date +%s)
"$TOP/scripts/build-guest-image.sh" "$WORK/guest.img" || fail "cannot build the guest image"
T_IMAGE=$(( $(date +%s) - t ))

"$LABCTL" vm-create --dir "$LABDIR" deb12 --image "$WORK/guest.img" >/dev/null
DISK="$VMIGRATE_LOCAL_DATASTORE/datastore1/deb12/deb12.vmdk"
[ -f "$DISK" ] || fail "no disk file $DISK"

# guest_write "guestfish commands": the guest writes its file system (the
# disk file itself), then the blocks that changed are recorded for CBT.
guest_write() {
    cp --sparse=always "$DISK" "$WORK/before.img"
    printf '%s\n' "$1" | guestfish --rw -a "$DISK" -i >/dev/null || fail "guestfish write failed"
    "$LABCTL" vm-track --dir "$LABDIR" deb12 --from-diff "$WORK/before.img" >/dev/null ||
        fail "labctl vm-track failed"
    rm -f "$WORK/before.img"
}

step "window 1"
vmigrate sync deb12 >"$WORK/sync1.log" 2>&1 || fail "sync 1 failed: $(cat "$WORK/sync1.log")"
guest_write "write /root/window1.txt \"written before window 2\"
mkdir-p /srv/data
write /srv/data/keep.txt \"version 1\""
step "window 2"
vmigrate sync deb12 >"$WORK/sync2.log" 2>&1 || fail "sync 2 failed: $(cat "$WORK/sync2.log")"
guest_write "write /srv/data/keep.txt \"version 2, after window 2\"
write /root/last-window.txt \"written in the last window\"
rm /root/window1.txt"

step "cutover with the real virt-v2v-in-place"
t=$(date +%s)
out=$(vmigrate cutover deb12 --log "$WORK/vmigrate.log" --v2v-command virt-v2v-in-place \
      --shutdown-timeout 5 2>&1) || {
    cat "$WORK"/vmigrate-v2v-*.log 2>/dev/null | tail -n 40 >&2
    fail "cutover failed: $out"
}
T_CONVERT=$(( $(date +%s) - t ))
assert_contains "$out" "downtime:" "downtime reported"
assert_eq true "$(meta deb12 0 converted)" "converted=true"
ls "$WORK"/vmigrate-v2v-deb12-*.log >/dev/null 2>&1 || fail "no converter log next to vmigrate's"
V2VLOG=$(ls "$WORK"/vmigrate-v2v-deb12-*.log | head -n1)
grep -q "Finishing off" "$V2VLOG" || { tail -n 40 "$V2VLOG" >&2; fail "virt-v2v did not finish: $V2VLOG"; }
grep -q "Running: .*vmigrate-nic-names" "$V2VLOG" || { tail -n 40 "$V2VLOG" >&2; fail "the NIC-name step did not run: $V2VLOG"; }

# The converted volume is a file in the lab's Cinder.
VID=$(vol deb12 0 id)
VOLFILE=$(find "$LABDIR" -name "$VID.img" -type f | head -n1)
[ -f "$VOLFILE" ] || fail "no volume file for $VID"

step "files of the last window on the converted volume"
assert_eq "written in the last window" "$(virt-cat --format=raw -a "$VOLFILE" /root/last-window.txt)" "last-window file"
assert_eq "version 2, after window 2" "$(virt-cat --format=raw -a "$VOLFILE" /srv/data/keep.txt)" "modified file"
virt-cat --format=raw -a "$VOLFILE" /root/window1.txt >/dev/null 2>&1 && fail "deleted file still there"
links=$(guestfish --ro --format=raw -a "$VOLFILE" -i glob cat '/etc/systemd/network/10-vmigrate-*.link')
assert_contains "$links" "Name=ens192" "ens192 pinned by MAC"
MAC=$(printf '%s\n' "$links" | sed -n 's/^MACAddress=//p' | head -n1)
[ -n "$MAC" ] || fail "no MAC in the .link file"

step "boot the converted volume (virtio-blk, virtio-net mac $MAC, TCG)"
t=$(date +%s)
SERIAL="$WORK/serial.log"
qemu-system-x86_64 -accel tcg -m 1024 -smp 2 -display none -no-reboot \
    -drive file="$VOLFILE",format=raw,if=virtio \
    -nic user,model=virtio-net-pci,mac="$MAC" \
    -serial file:"$SERIAL" -monitor none -pidfile "$WORK/qemu.pid" -daemonize ||
    fail "qemu did not start"
cleanup "kill \$(cat '$WORK/qemu.pid' 2>/dev/null) 2>/dev/null"
booted=""
while [ $(( $(date +%s) - t )) -lt 600 ]; do
    if grep -q "login:" "$SERIAL" 2>/dev/null; then booted=yes; break; fi
    sleep 2
done
[ -n "$booted" ] || { tail -n 40 "$SERIAL" >&2; fail "no login prompt on the serial console"; }
T_BOOT=$(( $(date +%s) - t ))
# /etc/issue shows ens192's address: the name survived virtio (agetty
# re-prints it when the address comes).
n=0
while ! grep -q "ens192=10\.0\.2\." "$SERIAL" && [ $n -lt 60 ]; do sleep 2; n=$((n + 1)); done
grep -q "ens192=10\.0\.2\." "$SERIAL" || { tail -n 20 "$SERIAL" >&2; fail "ens192 has no address after boot"; }

echo "timings: image ${T_IMAGE}s, conversion (cutover) ${T_CONVERT}s, boot to login ${T_BOOT}s, total $(( $(date +%s) - T0 ))s"
