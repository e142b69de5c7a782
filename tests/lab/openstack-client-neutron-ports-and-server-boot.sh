# The real openstack CLI builds what a migrated VM needs in the lab's
# Neutron and boots it in Nova from its volume: a network and subnet, a
# security group, a flavor, a keypair, a port keeping the VMware MAC and the
# guest's IP.  The server goes ACTIVE with the volume in-use as /dev/vda and
# the port bound to it; a second port with that MAC on the network is
# MacAddressInUse; a non-admin policy refuses mac_address; a build that
# fails ends in ERROR with its fault and gives volume and port back; deleting
# the server detaches the volume (kept) and unbinds the port (kept).
. "$(dirname "$0")/../lib.sh"
requires openstack
lab_start
unset OS_CLOUD

MAC=00:50:56:8a:3b:01
IP=10.20.0.50
PUBKEY="ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINiOqhxRYuKj6W2GScejiKxdne6Y0A7IXfzZz+HlM3H/ vmigrate-lab"

# jf EXPR: EXPR evaluated on the JSON document on stdin (bound to d).
jf() {
    $PY -c 'import json,sys; d=json.load(sys.stdin); v=eval(sys.argv[1])
print(v if isinstance(v, str) else json.dumps(v, sort_keys=True))' "$1"
}
vol_status() { openstack volume show "$1" -c status -f value; }
wait_vol() { # VOLUME STATUS
    i=0
    while [ "$(vol_status "$1")" != "$2" ]; do
        i=$((i + 1)); [ $i -lt 60 ] || fail "volume $1 never reached $2 (is $(vol_status "$1"))"
        sleep 0.5
    done
}
wait_server() { # SERVER STATUS
    i=0
    while :; do
        st=$(openstack server show "$1" -c status -f value)
        [ "$st" = "$2" ] && return 0
        case "$st" in BUILD) ;; *) fail "server $1 is $st, waiting for $2" ;; esac
        i=$((i + 1)); [ $i -lt 60 ] || fail "server $1 never reached $2"
        sleep 0.5
    done
}
# expect_fail WHAT CMD...: CMD must fail; its output (with --debug: the
# response bodies) is left in $OUT.
expect_fail() {
    what=$1; shift
    if OUT=$("$@" 2>&1); then fail "$what was accepted"; fi
}

# --- what the migrated VM needs ---
openstack network create mignet >/dev/null
NET=$(openstack network show mignet -c id -f value)
SUB=$(openstack subnet create --network mignet --subnet-range 10.20.0.0/24 mignet-v4 -c id -f value)
assert_eq "10.20.0.1 [{\"end\": \"10.20.0.254\", \"start\": \"10.20.0.2\"}]" \
    "$(openstack subnet show "$SUB" -f json | jf '"%s %s" % (d["gateway_ip"], json.dumps(d["allocation_pools"]))')" \
    "subnet gateway and pool"
assert_eq "[\"$SUB\"]" "$(openstack network show mignet -f json | jf 'd["subnets"]')" "network's subnets"
SG=$(openstack security group create mig-sg -c id -f value)
openstack security group rule create --protocol tcp --dst-port 22 mig-sg >/dev/null
assert_eq "egress egress ingress:tcp:22" \
    "$(openstack security group show mig-sg -f json | jf '" ".join(sorted(r["direction"] + (":%s:%s" % (r["protocol"], r["port_range_min"]) if r["direction"] == "ingress" else "") for r in d["rules"]))')" \
    "rules of the new group"
openstack flavor create --vcpus 2 --ram 2048 --disk 0 mig.medium >/dev/null
assert_eq "2 2048 0" "$(openstack flavor show mig.medium -f json | jf '"%s %s %s" % (d["vcpus"], d["ram"], d["disk"])')" "flavor"
printf '%s\n' "$PUBKEY" >"$LABDIR/mig-key.pub"
openstack keypair create --public-key "$LABDIR/mig-key.pub" mig-key >/dev/null
EXPECT_FP=$(printf '%s' "$PUBKEY" | cut -d' ' -f2 | base64 -d | md5sum | cut -c1-32 | sed 's/../&:/g; s/:$//')
assert_eq "$EXPECT_FP" "$(openstack keypair show mig-key -c fingerprint -f value)" "keypair fingerprint"

