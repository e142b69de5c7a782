# A window whose volume cannot be detached afterwards does not pass for a
# success: exit 5 (OpenStack), a message naming the volume and what happens
# next.  The next run takes the volume back, copies, and detaches it.
. "$(dirname "$0")/../lib.sh"
lab_start
"$LABCTL" vm-create --dir "$LABDIR" fd01 --disks 16M --fill 10 >/dev/null

"$LABCTL" fault --dir "$LABDIR" add openstack 'DELETE .*/os-volume_attachments/.*' http-500 --times 1
rc=0; out=$(vmigrate sync fd01 2>&1) || rc=$?
assert_eq 5 "$rc" "exit code when the detach fails: $out"
vid=$(vol fd01 0 id)
assert_contains "$out" "$vid" "the message names the volume"
assert_contains "$out" "stays attached to this conversion host" "the message says what it means"
assert_eq in-use "$(vol fd01 0 status)" "the volume is really still attached"
assert_eq 0 "$(nsnapshots fd01)" "the window's snapshot was removed all the same"
"$LABCTL" fault --dir "$LABDIR" clear

"$LABCTL" vm-write --dir "$LABDIR" fd01 --percent 5 >/dev/null
out=$(vmigrate sync fd01 2>&1) || fail "the next run did not repair the attachment: $out"
assert_all_detached fd01
assert_volume_matches_disk fd01 0
