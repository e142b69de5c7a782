# Issue 5, several disks: the Debian 12 guest gets a second disk holding an
# ext4 file system mounted at /data by UUID (a real guest's data disk).  Both
# disks are seeded over two windows with changes on both in between; the
# cutover converts them together with the REAL virt-v2v-in-place
# -i libvirtxml (one guest description naming both volumes); the two
# converted volumes boot under qemu (two virtio-blk disks, TCG): the login
# prompt needs /data mounted (no "nofail"), and a boot-time unit prints the
# data disk's last-window file on the serial console.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/guest-lib.sh"

guest_setup
"$LABCTL" vm-create --dir "$LABDIR" deb12x2 --image "$WORK/guest.img" --disks 2G,256M >/dev/null

# The data disk, as the guest's administrator set it up: one partition, ext4,
# an fstab line by UUID, and a unit that shows the data at boot.
DATA_UUID=$(cat /proc/sys/kernel/random/uuid)
cat >"$WORK/data-check.service" <<'UNIT'
[Unit]
Description=Show the data disk's marker on the serial console
After=local-fs.target
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'echo "vmigrate-data: $$(cat /data/keep.txt)" > /dev/ttyS0'
[Install]
WantedBy=multi-user.target
UNIT
guest_write deb12x2 "part-disk /dev/sdb mbr
mkfs ext4 /dev/sdb1
set-uuid /dev/sdb1 $DATA_UUID
mkdir-p /data
write-append /etc/fstab \"UUID=$DATA_UUID /data ext4 defaults 0 2\\n\"
upload $WORK/data-check.service /etc/systemd/system/vmigrate-data-check.service
ln-sf /etc/systemd/system/vmigrate-data-check.service /etc/systemd/system/multi-user.target.wants/vmigrate-data-check.service"

step "window 1"
vmigrate sync deb12x2 >"$WORK/sync1.log" 2>&1 || fail "sync 1 failed: $(cat "$WORK/sync1.log")"
guest_write deb12x2 "write /data/keep.txt \"version 1\"
write /data/window1.txt \"written before window 2\"
write /root/window1.txt \"written before window 2\""
step "window 2"
vmigrate sync deb12x2 >"$WORK/sync2.log" 2>&1 || fail "sync 2 failed: $(cat "$WORK/sync2.log")"
guest_write deb12x2 "write /data/keep.txt \"version 2, after window 2\"
write /data/last-window.txt \"data written in the last window\"
rm /data/window1.txt
write /root/last-window.txt \"written in the last window\""

step "cutover of both disks with the real virt-v2v-in-place -i libvirtxml"
guest_cutover deb12x2
assert_eq true "$(meta deb12x2 0 converted)" "converted=true on the boot disk's volume"
assert_eq true "$(meta deb12x2 1 converted)" "converted=true on the data disk's volume"
grep -q "converting the guest: virt-v2v-in-place -i libvirtxml" "$WORK/vmigrate.log" ||
    fail "two disks are not converted with -i libvirtxml: $(grep converting "$WORK/vmigrate.log")"

step "files of the last window on both converted volumes"
V0=$(volume_file deb12x2 0)
V1=$(volume_file deb12x2 1)
guest_read "$V0" "$V1" <<EOF
echo @mounts
mountpoints
echo @last
read-lines /root/last-window.txt
echo @keep
read-lines /data/keep.txt
echo @datalast
read-lines /data/last-window.txt
echo @gone
is-file /data/window1.txt
echo @links
glob read-lines /etc/systemd/network/10-vmigrate-*.link
EOF
# The data disk holds its own file system, mounted at /data.
assert_contains "$(guest_section mounts)" "/dev/sdb1: /data" "the data disk's file system"
assert_eq "written in the last window" "$(guest_section last)" "boot disk, last-window file"
assert_eq "version 2, after window 2" "$(guest_section keep)" "data disk, modified file"
assert_eq "data written in the last window" "$(guest_section datalast)" "data disk, last-window file"
assert_eq false "$(guest_section gone)" "data disk: the file deleted in the last window is gone"
MAC=$(guest_mac)

step "boot both converted volumes (two virtio-blk disks, virtio-net mac $MAC, TCG)"
guest_boot "$MAC" "$V0" "$V1"
n=0
while ! grep -q "vmigrate-data: version 2, after window 2" "$SERIAL" && [ $n -lt 30 ]; do sleep 2; n=$((n + 1)); done
grep -q "vmigrate-data: version 2, after window 2" "$SERIAL" ||
    { tail -n 30 "$SERIAL" >&2; fail "the booted guest did not read its data disk"; }
guest_timings
