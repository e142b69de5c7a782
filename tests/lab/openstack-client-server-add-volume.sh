# The real openstack CLI attaches a volume to the conversion host: the
# volume goes in-use, virtio-<first 20 chars of its id> appears in the
# host's device directory pointing at a file of the volume's size, and both
# go away on detach.  A second conversion host gets its own device directory.
. "$(dirname "$0")/../lib.sh"
requires openstack
lab_start --conversion-hosts 2
unset OS_CLOUD

vol_status() { openstack volume show "$1" -c status -f value; }
wait_status() { # VOLUME STATUS
    i=0
    while [ "$(vol_status "$1")" != "$2" ]; do
        i=$((i + 1)); [ $i -lt 120 ] || fail "volume $1 never reached $2"; sleep 0.5
    done
}
wait_gone() { # PATH
    i=0
    while [ -e "$1" ] || [ -L "$1" ]; do
        i=$((i + 1)); [ $i -lt 120 ] || fail "$1 still exists"; sleep 0.5
    done
}

# The conversion host as Nova shows it
SHOW=$(openstack server show "$VMIGRATE_CONVERSION_HOST" -f json)
assert_eq "$VMIGRATE_CONVERSION_HOST conv-host-1 ACTIVE" \
    "$(echo "$SHOW" | $PY -c 'import json,sys; d=json.load(sys.stdin); print(d["id"], d["name"], d["status"])')" \
    "server show"

VID=$(openstack volume create --size 2 xfer-disk -c id -f value)
wait_status "$VID" available
LINK="$VMIGRATE_DEVICE_DIR/virtio-$(echo "$VID" | cut -c1-20)"
[ ! -e "$LINK" ] || fail "device link exists before attach"

ADD=$(openstack server add volume "$VMIGRATE_CONVERSION_HOST" "$VID" -f json)
assert_eq "$VID $VMIGRATE_CONVERSION_HOST /dev/vdb" \
    "$(echo "$ADD" | $PY -c 'import json,sys; d=json.load(sys.stdin); print(d["Volume ID"], d["Server ID"], d["Device"])')" \
    "server add volume reply"
wait_status "$VID" in-use
[ -L "$LINK" ] || fail "no device link $LINK after attach"
assert_eq "$LABDIR/volumes/$VID.img" "$(readlink -f "$LINK")" "device link target"
assert_eq 2147483648 "$(stat -L -c %s "$LINK")" "size seen through the device link"

# Cinder and Nova agree on the attachment
ATT=$(openstack volume show "$VID" -c attachments -f json | $PY -c 'import json,sys; a=json.load(sys.stdin)["attachments"]; print(len(a), a[0]["server_id"], a[0]["device"])')
assert_eq "1 $VMIGRATE_CONVERSION_HOST /dev/vdb" "$ATT" "volume attachments"
openstack server show "$VMIGRATE_CONVERSION_HOST" -c volumes_attached -f value | grep -q "$VID" \
    || fail "server does not list the attached volume"

# A volume in use cannot be attached again
if openstack server add volume "$VMIGRATE_CONVERSION_HOST" "$VID" >/dev/null 2>&1; then
    fail "second attach of an in-use volume was accepted"
fi

# Data written through the device reaches the volume
printf 'hello from the conversion host' | dd of="$LINK" bs=512 seek=8 conv=notrunc 2>/dev/null
EXPECT=$(dd if="$LABDIR/volumes/$VID.img" bs=1M count=1 2>/dev/null | sha256sum | cut -d' ' -f1)
assert_eq "$EXPECT" "$("$LABCTL" volume-hash --dir "$LABDIR" "$VID" --bytes 1M)" "volume-hash after write"

openstack server remove volume "$VMIGRATE_CONVERSION_HOST" "$VID"
wait_status "$VID" available
wait_gone "$LINK"
assert_eq 0 "$(openstack volume show "$VID" -c attachments -f json | $PY -c 'import json,sys; print(len(json.load(sys.stdin)["attachments"]))')" "attachments after detach"

# Detaching again is refused (not attached)
if openstack server remove volume "$VMIGRATE_CONVERSION_HOST" "$VID" >/dev/null 2>&1; then
    fail "detach of a volume that is not attached was accepted"
fi

# Second conversion host: its own device directory
[ -n "${VMIGRATE_CONVERSION_HOST_2:-}" ] || fail "lab.env lacks VMIGRATE_CONVERSION_HOST_2"
openstack server add volume "$VMIGRATE_CONVERSION_HOST_2" "$VID" >/dev/null
wait_status "$VID" in-use
[ -L "$VMIGRATE_DEVICE_DIR_2/virtio-$(echo "$VID" | cut -c1-20)" ] || fail "no link on host 2"
[ ! -e "$LINK" ] || fail "link appeared on host 1 for an attach to host 2"
openstack server remove volume "$VMIGRATE_CONVERSION_HOST_2" "$VID"
wait_status "$VID" available
wait_gone "$VMIGRATE_DEVICE_DIR_2/virtio-$(echo "$VID" | cut -c1-20)"
echo "PASS: attach/detach through openstackclient"
