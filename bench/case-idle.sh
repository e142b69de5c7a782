#!/bin/sh
# Case: a window with nothing to copy (sync again, no guest writes since
# the last window), on the scale case's BENCH_SMALL disk (a fresh one,
# seeded first, when the scale case did not run).  Also recorded: how much
# of it is the lab's CreateSnapshot (which copies the disk's allocated data).
. "$(dirname "$0")/lib.sh"
c=idle
export VMIGRATE_NBDKIT=nbdkit
if [ -f "$W/idle.vm" ]; then
    vm=$(cat "$W/idle.vm")
else
    vm=idle
    "$BENCH_TOOLS/benchdata" image "$W/small.img" "$BENCH_SMALL" "$BENCH_SCALE_ALLOC" 21
    new_vm $vm "$W/small.img"
    sync_vm idle-setup vmigrate 0 $vm
fi
note scale.small "$BENCH_SMALL"; note scale.alloc "$BENCH_SCALE_ALLOC"
# The lab's default again: bench/run makes CreateSnapshot fsync its copy so
# that the other cases' reads do not race its writeback; with nothing to
# read, that fsync would only time the lab's own disk.
"$LABCTL" fault --dir "$VMIGRATE_LAB_DIR" set snapshot_sync=0 >/dev/null
r=1
while [ $r -le "$ROUNDS" ]; do
    drop_caches
    sync_vm "$c" vmigrate $r "$vm"
    say "$c round $r: window $(tail -2 "$RESULTS" | head -1 | cut -f4) s, of which $(tail -1 "$RESULTS" | cut -f4) s the lab's snapshot"
    r=$((r + 1))
done
"$LABCTL" fault --dir "$VMIGRATE_LAB_DIR" set snapshot_sync=1 >/dev/null
