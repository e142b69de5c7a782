# The module's TLS switches are per service, under os-migrate's names:
# vmware_insecure -> --vsphere-insecure (vCenter only), openstack_insecure ->
# --os-insecure (OpenStack only).  Without the lab CA, vmware_insecure alone
# still fails on OpenStack's certificate (exit_code 11); both go through.
. "$(dirname "$0")/../lib.sh"
requires ansible
lab_start --tls
"$LABCTL" vm-create --dir "$LABDIR" an01 --disks 8M --fill 10 >/dev/null
A="$LABDIR/ansible"
mkdir -p "$A/tmp"
VMIGRATE_ABS="$(cd "$(dirname "$VMIGRATE")" && pwd)/$(basename "$VMIGRATE")"
cat > "$A/vmigrate-wrapper" <<SH
#!/bin/sh
echo "argv \$*" >> "$A/argv.log"
exec "$VMIGRATE_ABS" "\$@"
SH
chmod +x "$A/vmigrate-wrapper"

module() { # NAME JSON-ARGS: run the module on localhost, output in $A/NAME.out
    _rc=0
    env -u VMIGRATE_CA_FILE -u OS_CACERT HOME="$A" LC_ALL=C.UTF-8 TMPDIR="$A/tmp" \
        ANSIBLE_COLLECTIONS_PATH="$TOP/ansible" ANSIBLE_LOCAL_TEMP="$A/tmp/local" \
        ANSIBLE_NOCOLOR=1 ANSIBLE_DEPRECATION_WARNINGS=0 ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 \
        ansible localhost -c local -m vmigrate.vmware_to_openstack.migrate -a "$2" \
        > "$A/$1.out" 2>&1 || _rc=$?
    return $_rc
}
args() { # EXTRA-JSON
    printf '{"vmname": "an01", "cbtsync": true, "localdiskpath": "%s", "vmigrate_path": "%s"%s}' \
        "$VMIGRATE_LOCAL_DATASTORE" "$A/vmigrate-wrapper" "$1"
}

module vsphere-only "$(args ', "vmware_insecure": true')" && fail "OpenStack was not verified: $(cat "$A/vsphere-only.out")"
grep -q '"exit_code": 11' "$A/vsphere-only.out" || fail "expected exit_code 11: $(cat "$A/vsphere-only.out")"
grep -q -- "--os-insecure" "$A/vsphere-only.out" || fail "the message names --os-insecure: $(cat "$A/vsphere-only.out")"
last=$(tail -n 1 "$A/argv.log")
assert_contains "$last" "--vsphere-insecure" "vmware_insecure is --vsphere-insecure"
case "$last" in *--os-insecure*|*" --insecure"*) fail "vmware_insecure gave more: $last" ;; esac

module os-only "$(args ', "openstack_insecure": true')" && fail "vSphere was not verified: $(cat "$A/os-only.out")"
grep -q '"exit_code": 11' "$A/os-only.out" || fail "expected exit_code 11: $(cat "$A/os-only.out")"
last=$(tail -n 1 "$A/argv.log")
assert_contains "$last" "--os-insecure" "openstack_insecure is --os-insecure"
case "$last" in *--vsphere-insecure*) fail "openstack_insecure gave more: $last" ;; esac

module both "$(args ', "vmware_insecure": true, "openstack_insecure": true')" \
    || fail "both switches: $(cat "$A/both.out")"
assert_eq 0 "$(nsnapshots an01)" "snapshot removed"
assert_volume_matches_disk an01 0
