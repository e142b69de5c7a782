# On a fresh volume that reads as zeroes, all-zero data the source allocates
# (a guest that wrote zeros) is not written: after the first window the
# volume's allocation is the source's non-zero data, and its bytes still
# equal the disk.
. "$(dirname "$0")/../lib.sh"
lab_start
MIB=1048576
"$LABCTL" vm-create --dir "$LABDIR" az01 --disks 32M >/dev/null
"$LABCTL" vm-write --dir "$LABDIR" az01 --offset 0 --length $((8 * MIB)) --zero >/dev/null
"$LABCTL" vm-write --dir "$LABDIR" az01 --offset $((16 * MIB)) --length $MIB --seed 3 >/dev/null
out=$(vmigrate sync az01 2>&1) || fail "first window failed: $out"
assert_volume_matches_disk az01 0
vid=$(vol az01 0 id)
alloc=$(( $(stat -c %b "$LABDIR/volumes/$vid.img") * $(stat -c %B "$LABDIR/volumes/$vid.img") ))
[ "$alloc" -le $((MIB + 256 * 1024)) ] ||
    fail "the volume allocates $alloc bytes; only the 1 MiB of non-zero data should be written"
# Nothing was written for the zeros, not even a zero range (on a block
# device that is BLKZEROOUT work and, on thin storage, allocation).
assert_eq $MIB "$(meta az01 0 vmigrate_last_bytes)" "bytes the first window wrote"
# A delta over those zeros on the now used volume does write them.
"$LABCTL" vm-write --dir "$LABDIR" az01 --offset $((16 * MIB)) --length 65536 --zero >/dev/null
out=$(vmigrate sync az01 2>&1) || fail "delta window failed: $out"
assert_volume_matches_disk az01 0
