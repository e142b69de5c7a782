# --transport vddk builds the production nbdkit command (vddk plugin,
# libdir, server, user, password=+FILE, thumbprint, vm=moref, snapshot,
# file, transports) for every window.  VDDK cannot run here, so the lab's
# stand-in checks that command as VDDK and vCenter would, then serves the
# snapshot's disk.  Without a VDDK plugin the run fails clearly and cleans up.
. "$(dirname "$0")/../lib.sh"
lab_start --tls
"$LABCTL" vm-create --dir "$LABDIR" vd01 --disks 32M,16M --fill 20 >/dev/null
pw=$(cat "$VMIGRATE_VSPHERE_PASSWORD_FILE")

out=$(VMIGRATE_NBDKIT="$VMIGRATE_LAB_NBDKIT_VDDK" "$VMIGRATE" --transport vddk \
      --vddk-libdir /opt/vmware-vix-disklib-distrib sync vd01 2>&1) || fail "vddk sync failed: $out"
assert_volume_matches_disk vd01 0
assert_volume_matches_disk vd01 1
calls="$LABDIR/nbdkit-calls.jsonl"
assert_eq 2 "$(wc -l < "$calls")" "one nbdkit per disk"
for want in '"vddk"' '"libdir=/opt/vmware-vix-disklib-distrib"' '"server=127.0.0.1"' \
            "\"password=+$VMIGRATE_VSPHERE_PASSWORD_FILE\"" "\"thumbprint=$VMIGRATE_VSPHERE_THUMBPRINT\"" \
            '"vm=moref=vm-' '"snapshot=snapshot-' '"transports=file:nbdssl:nbd"' \
            '"file=[datastore1] vd01/' '"--exit-with-parent"' '"--readonly"' \
            "\"user=$VMIGRATE_VSPHERE_USER\""; do
    grep -qF -- "$want" "$calls" || fail "nbdkit command lacks $want: $(head -n1 "$calls")"
done
grep -qF "$pw" "$calls" && fail "the password itself is on nbdkit's command line"

# The real nbdkit has no vddk plugin here: a clear error, nothing left behind.
"$LABCTL" vm-write --dir "$LABDIR" vd01 --percent 2 >/dev/null
rc=0; out=$("$VMIGRATE" --transport vddk --vddk-libdir /opt/none sync vd01 2>&1) || rc=$?
assert_eq 6 "$rc" "exit code when nbdkit cannot serve the disk"
assert_contains "$out" "vddk" "message names the plugin"
assert_eq 0 "$(nsnapshots vd01)" "snapshot removed"
assert_all_detached vd01
