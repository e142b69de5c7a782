# `vmigrate inspect` shows what the instance will need: each NIC (device
# key, MAC, network or distributed portgroup by name and key, connected,
# the guest's addresses from VMware Tools), vCPUs, memory, firmware and
# secure boot; the same in --json.  With the guest off, Tools reports no
# addresses and the NICs are not connected.
. "$(dirname "$0")/../lib.sh"
lab_start
"$LABCTL" vm-create --dir "$LABDIR" nic01 --disks 8M --firmware efi --secure-boot \
    --cpus 3 --memory 3072 --nics 'VM Network=00:50:56:0a:0b:0c@10.1.2.3,dvs-prod' >/dev/null
info=$("$LABCTL" vm-info --dir "$LABDIR" nic01)
pg_mac=$($PY -c 'import json,sys; print(json.loads(sys.argv[1])["nics"][1]["mac"])' "$info")
pg_ip=$($PY -c 'import json,sys; print(json.loads(sys.argv[1])["nics"][1]["ip"])' "$info")
pg_key=$($PY -c 'import json,sys; print(json.loads(sys.argv[1])["nics"][1]["portgroup_key"])' "$info")

js=$("$VMIGRATE" inspect nic01 --json) || fail "inspect --json failed: $js"
$PY - "$js" "$pg_mac" "$pg_ip" "$pg_key" <<'PYEOF' || fail "inspect JSON wrong: $js"
import json, sys
v = json.loads(sys.argv[1])
mac, ip, key = sys.argv[2:5]
assert v["cpus"] == 3 and v["memory_mb"] == 3072, v
assert v["firmware"] == "efi" and v["secure_boot"] is True, v
n = v["nics"]
assert [x["key"] for x in n] == [4000, 4001], n
assert n[0] == {"key": 4000, "type": "VirtualVmxnet3", "mac": "00:50:56:0a:0b:0c",
                "network": "VM Network", "portgroup_key": None, "connected": True,
                "ip_addresses": ["10.1.2.3"]}, n[0]
assert n[1]["network"] == "dvs-prod" and n[1]["portgroup_key"] == key, n[1]
assert n[1]["mac"] == mac and n[1]["ip_addresses"] == [ip], n[1]
PYEOF
txt=$("$VMIGRATE" inspect nic01) || fail "inspect failed: $txt"
assert_contains "$txt" "efi, secure boot on" "firmware line"
assert_contains "$txt" "3 vCPUs, 3072 MiB memory" "hardware line"
assert_contains "$txt" "4000  00:50:56:0a:0b:0c  VM Network  connected  10.1.2.3" "standard NIC line"
assert_contains "$txt" "4001  $pg_mac  dvs-prod (distributed portgroup $pg_key)  connected  $pg_ip" "portgroup NIC line"

"$LABCTL" vm-power --dir "$LABDIR" nic01 --set off >/dev/null
js=$("$VMIGRATE" inspect nic01 --json) || fail "inspect of a powered-off VM failed"
$PY - "$js" <<'PYEOF' || fail "powered-off inspect JSON wrong: $js"
import json, sys
n = json.loads(sys.argv[1])["nics"]
assert len(n) == 2 and all(x["ip_addresses"] == [] and not x["connected"] for x in n), n
assert n[1]["network"] == "dvs-prod", n
PYEOF

# A BIOS VM with the defaults: one NIC on VM Network, no secure boot.
"$LABCTL" vm-create --dir "$LABDIR" plain01 --disks 8M >/dev/null
js=$("$VMIGRATE" inspect plain01 --json) || fail "inspect plain01 failed"
$PY - "$js" <<'PYEOF' || fail "default VM inspect JSON wrong: $js"
import json, sys
v = json.loads(sys.argv[1])
assert v["secure_boot"] is False and v["cpus"] == 2 and v["memory_mb"] == 4096, v
assert [x["network"] for x in v["nics"]] == ["VM Network"], v["nics"]
PYEOF
