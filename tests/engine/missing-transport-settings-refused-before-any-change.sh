# The settings a window needs (--vddk-libdir and --vddk-thumbprint for the
# vddk transport, --local-datastore for local) are checked before anything
# is changed: exit 3 with the option named, and no CBT enabled, no volume
# created or attached, no snapshot taken.
. "$(dirname "$0")/../lib.sh"
lab_start
"$LABCTL" vm-create --dir "$LABDIR" mt01 --disks 8M --fill 10 --cbt off >/dev/null

cbt_enabled() {
    "$LABCTL" vm-info --dir "$LABDIR" mt01 | $PY -c 'import json,sys; print(json.load(sys.stdin)["cbt_enabled"])'
}
refused() { # WANT-IN-MESSAGE ARGS...: vmigrate ARGS exits 3 and changed nothing
    _want=$1; shift
    rc=0; out=$("$VMIGRATE" "$@" 2>&1) || rc=$?
    assert_eq 3 "$rc" "exit code of vmigrate $*"
    assert_contains "$out" "$_want" "the message names the setting"
    assert_eq False "$(cbt_enabled)" "CBT still off after vmigrate $*"
    assert_eq 0 "$(nvolumes mt01)" "no volume after vmigrate $*"
    assert_eq 0 "$(nsnapshots mt01)" "no snapshot after vmigrate $*"
    _n=$(soap_calls CreateSnapshot_Task 2>/dev/null)
    assert_eq 0 "${_n:-0}" "no snapshot was ever taken"
}

# vddk (the default): no --vddk-libdir, an empty one, then no thumbprint
# (this lab speaks plain HTTP, so lab.env has no VMIGRATE_VSPHERE_THUMBPRINT).
refused "--vddk-libdir" sync mt01 --enable-cbt
refused "--vddk-libdir" --transport vddk --vddk-libdir= sync mt01 --enable-cbt
refused "--vddk-thumbprint" --transport vddk --vddk-libdir /opt/vmware-vix-disklib-distrib \
    sync mt01 --enable-cbt
out=$("$VMIGRATE" --vddk-libdir /opt/x cutover mt01 --enable-cbt 2>&1) && fail "cutover ran: $out"
assert_contains "$out" "VMIGRATE_VSPHERE_THUMBPRINT" "the message names the variable too"
# local: no --local-datastore.
(VMIGRATE_LOCAL_DATASTORE=; export VMIGRATE_LOCAL_DATASTORE
 refused "--local-datastore" --transport local migrate mt01 --cbt-sync --enable-cbt) || exit 1
refused "--local-datastore" --transport local --local-datastore= sync mt01 --enable-cbt

# With the settings given, the same run goes through.
vmigrate sync mt01 --enable-cbt >/dev/null 2>&1 || fail "sync with the settings failed"
assert_volume_matches_disk mt01 0
