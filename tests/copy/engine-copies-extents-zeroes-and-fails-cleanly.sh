# The copy engine alone, against nbdkit (no lab): it copies exactly the
# extents it is given (bytes outside them untouched), writes all-zero data as
# zero ranges, or not at all on a target that reads as zeroes, zeroes the
# complement when asked, gets the same bytes with one writer or many, and a
# read error or a signal in the middle of the copy ends it with the copy's
# exit code (6) or 130 and nothing crashes.
. "$(dirname "$0")/../lib.sh"
requires nbdkit
PROBE="$BUILD/tests/tools/copy-probe"
W=$(mktemp -d); cleanup "rm -rf '$W'"
MIB=1048576

# Source: 8 MiB of random data with a zero MiB at 2 MiB.
$PY - "$W/src" <<'PYEOF'
import os, sys
b = bytearray(os.urandom(8 << 20))
b[2 << 20:3 << 20] = bytes(1 << 20)
open(sys.argv[1], "wb").write(b)
PYEOF
serve() { # SOCKET [nbdkit args...]: start a server, register its stop
    _s=$1; shift
    nbdkit -r -U "$_s" -P "$_s.pid" -f "$@" & _p=$!
    cleanup "kill $_p 2>/dev/null"
    _n=100; while [ ! -S "$_s" ] && [ $_n -gt 0 ]; do sleep 0.05; _n=$((_n - 1)); done
}
# target filled with 0xff, TARGET SIZE
ff_target() { $PY -c 'import sys; open(sys.argv[1], "wb").write(b"\xff" * int(sys.argv[2]))' "$1" "$2"; }
# compare OFF LEN of two files: "same" or "differ"
cmp_range() {
    $PY - "$@" <<'PYEOF'
import sys
a, b, off, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
fa, fb = open(a, "rb"), open(b, "rb")
fa.seek(off); fb.seek(off)
print("same" if fa.read(n) == fb.read(n) else "differ")
PYEOF
}
is_ff() { $PY -c 'import sys; f=open(sys.argv[1],"rb"); f.seek(int(sys.argv[2])); print("ff" if f.read(int(sys.argv[3])) == b"\xff"*int(sys.argv[3]) else "no")' "$@"; }

serve "$W/file.sock" file file="$W/src"
ext="0:$((2 * MIB)),$((2 * MIB)):$MIB,$((5 * MIB)):$((65536 * 3))"
for writers in 1 4; do
    ff_target "$W/t$writers" $((8 * MIB))
    out=$("$PROBE" "$W/file.sock" "$W/t$writers" "$ext" writers=$writers requests=3 request-size=262144) ||
        fail "copy with $writers writers failed: $out"
    assert_eq same "$(cmp_range "$W/src" "$W/t$writers" 0 $((3 * MIB)))" "first 3 MiB copied ($writers writers)"
    assert_eq same "$(cmp_range "$W/src" "$W/t$writers" $((5 * MIB)) $((65536 * 3)))" "third extent copied ($writers writers)"
    assert_eq ff "$(is_ff "$W/t$writers" $((3 * MIB)) $((2 * MIB)))" "bytes between extents untouched ($writers writers)"
    assert_eq ff "$(is_ff "$W/t$writers" $((6 * MIB)) $((2 * MIB)))" "bytes after the extents untouched ($writers writers)"
    assert_contains "$out" "zeroed $MIB" "the zero MiB written as a zero range ($writers writers)"
done

# A target that reads as zeroes: the zero MiB is not written at all.
ff_target "$W/tskip" $((8 * MIB))
out=$("$PROBE" "$W/file.sock" "$W/tskip" "$ext" skip-zeros) || fail "skip-zeros copy failed: $out"
assert_contains "$out" "zeroed 0" "nothing zeroed with skip-zeros"
assert_eq ff "$(is_ff "$W/tskip" $((2 * MIB)) $MIB)" "the zero MiB was skipped, not written"

# The complement of the extents is zeroed: the whole target equals the source
# where the source is data, zero elsewhere.
ff_target "$W/tall" $((8 * MIB))
out=$("$PROBE" "$W/file.sock" "$W/tall" "0:$((8 * MIB))" complement=$((8 * MIB))) || fail "full copy failed: $out"
assert_eq same "$(cmp_range "$W/src" "$W/tall" 0 $((8 * MIB)))" "full copy equals the source"
ff_target "$W/tcomp" $((8 * MIB))
"$PROBE" "$W/file.sock" "$W/tcomp" "0:$MIB" complement=$((8 * MIB)) >/dev/null || fail "complement copy failed"
$PY -c 'import sys; f=open(sys.argv[1],"rb"); f.seek(1<<20); d=f.read(7<<20); sys.exit(0 if d == bytes(len(d)) else 1)' "$W/tcomp" ||
    fail "the complement of the extents was not zeroed"

# A read error in the middle of the copy: exit 6, the message says where.
serve "$W/err.sock" --filter=error file file="$W/src" error=EIO error-pread-rate=100% \
    error-file="$W/error-on"
ff_target "$W/terr" $((8 * MIB))
touch "$W/error-on"
rc=0; out=$("$PROBE" "$W/err.sock" "$W/terr" "0:$((8 * MIB))" request-size=262144 2>&1) || rc=$?
assert_eq 6 "$rc" "exit code of a read error mid-copy ($out)"
assert_contains "$out" "of the source" "the message names the source read"

# A signal mid-copy (reads slowed): exit 130, promptly.
serve "$W/slow.sock" --filter=delay file file="$W/src" rdelay=300ms
ff_target "$W/tsig" $((8 * MIB))
"$PROBE" "$W/slow.sock" "$W/tsig" "0:$((8 * MIB))" request-size=65536 >"$W/sig.out" 2>&1 & p=$!
sleep 1; kill -TERM $p
rc=0; wait $p || rc=$?
assert_eq 130 "$rc" "exit code of a signal mid-copy ($(cat "$W/sig.out"))"
