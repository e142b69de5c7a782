# Two runs on the same VM at once: the second refuses with a clear message;
# a lock left by a killed run does not block the next one.
. "$(dirname "$0")/../lib.sh"
lab_start
export VMIGRATE_LOCK_DIR="$LABDIR/locks"
"$LABCTL" vm-create --dir "$LABDIR" lk01 --disks 16M --fill 10 >/dev/null
"$LABCTL" fault --dir "$LABDIR" add vsphere QueryChangedDiskAreas delay --arg 8 --times 1
vmigrate_bg sync lk01 >"$LABDIR/first.log" 2>&1
pid=$!
wait_fault_hit 60 || fail "first run did not start copying"
rc=0; out=$(vmigrate sync lk01 2>&1) || rc=$?
assert_eq 8 "$rc" "exit code when locked"
assert_contains "$out" "another vmigrate run (pid $pid)" "message names the holder"
kill -9 $pid; wait $pid 2>/dev/null || true
out=$(vmigrate sync lk01 2>&1) || fail "run after a killed holder failed: $out"
assert_volume_matches_disk lk01 0
assert_eq 0 "$(nsnapshots lk01)" "leftover snapshot cleaned"
assert_all_detached lk01
