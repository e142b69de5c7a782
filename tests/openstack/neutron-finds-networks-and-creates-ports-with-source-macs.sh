# vmigrate's Neutron client against the lab, with the networks made by the
# real openstack client: networks, subnets and security groups are found by
# name or ID (none, or two with one name, is an error naming the fix); a
# port keeps the MAC and fixed IP it is given and is found again by name; a
# MAC already in use is Neutron's 409 MacAddressInUse, and a policy that
# refuses mac_address is a 403 the caller can tell apart; deleting a port
# twice is fine.
. "$(dirname "$0")/../lib.sh"
requires openstack
. "$(dirname "$0")/probe.lib"
lab_start

NET=$(openstack network create prod -f value -c id)
SUB=$(openstack subnet create --network prod --subnet-range 10.20.0.0/24 prod-v4 -f value -c id)
SG=$(openstack security group create web -f value -c id)
openstack network create twin >/dev/null
openstack network create twin >/dev/null

assert_eq "$NET" "$("$PROBE" net-find network prod)" "network by name"
assert_eq "$NET" "$("$PROBE" net-find network "$NET")" "network by ID"
assert_eq "$SUB" "$("$PROBE" net-find subnet prod-v4 "$NET")" "subnet by name on its network"
assert_eq "$SG" "$("$PROBE" net-find security-group web)" "security group by name"
out=$("$PROBE" net-find network nosuch 2>&1) && fail "an unknown network was found: $out"
assert_contains "$out" "no network named or with the ID 'nosuch'" "unknown network message"
out=$("$PROBE" net-find network twin 2>&1) && fail "an ambiguous name was accepted: $out"
assert_contains "$out" "2 networks are named 'twin'" "ambiguous name message"
assert_contains "$out" "give the ID" "ambiguous name: the fix"
TWIN=$(openstack network list --name twin -f value -c ID | head -1)
[ -n "$TWIN" ] || fail "no twin network listed"
out=$("$PROBE" net-find subnet prod-v4 "$TWIN" 2>&1) && fail "a subnet was found on the wrong network: $out"
assert_contains "$out" "no subnet named or with the ID 'prod-v4' on network $TWIN" "subnet on another network"

out=$("$PROBE" port-create web01-nic0 "$NET" mac=00:50:56:0a:0b:0c ip=10.20.0.50 "sg=$SG") ||
    fail "port create failed: $out"
set -- $out
PORT=$2
assert_contains "$out" "mac 00:50:56:0a:0b:0c" "the source MAC kept"
assert_contains "$out" "ips 10.20.0.50" "the fixed IP kept"
js=$(openstack port show "$PORT" -f json)
$PY - "$js" "$SG" "$SUB" <<'PYEOF' || fail "Neutron's view of the port is wrong: $js"
import json, sys
p = json.loads(sys.argv[1])
assert p["mac_address"] == "00:50:56:0a:0b:0c", p
assert p["security_group_ids"] == [sys.argv[2]], p
assert p["fixed_ips"][0]["subnet_id"] == sys.argv[3], p
assert p["fixed_ips"][0]["ip_address"] == "10.20.0.50", p
PYEOF
assert_contains "$("$PROBE" port-find web01-nic0)" "port $PORT " "found again by name"
assert_eq "none" "$("$PROBE" port-find web01-nic1)" "no such port"

out=$("$PROBE" port-create web02-nic0 "$NET" mac=00:50:56:0a:0b:0c 2>&1) && fail "a used MAC was accepted"
assert_contains "$out" "status 409" "MAC in use: 409"
assert_contains "$out" "MacAddressInUse" "MAC in use: Neutron's error type"

"$LABCTL" fault --dir "$LABDIR" set neutron_mac_policy=admin_only >/dev/null
out=$("$PROBE" port-create web03-nic0 "$NET" mac=00:50:56:0d:0e:0f 2>&1) && fail "the policy let a MAC through"
assert_contains "$out" "status 403" "policy refusal: 403"
assert_contains "$out" "policy" "policy refusal: Neutron's words"
out=$("$PROBE" port-create web03-nic0 "$NET") || fail "a port without a MAC was refused: $out"
assert_contains "$out" "mac fa:16:3e:" "Neutron's own MAC without mac_address"

"$PROBE" port-delete "$PORT" || fail "port delete failed"
"$PROBE" port-delete "$PORT" || fail "deleting a deleted port is not done"
assert_eq "none" "$("$PROBE" port-find web01-nic0)" "the port is gone"
