# Attaching a volume to the conversion host makes its device appear as
# DEVICE_DIR/virtio-<first 20 chars of the id> (the lab's /dev/disk/by-id),
# the volume is in-use and listed among the server's attachments (how a
# later run finds a killed run's leftovers); detaching removes the device.
. "$(dirname "$0")/../lib.sh"
requires openstack
. "$(dirname "$0")/probe.lib"
lab_start

VID=$("$PROBE" create 1 attach-me)
LINK="$VMIGRATE_DEVICE_DIR/virtio-$(echo "$VID" | cut -c1-20)"
[ ! -e "$LINK" ] || fail "$LINK exists before the attach"

DEV=$("$PROBE" attach "$VMIGRATE_CONVERSION_HOST" "$VID" "$VMIGRATE_DEVICE_DIR")
assert_eq "$LINK" "$DEV" "device path reported by the client"
[ -e "$LINK" ] || fail "$LINK did not appear"
assert_eq "in-use" "$(openstack volume show "$VID" -c status -f value)" "status after attach"
"$PROBE" attachments "$VMIGRATE_CONVERSION_HOST" | grep -q "^$VID /dev/vd" \
    || fail "attachment not listed: $("$PROBE" attachments "$VMIGRATE_CONVERSION_HOST")"

# The device is the volume: bytes written through it land in the volume.
printf 'vmigrate-was-here' | dd of="$LINK" bs=512 seek=8 conv=notrunc status=none
dd if="$LABDIR/volumes/$VID.img" bs=512 skip=8 count=1 status=none | head -c 17 > "$LABDIR/back"
assert_eq "vmigrate-was-here" "$(cat "$LABDIR/back")" "bytes through the device link"

# Attaching an in-use volume again is refused with Nova's reason.
if OUT=$("$PROBE" attach "$VMIGRATE_CONVERSION_HOST" "$VID" 2>&1); then
    fail "second attach succeeded"
fi
assert_contains "$OUT" "HTTP 400" "second attach error"
assert_contains "$OUT" "status must be 'available'" "second attach error"

"$PROBE" detach "$VMIGRATE_CONVERSION_HOST" "$VID" "$VMIGRATE_DEVICE_DIR"
[ ! -e "$LINK" ] && [ ! -L "$LINK" ] || fail "$LINK still there after detach"
assert_eq "available" "$(openstack volume show "$VID" -c status -f value)" "status after detach"
assert_eq "" "$("$PROBE" attachments "$VMIGRATE_CONVERSION_HOST")" "no attachment left"
echo "PASS: attach makes the device appear, detach removes it"
