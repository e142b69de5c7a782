# The conversion host learns its own Nova server uuid from the metadata
# service; a metadata service that does not answer in time is a quick,
# clear failure suggesting --conversion-host.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/probe.lib"
lab_start

UUID=$("$PROBE" instance-uuid "$VMIGRATE_METADATA_URL")
assert_eq "$VMIGRATE_CONVERSION_HOST" "$UUID" "instance uuid"
assert_eq "exists conv-host-1" "$("$PROBE" server "$UUID")" "the uuid is a Nova server"
assert_eq "missing" "$("$PROBE" server 00000000-0000-0000-0000-000000000000)" "an unknown server"

# A metadata service that hangs: given up after the timeout, not 5 minutes.
$LABCTL fault --dir "$LABDIR" add openstack 'GET /openstack/latest/meta_data.json' delay --arg 30
start=$(date +%s)
capture "$PROBE" instance-uuid "$VMIGRATE_METADATA_URL" 1
secs=$(( $(date +%s) - start ))
[ "$RC" -ne 0 ] || fail "a hanging metadata service gave a uuid"
[ "$secs" -le 6 ] || fail "gave up only after $secs s"
assert_contains "$OUT" "--conversion-host" "message suggests the flag"
$LABCTL fault --dir "$LABDIR" clear

# Nothing listening at all.
if OUT=$("$PROBE" instance-uuid http://127.0.0.1:9 1 2>&1); then fail "no service, yet a uuid"; fi
assert_contains "$OUT" "metadata service" "message"
echo "PASS: instance uuid from the metadata service"
