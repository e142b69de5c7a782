# The OpenStack simulator's wire behaviour that the migration engine relies
# on, checked with curl: metadata service, Keystone errors and token expiry,
# Cinder metadata replace-vs-merge, snapshot + revert restoring bytes, volumes
# that do not read as zeros, quota and injected faults.
. "$(dirname "$0")/../lib.sh"
requires curl
lab_start
T="$LABDIR/t"; mkdir -p "$T"
BASE=$VMIGRATE_METADATA_URL

js() { # EXPR: evaluate a Python expression on the JSON document d read from stdin
    $PY -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"
}
token() { # -> issue a project-scoped token; print it
    curl -sS -D "$T/hdr" -o "$T/tok.json" -H 'Content-Type: application/json' \
        --data @"$T/auth.json" "$OS_AUTH_URL/auth/tokens" >/dev/null
    sed -n 's/^[Xx]-[Ss]ubject-[Tt]oken: *//p' "$T/hdr" | tr -d '\r'
}
api() { # METHOD PATH [JSON [MICROVERSION]]: body in $T/body, status printed
    curl -sS -o "$T/body" -w '%{http_code}' -X "$1" -H "X-Auth-Token: $TOKEN" \
        -H 'Content-Type: application/json' -H "OpenStack-API-Version: volume ${4:-3.0}" \
        ${3:+--data "$3"} "$CINDER$2"
}
body() { js "$1" < "$T/body"; }
wait_vol() { # ID STATUS
    i=0
    while :; do
        api GET "/volumes/$1" >/dev/null
        [ "$(body 'd["volume"]["status"]')" = "$2" ] && return 0
        i=$((i + 1)); [ $i -lt 160 ] || fail "volume $1 never reached $2"; sleep 0.25
    done
}
wait_snap() { # ID STATUS
    i=0
    while :; do
        api GET "/snapshots/$1" >/dev/null
        [ "$(body 'd["snapshot"]["status"]')" = "$2" ] && return 0
        i=$((i + 1)); [ $i -lt 160 ] || fail "snapshot $1 never reached $2"; sleep 0.25
    done
}
new_volume() { # JSON-FIELDS -> id of an available volume
    [ "$(api POST /volumes "{\"volume\": {$1}}")" = 202 ] || fail "volume create: $(cat "$T/body")"
    id=$(body 'd["volume"]["id"]')
    wait_vol "$id" available
    echo "$id"
}

# --- metadata service: the conversion host's own uuid
assert_eq "$VMIGRATE_CONVERSION_HOST" \
    "$(curl -sS "$BASE/openstack/latest/meta_data.json" | js 'd["uuid"]')" "meta_data.json uuid"

# --- Keystone: wrong password is a 401 with Keystone's error body
cat > "$T/auth.json" <<EOF
{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "$OS_USERNAME",
 "domain": {"name": "Default"}, "password": "wrong"}}},
 "scope": {"project": {"name": "$OS_PROJECT_NAME", "domain": {"name": "Default"}}}}}
EOF
CODE=$(curl -sS -o "$T/body" -w '%{http_code}' -H 'Content-Type: application/json' \
    --data @"$T/auth.json" "$OS_AUTH_URL/auth/tokens")
assert_eq "401 401 Unauthorized" "$CODE $(body 'd["error"]["code"], d["error"]["title"]' | tr -d "(),'")" "bad password"

sed "s/\"wrong\"/\"$OS_PASSWORD\"/" "$T/auth.json" > "$T/a2" && mv "$T/a2" "$T/auth.json"
TOKEN=$(token)
[ -n "$TOKEN" ] || fail "no X-Subject-Token"
CINDER=$(js '[e["url"] for s in d["token"]["catalog"] if s["type"] == "volumev3" for e in s["endpoints"] if e["interface"] == "public"][0]' < "$T/tok.json")
assert_contains "$CINDER" "/volume/v3/" "volumev3 endpoint"
NOVA=$(js '[e["url"] for s in d["token"]["catalog"] if s["type"] == "compute" for e in s["endpoints"] if e["interface"] == "public"][0]' < "$T/tok.json")

# --- application credential (the lab creates one; its id/secret are in the state)
$PY -c 'import json,sys; a=json.load(open(sys.argv[1]))["application_credential"]
print(json.dumps({"auth": {"identity": {"methods": ["application_credential"],
      "application_credential": {"id": a["id"], "secret": a["secret"]}}}}))' \
    "$LABDIR/openstack/state.json" > "$T/ac.json"
CODE=$(curl -sS -o "$T/body" -w '%{http_code}' -H 'Content-Type: application/json' \
    --data @"$T/ac.json" "$OS_AUTH_URL/auth/tokens")
assert_eq "201 ['application_credential']" "$CODE $(body 'd["token"]["methods"]')" "application credential auth"

