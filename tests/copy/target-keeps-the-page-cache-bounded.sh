# A copy into a file target leaves at most a few dozen MiB of the target in
# the page cache however much it copies (the ring of src/copy/target-file.c:
# each range is written back and dropped once 32 MiB of newer writes follow
# it), so a seed neither pays for gigabytes of fresh page-cache pages nor
# evicts the conversion host's cache; and the bytes are all there.
. "$(dirname "$0")/../lib.sh"
requires nbdkit
requires fincore
PROBE="$BUILD/tests/tools/copy-probe"
# On disk, not tmpfs: tmpfs pages are the data and cannot be dropped.
W=$(mktemp -d /var/tmp/vmigrate-cache.XXXXXX); cleanup "rm -rf '$W'"
MIB=1048576
SIZE=$((256 * MIB))

head -c $SIZE /dev/urandom >"$W/src"
nbdkit -r -U "$W/s.sock" -P "$W/s.pid" -f file file="$W/src" & srv=$!
cleanup "kill $srv 2>/dev/null"
n=100; while [ ! -S "$W/s.sock" ] && [ $n -gt 0 ]; do sleep 0.05; n=$((n - 1)); done

: >"$W/tgt"
truncate -s $SIZE "$W/tgt"
# no-flush: what stays cached is the copy's doing, not the final fsync's.
out=$("$PROBE" "$W/s.sock" "$W/tgt" "0:$SIZE" no-flush 2>&1) || fail "copy failed: $out"
assert_contains "$out" "read $SIZE written $SIZE" "the whole 256 MiB copied"
cached=$(fincore --bytes --noheadings --output RES "$W/tgt" | tr -d ' ')
echo "target pages cached after copying 256 MiB: $((cached / MIB)) MiB"
# The ring's 32 MiB, the writes in flight (4 writers x 2 MiB) and the last
# range whose writeback started: well under 80 MiB; a plain buffered copy
# leaves all 256 MiB.
[ "$cached" -lt $((80 * MIB)) ] || fail "$((cached / MIB)) MiB of the target cached after the copy (ring bound: about 40 MiB)"
cmp "$W/src" "$W/tgt" || fail "the target differs from the source"
