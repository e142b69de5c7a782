# The stand-in converter (VMIGRATE_V2V_COMMAND) takes virt-v2v-in-place's
# command line, reads every input disk, records each call, and fails or
# corrupts the disks when a fault is injected.
. "$(dirname "$0")/../lib.sh"
lab_start
V2V=$VMIGRATE_V2V_COMMAND
CALLS="$LABDIR/v2v-calls.jsonl"
W="$LABDIR/w"; mkdir -p "$W"

last() { # EXPR evaluated on the last recorded call c
    tail -n 1 "$CALLS" | $PY -c 'import json,sys; c=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"
}
calls() { [ -f "$CALLS" ] && wc -l < "$CALLS" | tr -d ' ' || echo 0; }
sha() { sha256sum "$1" | cut -d' ' -f1; }

# Two 4 MiB disks with distinct first and last MiB
for n in 0 1; do
    head -c 4194304 /dev/urandom > "$W/disk$n.img"
done
ln -s "$W/disk0.img" "$W/virtio-disk0"
FIRST0=$(head -c 1048576 "$W/disk0.img" | sha256sum | cut -d' ' -f1)
LAST0=$(tail -c 1048576 "$W/disk0.img" | sha256sum | cut -d' ' -f1)

# -i disk through a symlink (as a device link on the conversion host)
OUT=$("$V2V" -i disk "$W/virtio-disk0" --root first --firstboot-command 'echo hi' \
      --mac 52:54:00:01:02:03:network:default -v -x -O "$W/out.xml")
assert_contains "$OUT" "Finishing off" "progress output"
assert_eq 1 "$(calls)" "calls recorded"
assert_eq "ok disk 1" "$(last 'c["result"], c["input_mode"], len(c["devices"])' | tr -d "(),'")" "recorded call"
assert_eq "$W/virtio-disk0 $W/disk0.img 4194304" \
    "$(last 'c["devices"][0]["path"] + " " + c["devices"][0]["realpath"] + " " + str(c["devices"][0]["size"])')" \
    "recorded device"
assert_eq "$FIRST0 $LAST0" "$(last 'c["devices"][0]["first_mib_sha256"] + " " + c["devices"][0]["last_mib_sha256"]')" "device hashes"
assert_contains "$(last 'c["argv"]')" "'--firstboot-command', 'echo hi'" "recorded argv"
assert_contains "$(cat "$W/out.xml")" "<v2v-inspection>" "-O output"

# -i libvirtxml with two disks (a cdrom is not an input disk)
cat > "$W/guest.xml" <<EOF
<domain type='kvm'><name>guest</name><devices>
  <disk type='block' device='disk'><source dev='$W/disk0.img'/><target dev='vda' bus='virtio'/></disk>
  <disk type='file' device='cdrom'><source file='/nonexistent.iso'/><target dev='hdc'/></disk>
  <disk type='file' device='disk'><source file='$W/disk1.img'/><target dev='vdb' bus='virtio'/></disk>
</devices></domain>
EOF
"$V2V" -i libvirtxml "$W/guest.xml" -q >/dev/null
assert_eq "ok libvirtxml $W/disk0.img,$W/disk1.img" \
    "$(last 'c["result"] + " " + c["input_mode"] + " " + ",".join(d["path"] for d in c["devices"])')" \
    "libvirtxml call"

# No input disk: rejected like virt-v2v, exit 1, still recorded
if ERR=$("$V2V" -i disk 2>&1); then fail "call without a disk succeeded"; fi
assert_contains "$ERR" "expecting a disk image" "no-disk message"
if "$V2V" -i disk "$W/missing.img" >/dev/null 2>&1; then fail "missing disk accepted"; fi
assert_eq 4 "$(calls)" "calls recorded after failures"

# Fault: fail once, then the next call succeeds; the disk is untouched
H0=$(sha "$W/disk0.img")
"$LABCTL" fault --dir "$LABDIR" add v2v convert fail --times 1
if ERR=$("$V2V" -i disk "$W/disk0.img" 2>&1); then fail "fail fault did not fail"; fi
assert_contains "$ERR" "virt-v2v-in-place: error:" "fail message"
assert_eq fail "$(last 'c["result"]')" "recorded fail"
assert_eq "$H0" "$(sha "$W/disk0.img")" "disk after fail"
"$V2V" -i disk "$W/disk0.img" >/dev/null || fail "call after the spent fault failed"

# Fault: corrupt (with --skip 1, so the first call passes)
"$LABCTL" fault --dir "$LABDIR" add v2v convert corrupt --skip 1 --times 1
"$V2V" -i disk "$W/disk1.img" >/dev/null || fail "skipped call failed"
H1=$(sha "$W/disk1.img")
HEAD1=$(head -c 65536 "$W/disk1.img" | sha256sum)
TAIL1=$(tail -c +65537 "$W/disk1.img" | sha256sum)
if "$V2V" -i libvirtxml "$W/guest.xml" >/dev/null 2>&1; then fail "corrupt fault did not fail"; fi
assert_eq corrupt "$(last 'c["result"]')" "recorded corrupt"
[ "$(sha "$W/disk1.img")" != "$H1" ] || fail "corrupt left the disk unchanged"
[ "$(head -c 65536 "$W/disk1.img" | sha256sum)" != "$HEAD1" ] || fail "first 64 KiB unchanged"
assert_eq "$TAIL1" "$(tail -c +65537 "$W/disk1.img" | sha256sum)" "bytes after the first 64 KiB"
[ "$(sha "$W/disk0.img")" != "$H0" ] || fail "corrupt spared the first disk"
echo "PASS: v2v stand-in"
