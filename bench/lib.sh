# The benchmark's shared shell helpers, sourced by bench/run and each case.
# The driver (bench/run) exports BENCH_WORK (scratch directory, lab inside),
# VMIGRATE, BENCH_TOOLS (benchdata, go-delta) and the lab's environment.
# shellcheck shell=sh
set -eu
BENCH_TOP=$(cd "$(dirname "$0")/.." && pwd)
LABCTL="$BENCH_TOP/lab/labctl"
PY=/usr/bin/python3          # Debian's, whatever python3 is on PATH
LIBPY="$BENCH_TOP/bench/lib.py"
W="${BENCH_WORK:?run the cases through bench/run}"
RESULTS="$W/results.tsv"     # CASE TOOL ROUND SECONDS BYTES, one line a run
NOTES="$W/notes.tsv"         # KEY VALUE: flags chosen, counts, sizes
ROUNDS=${BENCH_ROUNDS:-3}

# The VDDK-like source: nbdkit splits every request into pieces of at most
# 2 MiB (as VDDK reads) and each piece waits 1 ms before it is read
# (blocksize is the outer filter, so the delay applies per piece).
VDDK_FILTERS="--filter=blocksize --filter=delay"
VDDK_PARAMS="maxdata=2M rdelay=1ms"

say() { echo "bench: $*" >&2; }
die() { echo "bench: FAILED: $*" >&2; exit 1; }
now() { date +%s.%N; }
since() { echo "$(now) $1" | awk '{ printf "%.3f", $1 - $2 }'; }
record() { printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" >>"$RESULTS"; }
note() { printf '%s\t%s\n' "$1" "$2" >>"$NOTES"; }
file_size() { stat -c %s "$1"; }

# Before every measured run: dirty pages written out, and (as root) the page
# cache emptied, so no run inherits another's cached or dirty data.
drop_caches() {
    sync
    if [ "$(id -u)" -eq 0 ]; then echo 3 >/proc/sys/vm/drop_caches; fi
}

# Read a source into the page cache (its data regions, or only AREAS): the
# reference tools then start as vmigrate does, whose source is the lab's
# snapshot copy, written into the page cache just before the copy.
warm() { "$BENCH_TOOLS/benchdata" warm "$@"; }

# same SOURCE COPY WHAT: byte-for-byte equal (holes read as zeroes), or stop.
same() {
    "$BENCH_TOOLS/benchdata" cmp "$1" "$2" >&2 || die "$3: the copy differs from its source"
}

# serve NAME FILE [vddk]: a read-only nbdkit file server on a Unix socket,
# started before the timing starts; prints its URI.  unserve NAME stops it.
serve() {
    rm -f "$W/$1.sock" "$W/$1.pid"
    # shellcheck disable=SC2086
    if [ "${3:-}" = vddk ]; then
        nbdkit -r -U "$W/$1.sock" -P "$W/$1.pid" $VDDK_FILTERS file file="$2" $VDDK_PARAMS
    else
        nbdkit -r -U "$W/$1.sock" -P "$W/$1.pid" file file="$2"
    fi
    echo "nbd+unix:///?socket=$W/$1.sock"
}
unserve() {
    pid=$(cat "$W/$1.pid")
    kill "$pid"
    while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
    rm -f "$W/$1.sock" "$W/$1.pid"
}

# The wrapper vmigrate runs as nbdkit (VMIGRATE_NBDKIT) for a VDDK-like source.
vddk_wrapper() {
    f="$W/nbdkit-vddk-like"
    if [ ! -x "$f" ]; then
        printf '#!/bin/sh\n# nbdkit with a VDDK-like cost per read (bench/lib.sh)\n' >"$f"
        printf 'exec nbdkit %s "$@" %s\n' "$VDDK_FILTERS" "$VDDK_PARAMS" >>"$f"
        chmod +x "$f"
    fi
    echo "$f"
}

# disk_of VM [INDEX]: the VM's disk file in the lab's datastore.
disk_of() {
    if [ "${2:-0}" -eq 0 ]; then echo "$VMIGRATE_LOCAL_DATASTORE/datastore1/$1/$1.vmdk"
    else echo "$VMIGRATE_LOCAL_DATASTORE/datastore1/$1/$1_$2.vmdk"; fi
}

# volume_of VM [INDEX]: the file behind the INDEXth Cinder volume of VM.
volume_of() {
    id=$("$LABCTL" volumes --dir "$VMIGRATE_LAB_DIR" --vm "$1" | $PY -c 'import json, sys
vols = sorted(json.load(sys.stdin), key=lambda v: int(v["metadata"]["vmigrate_disk_key"]))
print(vols[int(sys.argv[1])]["id"])' "${2:-0}")
    echo "$VMIGRATE_LAB_DIR/volumes/$id.img"
}

# new_vm NAME IMAGE [IMAGE...]: a VM whose disks hold copies of the images.
# The first disk comes in with vm-create --image; the others are written
# into their files and recorded as guest writes with vm-track.
new_vm() {
    name=$1; shift
    sizes=""
    for img in "$@"; do sizes="${sizes:+$sizes,}$(file_size "$img")"; done
    "$LABCTL" vm-create --dir "$VMIGRATE_LAB_DIR" "$name" --disks "$sizes" --image "$1" >/dev/null
    i=0
    for img in "$@"; do
        if [ $i -gt 0 ]; then
            cp --sparse=always "$img" "$(disk_of "$name" $i)"
            "$LABCTL" vm-track --dir "$VMIGRATE_LAB_DIR" "$name" --disk $i --from-diff /dev/null >/dev/null
        fi
        i=$((i + 1))
    done
}

# sync_vm CASE TOOL ROUND VM [VMIGRATE OPTIONS]: one window, timed, checked.
# Records TOOL: copy + flush of all disks, from vmigrate's log (first disk's
# start to last disk's end, nbdkit start included), TOOL-window: the whole
# window as vmigrate reports it, TOOL-snapshot: the lab's CreateSnapshot.
sync_vm() {
    c=$1 t=$2 r=$3 vm=$4; shift 4
    out="$W/$c-$t-$r"
    "$VMIGRATE" --transport local sync "$vm" --json --log "$out.log" "$@" >"$out.json" 2>"$out.err" ||
        die "$c: vmigrate sync $vm failed: $(tail -3 "$out.err")"
    bytes=$($PY "$LIBPY" json "$out.json" windows 0 bytes)
    record "$c" "$t" "$r" "$($PY "$LIBPY" logspan "$out.log")" "$bytes"
    record "$c" "$t-window" "$r" "$($PY "$LIBPY" json "$out.json" windows 0 seconds)" "$bytes"
    record "$c" "$t-snapshot" "$r" "$($PY "$LIBPY" logsnap "$out.log")" "$bytes"
    ndisks=$($PY -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["volumes"]))' "$out.json")
    i=0
    while [ $i -lt "$ndisks" ]; do
        same "$(disk_of "$vm" $i)" "$(volume_of "$vm" $i)" "$c: vmigrate disk $i"
        i=$((i + 1))
    done
}

# timed CASE TOOL ROUND BYTES COMMAND...: run COMMAND (its stdout to a log),
# record its wall time.
timed() {
    c=$1 t=$2 r=$3 b=$4; shift 4
    t0=$(now)
    "$@" >"$W/$c-$t-$r.out" 2>&1 || die "$c: $t failed: $(tail -3 "$W/$c-$t-$r.out")"
    record "$c" "$t" "$r" "$(since "$t0")" "$b"
}
