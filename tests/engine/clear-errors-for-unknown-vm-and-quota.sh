# Bad input gets a clear message naming the problem and the fix, a stable
# non-zero exit, and leaves nothing behind: unknown VM, ambiguous name,
# exceeded quota, missing settings, bad flags.
. "$(dirname "$0")/../lib.sh"
lab_start
"$LABCTL" vm-create --dir "$LABDIR" q01 --disks 16M --fill 10 >/dev/null
"$LABCTL" vm-create --dir "$LABDIR" twin --disks 16M >/dev/null
"$LABCTL" vm-create --dir "$LABDIR" twin --folder other --disks 16M >/dev/null 2>&1 || true

rc=0; out=$(vmigrate sync nosuchvm 2>&1) || rc=$?
assert_eq 4 "$rc" "exit code for an unknown VM"
assert_contains "$out" "no virtual machine named 'nosuchvm'" "unknown VM message"
rc=0; out=$(vmigrate sync /DC/vm/nope 2>&1) || rc=$?
assert_contains "$out" "/DATACENTER/vm/" "inventory path hint"

"$LABCTL" fault --dir "$LABDIR" add openstack 'POST .*/volumes$' quota
rc=0; out=$(vmigrate sync q01 2>&1) || rc=$?
assert_eq 5 "$rc" "exit code for an exceeded quota"
assert_contains "$out" "quota" "quota message"
assert_eq 0 "$(nsnapshots q01)" "no snapshot left"
assert_eq 0 "$(nvolumes q01)" "no volume left"
"$LABCTL" fault --dir "$LABDIR" clear

rc=0; out=$(VMIGRATE_VSPHERE_URL= vmigrate sync q01 2>&1) || rc=$?
assert_eq 3 "$rc" "exit code for a missing setting"
assert_contains "$out" "VMIGRATE_VSPHERE_URL" "message names the variable"
rc=0; out=$("$VMIGRATE" sync q01 --transport carrier-pigeon 2>&1) || rc=$?
assert_eq 2 "$rc" "usage error"
assert_contains "$out" "vddk or local" "flag message"
rc=0; out=$("$VMIGRATE" migrate q01 --cbt-sync=maybe 2>&1) || rc=$?
assert_eq 2 "$rc" "bad BOOL"
rc=0; out=$("$VMIGRATE" frobnicate q01 2>&1) || rc=$?
assert_eq 2 "$rc" "unknown command"
assert_contains "$("$VMIGRATE" --help)" "cutover VM" "help lists the commands"

# --json callers get failures as JSON on stdout too.
js=$("$VMIGRATE" status nosuchvm --json 2>/dev/null) && fail "status of an unknown VM must fail"
$PY -c 'import json,sys; r = json.loads(sys.argv[1]); assert r["ok"] is False and r["exit_code"] == 4 and "nosuchvm" in r["error"], r' "$js" ||
    fail "status --json failure is not JSON: $js"
