# A guest discard (TRIM/UNMAP) is a change to CBT: the next delta window
# reads the discarded areas as zeroes and zeroes them on the volume.
. "$(dirname "$0")/../lib.sh"
lab_start
"$LABCTL" vm-create --dir "$LABDIR" dd01 --disks 64M --fill 20 >/dev/null
"$LABCTL" vm-write --dir "$LABDIR" dd01 --offset 8M --length 4M >/dev/null
vmigrate sync dd01 >/dev/null 2>&1 || fail "seeding failed"
"$LABCTL" vm-write --dir "$LABDIR" dd01 --discard --offset 8M --length 4M >/dev/null
"$LABCTL" vm-write --dir "$LABDIR" dd01 --discard --percent 10 --seed 5 >/dev/null
out=$(vmigrate sync dd01 2>&1) || fail "delta sync failed: $out"
assert_contains "$out" "delta copy" "a delta window"
assert_volume_matches_disk dd01 0
