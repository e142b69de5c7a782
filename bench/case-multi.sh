#!/bin/sh
# Case: a VM with 4 disks, first window from a VDDK-like source, with
# --parallel-disks 4 against --parallel-disks 1 (one disk at a time); both
# in every round, each on a fresh VM with the same four disks.  The time is
# vmigrate's copy of all disks: from the first disk's start to the last
# disk's end (its log).
#   case-multi.sh [vddk|nfc]
# nfc: the VDDK-like source as nbdkit-vddk serves a disk over NBD/NFC: no
# multi-conn (one connection per disk) and each connection capped at
# BENCH_NFC_RATE bits/s (an NFC stream's bandwidth), where several disks at
# once pay off whatever the machine.
. "$(dirname "$0")/lib.sh"
if [ "${1:-vddk}" = nfc ]; then
    c=multi-nfc
    VMIGRATE_NBDKIT=$(nfc_wrapper)
else
    c=multi
    VMIGRATE_NBDKIT=$(vddk_wrapper)
fi
export VMIGRATE_NBDKIT
imgs=""
for i in 0 1 2 3; do
    "$BENCH_TOOLS/benchdata" image "$W/multi-$i.img" "$BENCH_MULTI_DISK" "$BENCH_MULTI_ALLOC" $((10 + i))
    imgs="$imgs $W/multi-$i.img"
done

# one TOOL N: a fresh 4-disk VM, one window with --parallel-disks N.
one() {
    vm="$c-$1$r"  # multi-serial1, multi-nfc-parallel2...
    # shellcheck disable=SC2086
    new_vm "$vm" $imgs
    drop_caches
    sync_vm "$c" "$1" $r "$vm" --parallel-disks "$2"
    say "$c round $r: --parallel-disks $2: $(tail -3 "$RESULTS" | head -1 | cut -f4) s"
    for i in 0 1 2 3; do rm -f "$(volume_of "$vm" $i)" "$(disk_of "$vm" $i)"; done
}

r=1
while [ $r -le "$ROUNDS" ]; do
    one serial 1
    one parallel 4
    r=$((r + 1))
done
