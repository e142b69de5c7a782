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
    _pid=$(cat "$W/$1.pid")
    kill "$_pid"
    while kill -0 "$_pid" 2>/dev/null; do sleep 0.05; done
    rm -f "$W/$1.sock" "$W/$1.pid"
}

# The wrapper vmigrate runs as nbdkit (VMIGRATE_NBDKIT) for a VDDK-like source.
vddk_wrapper() {
    _f="$W/nbdkit-vddk-like"
    if [ ! -x "$_f" ]; then
        printf '#!/bin/sh\n# nbdkit with a VDDK-like cost per read (bench/lib.sh)\n' >"$_f"
        printf 'exec nbdkit %s "$@" %s\n' "$VDDK_FILTERS" "$VDDK_PARAMS" >>"$_f"
        chmod +x "$_f"
    fi
    echo "$_f"
}

# The same with an NFC stream's limits: no multi-conn, BENCH_NFC_RATE per
# connection (bits/s, nbdkit's rate filter).
nfc_wrapper() {
    _f="$W/nbdkit-nfc-like"
    if [ ! -x "$_f" ]; then
        printf '#!/bin/sh\n# nbdkit as one NFC stream per disk (bench/lib.sh)\n' >"$_f"
        printf 'exec nbdkit --filter=multi-conn --filter=rate %s "$@" %s multi-conn-mode=disable connection-rate=%s\n' \
            "$VDDK_FILTERS" "$VDDK_PARAMS" "${BENCH_NFC_RATE:-800M}" >>"$_f"
        chmod +x "$_f"
    fi
    echo "$_f"
}

# disk_of VM [INDEX]: the VM's disk file in the lab's datastore.
disk_of() {
    if [ "${2:-0}" -eq 0 ]; then echo "$VMIGRATE_LOCAL_DATASTORE/datastore1/$1/$1.vmdk"
    else echo "$VMIGRATE_LOCAL_DATASTORE/datastore1/$1/$1_$2.vmdk"; fi
}

# volume_of VM [INDEX]: the file behind the INDEXth Cinder volume of VM.
volume_of() {
    _id=$("$LABCTL" volumes --dir "$VMIGRATE_LAB_DIR" --vm "$1" | $PY -c 'import json, sys
vols = sorted(json.load(sys.stdin), key=lambda v: int(v["metadata"]["vmigrate_disk_key"]))
print(vols[int(sys.argv[1])]["id"])' "${2:-0}")
    echo "$VMIGRATE_LAB_DIR/volumes/$_id.img"
}

# new_vm NAME IMAGE [IMAGE...]: a VM whose disks hold copies of the images.
# The first disk comes in with vm-create --image; the others are written
# into their files and recorded as guest writes with vm-track.
new_vm() {
    _name=$1; shift
    _sizes=""
    for _img in "$@"; do _sizes="${_sizes:+$_sizes,}$(file_size "$_img")"; done
    "$LABCTL" vm-create --dir "$VMIGRATE_LAB_DIR" "$_name" --disks "$_sizes" --image "$1" >/dev/null
    _i=0
    for _img in "$@"; do
        if [ $_i -gt 0 ]; then
            cp --sparse=always "$_img" "$(disk_of "$_name" $_i)"
            "$LABCTL" vm-track --dir "$VMIGRATE_LAB_DIR" "$_name" --disk $_i --from-diff /dev/null >/dev/null
        fi
        _i=$((_i + 1))
    done
}

# sync_vm CASE TOOL ROUND VM [VMIGRATE OPTIONS]: one window, timed, checked.
# Records TOOL: copy + flush of all disks, from vmigrate's log (first disk's
# start to last disk's end, nbdkit start included), TOOL-window: the whole
# window as vmigrate reports it, TOOL-snapshot: the lab's CreateSnapshot.
# With BENCH_TIME_V=FILE, vmigrate runs under /usr/bin/time -v -o FILE.
sync_vm() {
    _c=$1 _t=$2 _r=$3 _vm=$4; shift 4
    _out="$W/$_c-$_t-$_r"
    ${BENCH_TIME_V:+/usr/bin/time -v -o "$BENCH_TIME_V"} "$VMIGRATE" --transport local sync "$_vm" --json --log "$_out.log" "$@" >"$_out.json" 2>"$_out.err" ||
        die "$_c: vmigrate sync $_vm failed: $(tail -3 "$_out.err")"
    _bytes=$($PY "$LIBPY" json "$_out.json" windows 0 bytes)
    record "$_c" "$_t" "$_r" "$($PY "$LIBPY" logspan "$_out.log")" "$_bytes"
    record "$_c" "$_t-window" "$_r" "$($PY "$LIBPY" json "$_out.json" windows 0 seconds)" "$_bytes"
    record "$_c" "$_t-snapshot" "$_r" "$($PY "$LIBPY" logsnap "$_out.log")" "$_bytes"
    _ndisks=$($PY -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["volumes"]))' "$_out.json")
    _i=0
    while [ $_i -lt "$_ndisks" ]; do
        same "$(disk_of "$_vm" $_i)" "$(volume_of "$_vm" $_i)" "$_c: vmigrate disk $_i"
        _i=$((_i + 1))
    done
}

# timed CASE TOOL ROUND BYTES COMMAND...: run COMMAND (stdout in
# $W/CASE-TOOL-ROUND.out, stderr in .err), record its wall time.
timed() {
    _c=$1 _t=$2 _r=$3 _b=$4; shift 4
    _t0=$(now)
    "$@" >"$W/$_c-$_t-$_r.out" 2>"$W/$_c-$_t-$_r.err" || die "$_c: $_t failed: $(tail -3 "$W/$_c-$_t-$_r.err")"
    record "$_c" "$_t" "$_r" "$(since "$_t0")" "$_b"
}

# fio_run CASE ROUND BYTES FIO-OPTIONS...: run fio, check it wrote BYTES, and
# record fio's own job_runtime: its I/O and end_fsync, not the ~0.5 s fio
# takes to start (which would flatter whoever is compared with the floor).
fio_run() {
    _c=$1 _r=$2 _b=$3; shift 3
    fio "$@" --output-format=json >"$W/$_c-fio-$_r.json" 2>"$W/$_c-fio-$_r.err" ||
        die "$_c: fio failed: $(tail -3 "$W/$_c-fio-$_r.err")"
    _w=$($PY "$LIBPY" json "$W/$_c-fio-$_r.json" jobs 0 write io_bytes)
    [ "$_w" = "$_b" ] || die "$_c: fio wrote $_w bytes, not $_b"
    record "$_c" fio "$_r" "$($PY "$LIBPY" json "$W/$_c-fio-$_r.json" jobs 0 job_runtime |
        awk '{ printf "%.3f", $1 / 1000 }')" "$_b"
}
