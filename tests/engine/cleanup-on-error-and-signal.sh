# Snapshot removed and volumes detached when the run fails, and when it is
# stopped with SIGTERM or SIGINT in the middle of a window.
. "$(dirname "$0")/../lib.sh"
lab_start
"$LABCTL" vm-create --dir "$LABDIR" cl01 --disks 32M --fill 10 >/dev/null

# An error from Cinder while recording the window.
"$LABCTL" fault --dir "$LABDIR" add openstack 'POST .*/volumes/.*/metadata$' http-500 --times 1
rc=0; out=$(vmigrate sync cl01 2>&1) || rc=$?
[ $rc -ne 0 ] || fail "the failing run must exit non-zero"
assert_contains "$out" "500" "message carries the HTTP status"
assert_eq 0 "$(nsnapshots cl01)" "snapshot removed after an error"
assert_all_detached cl01
"$LABCTL" fault --dir "$LABDIR" clear

for sig in TERM INT; do
    "$LABCTL" fault --dir "$LABDIR" add vsphere QueryChangedDiskAreas delay --arg 5 --times 1
    vmigrate_bg sync cl01 >"$LABDIR/run.log" 2>&1
    pid=$!
    wait_fault_hit 60 || fail "run did not reach the changed-areas query"
    kill -$sig $pid
    rc=0; wait $pid || rc=$?
    assert_eq 130 "$rc" "exit code after SIG$sig"
    assert_contains "$(cat "$LABDIR/run.log")" "interrupted" "message says interrupted"
    assert_eq 0 "$(nsnapshots cl01)" "snapshot removed after SIG$sig"
    assert_all_detached cl01
    "$LABCTL" fault --dir "$LABDIR" clear
done
out=$(vmigrate sync cl01 2>&1) || fail "sync after interruptions failed: $out"
assert_volume_matches_disk cl01 0
