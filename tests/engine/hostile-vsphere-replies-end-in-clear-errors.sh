# vSphere replies are never trusted blindly: a reply without returnval, a VM
# without instanceUuid, a disk whose capacityInKB overflows, a paging token
# that never ends, QueryChangedDiskAreas lengths past the disk or past 2^63 --
# each ends in a clear error and exit 4, never a crash or a hang, and leaves
# no snapshot and no attached volume behind.
. "$(dirname "$0")/../lib.sh"
lab_start
"$LABCTL" fault --dir "$LABDIR" set cbt_page_bytes=1048576 task_step_seconds=0
"$LABCTL" vm-create --dir "$LABDIR" hv01 --disks 16M --fill 20 >/dev/null

# hostile OP MUTATION EXPECTED_MESSAGE [labctl fault add options...]: one
# sync against the mutated reply must fail with exit 4 and the message.
hostile() {
    _op=$1 _mut=$2 _msg=$3
    shift 3
    "$LABCTL" fault --dir "$LABDIR" clear
    "$LABCTL" fault --dir "$LABDIR" add vsphere "$_op" mutate --arg "$_mut" "$@"
    # A bounded run: a hang must fail the test, not block it.
    rc=0; out=$(timeout 120 "$VMIGRATE" --transport local sync hv01 2>&1) || rc=$?
    assert_eq 4 "$rc" "exit code for $_mut on $_op (output: $out)"
    assert_contains "$out" "$_msg" "message for $_mut"
    case "$out" in
        *Sanitizer*|*"runtime error"*) fail "$_mut: sanitizer report: $out" ;;
    esac
    assert_eq 0 "$(nsnapshots hv01)" "no snapshot left after $_mut"
}

hostile CreateContainerView no-returnval "CreateContainerView returned no view"
hostile RetrievePropertiesEx no-returnval "returned nothing for VirtualMachine" --skip 1
hostile RetrievePropertiesEx no-instance-uuid "no instanceUuid"
hostile RetrievePropertiesEx huge-capacity "capacity"
hostile '*' endless-token "pages"
assert_eq 0 "$(nvolumes hv01)" "nothing created before the first copy"

# The first window's queries: the second reply claims 2^63 - 1 bytes from
# offset 1 MiB (the next offset would overflow), or an area past the disk.
hostile QueryChangedDiskAreas huge-length "past the end of the" --skip 1
hostile QueryChangedDiskAreas huge-area "outside the"
assert_all_detached hv01

# Faithful again: the same VM migrates.
"$LABCTL" fault --dir "$LABDIR" clear
vmigrate sync hv01 >/dev/null 2>&1 || fail "sync after the hostile replies failed"
assert_volume_matches_disk hv01 0
