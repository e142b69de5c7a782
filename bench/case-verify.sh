#!/bin/sh
# Case: what --verify costs.  Each round a fresh VM from the seed's image:
# its first window with --verify, then a delta (BENCH_DELTA bytes in
# BENCH_EXTENTS changes, recorded by CBT as in case-delta.sh) with --verify.
# Recorded per window: the verify pass (the disk's verify_seconds in
# vmigrate's JSON) and the copy + flush (sync_vm's span, which ends after
# the verify pass, minus that pass).
# Needs $W/golden.img (bench/run makes it).
. "$(dirname "$0")/lib.sh"
export VMIGRATE_NBDKIT=nbdkit
r=1
while [ $r -le "$ROUNDS" ]; do
    vm="verify$r"
    new_vm "$vm" "$W/golden.img"
    for kind in seed delta; do
        c=verify-$kind
        if [ $kind = delta ]; then
            "$BENCH_TOOLS/benchdata" scribble "$(disk_of $vm)" "$BENCH_EXTENTS" "$BENCH_DELTA" $((300 + r))
            "$LABCTL" vm-track --dir "$VMIGRATE_LAB_DIR" $vm --from-diff "$(volume_of $vm)" >/dev/null
        fi
        drop_caches
        sync_vm "$c" vmigrate $r "$vm" --verify
        # sync_vm's span ends after the verify pass: take it out again.
        span=$(tail -3 "$RESULTS" | head -1 | cut -f4) bytes=$(tail -3 "$RESULTS" | head -1 | cut -f5)
        ver=$($PY "$LIBPY" json "$W/$c-vmigrate-$r.json" windows 0 disks 0 verify_seconds)
        copy=$(awk "BEGIN { printf \"%.3f\", $span - $ver }")
        record "$c" copy $r "$copy" "$bytes"
        record "$c" verify $r "$ver" "$bytes"
        say "$c round $r: copy + flush $copy s, verify $ver s"
    done
    rm -f "$(volume_of "$vm")" "$(disk_of "$vm")"
    r=$((r + 1))
done
