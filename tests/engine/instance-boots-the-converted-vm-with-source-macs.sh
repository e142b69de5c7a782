# `vmigrate instance` after a cutover: a server booted from the converted
# boot volume with the data volume attached in disk order, one port per
# source NIC on its mapped network with the source MAC (and the fixed IP
# asked for), the VM's UUID in its metadata, the smallest fitting flavor;
# a rerun finds the server and ports again; ip=keep takes the address VMware
# Tools reported before the cutover stopped the guest.  Before anything is created it
# refuses: a VM not converted, a NIC without a network, an unknown flavor.
# A MAC refused by Neutron's policy names --no-keep-mac; a server that ends
# in ERROR is reported with Nova's fault and removed with its new ports;
# `cutover --create-instance` does it all in one run; a UEFI Windows guest with
# secure boot gets hw_firmware_type=uefi, hw_machine_type=q35 and
# os_secure_boot=required on its boot volume.
. "$(dirname "$0")/../lib.sh"
requires openstack
lab_start
"$LABCTL" fault --dir "$LABDIR" set shutdown_delay=0.2 server_build_seconds=0.3 >/dev/null
openstack network create prod >/dev/null
openstack subnet create --network prod --subnet-range 10.30.0.0/24 prod-v4 >/dev/null
openstack network create backend >/dev/null
openstack subnet create --network backend --subnet-range 10.40.0.0/24 backend-v4 >/dev/null
# Options refused before any call: instance options on a sync, --create-instance
# without a cutover, an empty name, a bad map, a zero timeout.
for args in "sync app01 --network prod" "sync app01 --create-instance" \
            "instance app01 --network=" "instance app01 --network-map bad" \
            "instance app01 --network-map a=b,ip=nope" "instance app01 --instance-timeout 0"; do
    rc=0; out=$(eval vmigrate $args 2>&1) || rc=$?
    assert_eq 2 "$rc" "'$args': exit code"
done
nports() { openstack port list -f value -c ID | wc -l; }
nservers() { openstack server list -f value -c ID | wc -l; }  # conversion hosts included
servers0=$(nservers)

"$LABCTL" vm-create --dir "$LABDIR" app01 --disks 16M,8M --fill 10 --cpus 3 --memory 3000 \
    --nics 'VM Network=00:50:56:0a:00:01,dvs-backend=00:50:56:0a:00:02@10.40.0.77' >/dev/null
vmigrate sync app01 >/dev/null 2>&1 || fail "sync failed"
rc=0; out=$(vmigrate instance app01 --network prod 2>&1) || rc=$?
assert_eq 9 "$rc" "instance before cutover: exit code"
assert_contains "$out" "is not converted yet" "instance before cutover: why"
out=$(vmigrate cutover app01 2>&1) || fail "cutover failed: $out"

# Refused before anything is created.
rc=0; out=$(vmigrate instance app01 --network-map 'VM Network=prod' 2>&1) || rc=$?
assert_eq 9 "$rc" "unmapped NIC: exit code"
assert_contains "$out" "NIC 4001 (00:50:56:0a:00:02) on 'dvs-backend'" "unmapped NIC named"
assert_contains "$out" "--network" "unmapped NIC: the fix"
rc=0; out=$(vmigrate instance app01 --network prod --flavor m9.huge 2>&1) || rc=$?
assert_eq 9 "$rc" "unknown flavor: exit code"
assert_contains "$out" "no flavor named or with the ID 'm9.huge'" "unknown flavor named"
rc=0; out=$(vmigrate instance app01 --network nosuch 2>&1) || rc=$?
assert_eq 9 "$rc" "unknown network: exit code"
assert_eq 0 "$(nports)" "no port made by a refused run"
assert_eq "$servers0" "$(nservers)" "no server made by a refused run"

js=$(vmigrate instance app01 --network-map 'VM Network=prod,ip=10.30.0.40' \
    --network-map 'dvs-backend=backend,ip=keep' --json) || fail "instance failed: $js"
