# Sourced by scenario tests.  Each test is one scenario: it declares what it
# needs, registers cleanup first, builds its own data and asserts real outcomes.
# Exit 0 = pass, 77 = skipped (requirement missing), anything else = fail.
set -eu

TOP=$(cd "$(dirname "$0")/../.." && pwd)
LABCTL="$TOP/lab/labctl"
# Debian's interpreter: the one that can import python3-pyvmomi etc.
PY=/usr/bin/python3
BUILD=${VMIGRATE_BUILD:-$TOP/build}
VMIGRATE="$BUILD/vmigrate"

_cleanups=""
cleanup() { _cleanups="$*; $_cleanups"; }
_run_cleanups() { rc=$?; set +e; eval "$_cleanups"; exit $rc; }
trap _run_cleanups EXIT
trap 'exit 130' INT TERM

requires() {
    command -v "$1" >/dev/null 2>&1 || { echo "SKIP: requires $1"; exit 77; }
}
requires_py() {
    $PY -c "import $1" 2>/dev/null || { echo "SKIP: requires python module $1"; exit 77; }
}

fail() { echo "FAIL: $*" >&2; exit 1; }

assert_eq() { # EXPECTED ACTUAL WHAT
    [ "$1" = "$2" ] || fail "$3: expected '$1', got '$2'"
}

assert_contains() { # HAYSTACK NEEDLE WHAT
    case "$1" in *"$2"*) ;; *) fail "$3: '$2' not found in: $1" ;; esac
}

# Start a private lab (extra args go to labctl start) and load its lab.env.
lab_start() {
    LABDIR=$(mktemp -d "${TMPDIR:-/tmp}/vmigrate-lab.XXXXXX")
    cleanup "$LABCTL stop --dir '$LABDIR' >/dev/null 2>&1; rm -rf '$LABDIR'"
    "$LABCTL" start --dir "$LABDIR" "$@" >/dev/null
    . "$LABDIR/lab.env"
}

# ---- helpers for scenario tests of vmigrate against the lab ----

# Run vmigrate reading the lab's datastore directly (the file plugin of
# nbdkit; VDDK cannot run here).
vmigrate() { "$VMIGRATE" --transport local "$@"; }
# The same in the background: $! is vmigrate itself (signals reach it).
vmigrate_bg() { "$VMIGRATE" --transport local "$@" & }

# JSON of the VM's volumes in Cinder (ground truth, sorted by disk key).
volumes_json() { "$LABCTL" volumes --dir "$LABDIR" --vm "$1"; }

# vol VM INDEX FIELD: a field of the INDEXth volume (id, status, size...).
# meta VM INDEX KEY: one metadata key of the INDEXth volume ("" if unset).
# A missing volume prints "" and, on stderr, every volume the lab has.
_vol_query() { # VM INDEX FIELD|meta:KEY
    _all=$("$LABCTL" volumes --dir "$LABDIR") || { echo "labctl volumes failed" >&2; return 1; }
    printf '%s' "$_all" | $PY -c 'import json,sys
vm, i, what = sys.argv[1], int(sys.argv[2]), sys.argv[3]
allv = json.load(sys.stdin)
v = [x for x in allv if (x["metadata"] or {}).get("vmigrate_vm_name") == vm]
if i >= len(v):
    sys.stderr.write("no volume %d of VM %s; the lab has: %s\n" % (i, vm, json.dumps(allv)))
    print("")
elif what.startswith("meta:"):
    print((v[i]["metadata"] or {}).get(what[5:], ""))
else:
    x = v[i][what]
    print(x if isinstance(x, str) else json.dumps(x))' "$1" "$2" "$3"
}
vol() { _vol_query "$1" "$2" "$3"; }
meta() { _vol_query "$1" "$2" "meta:$3"; }

# Number of volumes of VM.
nvolumes() { volumes_json "$1" | $PY -c 'import json,sys; print(len(json.load(sys.stdin)))'; }

# Bytes of disk INDEX of VM (its capacity).
disk_capacity() {
    "$LABCTL" vm-info --dir "$LABDIR" "$1" | $PY -c 'import json,sys
print(json.load(sys.stdin)["disks"][int(sys.argv[1])]["capacity"])' "$2"
}

# Number of Cinder snapshots of VM's volumes (recovery snapshots left over).
ncinder_snapshots() {
    "$LABCTL" snapshots --dir "$LABDIR" --vm "$1" | $PY -c 'import json,sys; print(len(json.load(sys.stdin)))'
}

# Number of snapshots the VM has now.
nsnapshots() {
    "$LABCTL" vm-info --dir "$LABDIR" "$1" | $PY -c 'import json,sys; print(len(json.load(sys.stdin)["snapshots"]))'
}

# assert_volume_matches_disk VM INDEX: the volume's first capacity bytes
# equal the source disk now (no guest writes since the last window).
assert_volume_matches_disk() {
    _cap=$(disk_capacity "$1" "$2")
    _vid=$(vol "$1" "$2" id)
    [ -n "$_vid" ] || fail "VM $1 has no volume for disk $2"
    assert_eq "$("$LABCTL" vm-hash --dir "$LABDIR" "$1" --disk "$2")" \
        "$("$LABCTL" volume-hash --dir "$LABDIR" "$_vid" --bytes "$_cap")" \
        "volume $_vid holds disk $2 of $1"
}

# assert_volume_holds_disk VM INDEX: the same, reading only what either
# file allocates (for huge sparse disks, where a hash takes minutes).
assert_volume_holds_disk() {
    _vid=$(vol "$1" "$2" id)
    [ -n "$_vid" ] || fail "VM $1 has no volume for disk $2"
    "$LABCTL" volume-cmp --dir "$LABDIR" "$_vid" "$1" --disk "$2" || fail "volume $_vid holds disk $2 of $1"
}

# Number of SOAP calls of METHOD the vSphere simulator has served.
soap_calls() { grep -c "soap $1\$" "$LABDIR/logs/vsphere.log" || true; }

# Every volume of VM is detached and available.
assert_all_detached() {
    _st=$(volumes_json "$1" | $PY -c 'import json,sys
print(" ".join(sorted(set(v["status"] for v in json.load(sys.stdin)))))')
    assert_eq "available" "$_st" "volumes of $1 after the run"
    [ -z "$(ls "$VMIGRATE_DEVICE_DIR")" ] || fail "device links left: $(ls "$VMIGRATE_DEVICE_DIR")"
}

# _wait_fault_list SECONDS PATTERN: wait until `labctl fault list` matches.
_wait_fault_list() {
    _n=$(( $1 * 10 ))
    while [ $_n -gt 0 ]; do
        "$LABCTL" fault --dir "$LABDIR" list | grep "$2" >/dev/null && return 0
        sleep 0.1
        _n=$((_n - 1))
    done
    return 1
}
# wait_fault_fired SECONDS: wait until a rule given --times 1 has fired
# (its skipped matches do not count).
wait_fault_fired() { _wait_fault_list "$1" '"times": 0'; }
# wait_fault_hit SECONDS: wait until the first injected fault has fired.
wait_fault_hit() { _wait_fault_list "$1" '"hits": [1-9]'; }
