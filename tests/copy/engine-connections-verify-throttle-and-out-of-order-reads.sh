# The copy engine alone against nbdkit's data, memory, eval and error
# plugins/filters (no lab):
#  - a server that advertises multi-conn gets 4 connections, one that does
#    not gets 1, and connections=N is honoured (counted on the server's side);
#  - reads that complete out of order still land at their offsets;
#  - verify passes on an equal target and fails with exit 13 naming the
#    byte on one that differs;
#  - max-rate holds the copy to the rate (a lower bound on its time: a slow
#    machine cannot make it pass wrongly);
#  - a source smaller than the extents, and a read error with 4
#    connections, end with exit 6 and a message; a signal with 4
#    connections ends it with 130.
. "$(dirname "$0")/../lib.sh"
requires nbdkit
PROBE="$BUILD/tests/tools/copy-probe"
W=$(mktemp -d); cleanup "rm -rf '$W'"
MIB=1048576

serve() { # SOCKET [nbdkit args...]: start a server, register its stop
    _s=$1; shift
    nbdkit -r -U "$_s" -f "$@" & _p=$!
    cleanup "kill $_p 2>/dev/null"
    _n=200; while [ ! -S "$_s" ] && [ $_n -gt 0 ]; do sleep 0.05; _n=$((_n - 1)); done
}
zero_target() { rm -f "$1"; truncate -s "$2" "$1"; }
same() { cmp -s "$1" "$2" && echo same || echo differ; }
# Distinct connections a log filter saw.
connections_seen() { grep -c 'Connect ' "$1" || true; }

# A patterned 8 MiB source from the data plugin (each MiB its own bytes).
data='' ; for i in 0 1 2 3 4 5 6 7; do data="$data @$((i * MIB)) ( $((i * 16 + 1)) $((i * 16 + 2)) )*524288"; done
serve "$W/data.sock" --filter=log data "$data" size=$((8 * MIB)) logfile="$W/data.log"
nbdcopy "nbd+unix:///?socket=$W/data.sock" "$W/expect"
: >"$W/data.log"
zero_target "$W/t-auto" $((8 * MIB))
out=$("$PROBE" "$W/data.sock" "$W/t-auto" "0:$((8 * MIB))" request-size=262144) || fail "copy failed: $out"
assert_contains "$out" "connections 4" "auto: 4 connections to a multi-conn server"
assert_eq 4 "$(connections_seen "$W/data.log")" "connections the server saw (auto)"
assert_eq same "$(same "$W/expect" "$W/t-auto")" "target equals the source (4 connections)"

: >"$W/data.log"
zero_target "$W/t-2" $((8 * MIB))
out=$("$PROBE" "$W/data.sock" "$W/t-2" "0:$((8 * MIB))" connections=2) || fail "copy failed: $out"
assert_eq 2 "$(connections_seen "$W/data.log")" "connections=2 honoured"

# No multi-conn advertised: one connection.
serve "$W/one.sock" --filter=multi-conn --filter=log data "$data" size=$((8 * MIB)) \
    multi-conn-mode=disable logfile="$W/one.log"
zero_target "$W/t-one" $((8 * MIB))
out=$("$PROBE" "$W/one.sock" "$W/t-one" "0:$((8 * MIB))") || fail "copy failed: $out"
assert_contains "$out" "connections 1" "auto: 1 connection without multi-conn"
assert_eq 1 "$(connections_seen "$W/one.log")" "connections the server saw (no multi-conn)"
assert_eq same "$(same "$W/expect" "$W/t-one")" "target equals the source (1 connection)"

# Out-of-order completions: each read of the eval plugin sleeps longer the
# lower its offset, so later requests complete first.
cp "$W/expect" "$W/src"
serve "$W/eval.sock" eval \
    get_size="echo $((8 * MIB))" \
    pread="sleep 0.\$(( 9 - \$4 / $MIB )); dd if='$W/src' iflag=skip_bytes,count_bytes skip=\$4 count=\$3 bs=256K status=none" \
    can_multi_conn="exit 0"
