# The client creates a volume with a name and metadata, waits until it is
# available, and finds it again by metadata
# (the way vmigrate finds a VM disk's volume) and by name — checked with
# the real openstack CLI, and against a decoy volume of another VM.
. "$(dirname "$0")/../lib.sh"
requires openstack
. "$(dirname "$0")/probe.lib"
lab_start

VID=$("$PROBE" create 2 web01-disk-2000 vmigrate_vm_uuid=4213-aa vmigrate_disk_key=2000 osm=true)
DECOY=$("$PROBE" create 1 web02-disk-2000 vmigrate_vm_uuid=4213-bb vmigrate_disk_key=2000 osm=true)

openstack volume show "$VID" -f json > "$LABDIR/show.json"
got=$($PY -c 'import json,sys; d=json.load(open(sys.argv[1]))
print(d["status"], d["size"], d["name"], json.dumps(d["properties"], sort_keys=True))' "$LABDIR/show.json")
assert_eq 'available 2 web01-disk-2000 {"osm": "true", "vmigrate_disk_key": "2000", "vmigrate_vm_uuid": "4213-aa"}' \
    "$got" "volume as the openstack CLI sees it"

# Find by metadata: exactly the volume of that VM and disk.
assert_eq "$VID" "$("$PROBE" find vmigrate_vm_uuid=4213-aa vmigrate_disk_key=2000)" "find by VM uuid and disk key"
assert_eq "$DECOY" "$("$PROBE" find vmigrate_vm_uuid=4213-bb)" "find the other VM's volume"
assert_eq "" "$("$PROBE" find vmigrate_vm_uuid=4213-aa vmigrate_disk_key=2001)" "no volume for another disk"
assert_eq "2" "$("$PROBE" find osm=true | wc -l | tr -d ' ')" "both carry the os-migrate key"
assert_eq "$VID" "$("$PROBE" find --name web01-disk-2000)" "find by name"
assert_eq "" "$("$PROBE" find --name web01-disk-2000 osm=false)" "name and metadata must both match"

# Show reads back what the CLI reads.
"$PROBE" show "$VID" > "$LABDIR/probe.txt"
grep -qx "status=available" "$LABDIR/probe.txt" || fail "probe show: $(cat "$LABDIR/probe.txt")"
grep -qx "meta.vmigrate_disk_key=2000" "$LABDIR/probe.txt" || fail "probe show lacks metadata"

# Several volumes of one name all come back (names are not unique).
for i in 1 2 3; do "$PROBE" create 1 "same-name" --no-wait >/dev/null; done
assert_eq 3 "$("$PROBE" find --name same-name | wc -l | tr -d ' ')" "every volume of the name"

# Delete waits until it is gone.
"$PROBE" delete "$DECOY"
if openstack volume show "$DECOY" >/dev/null 2>&1; then fail "volume $DECOY still exists"; fi
echo "PASS: volume created, found by metadata and name, deleted"
