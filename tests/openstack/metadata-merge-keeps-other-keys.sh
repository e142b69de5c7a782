# Setting metadata merges (POST) and never replaces the map: keys set by
# others — another tool, an operator, os-migrate — survive.  Deleting one
# key removes only that key; deleting an absent key is not an error.
. "$(dirname "$0")/../lib.sh"
requires openstack
. "$(dirname "$0")/probe.lib"
lab_start

props() { # VOLUME -> its metadata as sorted JSON, read by the openstack CLI
    openstack volume show "$1" -f json | $PY -c 'import json,sys
print(json.dumps(json.load(sys.stdin)["properties"], sort_keys=True))'
}

VID=$("$PROBE" create 1 merge vmigrate_vm_uuid=u1 changeID=old)
openstack volume set --property owner=ops-team "$VID"

"$PROBE" meta-set "$VID" changeID="52 de c0 d9 98 01 2b 8c-93 ec 70 6e 96 d4 c1 4e/7" vmigrate_copy=complete
assert_eq '{"changeID": "52 de c0 d9 98 01 2b 8c-93 ec 70 6e 96 d4 c1 4e/7", "owner": "ops-team", "vmigrate_copy": "complete", "vmigrate_vm_uuid": "u1"}' \
    "$(props "$VID")" "metadata after a merge"

"$PROBE" meta-del "$VID" vmigrate_copy
assert_eq '{"changeID": "52 de c0 d9 98 01 2b 8c-93 ec 70 6e 96 d4 c1 4e/7", "owner": "ops-team", "vmigrate_vm_uuid": "u1"}' \
    "$(props "$VID")" "metadata after deleting one key"
"$PROBE" meta-del "$VID" never-set || fail "deleting an absent key must succeed"

# meta-get reads the same map.
assert_eq "changeID=52 de c0 d9 98 01 2b 8c-93 ec 70 6e 96 d4 c1 4e/7
owner=ops-team
vmigrate_vm_uuid=u1" "$("$PROBE" meta-get "$VID" | sort)" "metadata read by the client"
echo "PASS: metadata merged, other keys kept"
