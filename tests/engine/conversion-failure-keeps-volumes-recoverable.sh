# A failed conversion does not cost a re-seed: the volumes are reverted to
# their state before conversion, the message says where the converter's log
# is, converted stays false, and running the cutover again succeeds.
. "$(dirname "$0")/../lib.sh"
lab_start; [ -n "${KEEP:-}" ] && echo "LABDIR=$LABDIR" >&2
"$LABCTL" fault --dir "$LABDIR" set shutdown_delay=0.2
"$LABCTL" vm-create --dir "$LABDIR" app02 --disks 32M --fill 20 >/dev/null
vmigrate sync app02 >/dev/null 2>&1 || fail "sync failed"
"$LABCTL" fault --dir "$LABDIR" add v2v convert corrupt --times 1
rc=0; out=$(vmigrate cutover app02 --log-dir "$LABDIR/logs/v2v" 2>&1) || rc=$?
assert_eq 7 "$rc" "exit code of a failed conversion"
assert_contains "$out" "log" "message names the converter log"
log=$(ls "$LABDIR"/logs/v2v/vmigrate-v2v-app02-*.log 2>/dev/null | head -n1)
[ -n "$log" ] || fail "no converter log in --log-dir"
assert_eq 700 "$(stat -c %a "$LABDIR/logs/v2v")" "mode of the converter's log directory"
assert_contains "$out" "$log" "message names the converter log path"
assert_eq false "$(meta app02 0 converted)" "not marked converted"
# The corrupting converter scribbled on the volume; the revert undid it.
assert_volume_matches_disk app02 0
assert_all_detached app02
assert_eq "" "$(meta app02 0 vmigrate_conversion)" "conversion mark cleared after the revert"
assert_eq 0 "$(ncinder_snapshots app02)" "recovery snapshots left"
out=$(vmigrate cutover app02 2>&1) || fail "second cutover failed: $out"
assert_eq true "$(meta app02 0 converted)" "converted on retry"
assert_eq 2 "$(wc -l < "$LABDIR/v2v-calls.jsonl")" "converter ran twice"