$PY - "$js" <<'PYEOF' || fail "instance JSON wrong: $js"
import json, sys
r = json.loads(sys.argv[1])
assert r["ok"] and r["status"] == "ACTIVE" and r["server_name"] == "app01", r
assert r["flavor"] == "m1.large" and not r["found_again"], r  # 3 vCPUs, 3000 MiB -> 4/8192
assert [p["name"] for p in r["ports"]] == ["app01-nic0", "app01-nic1"], r["ports"]
assert [p["mac"] for p in r["ports"]] == ["00:50:56:0a:00:01", "00:50:56:0a:00:02"], r
assert "prod=10.30.0.40 (00:50:56:0a:00:01)" in r["addresses"], r["addresses"]
# ip=keep: the address VMware Tools reported while the guest ran (the last
# window recorded it; the guest is off now).
assert "backend=10.40.0.77 (00:50:56:0a:00:02)" in r["addresses"], r["addresses"]
PYEOF
SRV=$($PY -c 'import json,sys; print(json.loads(sys.argv[1])["server_id"])' "$js")
show=$(openstack server show "$SRV" -f json)
$PY - "$show" "$(vol app01 0 id)" "$(vol app01 1 id)" "$("$LABCTL" vm-info --dir "$LABDIR" app01 | $PY -c 'import json,sys; print(json.load(sys.stdin)["instance_uuid"])')" <<'PYEOF' || fail "the server as Nova shows it: $show"
import json, sys
s = json.loads(sys.argv[1])
assert s["status"] == "ACTIVE", s
assert [v["id"] for v in s["volumes_attached"]] == sys.argv[2:4], s["volumes_attached"]
props = s.get("properties") or s.get("metadata")
assert props["vmigrate_vm_uuid"] == sys.argv[4], props
PYEOF
assert_eq "$SRV" "$(openstack port show app01-nic1 -f value -c device_id)" "the second port is bound"
assert_eq "00:50:56:0a:00:02" "$(openstack port show app01-nic1 -f value -c mac_address)" "the second port keeps its MAC"
assert_eq "$SRV" "$(meta app01 1 vmigrate_server_id)" "the volumes record the server"

# A rerun changes nothing.
js=$(vmigrate instance app01 --network prod --json) || fail "rerun failed: $js"
assert_contains "$js" "\"found_again\":true" "found again"
assert_contains "$js" "\"server_id\":\"$SRV\"" "the same server"
assert_eq 2 "$(nports)" "no new port"

# Another VM, cut over with --create-instance, on a cloud that refuses MACs,
# then with a server that goes to ERROR.
# It is a UEFI Windows guest with secure boot: the boot volume says so to Nova.
"$LABCTL" vm-create --dir "$LABDIR" app02 --disks 8M --fill 10 --nics 'VM Network' \
    --os windows --firmware efi --secure-boot >/dev/null
"$LABCTL" fault --dir "$LABDIR" set neutron_mac_policy=admin_only >/dev/null
rc=0; out=$(vmigrate cutover app02 --create-instance --network prod 2>&1) || rc=$?
assert_eq 9 "$rc" "refused MAC: exit code"
assert_contains "$out" "--no-keep-mac" "refused MAC: the fix"
assert_eq true "$(meta app02 0 converted)" "the conversion is kept"
img=$(openstack volume show "$(vol app02 0 id)" -f json)
$PY - "$img" <<'PYEOF' || fail "UEFI / secure boot image metadata: $img"
import json, sys
m = json.loads(sys.argv[1])["volume_image_metadata"]
assert m["hw_firmware_type"] == "uefi" and m["hw_machine_type"] == "q35", m
assert m["os_secure_boot"] == "required", m
PYEOF
img=$(openstack volume show "$(vol app01 0 id)" -f json)
$PY - "$img" <<'PYEOF' || fail "a BIOS guest's image metadata: $img"
import json, sys
m = json.loads(sys.argv[1])["volume_image_metadata"]
assert "hw_firmware_type" not in m and "os_secure_boot" not in m, m
PYEOF
assert_eq 2 "$(nports)" "no port left by the refused run"
"$LABCTL" fault --dir "$LABDIR" set server_boot=error >/dev/null
rc=0; out=$(vmigrate instance app02 --network prod --no-keep-mac 2>&1) || rc=$?
assert_eq 5 "$rc" "server in ERROR: exit code"
assert_contains "$out" "went to ERROR: Build of instance" "Nova's fault reported"
assert_eq 2 "$(nports)" "the failed run's port removed"
assert_eq "$((servers0 + 1))" "$(nservers)" "the failed server removed"
assert_eq available "$(vol app02 0 status)" "the volume kept, available"
"$LABCTL" fault --dir "$LABDIR" set server_boot=active >/dev/null
out=$(vmigrate instance app02 --network prod --no-keep-mac 2>&1) || fail "retry failed: $out"
assert_contains "$out" "server app02 (" "the retry made the server"
assert_contains "$out" "MAC fa:16:3e:" "Neutron's MAC with --no-keep-mac"

# cutover --create-instance in one run, on a third VM.
"$LABCTL" vm-create --dir "$LABDIR" app03 --disks 8M --fill 10 --nics 'VM Network' >/dev/null
out=$(vmigrate cutover app03 --create-instance --network prod --no-keep-mac 2>&1) ||
    fail "cutover --create-instance failed: $out"
assert_eq true "$(meta app03 0 converted)" "app03 converted"
assert_eq ACTIVE "$(openstack server show app03 -f value -c status)" "app03's server ACTIVE"
assert_eq "$(vol app03 0 id)" "$(openstack server show app03 -f json | $PY -c 'import json, sys
print(json.load(sys.stdin)["volumes_attached"][0]["id"])')" "app03 boots from its converted volume"
