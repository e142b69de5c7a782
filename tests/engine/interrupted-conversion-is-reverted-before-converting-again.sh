# A conversion cut short by kill -9 is never trusted: the run records, before
# the converter starts, that a conversion is in progress and which Cinder
# snapshot belongs to each volume; the rerun puts every volume back from that
# snapshot (the half-written disk is gone) and only then converts again.  A
# snapshot that is gone means a full copy instead.
. "$(dirname "$0")/../lib.sh"
lab_start
"$LABCTL" fault --dir "$LABDIR" set shutdown_delay=0.2
"$LABCTL" vm-create --dir "$LABDIR" ic01 --disks 16M,8M --fill 20 >/dev/null
out=$(vmigrate sync ic01 2>&1) || fail "seeding window failed: $out"

# A converter that writes over the start of every disk, then takes its time.
wrapper="$LABDIR/v2v-scribbler"
cat >"$wrapper" <<EOS
#!/bin/sh
for a in "\$@"; do case "\$a" in *.xml|*/domain.xml) xml="\$a" ;; esac; done
devs=\$(sed -n "s/.*<source [a-z]*='\\([^']*\\)'.*/\\1/p" "\${xml:-/dev/null}")
for a in "\$@" \$devs; do
    case "\$a" in */virtio-*) dd if=/dev/urandom of="\$a" bs=65536 count=1 conv=notrunc 2>/dev/null ;; esac
done
exec "$VMIGRATE_V2V_COMMAND" "\$@"
EOS
chmod +x "$wrapper"
"$LABCTL" fault --dir "$LABDIR" add v2v convert delay --arg 60 --times 1
vmigrate_bg cutover ic01 --v2v-command "$wrapper" --v2v-customize converter >"$LABDIR/run.log" 2>&1
pid=$!
wait_fault_hit 60 || fail "the cutover did not reach the conversion: $(cat "$LABDIR/run.log")"
kill -KILL "$pid"; wait "$pid" 2>/dev/null || true

for i in 0 1; do
    assert_eq in-progress "$(meta ic01 $i vmigrate_conversion)" "disk $i marked in progress after the kill"
    [ -n "$(meta ic01 $i vmigrate_recovery_snapshot)" ] || fail "disk $i: no recovery snapshot recorded"
    assert_eq false "$(meta ic01 $i converted)" "disk $i not converted after the kill"
done
[ "$("$LABCTL" vm-hash --dir "$LABDIR" ic01 --disk 0)" != \
  "$("$LABCTL" volume-hash --dir "$LABDIR" "$(vol ic01 0 id)" --bytes "$(disk_capacity ic01 0)")" ] ||
    fail "test setup: the scribbling converter did not change volume 0"

# Disk 1's recovery snapshot disappears (an admin deleted it): full copy.
"$LABCTL" fault --dir "$LABDIR" clear
"$LABCTL" fault --dir "$LABDIR" set shutdown_delay=0.2
snap1=$(meta ic01 1 vmigrate_recovery_snapshot)
"$BUILD/tests/tools/os-probe" snap-delete "$snap1" >/dev/null || fail "could not delete snapshot $snap1"
n=50; while "$LABCTL" snapshots --dir "$LABDIR" | grep -q "$snap1" && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done

out=$(vmigrate cutover ic01 --log "$LABDIR/rerun.log" 2>&1) || fail "the rerun failed: $out"
assert_contains "$out" "was interrupted" "the rerun says what it found"
assert_contains "$out" "copied again in full" "a volume without its snapshot is copied again"
for i in 0 1; do
    assert_eq true "$(meta ic01 $i converted)" "disk $i converted by the rerun"
    assert_eq done "$(meta ic01 $i vmigrate_conversion)" "disk $i conversion recorded as done"
    assert_eq "" "$(meta ic01 $i vmigrate_recovery_snapshot)" "disk $i recovery snapshot record cleared"
    # The stand-in converts nothing: a volume equal to the disk proves the
    # scribbles were undone (revert for disk 0, full copy for disk 1).
    assert_volume_matches_disk ic01 $i
done
assert_eq 1 "$(wc -l < "$LABDIR/v2v-calls.jsonl")" "converted again after the revert (the killed call left no record)"
assert_eq 0 "$(ncinder_snapshots ic01)" "recovery snapshots left"
assert_eq 0 "$(nsnapshots ic01)" "vSphere snapshots left"
assert_all_detached ic01
