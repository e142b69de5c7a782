#!/bin/sh
# Benchmark: vmigrate's first (full) window against nbdcopy copying the same
# disk in the same run, both from an nbdkit file server to a sparse file.
# Prints the ratio of copy times (vmigrate / nbdcopy); < 1 means faster.
#   bench/copy-vs-nbdcopy.sh [SIZE_MIB] [FILL_PERCENT]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
size=${1:-2048}
fill=${2:-50}
labctl="$top/lab/labctl"
vmigrate="${VMIGRATE_BUILD:-$top/build}/vmigrate"
dir=$(mktemp -d "${TMPDIR:-/tmp}/vmigrate-bench.XXXXXX")
trap '"$labctl" stop --dir "$dir" >/dev/null 2>&1; rm -rf "$dir"' EXIT INT TERM
"$labctl" start --dir "$dir" >/dev/null
. "$dir/lab.env"
"$labctl" vm-create --dir "$dir" bench --disks "${size}M" --fill "$fill" >/dev/null
disk="$VMIGRATE_LOCAL_DATASTORE/datastore1/bench/bench.vmdk"
sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true

# nbdcopy: the reference copier of libnbd, same source server, same target kind.
truncate -s "${size}M" "$dir/nbdcopy.img"
t0=$(date +%s.%N)
nbdkit -r -U - file file="$disk" --run "nbdcopy \"\$uri\" $dir/nbdcopy.img"
t1=$(date +%s.%N)
ref=$(/usr/bin/python3 -c "print($t1 - $t0)")

sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
js=$("$vmigrate" --transport local sync bench --json 2>/dev/null)
ours=$(printf '%s' "$js" | /usr/bin/python3 -c 'import json,sys
print(json.load(sys.stdin)["windows"][0]["seconds"])')
copy=$("$labctl" volumes --dir "$dir" --vm bench | /usr/bin/python3 -c 'import json,sys
print(json.load(sys.stdin)[0]["metadata"]["vmigrate_last_seconds"])')
bytes=$("$labctl" volumes --dir "$dir" --vm bench | /usr/bin/python3 -c 'import json,sys
print(json.load(sys.stdin)[0]["metadata"]["vmigrate_last_bytes"])')
printf 'disk %s MiB, %s%% allocated (%s MiB copied)\n' "$size" "$fill" "$((bytes / 1048576))"
printf 'nbdcopy:                 %.2f s (incl. nbdkit start)\n' "$ref"
printf 'vmigrate data copy:      %.2f s (window incl. snapshot, Cinder, attach: %.2f s)\n' "$copy" "$ours"
printf 'ratio vmigrate/nbdcopy:  %.2f\n' "$(/usr/bin/python3 -c "print($copy / $ref)")"
