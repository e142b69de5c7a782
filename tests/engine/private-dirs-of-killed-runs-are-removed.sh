# The private directories of a run (nbdkit's socket, the converter's guest
# description) are named for their owner's pid: a run killed with kill -9
# leaves them, and the next run removes those whose owner is dead, and only
# those.
. "$(dirname "$0")/../lib.sh"
lab_start
"$LABCTL" fault --dir "$LABDIR" set shutdown_delay=0.2
"$LABCTL" vm-create --dir "$LABDIR" pd01 --disks 16M,8M --fill 10 >/dev/null
export TMPDIR="$LABDIR/tmp"; mkdir -p "$TMPDIR"
out=$(vmigrate sync pd01 2>&1) || fail "seeding window failed: $out"

# Killed while nbdkit starts: its socket directory is left in /tmp (the
# guest writes, so that the window has something to copy and serves it).
"$LABCTL" vm-write --dir "$LABDIR" pd01 --disk 0 --offset 1M --length 1M >/dev/null
slow="$LABDIR/slow-nbdkit"
printf '#!/bin/sh\ntouch "%s/nbdkit-started"\nsleep 2\nexec nbdkit "$@"\n' "$LABDIR" >"$slow"
chmod +x "$slow"
VMIGRATE_NBDKIT="$slow" vmigrate_bg sync pd01 >"$LABDIR/run1.log" 2>&1
pid=$!
n=300; while [ ! -f "$LABDIR/nbdkit-started" ] && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
kill -KILL "$pid"; wait "$pid" 2>/dev/null || true
nbd=$(ls -d /tmp/vmigrate-nbd."$pid".* 2>/dev/null)
[ -n "$nbd" ] || fail "test setup: the killed run left no nbdkit directory: $(cat "$LABDIR/run1.log")"
cleanup "rm -rf /tmp/vmigrate-nbd.$pid.*"
sleep 2.5  # the wrapper's sleep holds the VM's lock until it ends

# Killed during a conversion of two disks: the guest description is left.
"$LABCTL" fault --dir "$LABDIR" add v2v convert delay --arg 60 --times 1
vmigrate_bg cutover pd01 --log-dir "$LABDIR/v2v-logs" >"$LABDIR/run2.log" 2>&1
pid2=$!
wait_fault_hit 60 || fail "the cutover did not reach the conversion: $(cat "$LABDIR/run2.log")"
kill -KILL "$pid2"; wait "$pid2" 2>/dev/null || true
dom=$(ls -d "$TMPDIR"/vmigrate-domain."$pid2".* 2>/dev/null)
[ -n "$dom" ] || fail "test setup: the killed conversion left no guest description"

# A live run's directory (this shell is not vmigrate, but a sleeping
# vmigrate stand-in is) must survive: a process named vmigrate owns it.
cp /bin/sleep "$LABDIR/vmigrate"; "$LABDIR/vmigrate" 60 & live=$!
cleanup "kill $live 2>/dev/null"
mkdir "$TMPDIR/vmigrate-domain.$live.keepme"

"$LABCTL" fault --dir "$LABDIR" clear
"$LABCTL" fault --dir "$LABDIR" set shutdown_delay=0.2
out=$(vmigrate cutover pd01 --log-dir "$LABDIR/v2v-logs" 2>&1) || fail "the rerun failed: $out"
[ -e "$nbd" ] && fail "the killed run's nbdkit directory $nbd is still there"
[ -e "$dom" ] && fail "the killed run's guest description $dom is still there"
[ -d "$TMPDIR/vmigrate-domain.$live.keepme" ] || fail "a live run's directory was removed"
assert_eq true "$(meta pd01 0 converted)" "converted by the rerun"
assert_volume_matches_disk pd01 0
assert_volume_matches_disk pd01 1
assert_all_detached pd01
