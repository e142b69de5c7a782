# Transient HTTP errors are retried with backoff; an expired vSphere session
# and an expired Keystone token are renewed; the window still completes.
. "$(dirname "$0")/../lib.sh"
lab_start
"$LABCTL" vm-create --dir "$LABDIR" rt01 --disks 16M --fill 10 >/dev/null
"$LABCTL" fault --dir "$LABDIR" add vsphere RetrievePropertiesEx http-503 --times 2
"$LABCTL" fault --dir "$LABDIR" add openstack 'POST .*/volumes$' http-503 --times 2
out=$(vmigrate sync rt01 2>&1) || fail "sync with transient errors failed: $out"
assert_contains "$out" "retrying" "retries are logged"
assert_volume_matches_disk rt01 0
"$LABCTL" fault --dir "$LABDIR" clear

# Sessions and tokens that expire before the next run's calls.
"$LABCTL" fault --dir "$LABDIR" set session_ttl=1 token_ttl=2
"$LABCTL" fault --dir "$LABDIR" add vsphere QueryChangedDiskAreas delay --arg 3 --times 1
"$LABCTL" vm-write --dir "$LABDIR" rt01 --percent 5 >/dev/null
out=$(vmigrate sync rt01 2>&1) || fail "sync across expiry failed: $out"
assert_volume_matches_disk rt01 0

# Bad credentials are not retried: a clear message and exit 10.
echo wrong > "$LABDIR/badpw"
rc=0; out=$(vmigrate sync rt01 --vsphere-password-file "$LABDIR/badpw" 2>&1) || rc=$?
assert_eq 10 "$rc" "exit code for refused credentials"
assert_contains "$out" "refused" "message"
rc=0; out=$(OS_PASSWORD=wrong vmigrate sync rt01 2>&1) || rc=$?
assert_eq 10 "$rc" "exit code for refused OpenStack credentials"
