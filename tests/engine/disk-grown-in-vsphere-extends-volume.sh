# A disk extended in vSphere between windows (which resets its CBT): the
# volume is extended and the whole disk copied again.
. "$(dirname "$0")/../lib.sh"
lab_start
"$LABCTL" vm-create --dir "$LABDIR" gr01 --disks 1G --fill 2 >/dev/null
vmigrate sync gr01 >/dev/null 2>&1 || fail "sync failed"
assert_eq 1 "$(vol gr01 0 size)" "1 GiB volume"
"$LABCTL" vm-resize --dir "$LABDIR" gr01 --size 1536M
"$LABCTL" vm-write --dir "$LABDIR" gr01 --offset 1300M --length 1M >/dev/null
out=$(vmigrate sync gr01 2>&1) || fail "sync after resize failed: $out"
assert_contains "$out" "grew" "warning about the resize"
assert_eq 2 "$(vol gr01 0 size)" "volume extended to 2 GiB"
assert_eq 1610612736 "$(meta gr01 0 vmigrate_capacity)" "capacity recorded"
assert_volume_matches_disk gr01 0