# --- metadata: POST merges, PUT replaces the whole map, PUT key sets one
VID=$(new_volume '"size": 1, "name": "meta", "metadata": {"a": "1", "b": "2"}')
api POST "/volumes/$VID/metadata" '{"metadata": {"c": "3"}}' >/dev/null
assert_eq "{'a': '1', 'b': '2', 'c': '3'}" "$(body 'dict(sorted(d["metadata"].items()))')" "POST metadata merges"
api PUT "/volumes/$VID/metadata" '{"metadata": {"d": "4"}}' >/dev/null
assert_eq "{'d': '4'}" "$(body 'd["metadata"]')" "PUT metadata replaces"
api PUT "/volumes/$VID/metadata/e" '{"meta": {"e": "5"}}' >/dev/null
api GET "/volumes/$VID/metadata" >/dev/null
assert_eq "{'d': '4', 'e': '5'}" "$(body 'dict(sorted(d["metadata"].items()))')" "PUT one key"
assert_eq 400 "$(api PUT "/volumes/$VID/metadata/e" '{"meta": {"x": "5"}}')" "key/body mismatch"
assert_eq 400 "$(api POST "/volumes/$VID/metadata" '{"metadata": {"n": 1}}')" "non-string value"
assert_eq 200 "$(api DELETE "/volumes/$VID/metadata/d")" "delete key"
assert_eq 404 "$(api DELETE "/volumes/$VID/metadata/d")" "delete missing key"
api PUT "/volumes/$VID" '{"volume": {"metadata": {"f": "6"}}}' >/dev/null
assert_eq "{'f': '6'}" "$(body 'd["volume"]["metadata"]')" "PUT volume with metadata replaces"
# list filter on metadata, in the form cinderclient sends (a Python dict literal)
api GET "/volumes/detail?metadata=%7B%27f%27%3A+%276%27%7D" >/dev/null
assert_eq "['$VID']" "$(body '[v["id"] for v in d["volumes"]]')" "metadata filter"
api GET "/volumes/detail?metadata=%7B%22f%22%3A%227%22%7D" >/dev/null
assert_eq "[]" "$(body '[v["id"] for v in d["volumes"]]')" "metadata filter, other value"

