# A full copy onto a volume that already holds data (after a CBT reset, a
# refused changeID, a grown disk) zeroes what the source no longer
# allocates: areas the guest discarded (TRIM/UNMAP) must not keep the
# volume's old bytes.  "*" lists allocated areas only, so this is caught
# only if the rest of the volume is zeroed.
. "$(dirname "$0")/../lib.sh"
lab_start
"$LABCTL" vm-create --dir "$LABDIR" zc01 --disks 64M --fill 20 >/dev/null
"$LABCTL" vm-write --dir "$LABDIR" zc01 --offset 8M --length 4M >/dev/null
vmigrate sync zc01 >/dev/null 2>&1 || fail "seeding failed"
assert_volume_matches_disk zc01 0

# CBT reset after the guest discarded a range the volume holds.
"$LABCTL" vm-write --dir "$LABDIR" zc01 --discard --offset 8M --length 4M >/dev/null
"$LABCTL" vm-write --dir "$LABDIR" zc01 --discard --percent 10 --seed 5 >/dev/null
"$LABCTL" cbt-reset --dir "$LABDIR" zc01
out=$(vmigrate sync zc01 2>&1) || fail "sync after reset failed: $out"
assert_contains "$out" "full copy" "full copy after the reset"
assert_volume_matches_disk zc01 0
assert_contains "$out" "rest of the volume zeroed" "the used volume is zeroed outside the data"

# A changeID vSphere refuses: the same, by the other way into a full copy.
"$LABCTL" vm-write --dir "$LABDIR" zc01 --offset 30M --length 2M --seed 6 >/dev/null
vmigrate sync zc01 >/dev/null 2>&1 || fail "delta sync failed"
"$LABCTL" vm-write --dir "$LABDIR" zc01 --discard --offset 30M --length 2M >/dev/null
"$LABCTL" fault --dir "$LABDIR" add vsphere QueryChangedDiskAreas soap-fault --arg InvalidArgument --times 1
out=$(vmigrate sync zc01 2>&1) || fail "sync after a refused changeID failed: $out"
assert_contains "$out" "refused the stored changeID" "warning"
assert_volume_matches_disk zc01 0

# A grown disk (vSphere resets its CBT) after a discard.
"$LABCTL" vm-write --dir "$LABDIR" zc01 --offset 40M --length 1M --seed 7 >/dev/null
vmigrate sync zc01 >/dev/null 2>&1 || fail "delta sync failed"
"$LABCTL" vm-write --dir "$LABDIR" zc01 --discard --offset 40M --length 1M >/dev/null
"$LABCTL" vm-resize --dir "$LABDIR" zc01 --size 96M
out=$(vmigrate sync zc01 2>&1) || fail "sync after the resize failed: $out"
assert_contains "$out" "full copy" "full copy after the resize"
assert_volume_matches_disk zc01 0
