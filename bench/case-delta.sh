#!/bin/sh
# Case: a delta window.  Each round the "guest" changes BENCH_DELTA bytes in
# BENCH_EXTENTS scattered runs of whole 64 KiB blocks (benchdata scribble on
# the disk file, recorded by CBT with labctl vm-track), then, on the same
# changes: vmigrate's delta window; the Go tools' algorithm (go-delta: one
# blocking pread then one pwrite per area, O_DIRECT, and buffered) from the
# same kind of nbdkit server into its own copy of the volume; and, with the
# local source, the fio replay floor (fio writing exactly those areas).
#   case-delta.sh local|vddk     vddk: the VDDK-like source (lib.sh)
. "$(dirname "$0")/lib.sh"
kind=${1:-local}
case $kind in
    local) c=delta; src_opt=""; seed0=100 ;;
    vddk) c=delta-vddk; src_opt=vddk; seed0=200 ;;
    *) die "case-delta.sh local|vddk" ;;
esac
vm=delta
src=$(disk_of $vm)
go_direct="$W/go-direct.img" go_buffered="$W/go-buffered.img" fio_target="$W/fio-replay.img"

# The first window, not measured; then each reference tool gets its own copy
# of the seeded volume to bring up to date round after round.
if [ ! -f "$W/delta.seeded" ]; then
    new_vm $vm "$W/golden.img"
    VMIGRATE_NBDKIT=nbdkit sync_vm delta-setup vmigrate 0 $vm
    for f in "$go_direct" "$go_buffered" "$fio_target"; do cp --sparse=always "$(volume_of $vm)" "$f"; done
    touch "$W/delta.seeded"
fi
vol=$(volume_of $vm)
if [ "$kind" = vddk ]; then VMIGRATE_NBDKIT=$(vddk_wrapper); else VMIGRATE_NBDKIT=nbdkit; fi
export VMIGRATE_NBDKIT

# go_run TOOL TARGET [--buffered]: the Go algorithm on this round's areas.
go_run() {
    drop_caches; warm "$src" "$areas"
    uri=$(serve go "$src" $src_opt)
    timed "$c" "$1" $r "$bytes" "$BENCH_TOOLS/go-delta" ${3:-} "$uri" "$2" "$areas"
    unserve go
    [ "$(cat "$W/$c-$1-$r.out")" = "$bytes" ] || die "$c: $1 copied $(cat "$W/$c-$1-$r.out") bytes, not $bytes"
    same "$src" "$2" "$c: $1"
    say "$c round $r: $1 $(tail -1 "$RESULTS" | cut -f4) s"
}

r=1
while [ $r -le "$ROUNDS" ]; do
    "$BENCH_TOOLS/benchdata" scribble "$src" "$BENCH_EXTENTS" "$BENCH_DELTA" $((seed0 + r))
    # The volume holds the disk as it was: CBT records the blocks that differ.
    "$LABCTL" vm-track --dir "$VMIGRATE_LAB_DIR" $vm --from-diff "$vol" >"$W/$c-$r.track.json"
    areas="$W/$c-$r.areas"
    set -- $($PY "$LIBPY" areas "$W/$c-$r.track.json" "$areas")
    bytes=$2
    note "$c.areas" "$1"
    say "$c round $r: $1 changed areas, $bytes bytes"

    drop_caches
    sync_vm "$c" vmigrate $r $vm
    say "$c round $r: vmigrate $(tail -3 "$RESULTS" | head -1 | cut -f4) s"
    go_run go-direct "$go_direct"
    [ "$kind" = vddk ] || go_run go-buffered "$go_buffered" --buffered

    if [ "$kind" = local ]; then
        # The floor: fio replays exactly these writes (an iolog), buffered,
        # one at a time as they come, one fsync at the end, into a copy of
        # the volume (the same overwrites of allocated blocks).
        $PY "$LIBPY" fiolog "$areas" "$fio_target" "$W/$c-$r.iolog"
        drop_caches
        fio_run "$c" $r "$bytes" --name=replay --read_iolog="$W/$c-$r.iolog" \
            --replay_no_stall=1 --ioengine=psync --direct=0 --end_fsync=1
        say "$c round $r: fio $(tail -1 "$RESULTS" | cut -f4) s"
    fi
    r=$((r + 1))
done
