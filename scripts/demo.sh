#!/bin/sh
# `make demo`: a multi-window migration against the lab.
# A running VM with two disks is seeded twice while its guest writes, then
# cut over (guest shutdown, last delta, conversion); the volumes are checked
# byte for byte against the source disks.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
labctl="$top/lab/labctl"
labdir=$(mktemp -d "${TMPDIR:-/tmp}/vmigrate-demo.XXXXXX")
trap '"$labctl" stop --dir "$labdir"; rm -rf "$labdir"' EXIT INT TERM

say() { printf '\n== %s\n' "$*"; }
vmigrate() { "$build/vmigrate" --transport local "$@"; }

say "starting the lab (vCenter and OpenStack simulators, TLS with a lab CA) in $labdir"
"$labctl" start --dir "$labdir" --tls >/dev/null
. "$labdir/lab.env"
"$labctl" fault --dir "$labdir" set shutdown_delay=2 >/dev/null
"$labctl" vm-create --dir "$labdir" web01 --disks 512M,128M --fill 25 >/dev/null

say "pre-flight: vmigrate inspect web01"
vmigrate inspect web01

say "seeding window 1 (the VM keeps running)"
vmigrate sync web01

say "the guest writes 3% of disk 1 and 5% of disk 2 meanwhile"
"$labctl" vm-write --dir "$labdir" web01 --disk 0 --percent 3 --seed 11 >/dev/null
"$labctl" vm-write --dir "$labdir" web01 --disk 1 --percent 5 --seed 12 >/dev/null

say "seeding window 2: only the changes"
vmigrate sync web01

say "more guest writes, then the cutover (guest shutdown, last delta, conversion)"
"$labctl" vm-write --dir "$labdir" web01 --disk 0 --percent 1 --seed 13 >/dev/null
vmigrate cutover web01 --log "$labdir/vmigrate.log" --log-dir "$labdir/v2v-logs"

say "vmigrate status web01"
vmigrate status web01

say "checking every volume against its source disk"
ok=0
for i in 0 1; do
    info=$("$labctl" volumes --dir "$labdir" --vm web01)
    vid=$(printf '%s' "$info" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[int(sys.argv[1])]["id"])' $i)
    cap=$("$labctl" vm-info --dir "$labdir" web01 | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["disks"][int(sys.argv[1])]["capacity"])' $i)
    src=$("$labctl" vm-hash --dir "$labdir" web01 --disk $i)
    dst=$("$labctl" volume-hash --dir "$labdir" "$vid" --bytes "$cap")
    if [ "$src" = "$dst" ]; then verdict="equal"; else verdict="DIFFERENT"; ok=1; fi
    echo "disk $i: source ${src%"${src#????????????}"}...  volume $vid ${dst%"${dst#????????????}"}...  $verdict"
done
echo "VM power state now: $("$labctl" vm-power --dir "$labdir" web01)"
exit $ok