# --- snapshot + revert restores the bytes of the latest snapshot
VF="$LABDIR/volumes/$VID.img"
printf 'generation-A' | dd of="$VF" bs=1M seek=5 conv=notrunc 2>/dev/null
HASH_A=$("$LABCTL" volume-hash --dir "$LABDIR" "$VID")
[ "$(api POST /snapshots "{\"snapshot\": {\"volume_id\": \"$VID\", \"name\": \"s1\"}}")" = 202 ] || fail "snapshot: $(cat "$T/body")"
S1=$(body 'd["snapshot"]["id"]')
wait_snap "$S1" available
printf 'generation-B' | dd of="$VF" bs=1M seek=5 conv=notrunc 2>/dev/null
[ "$("$LABCTL" volume-hash --dir "$LABDIR" "$VID")" != "$HASH_A" ] || fail "write did not change the volume"
assert_eq 404 "$(api POST "/volumes/$VID/action" "{\"revert\": {\"snapshot_id\": \"$S1\"}}")" "revert needs 3.40"
assert_eq 202 "$(api POST "/volumes/$VID/action" "{\"revert\": {\"snapshot_id\": \"$S1\"}}" 3.40)" "revert"
wait_vol "$VID" available
assert_eq "$HASH_A" "$("$LABCTL" volume-hash --dir "$LABDIR" "$VID")" "bytes after revert"
# only to the latest snapshot
api POST /snapshots "{\"snapshot\": {\"volume_id\": \"$VID\", \"name\": \"s2\"}}" >/dev/null
S2=$(body 'd["snapshot"]["id"]')
wait_snap "$S2" available
assert_eq 400 "$(api POST "/volumes/$VID/action" "{\"revert\": {\"snapshot_id\": \"$S1\"}}" 3.40)" "revert to older snapshot"
# a volume with snapshots cannot be deleted; deleting them first works
assert_eq 400 "$(api DELETE "/volumes/$VID")" "delete volume with snapshots"

# --- snapshot of an attached (in-use) volume needs force=true, as in Cinder
nova() { # METHOD PATH [JSON]: status printed, body in $T/body
    curl -sS -o "$T/body" -w '%{http_code}' -X "$1" -H "X-Auth-Token: $TOKEN" \
        -H 'Content-Type: application/json' ${3:+--data "$3"} "$NOVA$2"
}
api DELETE "/snapshots/$S2" >/dev/null
api DELETE "/snapshots/$S1" >/dev/null
assert_eq 200 "$(nova POST "/servers/$VMIGRATE_CONVERSION_HOST/os-volume_attachments" \
    "{\"volumeAttachment\": {\"volumeId\": \"$VID\"}}")" "attach"
wait_vol "$VID" in-use
assert_eq 400 "$(api POST /snapshots "{\"snapshot\": {\"volume_id\": \"$VID\"}}")" "snapshot of in-use volume without force"
assert_eq 202 "$(api POST /snapshots "{\"snapshot\": {\"volume_id\": \"$VID\", \"force\": true}}")" "forced snapshot"
S3=$(body 'd["snapshot"]["id"]')
wait_snap "$S3" available
assert_eq 400 "$(api POST "/volumes/$VID/action" "{\"revert\": {\"snapshot_id\": \"$S3\"}}" 3.40)" "revert of an in-use volume"
assert_eq 202 "$(nova DELETE "/servers/$VMIGRATE_CONVERSION_HOST/os-volume_attachments/$VID")" "detach"
wait_vol "$VID" available
assert_eq 404 "$(nova DELETE "/servers/$VMIGRATE_CONVERSION_HOST/os-volume_attachments/$VID")" "detach again"

# --- extend grows the file
assert_eq 202 "$(api POST "/volumes/$VID/action" '{"os-extend": {"new_size": 2}}')" "extend"
wait_vol "$VID" available
assert_eq 2147483648 "$(stat -c %s "$VF")" "file size after extend"

# --- volumes that do not read as zeros: the encrypted type, and the knob
api GET /types >/dev/null
ENC_TYPE=$(body '[t["id"] for t in d["volume_types"] if t["name"] == "encrypted"][0]')
api GET "/types/$ENC_TYPE/encryption" >/dev/null
assert_eq luks "$(body 'd["provider"]')" "encryption provider"
ZERO=$(head -c 8388608 /dev/zero | sha256sum | cut -d' ' -f1)
PLAIN=$(new_volume '"size": 1, "name": "plain"')
assert_eq "$ZERO" "$("$LABCTL" volume-hash --dir "$LABDIR" "$PLAIN" --bytes 8M)" "plain volume reads zeros"
ENC=$(new_volume '"size": 1, "name": "enc", "volume_type": "encrypted"')
api GET "/volumes/$ENC" >/dev/null
assert_eq True "$(body 'd["volume"]["encrypted"]')" "encrypted flag"
[ "$("$LABCTL" volume-hash --dir "$LABDIR" "$ENC" --bytes 8M)" != "$ZERO" ] || fail "encrypted volume reads as zeros"
"$LABCTL" fault --dir "$LABDIR" set new_volume_garbage=1
DIRTY=$(new_volume '"size": 1, "name": "dirty"')
[ "$("$LABCTL" volume-hash --dir "$LABDIR" "$DIRTY" --bytes 8M)" != "$ZERO" ] || fail "new_volume_garbage=1 volume reads as zeros"
"$LABCTL" fault --dir "$LABDIR" set new_volume_garbage=0

# --- quota: injected (413 overLimit naming gigabytes), then the real limit
"$LABCTL" fault --dir "$LABDIR" add openstack 'POST .*/volumes$' quota --times 1
assert_eq 413 "$(api POST /volumes '{"volume": {"size": 1}}')" "quota fault"
assert_contains "$(body 'd["overLimit"]["message"]')" "gigabytes quota" "overLimit body"
assert_eq 202 "$(api POST /volumes '{"volume": {"size": 1, "name": "after-quota"}}')" "create after the fault"
"$LABCTL" fault --dir "$LABDIR" set quota_gigabytes=8
assert_eq 413 "$(api POST /volumes '{"volume": {"size": 5}}')" "over the gigabytes quota"
"$LABCTL" fault --dir "$LABDIR" set quota_gigabytes=1000

# --- other injected faults: 503 once, a dropped connection once
"$LABCTL" fault --dir "$LABDIR" add openstack 'GET .*/volumes/detail$' http-503 --times 1
assert_eq 503 "$(api GET /volumes/detail)" "http-503 fault"
assert_eq 503 "$(body 'd["serviceUnavailable"]["code"]')" "503 body"
assert_eq 200 "$(api GET /volumes/detail)" "after the 503"
"$LABCTL" fault --dir "$LABDIR" add openstack 'GET .*/types$' drop --times 1
if api GET /types >/dev/null 2>&1; then fail "dropped connection gave a reply"; fi
assert_eq 200 "$(api GET /types)" "after the drop"

# --- token expiry: short TTL, then expire-tokens
"$LABCTL" fault --dir "$LABDIR" set token_ttl=2
TOKEN=$(token)
assert_eq 200 "$(api GET /volumes)" "fresh short-lived token"
sleep 3
assert_eq 401 "$(api GET /volumes)" "expired token"
assert_eq "The request you have made requires authentication." "$(body 'd["error"]["message"]')" "401 body"
"$LABCTL" fault --dir "$LABDIR" set token_ttl=3600
TOKEN=$(token)
assert_eq 200 "$(api GET /volumes)" "new token"
"$LABCTL" fault --dir "$LABDIR" expire-tokens
assert_eq 401 "$(api GET /volumes)" "token after expire-tokens"
echo "PASS: OpenStack API semantics"
