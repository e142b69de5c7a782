# The migrate module with create_instance (os-migrate's create_os_instance):
# after the conversion it runs `vmigrate instance` with os-migrate's
# variables (network_map as {"VM Network": "NET,SUBNET"},
# openstack_private_network, flavor_name_or_uuid, ssh_key_name) and
# returns the server and its ports; a rerun finds them again and changes
# nothing; an instance that cannot be made fails the task and says the VM
# is converted.
. "$(dirname "$0")/../lib.sh"
requires ansible
requires openstack
lab_start
"$LABCTL" fault --dir "$LABDIR" set shutdown_delay=0.2 server_build_seconds=0.3 >/dev/null
openstack network create prod >/dev/null
SUB=$(openstack subnet create --network prod --subnet-range 10.50.0.0/24 prod-v4 -f value -c id)
openstack network create backend >/dev/null
openstack subnet create --network backend --subnet-range 10.60.0.0/24 backend-v4 >/dev/null
"$LABCTL" vm-create --dir "$LABDIR" am01 --disks 16M --fill 10 \
    --nics 'VM Network=00:50:56:0b:00:01,dvs-db=00:50:56:0b:00:02' >/dev/null
. "$TOP/tests/ansible/lib/module-lib.sh"

extra=', "cutover": true, "create_os_instance": true, "flavor_name_or_uuid": "m1.small",
  "network_map": {"VM Network": "prod,'"$SUB"'"}, "openstack_private_network": "backend"'
module cut "$(module_args am01 "$extra")" || fail "module failed: $(cat "$A/cut.out")"
$PY - "$A/cut.out" <<'PYEOF' || fail "module result: $(cat "$A/cut.out")"
import json, sys
text = open(sys.argv[1]).read()
res = json.loads(text[text.index("=> ") + 3:])
assert res["changed"] and res["converted"], res
i = res["instance"]
assert i["status"] == "ACTIVE" and i["server_name"] == "am01" and i["flavor"] == "m1.small", i
assert [p["mac"] for p in i["ports"]] == ["00:50:56:0b:00:01", "00:50:56:0b:00:02"], i["ports"]
assert "prod=10.50.0." in i["addresses"] and "backend=10.60.0." in i["addresses"], i
assert "server am01 ACTIVE" in res["msg"], res["msg"]
PYEOF
grep "argv .*instance" "$A/argv.log" | grep -q -- "--network-map VM Network=prod,subnet=$SUB --network backend --flavor m1.small" ||
    fail "vmigrate instance got: $(grep 'argv .*instance' "$A/argv.log")"

module again "$(module_args am01 "$extra")" || fail "rerun failed: $(cat "$A/again.out")"
assert_contains "$(cat "$A/again.out")" "SUCCESS" "a rerun changes nothing"
assert_contains "$(cat "$A/again.out")" '"found_again": true' "the server found again"

"$LABCTL" vm-create --dir "$LABDIR" am02 --disks 8M --fill 10 --nics 'VM Network' >/dev/null
rc=0; module bad "$(module_args am02 ', "cutover": true, "create_instance": true')" || rc=$?
[ "$rc" -ne 0 ] || fail "an instance without a network passed"
assert_contains "$(cat "$A/bad.out")" "the VM is converted, but its instance was not made" "what failed"
assert_contains "$(cat "$A/bad.out")" "no OpenStack network for" "why"
assert_eq true "$(meta am02 0 converted)" "am02 stays converted"
