# AC5: converted=true on the volume: "Volume already converted", exit 0,
# no copy, no conversion, no snapshot (a repeated cutover is idempotent).
. "$(dirname "$0")/../lib.sh"
lab_start
"$LABCTL" fault --dir "$LABDIR" set shutdown_delay=0.2
"$LABCTL" vm-create --dir "$LABDIR" web01 --disks 16M --fill 10 >/dev/null
vmigrate cutover web01 >/dev/null 2>&1 || fail "cutover failed"
snaps=$(soap_calls CreateSnapshot_Task)
out=$(vmigrate cutover web01 2>&1) || fail "repeated cutover must succeed: $out"
assert_contains "$out" "Volume already converted" "AC5 message"
out=$(vmigrate sync web01 2>&1) || fail "sync after conversion must succeed: $out"
assert_contains "$out" "Volume already converted" "AC5 message for sync"
assert_eq "$snaps" "$(soap_calls CreateSnapshot_Task)" "no new snapshot"
assert_eq 1 "$(wc -l < "$LABDIR/v2v-calls.jsonl")" "no second conversion"
