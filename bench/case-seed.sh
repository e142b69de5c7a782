#!/bin/sh
# Case: the first (full) window of a fresh VM against nbdcopy copying the
# same disk from the same kind of nbdkit server into the same kind of target
# (a fresh sparse file), and, with the local source, against the fio write
# floor (writing as many bytes sequentially into a fresh sparse file).
#   case-seed.sh local|vddk      vddk: the VDDK-like source (lib.sh)
# Needs $W/golden.img (bench/run makes it).
. "$(dirname "$0")/lib.sh"
kind=${1:-local}
case $kind in
    local) c=seed; src_opt=""; export VMIGRATE_NBDKIT=nbdkit ;;
    vddk) c=seed-vddk; src_opt=vddk; VMIGRATE_NBDKIT=$(vddk_wrapper); export VMIGRATE_NBDKIT ;;
    *) die "case-seed.sh local|vddk" ;;
esac
golden="$W/golden.img"
size=$(file_size "$golden")
target="$W/seed-target.img"

# nbdcopy copy FLAGS...: one nbdcopy run from a warm source into a fresh
# sparse file, checked; prints its seconds.
nbdcopy_once() {
    rm -f "$target"; truncate -s "$size" "$target"
    drop_caches; warm "$golden"
    uri=$(serve nbd "$golden" $src_opt)
    t0=$(now)
    nbdcopy "$@" --flush --destination-is-zero "$uri" "$target" ||
        die "$c: nbdcopy $* failed"
    s=$(since "$t0")
    unserve nbd
    same "$golden" "$target" "$c: nbdcopy $*"
    rm -f "$target"
    echo "$s"
}

# nbdcopy's best flags on this source: each combination once, the fastest
# kept for every round.  The first is nbdcopy's default (the file plugin
# advertises multi-conn); fewer, larger requests; one connection.  (Tried
# and dropped as never the best here: --connections=2, and 4 MiB requests.)
best="" best_s=""
combos="--connections=4 --requests=64 --request-size=262144
--connections=4 --requests=16 --request-size=1048576
--connections=4 --requests=16 --request-size=2097152
--connections=1 --requests=64 --request-size=262144"
# A quick run tries the first two only.
[ -z "${BENCH_QUICK:-}" ] || combos=$(echo "$combos" | head -2)
printf '%s\n' "$combos" >"$W/$c.combos"
while read -r flags; do
    # shellcheck disable=SC2086
    s=$(nbdcopy_once $flags </dev/null)
    say "$c: nbdcopy $flags: $s s"
    note "$c.calibration" "nbdcopy $flags: $s s"
    if [ -z "$best" ] || awk "BEGIN { exit !($s < $best_s) }"; then best=$flags best_s=$s; fi
done <"$W/$c.combos"
note "$c.nbdcopy_flags" "$best"
say "$c: nbdcopy's best flags here: $best"

r=1
while [ $r -le "$ROUNDS" ]; do
    vm="s${kind}$r"
    new_vm "$vm" "$golden"
    drop_caches
    sync_vm "$c" vmigrate $r "$vm"
    bytes=$(tail -3 "$RESULTS" | head -1 | cut -f5)
    say "$c round $r: vmigrate $(tail -3 "$RESULTS" | head -1 | cut -f4) s"

    # shellcheck disable=SC2086
    record "$c" nbdcopy $r "$(nbdcopy_once $best)" "$bytes"
    say "$c round $r: nbdcopy $(tail -1 "$RESULTS" | cut -f4) s"

    if [ "$kind" = local ]; then
        # The floor: the same number of bytes, written sequentially in 1 MiB
        # buffered writes and fsynced once at the end, into a fresh sparse
        # file of the disk's size (no preallocation).
        # (vmigrate's byte count rounded up to whole 1 MiB writes).
        rm -f "$target"; truncate -s "$size" "$target"
        drop_caches
        mib=$(((bytes + 1048575) / 1048576 * 1048576))
        fio_run "$c" $r "$mib" --name=floor --filename="$target" --rw=write --bs=1M \
            --size="$mib" --ioengine=psync --direct=0 --end_fsync=1 --fallocate=none
        rm -f "$target"
        say "$c round $r: fio $(tail -1 "$RESULTS" | cut -f4) s"
    fi
    # The round's VM and volume are not used again: give their space back.
    rm -f "$(volume_of "$vm")" "$(disk_of "$vm")"
    r=$((r + 1))
done
