# AC1/AC2: the first seeding window of a running VM with CBT creates one
# volume per disk, copies only the allocated areas, records the snapshot's
# changeID after the data, leaves the VM running, and removes its snapshot
# and attachments.
. "$(dirname "$0")/../lib.sh"
lab_start
"$LABCTL" vm-create --dir "$LABDIR" web01 --disks 64M,32M --fill 20 >/dev/null

out=$(vmigrate sync web01 2>&1) || fail "sync failed: $out"
assert_eq 2 "$(nvolumes web01)" "one volume per disk"
for i in 0 1; do
    assert_volume_matches_disk web01 $i
    assert_eq complete "$(meta web01 $i vmigrate_copy_state)" "copy state of disk $i"
    assert_eq true "$(meta web01 $i osm)" "os-migrate marker"
    assert_eq false "$(meta web01 $i converted)" "not converted"
    cid=$(meta web01 $i changeID)
    case "$cid" in *" "*-*/[0-9]*) ;; *) fail "changeID '$cid' is not <uuid>/<seq>" ;; esac
    cap=$(disk_capacity web01 $i)
    bytes=$(meta web01 $i vmigrate_last_bytes)
    [ "$bytes" -gt 0 ] && [ "$bytes" -lt $((cap / 2)) ] ||
        fail "disk $i: copied $bytes of $cap bytes; only the ~20% allocated should be copied"
done
assert_eq 2000 "$(meta web01 0 vmigrate_disk_key)" "disk key recorded"
assert_eq poweredOn "$("$LABCTL" vm-power --dir "$LABDIR" web01)" "VM keeps running"
assert_eq 0 "$(nsnapshots web01)" "snapshot removed"
assert_eq 1 "$(soap_calls CreateSnapshot_Task)" "one snapshot for both disks"
assert_all_detached web01
[ ! -s "$LABDIR/v2v-calls.jsonl" ] || fail "a seeding window must not convert"
