# The converter never outlives vmigrate: kill -9 of vmigrate during the
# conversion kills the converter at once, and while anything the run started
# still lives (here a program the converter left behind) no new run of the
# VM can start.  SIGTERM during the conversion reaches the converter too.
. "$(dirname "$0")/../lib.sh"
lab_start
"$LABCTL" vm-create --dir "$LABDIR" cd01 --disks 16M --fill 10 >/dev/null
out=$(vmigrate sync cd01 2>&1) || fail "seeding window failed: $out"

# A converter that leaves a background program behind (inheriting what it
# inherited, as a libguestfs appliance would), then runs the stand-in.
wrapper="$LABDIR/v2v-wrapper"
cat >"$wrapper" <<EOS
#!/bin/sh
echo \$\$ >"$LABDIR/converter.pid"
sleep 300 &
echo \$! >"$LABDIR/orphan.pid"
exec "$VMIGRATE_V2V_COMMAND" "\$@"
EOS
chmod +x "$wrapper"
alive() { kill -0 "$1" 2>/dev/null; }
cleanup '[ -f "$LABDIR/orphan.pid" ] && kill $(cat "$LABDIR/orphan.pid") 2>/dev/null'

"$LABCTL" fault --dir "$LABDIR" add v2v convert delay --arg 60 --times 1
vmigrate_bg cutover cd01 --v2v-command "$wrapper" --v2v-customize converter >"$LABDIR/run.log" 2>&1
pid=$!
wait_fault_hit 60 || fail "the cutover did not reach the conversion: $(cat "$LABDIR/run.log")"
conv=$(cat "$LABDIR/converter.pid"); orphan=$(cat "$LABDIR/orphan.pid")
alive "$conv" || fail "the converter is not running"
kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
n=50; while alive "$conv" && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
alive "$conv" && fail "the converter (pid $conv) outlived the killed vmigrate"
alive "$orphan" || fail "test setup: the converter's background program should still run"

rc=0; out=$(vmigrate cutover cd01 2>&1) || rc=$?
assert_eq 8 "$rc" "a new run while the killed run's program lives (exit code): $out"
assert_contains "$out" "another vmigrate run" "the refusal says the VM is busy"
assert_contains "$out" "$orphan (sleep)" "the refusal names the program that holds the lock"
assert_eq 0 "$(meta cd01 0 converted | grep -c true)" "nothing converted by the refused run"

kill "$orphan"; n=50; while alive "$orphan" && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
"$LABCTL" fault --dir "$LABDIR" clear

# SIGTERM during the conversion: the converter is stopped with vmigrate.
"$LABCTL" fault --dir "$LABDIR" add v2v convert delay --arg 60 --times 1
rm -f "$LABDIR/orphan.pid"
cat >"$wrapper" <<EOS
#!/bin/sh
echo \$\$ >"$LABDIR/converter.pid"
exec "$VMIGRATE_V2V_COMMAND" "\$@"
EOS
vmigrate_bg cutover cd01 --v2v-command "$wrapper" --v2v-customize converter >"$LABDIR/run.log" 2>&1
pid=$!
wait_fault_hit 60 || fail "the second cutover did not reach the conversion: $(cat "$LABDIR/run.log")"
conv=$(cat "$LABDIR/converter.pid")
kill -TERM "$pid"
rc=0; wait "$pid" || rc=$?
[ "$rc" -ne 0 ] || fail "an interrupted cutover must not exit 0"
alive "$conv" && fail "the converter (pid $conv) outlived the interrupted vmigrate"
assert_contains "$(cat "$LABDIR/run.log")" "interrupted" "the message says interrupted"
assert_all_detached cd01
assert_eq 0 "$(meta cd01 0 converted | grep -c true)" "an interrupted cutover converts nothing"
