# A first full copy killed with -9 is never mistaken for a complete seed:
# the volume stays "incomplete", the next run removes the dead run's
# snapshot, takes the volume back and copies everything again.
. "$(dirname "$0")/../lib.sh"
lab_start
"$LABCTL" vm-create --dir "$LABDIR" big01 --disks 64M --fill 40 >/dev/null
# Hold the run just before it records the window (after the data copy; the
# first metadata update is the run's owner record).
"$LABCTL" fault --dir "$LABDIR" add openstack 'POST .*/volumes/.*/metadata$' delay --arg 30 --times 1 --skip 1
vmigrate_bg sync big01 >"$LABDIR/run1.log" 2>&1
pid=$!
wait_fault_fired 60 || fail "the run never reached the metadata update"
kill -9 $pid; wait $pid 2>/dev/null || true
assert_eq incomplete "$(meta big01 0 vmigrate_copy_state)" "killed seed is incomplete"
[ -z "$(meta big01 0 changeID)" ] || fail "a changeID was stored for an incomplete copy"
assert_eq 1 "$(nsnapshots big01)" "the killed run left its snapshot"
"$LABCTL" fault --dir "$LABDIR" clear
out=$(vmigrate sync big01 2>&1) || fail "rerun failed: $out"
assert_contains "$out" "left by an earlier vmigrate run" "leftover snapshot removed"
assert_contains "$out" "full" "full copy redone"
assert_eq 1 "$(nvolumes big01)" "same volume reused"
assert_eq complete "$(meta big01 0 vmigrate_copy_state)" "complete after the rerun"
assert_volume_matches_disk big01 0
assert_eq 0 "$(nsnapshots big01)" "no snapshot left"
assert_all_detached big01
