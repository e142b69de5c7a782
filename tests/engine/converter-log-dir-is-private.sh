# The converter's log (it shows the guest's files and configuration) goes to
# a private directory: one open to other users, or a symbolic link, is
# refused before anything changes (exit 3); the log file is named with the
# VM name reduced to safe characters, mode 0600; with --json, standard
# output carries only the JSON report.
. "$(dirname "$0")/../lib.sh"
lab_start
"$LABCTL" fault --dir "$LABDIR" set shutdown_delay=0.2
"$LABCTL" vm-create --dir "$LABDIR" "app 01;x" --disks 8M --fill 10 >/dev/null
power() { "$LABCTL" vm-info --dir "$LABDIR" "app 01;x" | $PY -c 'import json,sys; print(json.load(sys.stdin)["power"])'; }

mkdir -m 0755 "$LABDIR/open"
rc=0; out=$(vmigrate cutover "app 01;x" --log-dir "$LABDIR/open" 2>&1) || rc=$?
assert_eq 3 "$rc" "a log directory open to others: exit code ($out)"
assert_contains "$out" "open to other users" "the message names the problem"
assert_contains "$out" "chmod 700" "the message says how to fix it"
mkdir -m 0700 "$LABDIR/private"; ln -s "$LABDIR/private" "$LABDIR/link"
rc=0; out=$(vmigrate cutover "app 01;x" --log-dir "$LABDIR/link" 2>&1) || rc=$?
assert_eq 3 "$rc" "a symbolic link as the log directory: exit code ($out)"
assert_contains "$out" "symbolic link" "the message names the symbolic link"
assert_eq 0 "$(nvolumes "app 01;x")" "no volume created by the refused runs"
assert_eq poweredOn "$(power)" "the guest still runs after the refused runs"

out=$(vmigrate cutover "app 01;x" --log-dir "$LABDIR/private" --json 2>"$LABDIR/stderr") ||
    fail "cutover failed: $(cat "$LABDIR/stderr")"
printf '%s' "$out" | $PY -c 'import json,sys; json.load(sys.stdin)' ||
    fail "standard output with --json is not only JSON: $out"
log=$(ls "$LABDIR"/private/vmigrate-v2v-app_01_x-*.log 2>/dev/null | head -n1)
[ -n "$log" ] || fail "no log named for the sanitised VM name: $(ls "$LABDIR/private")"
assert_eq 600 "$(stat -c %a "$log")" "mode of the converter's log"
assert_eq true "$(meta "app 01;x" 0 converted)" "converted"
