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

step "a conversion that fails after changing the disk is reverted"
# The real conversion succeeds, then a --run step of the customization fails:
# the volume must come back exactly as it was before conversion.
printf '#!/bin/sh\necho "vmigrate-test: this step fails on purpose"\nexit 1\n' >"$WORK/refuse.sh"
rc=0
out=$(vmigrate cutover deb12 --log "$WORK/vmigrate.log" --log-dir "$WORK" --v2v-command virt-v2v-in-place \
      --shutdown-timeout 5 --v2v-run "$WORK/refuse.sh" 2>&1) || rc=$?
assert_eq 7 "$rc" "exit code of a failed conversion"
FAILLOG=$(ls -t "$WORK"/vmigrate-v2v-deb12-*.log | head -n1)
assert_contains "$out" "its log is $FAILLOG" "the message names the converter's log"
assert_contains "$out" "reverted" "the message says the volume was reverted"
grep -q "Finishing off" "$FAILLOG" || { tail -n 30 "$FAILLOG" >&2; fail "the real conversion did not run first"; }
assert_eq false "$(meta deb12 0 converted)" "not marked converted"
assert_volume_matches_disk deb12 0
assert_all_detached deb12
assert_eq 0 "$(nsnapshots deb12)" "vSphere snapshots left"
sleep 1   # the next converter log gets its own name (one per second)

step "cutover with the real virt-v2v-in-place"
guest_cutover deb12
assert_eq true "$(meta deb12 0 converted)" "converted=true"
grep -q "converting the guest: virt-v2v-in-place -i disk" "$WORK/vmigrate.log" ||
    fail "one disk is not converted with -i disk: $(grep converting "$WORK/vmigrate.log")"

step "files of the last window on the converted volume"
VOLFILE=$(volume_file deb12 0)
guest_read "$VOLFILE" <<EOF
echo @last
read-lines /root/last-window.txt
echo @keep
read-lines /srv/data/keep.txt
echo @gone
is-file /root/window1.txt
echo @links
glob read-lines /etc/systemd/network/10-vmigrate-*.link
EOF
assert_eq "written in the last window" "$(guest_section last)" "last-window file"
assert_eq "version 2, after window 2" "$(guest_section keep)" "modified file"
assert_eq false "$(guest_section gone)" "the file deleted in the last window is gone"
MAC=$(guest_mac)

step "boot the converted volume (virtio-blk, virtio-net mac $MAC, TCG)"
guest_boot "$MAC" "$VOLFILE"
guest_timings
