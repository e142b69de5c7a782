# vSphere tasks are awaited as vSphere clients do: a PropertyFilter on the
# task's info.state and WaitForUpdatesEx, which answers when the state
# changes, so a slow task costs a few calls, not a poll every few
# milliseconds; every filter is destroyed.  A server that refuses filters or
# the wait is polled instead, and the window still completes.
. "$(dirname "$0")/../lib.sh"
lab_start
"$LABCTL" vm-create --dir "$LABDIR" tw01 --disks 32M --fill 10 >/dev/null
vmigrate sync tw01 >/dev/null 2>&1 || fail "first sync failed"
assert_volume_matches_disk tw01 0

# calls METHOD: how many since the last mark.
mark() { _log0=$(wc -l < "$LABDIR/logs/vsphere.log"); }
calls() { tail -n +$((_log0 + 1)) "$LABDIR/logs/vsphere.log" | grep -c "soap $1\$" || true; }

# Nothing changed: two tasks (snapshot create, remove), each through a filter.
mark
vmigrate sync tw01 >/dev/null 2>&1 || fail "zero-change sync failed"
assert_eq 0 "$(meta tw01 0 vmigrate_last_bytes)" "bytes copied by a window with no change"
assert_eq 2 "$(calls CreateFilter)" "filters made for the two tasks"
assert_eq 2 "$(calls DestroyPropertyFilter)" "filters destroyed"
assert_volume_matches_disk tw01 0

# Slow tasks (3 s each): a handful of waits each, and the task's
# properties read once at its end (plus the VM's own reads).
"$LABCTL" fault --dir "$LABDIR" set task_step_seconds=1.5
"$LABCTL" vm-write --dir "$LABDIR" tw01 --percent 3 >/dev/null
mark
vmigrate sync tw01 >/dev/null 2>&1 || fail "sync with slow tasks failed"
assert_volume_matches_disk tw01 0
w=$(calls WaitForUpdatesEx)
[ "$w" -ge 4 ] && [ "$w" -le 8 ] || fail "expected 2-4 WaitForUpdatesEx per 3 s task, got $w for two"
assert_eq 2 "$(calls DestroyPropertyFilter)" "filters destroyed after slow tasks"
"$LABCTL" fault --dir "$LABDIR" set task_step_seconds=0.15

# A server without property filters, then one whose wait fails: polled.
for method in CreateFilter WaitForUpdatesEx; do
    "$LABCTL" fault --dir "$LABDIR" add vsphere "$method" soap-fault --arg MethodNotFound
    "$LABCTL" vm-write --dir "$LABDIR" tw01 --percent 3 >/dev/null
    mark
    out=$(vmigrate -v sync tw01 2>&1) || fail "sync without $method failed: $out"
    assert_volume_matches_disk tw01 0
    assert_contains "$out" "polling it" "tasks polled without $method"
    assert_eq 0 "$(nsnapshots tw01)" "snapshots left without $method"
    "$LABCTL" fault --dir "$LABDIR" clear
done
