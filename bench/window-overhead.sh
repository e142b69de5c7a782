#!/bin/sh
# Benchmark: what a window costs beyond moving data.
#   - the first window of a 1 TiB sparse disk against a 64 GiB one with the
#     same allocation (changed-area planning must scale with what is
#     allocated, not with the disk size);
#   - a window where nothing changed (snapshot, CBT query, Cinder, vSphere
#     task and attach/detach waits: the fixed cost of every window).
# Both VMs live in one lab, with the lab's default timings.
#   bench/window-overhead.sh [ALLOC_MIB] [ROUNDS]
# Prints the window seconds (vmigrate's own windows[0].seconds), the wall
# time of the whole `vmigrate sync` run and the QueryChangedDiskAreas calls.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
alloc=${1:-256}
rounds=${2:-3}
labctl="$top/lab/labctl"
vmigrate="${VMIGRATE_BUILD:-$top/build}/vmigrate"
py=/usr/bin/python3
dir=$(mktemp -d "${TMPDIR:-/tmp}/vmigrate-bench.XXXXXX")
trap '"$labctl" stop --dir "$dir" >/dev/null 2>&1; rm -rf "$dir"' EXIT INT TERM
"$labctl" start --dir "$dir" >/dev/null
. "$dir/lab.env"

qcda() { grep -c "soap QueryChangedDiskAreas\$" "$dir/logs/vsphere.log" 2>/dev/null || true; }

# sync VM: "window-seconds wall-seconds QueryChangedDiskAreas-calls"
sync_vm() {
    q0=$(qcda)
    sync  # the disk data vm-create wrote is not written back during the run
    t0=$(date +%s.%N)
    js=$("$vmigrate" --transport local sync "$1" --json 2>/dev/null)
    t1=$(date +%s.%N)
    q1=$(qcda)
    printf '%s' "$js" | $py -c 'import json,sys
print("%.3f %.3f %d" % (json.load(sys.stdin)["windows"][0]["seconds"],
      float(sys.argv[1]) - float(sys.argv[2]), int(sys.argv[3])))' "$t1" "$t0" "$((q1 - q0))"
}

median() { $py -c 'import statistics,sys; print("%.3f" % statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }

printf 'allocation %s MiB, %s rounds, %s\n' "$alloc" "$rounds" "$vmigrate"
# A 1 TiB volume is more than the lab's default Cinder quota.
"$labctl" fault --dir "$dir" set quota_gigabytes=-1
first64="" first1t="" wall64="" wall1t="" zero64="" zero1t="" zwall64="" zwall1t=""
for r in $(seq "$rounds"); do
    for size in 64 1024; do
        # A fresh VM each round: its first window is a full copy.
        vm="big$size-$r"
        pct=$($py -c "print($alloc / ($size * 1024) * 100)")
        "$labctl" vm-create --dir "$dir" "$vm" --disks "${size}G" --fill "$pct" --seed "$r" >/dev/null
        set -- $(sync_vm "$vm")
        echo "round $r ${size}G first window: $1 s (run $2 s, $3 QueryChangedDiskAreas)"
        if [ "$size" = 64 ]; then first64="$first64 $1" wall64="$wall64 $2"; else first1t="$first1t $1" wall1t="$wall1t $2"; fi
        set -- $(sync_vm "$vm")
        echo "round $r ${size}G zero-change window: $1 s (run $2 s, $3 QueryChangedDiskAreas)"
        if [ "$size" = 64 ]; then zero64="$zero64 $1" zwall64="$zwall64 $2"; else zero1t="$zero1t $1" zwall1t="$zwall1t $2"; fi
        vid=$("$labctl" volumes --dir "$dir" --vm "$vm" | $py -c 'import json,sys
print(json.load(sys.stdin)[0]["id"])')
        # Byte for byte (reading what either file allocates: a hash of 1 TiB takes minutes).
        "$labctl" volume-cmp --dir "$dir" "$vid" "$vm" || exit 1
    done
done
m64=$(median $first64) m1t=$(median $first1t)
printf '\nmedians          64 GiB    1 TiB    ratio\n'
printf 'first window   %7s s %7s s   %.2f\n' "$m64" "$m1t" "$($py -c "print($m1t / $m64)")"
printf 'first run      %7s s %7s s\n' "$(median $wall64)" "$(median $wall1t)"
printf 'zero-change    %7s s %7s s   (target <= 1 s)\n' "$(median $zero64)" "$(median $zero1t)"
printf 'zero-change run%7s s %7s s\n' "$(median $zwall64)" "$(median $zwall1t)"
