# A Windows guest converts only with the virtio-win drivers: `inspect`
# shows where the converter finds them, and a cutover without them stops
# with exit 9 before the guest is shut down (nothing converted, no snapshot
# left); with --virtio-win the converter gets them as VIRTIO_WIN.
. "$(dirname "$0")/../lib.sh"
lab_start
"$LABCTL" fault --dir "$LABDIR" set shutdown_delay=0.2 >/dev/null
"$LABCTL" vm-create --dir "$LABDIR" win01 --os windows --firmware efi --disks 16M --fill 10 >/dev/null

# The lab's VIRTIO_WIN (an empty driver directory for the stand-in converter).
js=$("$VMIGRATE" inspect win01 --json) || fail "inspect failed"
assert_contains "$js" "\"virtio_win\":\"$VIRTIO_WIN\"" "inspect: the lab's drivers found"
missing="$LABDIR/no-such-virtio-win.iso"
txt=$(VIRTIO_WIN="$missing" "$VMIGRATE" inspect win01) || fail "inspect without drivers failed"
assert_contains "$txt" "virtio-win:    virtio-win drivers: $missing: No such file or directory" "inspect names the problem"
"$LABCTL" vm-create --dir "$LABDIR" lin01 --disks 8M >/dev/null
case $("$VMIGRATE" inspect lin01 --json) in *virtio_win*) fail "a Linux guest shows virtio-win" ;; esac

vmigrate sync win01 >/dev/null 2>&1 || fail "sync failed"
rc=0; out=$(VIRTIO_WIN= vmigrate cutover win01 --virtio-win "$missing" 2>&1) || rc=$?
assert_eq 9 "$rc" "cutover without drivers: exit code"
assert_contains "$out" "the guest was not stopped" "cutover without drivers: why"
assert_eq poweredOn "$("$LABCTL" vm-power --dir "$LABDIR" win01)" "the guest still runs"
assert_eq false "$(meta win01 0 converted | sed 's/^$/false/')" "not converted"
[ ! -f "$LABDIR/v2v-calls.jsonl" ] || fail "the converter ran"
assert_eq 0 "$(nsnapshots win01)" "no snapshot left"
assert_all_detached win01

mkdir "$LABDIR/drivers"
out=$(vmigrate cutover win01 --virtio-win "$LABDIR/drivers" 2>&1) || fail "cutover failed: $out"
assert_eq true "$(meta win01 0 converted)" "converted with the drivers"
grep -q "\"virtio_win\": \"$LABDIR/drivers\"" "$LABDIR/v2v-calls.jsonl" ||
    fail "the converter did not get VIRTIO_WIN=$LABDIR/drivers: $(cat "$LABDIR/v2v-calls.jsonl")"
