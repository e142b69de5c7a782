#!/bin/sh
# Run libFuzzer targets (built by make fuzz) for FUZZ_SECONDS each, every
# one over a copy of its seed corpus tests/fuzz/corpus/TARGET/, and stop at
# the first crash, saying where its input is (docs/fuzzing.md).
#   scripts/fuzz.sh BUILD_DIR [TARGET...]     (default: every target)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=$1; shift
seconds=${FUZZ_SECONDS:-60}
targets=${*:-$(ls "$top/tests/fuzz/corpus")}
work=$build/fuzz-work

for t in $targets; do
    bin=$build/tests/fuzz/fuzz-$t
    [ -x "$bin" ] || { echo "fuzz.sh: no target $bin (make fuzz builds it)" >&2; exit 2; }
    # A copy: libFuzzer adds the inputs it finds to its first corpus
    # directory, and the seeds in tests/ stay the few real-shaped ones.
    rm -rf "$work/$t"
    mkdir -p "$work/$t/corpus" "$work/$t/crashes"
    cp "$top/tests/fuzz/corpus/$t/." "$work/$t/corpus/" -R
    log=$work/$t/log
    # The names and edge values its parser looks for (tests/fuzz/dict/).
    dict=$top/tests/fuzz/dict/$t.dict
    [ -f "$dict" ] || dict=
    if ! "$bin" -max_total_time="$seconds" -timeout=25 -print_final_stats=1 \
            ${dict:+"-dict=$dict"} -artifact_prefix="$work/$t/crashes/" "$work/$t/corpus" \
            >"$log" 2>&1; then
        echo "fuzz-$t: CRASH; input: $(ls -d "$work/$t/crashes/"* 2>/dev/null | head -1)"
        { grep -E 'ERROR|runtime error|SUMMARY' "$log"; grep -E -m 4 '^ +#[0-9] ' "$log"; } |
            cut -c1-160 | sed 's/^/    | /'
        echo "    full log: $log"
        echo "    replay: $bin FILE; keep it as tests/fuzz/corpus/$t/regress-WHAT"
        exit 1
    fi
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    echo "fuzz-$t: ${runs:-?} runs in ${seconds}s, no crash" \
         "(corpus $(ls "$work/$t/corpus" | wc -l) inputs in $work/$t/corpus)"
done
