# AC1: a second seeding window copies only what the guest wrote since the
# first (CBT delta), and the volume again equals the disk.
. "$(dirname "$0")/../lib.sh"
lab_start
"$LABCTL" vm-create --dir "$LABDIR" app01 --disks 128M --fill 30 >/dev/null
vmigrate sync app01 >/dev/null 2>&1 || fail "first sync failed"
first=$(meta app01 0 changeID)
vid=$(vol app01 0 id)

"$LABCTL" vm-write --dir "$LABDIR" app01 --offset 1048576 --length 1048576 >/dev/null
"$LABCTL" vm-write --dir "$LABDIR" app01 --offset 100000000 --length 4096 >/dev/null
out=$(vmigrate sync app01 2>&1) || fail "second sync failed: $out"
assert_contains "$out" "delta" "second window is a delta"
assert_eq "$vid" "$(vol app01 0 id)" "same volume"
assert_eq 1 "$(nvolumes app01)" "no new volume"
# 1 MiB plus one 64 KiB CBT block.
assert_eq $((1048576 + 65536)) "$(meta app01 0 vmigrate_last_bytes)" "bytes of the delta"
second=$(meta app01 0 changeID)
[ "$first" != "$second" ] || fail "changeID did not advance"
assert_eq 2 "$(meta app01 0 vmigrate_windows)" "window count"
assert_volume_matches_disk app01 0
assert_all_detached app01
