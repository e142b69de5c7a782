# vmigrate's Nova client against the lab: flavors listed and created (no
# root disk: the server boots from a volume); a server created from a boot
# volume and a data volume with a port made beforehand goes BUILD then
# ACTIVE, with the volumes in-use on it in order (never deleted with it),
# the port's MAC and address, the metadata and user data it was given, and
# is found again by exact name; a boot that fails shows ERROR with Nova's
# fault; deleting the server gives the volumes and the port back.
. "$(dirname "$0")/../lib.sh"
requires openstack
. "$(dirname "$0")/probe.lib"
lab_start
"$LABCTL" fault --dir "$LABDIR" set server_build_seconds=0.3 >/dev/null

flavors=$("$PROBE" flavor-list) || fail "flavor list failed"
assert_contains "$flavors" " m1.medium 2 4096 " "the lab's flavors listed with vCPUs and RAM"
FL=$("$PROBE" flavor-create vmigrate-web01 3 3072) || fail "flavor create failed"
assert_eq "3 3072 0" "$(openstack flavor show "$FL" -f json | $PY -c 'import json, sys
f = json.load(sys.stdin); print(f["vcpus"], f["ram"], f["disk"])')" "the created flavor: 3 vCPUs, 3072 MiB, no root disk"

NET=$(openstack network create prod -f value -c id)
openstack subnet create --network prod --subnet-range 10.30.0.0/24 prod-v4 >/dev/null
BOOT=$("$PROBE" create 1 web01-disk-2000)
DATA=$("$PROBE" create 1 web01-disk-2001)
set -- $("$PROBE" port-create web01-nic0 "$NET" mac=00:50:56:0a:0b:0c ip=10.30.0.44)
PORT=$2

SRV=$("$PROBE" server-create web01 "$FL" "$BOOT,$DATA" "$PORT" meta=vmigrate_vm_uuid=5001-abc \
    user-data=hello-guest) || fail "server create failed: $SRV"
show=$("$PROBE" server-show "$SRV")
assert_contains "$show" "status BUILD" "BUILD at first"
for _ in $(seq 50); do
    show=$("$PROBE" server-show "$SRV"); case $show in *"status ACTIVE"*) break ;; esac; sleep 0.1
done
assert_contains "$show" "name web01 status ACTIVE" "ACTIVE after the build"
assert_contains "$show" "prod=10.30.0.44 (00:50:56:0a:0b:0c)" "the port's address and MAC"
assert_contains "$show" "meta vmigrate_vm_uuid=5001-abc" "the VM's UUID in the server's metadata"
assert_eq "$SRV" "$("$PROBE" server-find web01)" "found by exact name"
assert_eq "none" "$("$PROBE" server-find web0)" "a prefix is not the name"

js=$(openstack server show web01 -f json)
$PY - "$js" "$BOOT" "$DATA" <<'PYEOF' || fail "the server as the openstack client sees it: $js"
import json, sys
s = json.loads(sys.argv[1])
assert [v["id"] for v in s["volumes_attached"]] == sys.argv[2:4], s["volumes_attached"]
assert all(v.get("delete_on_termination") is False for v in s["volumes_attached"]), s
PYEOF
assert_eq "in-use" "$(openstack volume show "$BOOT" -f value -c status)" "boot volume in-use"
openstack volume show "$BOOT" -f json | grep -q "\"server_id\": \"$SRV\"" || fail "the boot volume is not attached to the server"
assert_eq "$SRV" "$(openstack port show "$PORT" -f value -c device_id)" "the port is bound to the server"

"$PROBE" server-delete "$SRV" || fail "server delete failed"
for _ in $(seq 50); do [ "$("$PROBE" server-show "$SRV")" = none ] && break; sleep 0.1; done
assert_eq "none" "$("$PROBE" server-show "$SRV")" "the server is gone"
assert_eq "available" "$(openstack volume show "$BOOT" -f value -c status)" "the boot volume kept, available"
assert_eq "available" "$(openstack volume show "$DATA" -f value -c status)" "the data volume kept, available"
assert_eq "" "$(openstack port show "$PORT" -f value -c device_id)" "the port unbound"

# A boot that fails: ERROR, with Nova's fault message.
"$LABCTL" fault --dir "$LABDIR" set server_boot=error >/dev/null
SRV=$("$PROBE" server-create web01 "$FL" "$BOOT" "$PORT") || fail "server create (to fail) was refused"
for _ in $(seq 50); do
    show=$("$PROBE" server-show "$SRV"); case $show in *"status ERROR"*) break ;; esac; sleep 0.1
done
assert_contains "$show" "status ERROR fault Build of instance $SRV aborted" "ERROR with the fault"
"$PROBE" server-delete "$SRV" || fail "deleting the failed server failed"
"$PROBE" server-delete "$SRV" || fail "deleting a deleted server is not done"
