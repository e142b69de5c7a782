# The disks of a VM are copied at the same time (--parallel-disks N, each
# with its own nbdkit), and never more than N at once.  When one disk's
# source fails, the others stop, the run ends with the copy's exit code
# naming the failing disk, and no disk whose data was not flushed gets a
# changeID; the next window copies everything and the volumes equal the
# disks.
. "$(dirname "$0")/../lib.sh"
requires nbdkit
lab_start
"$LABCTL" vm-create --dir "$LABDIR" pd4 --disks 8M,8M,8M,8M --fill 60 >/dev/null

# nbdkit stand-in: counts the servers running at once, records its signal
# mask (started from worker threads, it must still die of SIGTERM), slows every read
# (so copies overlap if they run together), and fails every read of the
# disk whose file name is in $FAIL_DISK, at once.
wrap="$LABDIR/nbdkit-wrap"
cat >"$wrap" <<EOF
#!/bin/sh
d="$LABDIR/running"; mkdir -p "\$d"
touch "\$d/\$\$"; trap 'rm -f "\$d/\$\$"' EXIT INT TERM
ls "\$d" | wc -l >>"$LABDIR/concurrency"
grep -E '^Sig(Blk|Ign):' /proc/\$\$/status >>"$LABDIR/signals"
# Filters before the plugin, their parameters after it.
filters="--filter=delay" params="rdelay=\${RDELAY:-200ms}"
case "\$*" in *"\${FAIL_DISK:-@none@}"*)
    filters="--filter=error" params="error=EIO error-pread-rate=100%" ;; esac
nbdkit \$filters "\$@" \$params
EOF
chmod +x "$wrap"
most_at_once() { sort -n "$LABDIR/concurrency" | tail -1; }

# One at a time: never two servers.
: >"$LABDIR/concurrency"
out=$(VMIGRATE_NBDKIT="$wrap" vmigrate --parallel-disks 1 sync pd4 2>&1) ||
    fail "window with --parallel-disks 1 failed: $out"
assert_eq 1 "$(most_at_once)" "servers at once with --parallel-disks 1"
assert_eq 4 "$(wc -l <"$LABDIR/concurrency")" "one server per disk"
# No signal blocked; SIGPIPE (bit 13) and SIGTERM (bit 15) not ignored.
$PY - "$LABDIR/signals" <<'PYEOF' || fail "nbdkit inherited blocked or ignored signals: $(cat "$LABDIR/signals")"
import sys
for line in open(sys.argv[1]):
    name, mask = line.split()
    bits = int(mask, 16)
    if name == "SigBlk:" and bits:
        sys.exit(1)
    if name == "SigIgn:" and bits & ((1 << 12) | (1 << 14)):
        sys.exit(1)
PYEOF

# Four at a time (the default): they overlap, at most 4.
"$LABCTL" vm-write --dir "$LABDIR" pd4 --disk 0 --offset 1M --length 2M >/dev/null
"$LABCTL" vm-write --dir "$LABDIR" pd4 --disk 2 --offset 3M --length 2M >/dev/null
"$LABCTL" vm-write --dir "$LABDIR" pd4 --disk 3 --offset 5M --length 2M >/dev/null
: >"$LABDIR/concurrency"
out=$(VMIGRATE_NBDKIT="$wrap" vmigrate sync pd4 --json 2>/dev/null) || fail "parallel window failed: $out"
n=$(most_at_once)
[ "$n" -ge 2 ] && [ "$n" -le 4 ] || fail "servers at once with 4 parallel disks: $n (want 2-4)"
for i in 0 1 2 3; do assert_volume_matches_disk pd4 $i; done

# Disk 2's reads fail while the others are slow: the run fails naming it,
# the others stop, nothing unflushed is recorded.
before=$(for i in 0 1 2 3; do meta pd4 $i vmigrate_last_window; done)
for i in 0 1 2 3; do
    "$LABCTL" vm-write --dir "$LABDIR" pd4 --disk $i --offset 2M --length 6M >/dev/null
done
# The third disk's file name, as the path nbdkit is given contains it.
file2=$(meta pd4 2 vmigrate_disk_file | sed 's/^\[[^]]*\] //')
file2=${file2%.vmdk}  # the snapshot's file is NAME-snapN-M.vmdk
key2=$(meta pd4 2 vmigrate_disk_key)
[ -n "$file2" ] && [ -n "$key2" ] || fail "test setup: no file or key recorded for disk 2"
rc=0
out=$(FAIL_DISK="$file2" RDELAY=1000ms VMIGRATE_NBDKIT="$wrap" vmigrate sync pd4 2>&1) || rc=$?
assert_eq 6 "$rc" "exit code when one disk's source fails ($out)"
assert_contains "$out" "disk $key2: reading" "the error names the failing disk and its read"
after=$(for i in 0 1 2 3; do meta pd4 $i vmigrate_last_window; done)
assert_eq "$before" "$after" "no disk recorded a window it did not flush"
assert_all_detached pd4

# The next window redoes the work: every volume equals its disk.
out=$(vmigrate sync pd4 2>&1) || fail "window after the failure failed: $out"
for i in 0 1 2 3; do assert_volume_matches_disk pd4 $i; done
