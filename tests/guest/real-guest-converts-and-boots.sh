# Issue 5, one disk: a real bootable Debian 12 guest is seeded over two
# windows with guest-filesystem changes in between (written with libguestfs
# on the live disk file, recorded for CBT with labctl vm-track), cut over with
# the REAL virt-v2v-in-place (-i disk) on the attached volume, then the
# converted volume boots under qemu (virtio-blk, TCG) to a login prompt, with
# the last window's files in place and ens192 kept by MAC address.
# Skipped only where virt-v2v cannot run (tests/guest-lib.sh says why).
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/guest-lib.sh"

guest_setup
"$LABCTL" vm-create --dir "$LABDIR" deb12 --image "$WORK/guest.img" >/dev/null

step "window 1"
vmigrate sync deb12 >"$WORK/sync1.log" 2>&1 || fail "sync 1 failed: $(cat "$WORK/sync1.log")"
guest_write deb12 "write /root/window1.txt \"written before window 2\"
mkdir-p /srv/data
write /srv/data/keep.txt \"version 1\""
step "window 2"
vmigrate sync deb12 >"$WORK/sync2.log" 2>&1 || fail "sync 2 failed: $(cat "$WORK/sync2.log")"
guest_write deb12 "write /srv/data/keep.txt \"version 2, after window 2\"
write /root/last-window.txt \"written in the last window\"
rm /root/window1.txt"

step "cutover with the real virt-v2v-in-place"
guest_cutover deb12
assert_eq true "$(meta deb12 0 converted)" "converted=true"
grep -q "converting the guest: virt-v2v-in-place -i disk" "$WORK/vmigrate.log" ||
    fail "one disk is not converted with -i disk: $(grep converting "$WORK/vmigrate.log")"

step "files of the last window on the converted volume"
VOLFILE=$(volume_file deb12 0)
assert_eq "written in the last window" "$(virt-cat --format=raw -a "$VOLFILE" /root/last-window.txt)" "last-window file"
assert_eq "version 2, after window 2" "$(virt-cat --format=raw -a "$VOLFILE" /srv/data/keep.txt)" "modified file"
virt-cat --format=raw -a "$VOLFILE" /root/window1.txt >/dev/null 2>&1 && fail "deleted file still there"
MAC=$(guest_mac "$VOLFILE")

step "boot the converted volume (virtio-blk, virtio-net mac $MAC, TCG)"
guest_boot "$MAC" "$VOLFILE"
guest_timings