zero_target "$W/t-ooo" $((8 * MIB))
out=$("$PROBE" "$W/eval.sock" "$W/t-ooo" "0:$((8 * MIB))" request-size=$MIB requests=8 connections=2) ||
    fail "out-of-order copy failed: $out"
assert_eq same "$(same "$W/expect" "$W/t-ooo")" "target equals the source after out-of-order reads"

# verify: equal passes and compares every byte; one flipped byte fails.
out=$("$PROBE" "$W/data.sock" "$W/t-auto" "0:$((8 * MIB))" verify-only) || fail "verify of an equal target failed: $out"
assert_contains "$out" "compared $((8 * MIB))" "verify compared every byte"
printf '\377' | dd of="$W/t-auto" bs=1 seek=$((5 * MIB + 1234)) conv=notrunc status=none
rc=0; out=$("$PROBE" "$W/data.sock" "$W/t-auto" "0:$((8 * MIB))" verify-only 2>&1) || rc=$?
assert_eq 13 "$rc" "exit code of a verify mismatch ($out)"
assert_contains "$out" "byte $((5 * MIB + 1234))" "the mismatch names the first differing byte"

# max-rate: 4 MiB at 2 MiB/s cannot take less than ~2 s (the first 50 ms
# burst aside); measured as a lower bound only.
zero_target "$W/t-rate" $((8 * MIB))
t0=$(date +%s.%N)
"$PROBE" "$W/data.sock" "$W/t-rate" "0:$((4 * MIB))" request-size=262144 max-rate=$((2 * MIB)) >/dev/null ||
    fail "throttled copy failed"
t1=$(date +%s.%N)
$PY -c "import sys; sys.exit(0 if $t1 - $t0 >= 1.7 else 1)" ||
    fail "4 MiB at --max-rate 2M took $($PY -c "print(round($t1 - $t0, 2))") s, less than the rate allows"
assert_eq same "$(cmp -s -n $((4 * MIB)) "$W/expect" "$W/t-rate" && echo same || echo differ)" "throttled copy is exact"

# A source smaller than the extents (memory plugin, 1 MiB): exit 6.
serve "$W/small.sock" memory size=$MIB
zero_target "$W/t-small" $((8 * MIB))
rc=0; out=$("$PROBE" "$W/small.sock" "$W/t-small" "0:$((8 * MIB))" 2>&1) || rc=$?
assert_eq 6 "$rc" "exit code when the source is smaller than the extents ($out)"
assert_contains "$out" "less than the disk's changed areas need" "the message says the source is short"

# A read error past 4 MiB, 4 connections: exit 6, every connection stopped.
serve "$W/err.sock" --filter=error data "$data" size=$((8 * MIB)) error=EIO error-pread-rate=100% \
    error-file="$W/err-on"
touch "$W/err-on"
zero_target "$W/t-err" $((8 * MIB))
rc=0; out=$("$PROBE" "$W/err.sock" "$W/t-err" "0:$((8 * MIB))" connections=4 request-size=262144 2>&1) || rc=$?
assert_eq 6 "$rc" "exit code of a read error with 4 connections ($out)"
assert_contains "$out" "of the source" "the message names the source read"

# A signal with 4 connections on a slow server: exit 130, promptly.
serve "$W/slow.sock" --filter=delay data "$data" size=$((8 * MIB)) rdelay=300ms
zero_target "$W/t-sig" $((8 * MIB))
"$PROBE" "$W/slow.sock" "$W/t-sig" "0:$((8 * MIB))" request-size=65536 connections=4 >"$W/sig.out" 2>&1 & p=$!
sleep 1; kill -TERM $p
n=100; while kill -0 $p 2>/dev/null && [ $n -gt 0 ]; do sleep 0.05; n=$((n - 1)); done
kill -0 $p 2>/dev/null && fail "the copy did not stop within 5 s of SIGTERM"
rc=0; wait $p || rc=$?
assert_eq 130 "$rc" "exit code of a signal with 4 connections ($(cat "$W/sig.out"))"
