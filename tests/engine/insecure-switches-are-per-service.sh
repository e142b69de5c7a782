# vSphere and OpenStack have separate TLS switches: --vsphere-insecure (its
# old name --insecure, VMIGRATE_VSPHERE_INSECURE) skips only vSphere's
# checks, --os-insecure (OS_INSECURE) only OpenStack's.  Without the lab CA
# the other service still fails certificate verification: exit 11.
. "$(dirname "$0")/../lib.sh"
lab_start --tls
"$LABCTL" vm-create --dir "$LABDIR" tl01 --disks 8M --fill 10 >/dev/null
noca() { VMIGRATE_CA_FILE= OS_CACERT= vmigrate "$@"; }

for flag in --vsphere-insecure --insecure; do
    rc=0; out=$(noca sync tl01 $flag 2>&1) || rc=$?
    assert_eq 11 "$rc" "$flag: OpenStack is still verified"
    assert_contains "$out" "TLS failure talking to $OS_AUTH_URL" "$flag: the failure is OpenStack's"
    assert_contains "$out" "--os-insecure" "$flag: the message names OpenStack's switch"
done
rc=0; out=$(VMIGRATE_VSPHERE_INSECURE=true noca sync tl01 2>&1) || rc=$?
assert_eq 11 "$rc" "VMIGRATE_VSPHERE_INSECURE: OpenStack is still verified"
assert_contains "$out" "$OS_AUTH_URL" "VMIGRATE_VSPHERE_INSECURE: the failure is OpenStack's"

rc=0; out=$(noca sync tl01 --os-insecure 2>&1) || rc=$?
assert_eq 11 "$rc" "--os-insecure: vSphere is still verified"
assert_contains "$out" "TLS failure talking to $VMIGRATE_VSPHERE_URL" "--os-insecure: the failure is vSphere's"
assert_contains "$out" "--vsphere-insecure" "--os-insecure: the message names vSphere's switch"
rc=0; out=$(OS_INSECURE=true noca sync tl01 2>&1) || rc=$?
assert_eq 11 "$rc" "OS_INSECURE: vSphere is still verified"
assert_eq 0 "$(nvolumes tl01)" "nothing was created"

rc=0; out=$(VMIGRATE_VSPHERE_INSECURE=maybe vmigrate sync tl01 2>&1) || rc=$?
assert_eq 3 "$rc" "a junk VMIGRATE_VSPHERE_INSECURE"
assert_contains "$out" "VMIGRATE_VSPHERE_INSECURE" "the message names the variable"

# Both switches: the run goes through without any CA.
out=$(noca sync tl01 --vsphere-insecure --os-insecure 2>&1) || fail "both switches: $out"
assert_volume_matches_disk tl01 0
"$LABCTL" vm-write --dir "$LABDIR" tl01 --percent 5 >/dev/null
out=$(VMIGRATE_VSPHERE_INSECURE=1 OS_INSECURE=1 noca sync tl01 2>&1) || fail "both variables: $out"
assert_volume_matches_disk tl01 0
