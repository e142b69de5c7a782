# Refused credentials: exit code 10 (VMERR_AUTH), a message that names the
# settings to check, and never the password or secret — not in the error,
# not in debug output.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/probe.lib"
lab_start
WRONG="Wr0ng-Pa55word-$$"

capture env OS_PASSWORD="$WRONG" "$PROBE" -v connect
assert_eq 10 "$RC" "exit code for a wrong password"
assert_contains "$OUT" "refused the login" "message"
assert_contains "$OUT" "OS_PASSWORD" "message names the variable"
assert_contains "$OUT" "$OS_AUTH_URL" "message names Keystone"
case "$OUT" in *"$WRONG"*) fail "the password is in the output: $OUT" ;; esac

# A wrong application credential secret: same class, names its variables.
AC=$($PY -c 'import json,sys; a=json.load(open(sys.argv[1]))["application_credential"]; print(a["id"])' \
     "$LABDIR/openstack/state.json")
capture env -u OS_PASSWORD -u OS_USERNAME OS_AUTH_TYPE=v3applicationcredential \
      OS_APPLICATION_CREDENTIAL_ID="$AC" OS_APPLICATION_CREDENTIAL_SECRET="$WRONG" \
      "$PROBE" connect
assert_eq 10 "$RC" "exit code for a wrong application credential"
assert_contains "$OUT" "OS_APPLICATION_CREDENTIAL_SECRET" "message"
case "$OUT" in *"$WRONG"*) fail "the secret is in the output: $OUT" ;; esac

# A right login with debug output shows neither the password nor a token.
"$PROBE" -v connect > "$LABDIR/out" 2>&1 || fail "login failed: $(cat "$LABDIR/out")"
if grep -qF -- "$OS_PASSWORD" "$LABDIR/out"; then fail "password in debug output"; fi
if grep -q "gAAAAA" "$LABDIR/out"; then fail "a token in debug output"; fi

# A missing setting is a configuration error (3) naming the variable.
capture env -u OS_PASSWORD "$PROBE" connect
assert_eq 3 "$RC" "exit code for a missing password"
assert_contains "$OUT" "set OS_PASSWORD" "message"
echo "PASS: refused credentials exit 10 without leaking secrets"
