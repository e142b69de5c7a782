# QueryChangedDiskAreas is paged to the end of the disk even when chunks in
# the middle have no areas: a write near the end of the disk is copied.
. "$(dirname "$0")/../lib.sh"
lab_start
"$LABCTL" fault --dir "$LABDIR" set cbt_page_bytes=4194304 cbt_page_areas=4
"$LABCTL" vm-create --dir "$LABDIR" pg01 --disks 64M >/dev/null
"$LABCTL" vm-write --dir "$LABDIR" pg01 --offset 0 --length 65536 >/dev/null
vmigrate sync pg01 >/dev/null 2>&1 || fail "sync failed"
# Six scattered blocks early (more than one reply's 4 areas; gaps too wide to
# merge) and one at the end.
for b in 3 6 9 12 15 18; do
    "$LABCTL" vm-write --dir "$LABDIR" pg01 --offset $((b * 65536)) --length 512 >/dev/null
done
"$LABCTL" vm-write --dir "$LABDIR" pg01 --offset $((64 * 1048576 - 65536)) --length 65536 >/dev/null
vmigrate sync pg01 >/dev/null 2>&1 || fail "second sync failed"
assert_eq $((7 * 65536)) "$(meta pg01 0 vmigrate_last_bytes)" "all seven blocks copied"
assert_volume_matches_disk pg01 0
[ "$(soap_calls QueryChangedDiskAreas)" -ge 16 ] || fail "expected paging over 16 chunks"
