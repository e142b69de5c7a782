# A Cinder volume listing that is not a well-formed list ({}, a wrong type,
# an empty or non-JSON body) is an error (exit 5), never "no volumes": nothing
# gets created, so no second volume for the disk.  A listed volume whose
# attachment has no server_id, or whose size in bytes does not fit in 64
# bits, is an error too, not a crash.
. "$(dirname "$0")/../lib.sh"
lab_start
"$LABCTL" fault --dir "$LABDIR" set task_step_seconds=0
"$LABCTL" vm-create --dir "$LABDIR" hc01 --disks 16M --fill 20 >/dev/null

# hostile BODY EXPECTED_MESSAGE: one sync while every volume listing is
# answered 200 with BODY must fail with exit 5 and the message.
hostile() {
    "$LABCTL" fault --dir "$LABDIR" clear
    "$LABCTL" fault --dir "$LABDIR" add openstack 'GET .*/volumes/detail$' reply --arg "$1"
    rc=0; out=$(timeout 120 "$VMIGRATE" --transport local sync hc01 2>&1) || rc=$?
    assert_eq 5 "$rc" "exit code for the listing '$1' (output: $out)"
    assert_contains "$out" "$2" "message for the listing '$1'"
    case "$out" in
        *Sanitizer*|*"runtime error"*) fail "listing '$1': sanitizer report: $out" ;;
    esac
    assert_eq 0 "$(nsnapshots hc01)" "no snapshot left after the listing '$1'"
}

hostile '{}' "no 'volumes' list"
hostile '{"volumes": 5}' "no 'volumes' list"
hostile '{"volumes": {"id": "x"}}' "no 'volumes' list"
hostile '{"volumes": [1]}' "is not an object"
hostile '' "empty reply"
hostile '<html>proxy error</html>' "not JSON"
assert_eq 0 "$(nvolumes hc01)" "no volume created from a bad listing"

# The disk gets its volume; a later listing shows it with a broken field.
"$LABCTL" fault --dir "$LABDIR" clear
vmigrate sync hc01 >/dev/null 2>&1 || fail "first sync failed"
# listed_as FIELD=JSON...: the real volume as Cinder lists it, changed.
listed_as() {
    volumes_json hc01 | $PY -c 'import json,sys
v = json.load(sys.stdin)[0]
v.pop("volume_image_metadata", None)
for a in sys.argv[1:]:
    k, _, val = a.partition("=")
    v[k] = json.loads(val)
print(json.dumps({"volumes": [v]}))' "$@"
}
hostile "$(listed_as status='"in-use"' \
    attachments='[{"id": "a1", "attachment_id": "a1", "device": "/dev/vdb"}]')" \
    "an attachment without server_id"
hostile "$(listed_as size=1099511627776)" "size"
hostile "$(listed_as size=-1)" "size"
assert_eq 1 "$(nvolumes hc01)" "still exactly one volume for the disk"
assert_all_detached hc01

# Faithful again: the next window reuses the one volume.
"$LABCTL" fault --dir "$LABDIR" clear
"$LABCTL" vm-write --dir "$LABDIR" hc01 --percent 5 >/dev/null
vmigrate sync hc01 >/dev/null 2>&1 || fail "sync after the hostile listings failed"
assert_eq 1 "$(nvolumes hc01)" "one volume"
assert_volume_matches_disk hc01 0
