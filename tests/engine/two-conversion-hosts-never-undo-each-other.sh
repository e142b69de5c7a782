# Ownership of a VM is cluster-wide and taken before any cleanup: while host
# A runs a window, a run for the same VM on host B gets "in progress on
# conversion host A" (exit 8) and changes nothing (A's vSphere snapshot and
# window survive).  A run A left behind when it was killed is taken over only
# when the operator says so (--take-over).
. "$(dirname "$0")/../lib.sh"
lab_start --conversion-hosts 2
"$LABCTL" vm-create --dir "$LABDIR" th01 --disks 16M --fill 10 >/dev/null
HOST_A=$VMIGRATE_CONVERSION_HOST
# Host B: its own server, devices and lock directory, as on another machine.
on_b() {
    VMIGRATE_CONVERSION_HOST=$VMIGRATE_CONVERSION_HOST_2 VMIGRATE_DEVICE_DIR=$VMIGRATE_DEVICE_DIR_2 \
        VMIGRATE_LOCK_DIR="$LABDIR/locks-b" vmigrate "$@"
}
out=$(vmigrate sync th01 2>&1) || fail "first window on A failed: $out"

# A's window is slow; B tries meanwhile.
"$LABCTL" vm-write --dir "$LABDIR" th01 --percent 5 --seed 2 >/dev/null
"$LABCTL" fault --dir "$LABDIR" add vsphere QueryChangedDiskAreas delay --arg 4 --times 1
vmigrate_bg sync th01 >"$LABDIR/a.log" 2>&1
pid=$!
wait_fault_hit 30 || fail "A's window did not start: $(cat "$LABDIR/a.log")"
windows=$(meta th01 0 vmigrate_windows)
rc=0; out=$(on_b sync th01 2>&1) || rc=$?
assert_eq 8 "$rc" "exit code on host B while A works: $out"
assert_contains "$out" "in progress on conversion host $HOST_A" "B names the host that works"
assert_eq 1 "$(nsnapshots th01)" "A's snapshot survives B's attempt"
wait "$pid" || fail "A's window failed after B's attempt: $(cat "$LABDIR/a.log")"
assert_eq $((windows + 1)) "$(meta th01 0 vmigrate_windows)" "A's window was recorded"
assert_eq "" "$(meta th01 0 vmigrate_owner)" "A's finished run released the VM"
assert_volume_matches_disk th01 0

# A is killed mid-window: its record and attachment stay; B refuses, then
# takes over when told to.
"$LABCTL" vm-write --dir "$LABDIR" th01 --percent 5 --seed 3 >/dev/null
"$LABCTL" fault --dir "$LABDIR" clear
"$LABCTL" fault --dir "$LABDIR" add vsphere QueryChangedDiskAreas delay --arg 30 --times 1
vmigrate_bg sync th01 >"$LABDIR/a2.log" 2>&1
pid=$!
wait_fault_hit 30 || fail "A's second window did not start: $(cat "$LABDIR/a2.log")"
kill -KILL "$pid"; wait "$pid" 2>/dev/null || true
assert_contains "$(meta th01 0 vmigrate_owner)" "host=$HOST_A" "the killed run's owner record"
rc=0; out=$(on_b sync th01 2>&1) || rc=$?
assert_eq 8 "$rc" "exit code on B after A was killed: $out"
assert_contains "$out" "--take-over" "the refusal says how to take over"
assert_eq 1 "$(nsnapshots th01)" "B's refused run left A's snapshot alone"
out=$(on_b sync th01 --take-over 2>&1) || fail "B's take-over failed: $out"
assert_contains "$out" "$HOST_A" "the take-over names the previous host"
assert_eq 0 "$(nsnapshots th01)" "the take-over cleaned A's snapshot"
assert_eq "" "$(meta th01 0 vmigrate_owner)" "B's finished run released the VM"
assert_volume_matches_disk th01 0
assert_all_detached th01
[ -z "$(ls "$VMIGRATE_DEVICE_DIR_2")" ] || fail "device links left on B"
