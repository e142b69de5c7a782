# Every disk of a multi-disk VM is copied from ONE snapshot per window, and
# the converter sees all disks at once (-i libvirtxml).
. "$(dirname "$0")/../lib.sh"
lab_start
"$LABCTL" fault --dir "$LABDIR" set shutdown_delay=0.2
"$LABCTL" vm-create --dir "$LABDIR" db02 --disks 32M,16M,8M --fill 15 >/dev/null
vmigrate sync db02 >/dev/null 2>&1 || fail "sync failed"
assert_eq 1 "$(soap_calls CreateSnapshot_Task)" "one snapshot for three disks"
for i in 0 1 2; do
    "$LABCTL" vm-write --dir "$LABDIR" db02 --disk $i --percent 3 --seed $((i + 10)) >/dev/null
done
vmigrate cutover db02 >/dev/null 2>&1 || fail "cutover failed"
# catch-up + final: two more snapshots, still one per window.
assert_eq 3 "$(soap_calls CreateSnapshot_Task)" "one snapshot per window"
for i in 0 1 2; do
    assert_volume_matches_disk db02 $i
    assert_eq true "$(meta db02 $i converted)" "disk $i converted"
done
assert_eq 1 "$(wc -l < "$LABDIR/v2v-calls.jsonl")" "one conversion for the VM"
$PY - "$LABDIR/v2v-calls.jsonl" <<'PYEOF' || fail "conversion did not get all three disks"
import json, sys
call = json.loads(open(sys.argv[1]).readline())
assert call["input_mode"] == "libvirtxml", call["input_mode"]
assert len(call["devices"]) == 3, call["devices"]
PYEOF