VID=$(openstack volume create --size 1 web01-disk0 -c id -f value)
wait_vol "$VID" available

# --- a port keeping the VMware MAC and the guest's IP ---
PORT=$(openstack port create --network mignet --mac-address "$MAC" \
    --fixed-ip subnet=mignet-v4,ip-address="$IP" --security-group mig-sg web01-nic0 -c id -f value)
assert_eq "$MAC $IP $SUB [\"$SG\"] DOWN" \
    "$(openstack port show "$PORT" -f json | jf '"%s %s %s %s %s" % (d["mac_address"], d["fixed_ips"][0]["ip_address"], d["fixed_ips"][0]["subnet_id"], json.dumps(d["security_group_ids"]), d["status"])')" \
    "the new port"

# The same MAC again on that network: Neutron's MacAddressInUse (409).
expect_fail "a second port with MAC $MAC" openstack --debug port create --network mignet --mac-address "$MAC" web01-dup
assert_contains "$OUT" '"type": "MacAddressInUse"' "duplicate MAC error type"
assert_contains "$OUT" "The mac address $MAC is in use." "duplicate MAC message"
assert_eq "" "$(openstack port list --name web01-dup -f value -c ID)" "no port left by the refused create"
# The same IP again: IpAddressAlreadyAllocated.
expect_fail "a second port with IP $IP" openstack --debug port create --network mignet --fixed-ip ip-address="$IP" web01-dup
assert_contains "$OUT" '"type": "IpAddressAlreadyAllocated"' "duplicate IP error type"

# A policy that keeps mac_address for admins refuses it, and only it.
"$LABCTL" fault --dir "$LABDIR" set neutron_mac_policy=admin_only
expect_fail "mac_address under neutron_mac_policy=admin_only" openstack --debug port create --network mignet --mac-address 00:50:56:8a:3b:02 web01-pol
assert_contains "$OUT" '"type": "PolicyNotAuthorized"' "policy error type"
assert_contains "$OUT" "(rule:create_port and rule:create_port:mac_address) is disallowed by policy" "policy message"
P2=$(openstack port create --network mignet web02-nic0 -c id -f value)
"$LABCTL" fault --dir "$LABDIR" set neutron_mac_policy=allow
assert_eq "fa:16:3e 10.20.0.2 [\"$(openstack security group show default -c id -f value)\"]" \
    "$(openstack port show "$P2" -f json | jf '"%s %s %s" % (d["mac_address"][:8], d["fixed_ips"][0]["ip_address"], json.dumps(d["security_group_ids"]))')" \
    "a port without MAC or IP: generated MAC, the pool's first free address, the default group"

# --- boot from the volume with that port ---
SID=$(openstack server create --flavor mig.medium --volume "$VID" --nic port-id="$PORT" \
    --key-name mig-key --property vmigrate_vm=web01 web01 -c id -f value)
[ -n "$SID" ] || fail "server create printed no id"
wait_server web01 ACTIVE
SHOW=$(openstack server show -f json web01)
assert_eq "$SID ACTIVE mig-key mig.medium web01" \
    "$(echo "$SHOW" | jf '"%s %s %s %s %s" % (d["id"], d["status"], d["key_name"], d["flavor"].split()[0], d["properties"]["vmigrate_vm"])')" \
    "server show"
