# converted=true is written last, after the boot volume's bootable flag and
# image metadata and the removal of the recovery snapshots: a cutover that
# fails after a successful conversion leaves converted=false and
# conversion=done, and the rerun finishes the missing steps without copying
# or converting again.  AC5 answers only once every step is done.
. "$(dirname "$0")/../lib.sh"
lab_start
"$LABCTL" fault --dir "$LABDIR" set shutdown_delay=0.2
"$LABCTL" vm-create --dir "$LABDIR" cs01 --disks 16M,8M --fill 10 >/dev/null
out=$(vmigrate sync cs01 2>&1) || fail "seeding window failed: $out"

# os-set_bootable (the first volume action of a cutover) fails.
"$LABCTL" fault --dir "$LABDIR" add openstack 'POST .*/volumes/[^/]+/action$' http-500 --times 20
rc=0; out=$(vmigrate cutover cs01 2>&1) || rc=$?
assert_eq 5 "$rc" "exit code when marking the boot volume fails: $out"
for i in 0 1; do
    assert_eq false "$(meta cs01 $i converted)" "disk $i not converted while a step is missing"
    assert_eq done "$(meta cs01 $i vmigrate_conversion)" "disk $i: the conversion is recorded as done"
done
assert_eq false "$(vol cs01 0 bootable)" "boot volume not bootable yet"
assert_all_detached cs01
snaps=$(soap_calls CreateSnapshot_Task)

"$LABCTL" fault --dir "$LABDIR" clear
out=$(vmigrate sync cs01 2>&1) || fail "the rerun failed: $out"
assert_contains "$out" "finishing it" "the rerun says it finishes the cutover"
assert_eq true "$(vol cs01 0 bootable)" "boot volume bootable after the rerun"
assert_contains "$(vol cs01 0 volume_image_metadata)" "hw_disk_bus" "image metadata set"
for i in 0 1; do
    assert_eq true "$(meta cs01 $i converted)" "disk $i converted after the rerun"
done
assert_eq "$snaps" "$(soap_calls CreateSnapshot_Task)" "no copy window in the rerun"
assert_eq 1 "$(wc -l < "$LABDIR/v2v-calls.jsonl")" "no second conversion"
assert_eq 0 "$(ncinder_snapshots cs01)" "recovery snapshots left"
assert_all_detached cs01
out=$(vmigrate cutover cs01 2>&1) || fail "AC5 run failed: $out"
assert_contains "$out" "Volume already converted" "AC5 once every step is done"
