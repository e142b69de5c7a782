# Changed-area planning follows what is allocated or written, not the disk
# size: a window over a 1 TiB disk with little on it reads the whole map in
# one QueryChangedDiskAreas reply (vCenter answers up to 2000 areas a reply,
# however much disk they span), pages by areas when there are more, and the
# volume ends up byte-identical with the disk.
. "$(dirname "$0")/../lib.sh"
lab_start
"$LABCTL" fault --dir "$LABDIR" set quota_gigabytes=-1 task_step_seconds=0
"$LABCTL" vm-create --dir "$LABDIR" tb01 --disks 1T --fill 0.004 >/dev/null
cap=$(disk_capacity tb01 0)
assert_eq $((1 << 40)) "$cap" "disk capacity"

vmigrate sync tb01 >/dev/null 2>&1 || fail "first sync failed"
assert_eq 1 "$(soap_calls QueryChangedDiskAreas)" "QueryChangedDiskAreas calls of the first window"
assert_volume_holds_disk tb01 0

# Writes at the start, in the middle and in the last block of the disk.
"$LABCTL" vm-write --dir "$LABDIR" tb01 --offset 0 --length 65536 >/dev/null
"$LABCTL" vm-write --dir "$LABDIR" tb01 --offset $((cap / 2 + 65536 * 7)) --length 131072 >/dev/null
"$LABCTL" vm-write --dir "$LABDIR" tb01 --offset $((cap - 65536)) --length 65536 >/dev/null
vmigrate sync tb01 >/dev/null 2>&1 || fail "second sync failed"
assert_eq 2 "$(soap_calls QueryChangedDiskAreas)" "QueryChangedDiskAreas calls after the second window"
assert_eq $((4 * 65536)) "$(meta tb01 0 vmigrate_last_bytes)" "bytes of the delta"
assert_volume_holds_disk tb01 0

# More areas than one reply carries: each reply ends where its last area
# ends and the next continues there, whatever lies between.
"$LABCTL" fault --dir "$LABDIR" set cbt_page_areas=2
for i in 1 2 3 4 5; do
    "$LABCTL" vm-write --dir "$LABDIR" tb01 --offset $((cap / 6 * i / 65536 * 65536)) --length 512 >/dev/null
done
vmigrate sync tb01 >/dev/null 2>&1 || fail "third sync failed"
assert_eq 5 "$(soap_calls QueryChangedDiskAreas)" "QueryChangedDiskAreas calls after the third window (2 + 3)"
assert_eq $((5 * 65536)) "$(meta tb01 0 vmigrate_last_bytes)" "bytes of the third delta"
assert_volume_holds_disk tb01 0
