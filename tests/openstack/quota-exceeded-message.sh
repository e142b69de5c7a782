# Cinder's 413 overLimit, for a volume and for a snapshot, becomes an
# OpenStack error (exit 5) that says it is a quota problem and how to fix it.
. "$(dirname "$0")/../lib.sh"
requires openstack
. "$(dirname "$0")/probe.lib"
lab_start

$LABCTL fault --dir "$LABDIR" set quota_gigabytes=3
VID=$("$PROBE" create 2 fits)

capture "$PROBE" create 5 too-big
assert_eq 5 "$RC" "exit code"
assert_contains "$OUT" "quota exceeded" "volume message"
assert_contains "$OUT" "HTTP 413" "volume message"
assert_contains "$OUT" "Requested 5G, quota is 3G" "Cinder's own words"
assert_contains "$OUT" "raise the project's quota" "what to do"
assert_eq "" "$(openstack volume list --name too-big -f value -c ID)" "no volume was created"

# A snapshot counts against the same quota.
capture "$PROBE" snap-create "$VID" over
assert_eq 5 "$RC" "snapshot exit code"
assert_contains "$OUT" "snapshotting volume $VID: Cinder POST /snapshots: quota exceeded" "snapshot message"

# The same reply injected as a fault on an otherwise fine request.
$LABCTL fault --dir "$LABDIR" set quota_gigabytes=1000
$LABCTL fault --dir "$LABDIR" add openstack 'POST .*/volumes$' quota --times 1
capture "$PROBE" create 1 injected
assert_eq 5 "$RC" "injected quota exit code"
assert_contains "$OUT" "quota exceeded" "injected quota message"
"$PROBE" create 1 after-fault >/dev/null || fail "create after the fault"
echo "PASS: quota errors say so"
