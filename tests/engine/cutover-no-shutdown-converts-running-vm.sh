# --no-shutdown: the operator stopped or quiesced the guest by other means;
# the cutover copies the last delta and converts without touching power.
. "$(dirname "$0")/../lib.sh"
lab_start
"$LABCTL" vm-create --dir "$LABDIR" ns01 --disks 16M --fill 10 >/dev/null
vmigrate sync ns01 >/dev/null 2>&1 || fail "sync failed"
"$LABCTL" vm-write --dir "$LABDIR" ns01 --percent 5 >/dev/null
out=$(vmigrate cutover ns01 --no-shutdown 2>&1) || fail "cutover --no-shutdown failed: $out"
assert_eq poweredOn "$("$LABCTL" vm-power --dir "$LABDIR" ns01)" "power untouched"
assert_eq true "$(meta ns01 0 converted)" "converted"
assert_eq 1 "$(wc -l < "$LABDIR/v2v-calls.jsonl")" "converter ran"
assert_volume_matches_disk ns01 0
