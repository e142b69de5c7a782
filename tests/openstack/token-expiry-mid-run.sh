# One session survives its Keystone token: revoked or expired tokens (401
# from Cinder) are replaced by a new login and the call is retried once,
# and a token about to expire is renewed before the call (no 401 at all).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/probe.lib"
lab_start
LOG="$LABDIR/logs/openstack.log"
count() { grep -c "$1" "$LOG" || true; }

VID=$("$PROBE" create 1 token-test)

# 1. Every token is revoked between two calls of one session.
before=$(count '" 401 ')
printf 'show %s\n!%s fault --dir %s expire-tokens\nmeta-set %s after=expiry\nlogins\n' \
    "$VID" "$LABCTL" "$LABDIR" "$VID" | "$PROBE" batch > "$LABDIR/out" 2> "$LABDIR/err" \
    || fail "session did not survive the expired token: $(cat "$LABDIR/err")"
assert_eq 2 "$(tail -n1 "$LABDIR/out")" "Keystone logins in the session"
assert_eq $((before + 1)) "$(count '" 401 ')" "401 replies (one, then the retry succeeded)"
assert_contains "$(cat "$LABDIR/err")" "token refused" "log of the re-login"
assert_contains "$("$PROBE" meta-get "$VID")" "after=expiry" "the call after the expiry took effect"

# 2. Short-lived tokens are renewed before they expire: no 401 is seen.
$LABCTL fault --dir "$LABDIR" set token_ttl=2
before=$(count '" 401 ')
printf 'show %s\n!sleep 2.2\nshow %s\nlogins\n' "$VID" "$VID" | "$PROBE" batch > "$LABDIR/out" \
    || fail "session with a 2 s token failed"
assert_eq 2 "$(tail -n1 "$LABDIR/out")" "logins with a short token"
assert_eq "$before" "$(count '" 401 ')" "401 replies with proactive renewal"
echo "PASS: expired and expiring tokens are renewed transparently"
