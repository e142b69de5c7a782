# The way back after a failed conversion: snapshot an attached volume
# (force), overwrite it, detach, revert to the snapshot (microversion 3.40)
# and the volume holds the snapshot's bytes again — checked by hash.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/probe.lib"
lab_start
H="$VMIGRATE_CONVERSION_HOST"
D="$VMIGRATE_DEVICE_DIR"

VID=$("$PROBE" create 1 revert-me)
DEV=$("$PROBE" attach "$H" "$VID" "$D")
head -c 1048576 /dev/urandom > "$LABDIR/seed"
dd if="$LABDIR/seed" of="$DEV" bs=65536 seek=16 conv=notrunc,fsync status=none
GOOD=$($LABCTL volume-hash --dir "$LABDIR" "$VID")

SID=$("$PROBE" snap-create "$VID" pre-conversion)
"$PROBE" snap-list "$VID" | grep -q "^$SID available pre-conversion$" \
    || fail "snapshot not listed: $("$PROBE" snap-list "$VID")"

# The "conversion" wrecks the disk.
head -c 65536 /dev/urandom | dd of="$DEV" bs=65536 seek=16 conv=notrunc,fsync status=none
head -c 65536 /dev/urandom | dd of="$DEV" bs=65536 seek=1000 conv=notrunc,fsync status=none
BAD=$($LABCTL volume-hash --dir "$LABDIR" "$VID")
[ "$BAD" != "$GOOD" ] || fail "overwriting did not change the volume"

# Revert needs the volume available: refused while attached, with Cinder's reason.
if OUT=$("$PROBE" revert "$VID" "$SID" 2>&1); then fail "revert of an in-use volume succeeded"; fi
assert_contains "$OUT" "revert on volume $VID" "revert error"
assert_contains "$OUT" "HTTP 400" "revert error"

"$PROBE" detach "$H" "$VID" "$D"
"$PROBE" revert "$VID" "$SID"
assert_eq "$GOOD" "$($LABCTL volume-hash --dir "$LABDIR" "$VID")" "volume hash after revert"

"$PROBE" snap-delete "$SID"
assert_eq "" "$("$PROBE" snap-list "$VID")" "snapshots after delete"
echo "PASS: snapshot and revert restore the bytes"
