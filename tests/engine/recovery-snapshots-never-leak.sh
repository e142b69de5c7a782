# The Cinder recovery snapshots of a cutover never outlive it: one a killed
# run left (still "creating" when the rerun comes, and never recorded on the
# volume) is found by name, waited for and deleted; a failed delete (HTTP
# 500) is an error, not a warning, and the next run deletes it.
. "$(dirname "$0")/../lib.sh"
lab_start
"$LABCTL" fault --dir "$LABDIR" set shutdown_delay=0.2
"$LABCTL" vm-create --dir "$LABDIR" rs01 --disks 16M --fill 10 >/dev/null
out=$(vmigrate sync rs01 2>&1) || fail "seeding window failed: $out"

# Killed while Cinder still makes the snapshot.
"$LABCTL" fault --dir "$LABDIR" set status_delay=3
vmigrate_bg cutover rs01 >"$LABDIR/run1.log" 2>&1
pid=$!
n=300; while ! "$LABCTL" snapshots --dir "$LABDIR" --vm rs01 | grep -q '"creating"'; do
    [ $n -gt 0 ] || fail "no recovery snapshot was started: $(cat "$LABDIR/run1.log")"
    sleep 0.1; n=$((n - 1))
done
kill -KILL "$pid"; wait "$pid" 2>/dev/null || true
assert_eq 1 "$(ncinder_snapshots rs01)" "test setup: the killed run left its snapshot"
"$LABCTL" fault --dir "$LABDIR" set status_delay=0.3
out=$(vmigrate sync rs01 2>&1) || fail "the rerun failed: $out"
assert_eq 0 "$(ncinder_snapshots rs01)" "the stale recovery snapshot was deleted"
assert_all_detached rs01

# The delete fails: the cutover reports it and stays unconverted.
"$LABCTL" fault --dir "$LABDIR" add openstack 'DELETE .*/snapshots/[^/]+$' http-500 --times 20
rc=0; out=$(vmigrate cutover rs01 2>&1) || rc=$?
assert_eq 5 "$rc" "exit code of a failed snapshot delete: $out"
assert_contains "$out" "next run deletes it" "the message says the next run repairs it"
assert_eq false "$(meta rs01 0 converted)" "not converted while a recovery snapshot is left"
assert_eq 1 "$(ncinder_snapshots rs01)" "test setup: the snapshot is still there"
"$LABCTL" fault --dir "$LABDIR" clear
out=$(vmigrate cutover rs01 2>&1) || fail "the cutover rerun failed: $out"
assert_eq 0 "$(ncinder_snapshots rs01)" "the rerun deleted the recovery snapshot"
assert_eq true "$(meta rs01 0 converted)" "converted after the rerun"
assert_eq 1 "$(wc -l < "$LABDIR/v2v-calls.jsonl")" "converted once"
assert_all_detached rs01
