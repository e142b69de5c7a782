# A server that accepts a request and never answers costs at most
# --call-timeout seconds per call, all retries together, and ends the run
# with exit 12 naming the call; the cleanup still runs (no snapshot left, no
# volume attached).  VMIGRATE_CALL_TIMEOUT does the same; bad values are
# usage errors.
. "$(dirname "$0")/../lib.sh"
lab_start
"$LABCTL" fault --dir "$LABDIR" set task_step_seconds=0
"$LABCTL" vm-create --dir "$LABDIR" hs01 --disks 16M --fill 20 >/dev/null

# hung CALL_TIMEOUT EXPECTED_MESSAGE vmigrate-args...: the run must fail
# with exit 12 and the message, within the timeout plus cleanup time.
hung() {
    _limit=$1 _msg=$2
    shift 2
    start=$(date +%s)
    rc=0; out=$(timeout 120 "$VMIGRATE" --transport local "$@" sync hs01 2>&1) || rc=$?
    secs=$(( $(date +%s) - start ))
    assert_eq 12 "$rc" "exit code for a hung server (output: $out)"
    assert_contains "$out" "$_msg" "message"
    assert_contains "$out" "no answer within $_limit s" "message names the limit"
    [ "$secs" -le $((_limit + 20)) ] || fail "took $secs s with a $_limit s call timeout"
    assert_eq 0 "$(nsnapshots hs01)" "no snapshot left"
}

# vSphere hangs in the middle of the first window (a read-only call, retried).
"$LABCTL" fault --dir "$LABDIR" add vsphere QueryChangedDiskAreas hang
hung 3 "QueryChangedDiskAreas" --call-timeout 3
assert_all_detached hs01
"$LABCTL" fault --dir "$LABDIR" clear

# Cinder hangs on the volume listing; the variable sets the limit.
"$LABCTL" fault --dir "$LABDIR" add openstack 'GET .*/volumes/detail$' hang
export VMIGRATE_CALL_TIMEOUT=2
hung 2 "GET "
unset VMIGRATE_CALL_TIMEOUT
"$LABCTL" fault --dir "$LABDIR" clear

# Bad values are refused before anything is contacted.
for v in "" junk 0 -5 86401 99999999999999999999 3s; do
    rc=0; out=$("$VMIGRATE" --transport local --call-timeout "$v" sync hs01 2>&1) || rc=$?
    assert_eq 2 "$rc" "--call-timeout '$v'"
    assert_contains "$out" "--call-timeout" "message for '$v'"
done
rc=0; out=$(VMIGRATE_CALL_TIMEOUT=junk "$VMIGRATE" --transport local sync hs01 2>&1) || rc=$?
assert_eq 2 "$rc" "VMIGRATE_CALL_TIMEOUT=junk"
assert_contains "$out" "VMIGRATE_CALL_TIMEOUT" "message names the variable"
assert_contains "$("$VMIGRATE" --help)" "--call-timeout" "--help lists the option"

# A server that answers in time is unaffected.
vmigrate --call-timeout 30 sync hs01 >/dev/null 2>&1 || fail "sync with --call-timeout 30 failed"
assert_volume_matches_disk hs01 0