assert_eq "[\"$VID\"]" "$(echo "$SHOW" | jf '[v["id"] for v in d["volumes_attached"]]')" "volumes_attached"
assert_eq "{\"mignet\": [\"$IP\"]}" "$(echo "$SHOW" | jf 'd["addresses"]')" "addresses"
# What the CLI does not print: the MAC in addresses and os-interface (through openstacksdk).
assert_eq "$IP $MAC fixed 4 | $PORT $MAC $NET $IP ACTIVE" "$($PY - "$SID" <<'EOF'
import sys, openstack
conn = openstack.connect()
a = conn.compute.get_server(sys.argv[1]).addresses["mignet"][0]
i = list(conn.compute.server_interfaces(sys.argv[1]))[0]
print(a["addr"], a["OS-EXT-IPS-MAC:mac_addr"], a["OS-EXT-IPS:type"], a["version"], "|",
      i.port_id, i.mac_addr, i.net_id, i.fixed_ips[0]["ip_address"], i.port_state)
EOF
)" "addresses and interfaces through openstacksdk"

# Cinder: in-use, attached to the server as its root disk.
assert_eq "in-use 1 $SID /dev/vda" \
    "$(openstack volume show "$VID" -f json | jf '"%s %d %s %s" % (d["status"], len(d["attachments"]), d["attachments"][0]["server_id"], d["attachments"][0]["device"])')" \
    "the volume after boot"
# Neutron: the port is bound to the server and kept its MAC.
assert_eq "$SID compute:nova ACTIVE $MAC" \
    "$(openstack port show "$PORT" -f json | jf '"%s %s %s %s" % (d["device_id"], d["device_owner"], d["status"], d["mac_address"])')" \
    "the port after boot"
assert_eq "$PORT" "$(openstack port list --server web01 -f value -c ID)" "port list --server"
# A bound port cannot boot another server; neither can an in-use volume.
V2=$(openstack volume create --size 1 web02-disk0 -c id -f value)
wait_vol "$V2" available
expect_fail "a second server on a bound port" openstack server create --flavor mig.medium --volume "$V2" --nic port-id="$PORT" web01-again
assert_contains "$OUT" "Port $PORT is still in use." "port in use"
expect_fail "a server on an in-use volume" openstack server create --flavor mig.medium --volume "$VID" --nic port-id="$P2" web01-again
assert_contains "$OUT" "status must be 'available'" "volume in use"
assert_eq available "$(vol_status "$V2")" "a refused boot reserves nothing"

# --- a build that fails: ERROR with the fault; volume and port given back ---
"$LABCTL" fault --dir "$LABDIR" add openstack 'POST .*/servers$' task-error --times 1 \
    --arg "Build of instance aborted: lab: no valid host"
openstack server create --flavor mig.medium --volume "$V2" --nic port-id="$P2" web02 >/dev/null
wait_server web02 ERROR
assert_eq "500 Build of instance aborted: lab: no valid host" \
    "$(openstack server show web02 -f json | jf '"%s %s" % (d["fault"]["code"], d["fault"]["message"])')" \
    "fault of the failed server"
wait_vol "$V2" available
assert_eq " DOWN" "$(openstack port show "$P2" -f json | jf '"%s %s" % (d["device_id"], d["status"])')" \
    "the failed server's port"
openstack server delete web02

# --- delete: the volume is detached and kept, the port unbound and kept ---
openstack server delete --wait web01
wait_vol "$VID" available
assert_eq "0" "$(openstack volume show "$VID" -f json | jf 'len(d["attachments"])')" "attachments after delete"
assert_eq " DOWN $MAC $IP" \
    "$(openstack port show "$PORT" -f json | jf '"%s %s %s %s" % (d["device_id"], d["status"], d["mac_address"], d["fixed_ips"][0]["ip_address"])')" \
    "the port after the server's delete"
assert_eq "[]" "$("$LABCTL" servers --dir "$LABDIR" | jf '[s["name"] for s in d if not s["conversion_host"]]')" "labctl servers after the deletes"
echo "PASS: Neutron ports and a boot from volume through openstackclient"
