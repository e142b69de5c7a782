# AC4: a volume exists and cbtsync=false: error "volume already exists",
# non-zero exit, nothing copied or changed.
. "$(dirname "$0")/../lib.sh"
lab_start
"$LABCTL" vm-create --dir "$LABDIR" web01 --disks 16M --fill 10 >/dev/null
vmigrate sync web01 >/dev/null 2>&1 || fail "sync failed"
before=$(meta web01 0 changeID)
if out=$(vmigrate migrate web01 --cbt-sync=false --cutover=false 2>&1); then
    fail "migrate with cbtsync=false over an existing volume must fail"
fi
assert_contains "$out" "volume already exists" "AC4 message"
rc=0; vmigrate migrate web01 --cbt-sync=false --cutover=true >/dev/null 2>&1 || rc=$?
assert_eq 9 "$rc" "exit code for a refused precondition"
assert_eq "$before" "$(meta web01 0 changeID)" "metadata untouched"
assert_eq 1 "$(soap_calls CreateSnapshot_Task)" "no snapshot taken by the refused runs"
assert_all_detached web01
