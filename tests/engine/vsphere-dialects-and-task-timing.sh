# vSphere servers differ: another prefix bound to XMLSchema-instance, disks
# with capacityInKB only (older hosts), tasks finished at the first poll or
# slow ones.  A window works against each.
. "$(dirname "$0")/../lib.sh"
lab_start
"$LABCTL" vm-create --dir "$LABDIR" dl01 --disks 32M --fill 10 >/dev/null
"$LABCTL" fault --dir "$LABDIR" set soap_xsi_prefix=ns7 soap_xsd_prefix=ns8 omit_capacity_bytes=1 task_step_seconds=0
out=$(vmigrate sync dl01 2>&1) || fail "sync against another dialect failed: $out"
assert_volume_matches_disk dl01 0
assert_contains "$("$VMIGRATE" inspect dl01 --json)" '"capacity":33554432' "capacity from capacityInKB"
"$LABCTL" fault --dir "$LABDIR" set task_step_seconds=1.5
"$LABCTL" vm-write --dir "$LABDIR" dl01 --percent 3 >/dev/null
out=$(vmigrate sync dl01 2>&1) || fail "sync with slow tasks failed: $out"
assert_volume_matches_disk dl01 0
