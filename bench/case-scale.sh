#!/bin/sh
# Case: the first window of a BENCH_BIG (1 TiB) sparse disk against a
# BENCH_SMALL (64 GiB) one with the same allocated bytes (BENCH_SCALE_ALLOC,
# scattered over the whole disk): window time (changed-area planning is
# part of it) and vmigrate's peak RSS (/usr/bin/time -v), a fresh VM of
# each in every round.
. "$(dirname "$0")/lib.sh"
c=scale
export VMIGRATE_NBDKIT=nbdkit
"$BENCH_TOOLS/benchdata" image "$W/big.img" "$BENCH_BIG" "$BENCH_SCALE_ALLOC" 20
"$BENCH_TOOLS/benchdata" image "$W/small.img" "$BENCH_SMALL" "$BENCH_SCALE_ALLOC" 21
note scale.big "$BENCH_BIG"; note scale.small "$BENCH_SMALL"; note scale.alloc "$BENCH_SCALE_ALLOC"

r=1
while [ $r -le "$ROUNDS" ]; do
    for t in small big; do
        vm="$t$r"
        new_vm "$vm" "$W/$t.img"
        drop_caches
        BENCH_TIME_V="$W/$c-$t-$r.time" sync_vm "$c" "$t" $r "$vm"
        say "$c round $r: $t: window $(tail -2 "$RESULTS" | head -1 | cut -f4) s"
        record "$c" "$t-rss" $r 0 "$($PY "$LIBPY" rss "$W/$c-$t-$r.time")"
        say "$c round $r: $t: peak RSS $(tail -1 "$RESULTS" | cut -f5) KiB"
    done
    r=$((r + 1))
done
# The last small VM is the idle case's.
echo "small$ROUNDS" >"$W/idle.vm"
