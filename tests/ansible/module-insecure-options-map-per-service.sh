# The module's TLS switches are per service, under os-migrate's names:
# vmware_insecure -> --vsphere-insecure (vCenter only), openstack_insecure ->
# --os-insecure (OpenStack only).  Without the lab CA, vmware_insecure alone
# still fails on OpenStack's certificate (exit_code 11); both go through.
. "$(dirname "$0")/../lib.sh"
requires ansible
lab_start --tls
"$LABCTL" vm-create --dir "$LABDIR" an01 --disks 8M --fill 10 >/dev/null
. "$TOP/tests/ansible/lib/module-lib.sh"
args() { module_args an01 "$1"; }

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
