# Over TLS with the lab CA (OS_CACERT): transient 503s and dropped
# connections on reads are retried; a 500 fails with the status and
# Cinder's words; without the CA the certificate is refused (exit 11).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/probe.lib"
lab_start --tls
assert_contains "$OS_AUTH_URL" "https://" "lab speaks TLS"

VID=$("$PROBE" create 1 tls-vol)
assert_eq "$VMIGRATE_CONVERSION_HOST" "$("$PROBE" instance-uuid "$VMIGRATE_METADATA_URL")" \
    "metadata service over TLS"

$LABCTL fault --dir "$LABDIR" add openstack 'GET .*/volumes/[^/]+$' http-503 --times 2
"$PROBE" show "$VID" | grep -qx status=available || fail "503s were not retried"
$LABCTL fault --dir "$LABDIR" add openstack 'GET .*/volumes/[^/]+/metadata$' drop --times 1
"$PROBE" meta-get "$VID" >/dev/null || fail "a dropped read was not retried"

$LABCTL fault --dir "$LABDIR" add openstack 'POST .*/volumes/[^/]+/metadata$' http-500 --times 10
capture "$PROBE" meta-set "$VID" k=v
assert_eq 5 "$RC" "exit code of a 500"
assert_contains "$OUT" "setting metadata of volume $VID: Cinder POST /volumes/$VID/metadata: HTTP 500 (computeFault:" "message"
$LABCTL fault --dir "$LABDIR" clear

capture env -u OS_CACERT "$PROBE" connect
assert_eq 11 "$RC" "exit code without the CA"
assert_contains "$OUT" "TLS" "message"
OS_INSECURE=true "$PROBE" connect >/dev/null || fail "OS_INSECURE=true did not skip verification"
echo "PASS: TLS, retries and server errors"
