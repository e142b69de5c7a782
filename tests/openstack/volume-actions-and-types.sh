# Bootable flag, image metadata (glance properties for the converted
# guest), extend, and whether a volume type encrypts (an encrypted volume
# never reads as zeros) — each checked with the openstack CLI or the file.
. "$(dirname "$0")/../lib.sh"
requires openstack
. "$(dirname "$0")/probe.lib"
lab_start
field() { # VOLUME FIELD -> its value in `openstack volume show` (JSON for mappings)
    openstack volume show "$1" -f json | $PY -c 'import json,sys
v = json.load(sys.stdin)[sys.argv[1]]
print(json.dumps(v, sort_keys=True) if isinstance(v, dict) else v)' "$2"
}

VID=$("$PROBE" create 1 actions)
"$PROBE" bootable "$VID" true
assert_eq "true" "$(field "$VID" bootable)" "bootable"
"$PROBE" image-meta "$VID" hw_machine_type=q35 hw_firmware_type=uefi
"$PROBE" image-meta "$VID" os_type=linux
assert_eq '{"hw_firmware_type": "uefi", "hw_machine_type": "q35", "os_type": "linux"}' \
    "$(field "$VID" volume_image_metadata)" "image metadata merged"

"$PROBE" extend "$VID" 2
assert_eq 2 "$(field "$VID" size)" "size after extend"
assert_eq $((2 << 30)) "$(stat -c %s "$LABDIR/volumes/$VID.img")" "volume file size"

assert_eq "none" "$("$PROBE" type-encrypted)" "default type"
assert_eq "luks" "$("$PROBE" type-encrypted encrypted)" "the encrypted type"
if OUT=$("$PROBE" type-encrypted no-such-type 2>&1); then fail "unknown type accepted"; fi
assert_contains "$OUT" "no volume type 'no-such-type'" "unknown type"
EID=$("$PROBE" create 1 secret-disk --type encrypted)
"$PROBE" show "$EID" | grep -qx "encrypted=true" || fail "volume of the encrypted type not encrypted"
echo "PASS: volume actions and type encryption"
