# Every input of the fuzz corpus (tests/fuzz/corpus/TARGET/: real-shaped
# replies and the regression inputs of the crashes fuzzing found) goes
# through its target once under ASan/UBSan without a report: the parsers
# still survive every input that once broke one of them.
. "$(dirname "$0")/../lib.sh"

corpus=$TOP/tests/fuzz/corpus
# A UBSan report is fatal, as in make fuzz; a leak is a failure too.
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1

n=0
for dir in "$corpus"/*/; do
    t=$(basename "$dir")
    bin=$BUILD/tests/fuzz/replay-$t
    [ -x "$bin" ] || fail "no replay driver $bin for corpus/$t (tests/fuzz/meson.build)"
    log=$(mktemp)
    cleanup "rm -f '$log'"
    "$bin" "${dir%/}" >"$log" 2>&1 || {
        grep -E 'ERROR|runtime error|SUMMARY|^replay: ' "$log" | tail -n 15 >&2
        fail "corpus/$t: an input crashed replay-$t (the last 'replay:' line names it)"
    }
    # A sanitizer that only printed (recoverable) still fails the test.
    ! grep -q -E 'runtime error|ERROR: (Address|Leak)Sanitizer' "$log" ||
        fail "corpus/$t: sanitizer report: $(grep -m1 -E 'runtime error|ERROR:' "$log")"
    count=$(sed -n 's/^replayed \([0-9]*\) inputs$/\1/p' "$log")
    [ "${count:-0}" -gt 0 ] || fail "corpus/$t: no input replayed"
    n=$((n + count))
done
for src in "$TOP"/tests/fuzz/fuzz-*.c; do
    t=${src##*/fuzz-}; t=${t%.c}
    [ -d "$corpus/$t" ] || fail "fuzz target $t has no corpus/$t"
done
echo "replayed $n inputs"
