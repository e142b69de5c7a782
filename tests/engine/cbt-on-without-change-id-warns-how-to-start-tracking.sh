# CBT on (ctkEnabled) but tracking not started, so vSphere gives the disks
# no changeID: the window says so, naming the disk and the fix, instead of
# copying the whole disk silently as if CBT were off.  Once tracking has
# started (here: the window's snapshot removal is the stun/unstun cycle),
# the next window records a changeID and the one after copies a delta.
. "$(dirname "$0")/../lib.sh"
lab_start
"$LABCTL" fault --dir "$LABDIR" set cbt_start_at_snapshot=0
"$LABCTL" vm-create --dir "$LABDIR" ct01 --disks 16M,8M --fill 10 --cbt pending >/dev/null

out=$(vmigrate sync ct01 2>&1) || fail "first sync failed: $out"
for key in 2000 2001; do
    assert_contains "$out" "disk $key: vSphere reports no changeID although Changed Block Tracking is on" \
        "warning for disk $key"
done
assert_contains "$out" "take and remove a snapshot, or power-cycle the VM, so that tracking starts" "the fix"
assert_contains "$out" "tracking not started" "the window's line says why there is no changeID"
case "$out" in *"CBT off"*) fail "CBT is on, not off: $out" ;; esac
assert_volume_matches_disk ct01 0
assert_volume_matches_disk ct01 1
assert_eq "" "$(meta ct01 0 changeID)" "no changeID recorded"

"$LABCTL" vm-write --dir "$LABDIR" ct01 --percent 5 >/dev/null
out=$(vmigrate sync ct01 2>&1) || fail "second sync failed: $out"
case "$out" in *"reports no changeID"*) fail "warned again after tracking started: $out" ;; esac
[ -n "$(meta ct01 0 changeID)" ] || fail "no changeID recorded once tracking started"
assert_volume_matches_disk ct01 0

"$LABCTL" vm-write --dir "$LABDIR" ct01 --percent 5 --seed 4 >/dev/null
out=$(vmigrate sync ct01 2>&1) || fail "third sync failed: $out"
assert_contains "$out" "delta copy" "deltas once tracking runs"
assert_volume_matches_disk ct01 0
assert_volume_matches_disk ct01 1
