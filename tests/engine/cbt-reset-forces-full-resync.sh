# A CBT reset (storage vMotion) or a changeID vSphere no longer knows gives
# a warning and a full resync, never a silent partial copy.
. "$(dirname "$0")/../lib.sh"
lab_start
"$LABCTL" vm-create --dir "$LABDIR" mv01 --disks 64M --fill 20 >/dev/null
vmigrate sync mv01 >/dev/null 2>&1 || fail "sync failed"
"$LABCTL" cbt-reset --dir "$LABDIR" mv01
"$LABCTL" vm-write --dir "$LABDIR" mv01 --percent 5 >/dev/null
out=$(vmigrate sync mv01 2>&1) || fail "sync after reset failed: $out"
assert_contains "$out" "reset" "warning names the CBT reset"
assert_contains "$out" "full" "full copy"
assert_volume_matches_disk mv01 0

# A stored changeID vSphere refuses (same UUID, unknown sequence).
"$LABCTL" vm-write --dir "$LABDIR" mv01 --percent 5 --seed 9 >/dev/null
"$LABCTL" fault --dir "$LABDIR" add vsphere QueryChangedDiskAreas soap-fault --arg InvalidArgument --times 1
out=$(vmigrate sync mv01 2>&1) || fail "sync after refused changeID failed: $out"
assert_contains "$out" "refused the stored changeID" "warning"
assert_volume_matches_disk mv01 0
