# AC3: cutover catches up while the VM runs, stops it (guest shutdown),
# copies the last delta, runs the converter on the volume's device, then
# marks converted=true; the downtime is reported.
. "$(dirname "$0")/../lib.sh"
lab_start
"$LABCTL" fault --dir "$LABDIR" set shutdown_delay=0.5
"$LABCTL" vm-create --dir "$LABDIR" db01 --disks 64M --fill 25 >/dev/null
vmigrate sync db01 >/dev/null 2>&1 || fail "sync failed"
"$LABCTL" vm-write --dir "$LABDIR" db01 --percent 2 >/dev/null

out=$(vmigrate cutover db01 2>&1) || fail "cutover failed: $out"
assert_contains "$out" "downtime:" "downtime reported"
assert_eq poweredOff "$("$LABCTL" vm-power --dir "$LABDIR" db01)" "VM stopped for cutover"
assert_eq true "$(meta db01 0 converted)" "converted=true"
assert_eq true "$(vol db01 0 bootable)" "boot volume bootable"
# The stand-in converter does not change the disk: the volume still equals it.
assert_volume_matches_disk db01 0
calls=$(wc -l < "$LABDIR/v2v-calls.jsonl")
assert_eq 1 "$calls" "one conversion"
vid=$(vol db01 0 id)
grep -q "virtio-$(echo "$vid" | cut -c1-20)" "$LABDIR/v2v-calls.jsonl" || fail "converter did not get the volume's device"
grep -q '"input_mode": "disk"' "$LABDIR/v2v-calls.jsonl" || fail "one disk: -i disk"
assert_eq 0 "$(nsnapshots db01)" "no snapshot left"
assert_all_detached db01
