# A converter build without --run/--firstboot (Debian 12's virt-v2v-in-place
# 2.2, here the stand-in with v2v_customize_options=0) is never given them:
# vmigrate reads the converter's --help, converts without them, then runs
# virt-customize (--v2v-customize-command) with every disk, the site script
# and the NIC-name step.  A build that takes them gets them directly.
# Forcing them on a build without them fails like the real one: exit 7, the
# converter's complaint in its log, the volumes reverted.
. "$(dirname "$0")/../lib.sh"
lab_start
"$LABCTL" fault --dir "$LABDIR" set shutdown_delay=0.2
"$LABCTL" fault --dir "$LABDIR" set v2v_customize_options=0
printf '#!/bin/sh\necho site step\n' > "$LABDIR/site-run.sh"
# virt-customize stand-in: records its argv, one word per line.
printf '#!/bin/sh\nfor a in "$@"; do echo "$a"; done > "%s/customize-argv"\necho customized\n' "$LABDIR" \
    > "$LABDIR/customize-recorder"
chmod +x "$LABDIR/site-run.sh" "$LABDIR/customize-recorder"
calls() { # VM: the converter calls for VM's volumes, as JSON lines
    $PY - "$LABDIR/v2v-calls.jsonl" <<'PYEOF'
import json, sys
for l in open(sys.argv[1]):
    c = json.loads(l)
    print(json.dumps({"result": c["result"], "mode": c["input_mode"], "ndev": len(c["devices"]),
                      "opts": [o[0] for o in c["options"]], "message": c.get("message", "")}))
PYEOF
}

# -- a 2.2-like converter: the scripts go to virt-customize after it.
"$LABCTL" vm-create --dir "$LABDIR" app03 --disks 32M,16M --fill 10 >/dev/null
vmigrate sync app03 >/dev/null 2>&1 || fail "sync app03 failed"
out=$(vmigrate cutover app03 --log-dir "$LABDIR" --v2v-run "$LABDIR/site-run.sh" \
      --v2v-option --root --v2v-option first \
      --v2v-customize-command "$LABDIR/customize-recorder" 2>&1) || fail "cutover app03 failed: $out"
assert_eq true "$(meta app03 0 converted)" "app03 converted"
c=$(calls)
assert_eq 1 "$(printf '%s\n' "$c" | wc -l)" "one conversion"
assert_contains "$c" '"result": "ok", "mode": "libvirtxml", "ndev": 2' "converted both disks"
assert_contains "$c" '"--root"' "the --v2v-option reached the converter"
case "$c" in *'"--run"'*|*'"--firstboot"'*) fail "the converter was given customize options: $c" ;; esac
[ -f "$LABDIR/customize-argv" ] || fail "virt-customize did not run: $out"
argv=$(cat "$LABDIR/customize-argv")
assert_eq 2 "$(grep -cx -- '-a' "$LABDIR/customize-argv")" "virt-customize got both disks"
grep -qx -- "--format" "$LABDIR/customize-argv" || fail "no --format raw: $argv"
grep -qx -- "$LABDIR/site-run.sh" "$LABDIR/customize-argv" || fail "no site script: $argv"
assert_eq 2 "$(grep -cx -- '--run' "$LABDIR/customize-argv")" "site script and NIC-name step"
log=$(ls "$LABDIR"/vmigrate-v2v-app03-*.log)
grep -q "customized" "$log" || fail "virt-customize's output is not in the converter's log"

# -- forcing them onto that build fails as the real one does, and reverts.
"$LABCTL" vm-create --dir "$LABDIR" app04 --disks 16M --fill 10 >/dev/null
vmigrate sync app04 >/dev/null 2>&1 || fail "sync app04 failed"
rc=0; out=$(vmigrate cutover app04 --log-dir "$LABDIR" --v2v-run "$LABDIR/site-run.sh" \
            --v2v-customize converter 2>&1) || rc=$?
assert_eq 7 "$rc" "exit code when the converter refuses --run"
log=$(ls "$LABDIR"/vmigrate-v2v-app04-*.log)
assert_contains "$out" "$log" "the message names the converter's log"
grep -q -- "--run: unknown option" "$log" || fail "the converter's complaint is not in $log"
assert_eq false "$(meta app04 0 converted)" "app04 not converted"
assert_volume_matches_disk app04 0
assert_all_detached app04

# -- a build that takes them: the converter gets them, no virt-customize.
"$LABCTL" fault --dir "$LABDIR" set v2v_customize_options=1
rm -f "$LABDIR/customize-argv"
out=$(vmigrate cutover app04 --v2v-run "$LABDIR/site-run.sh" \
      --v2v-customize-command "$LABDIR/customize-recorder" 2>&1) || fail "cutover app04 failed: $out"
assert_eq true "$(meta app04 0 converted)" "app04 converted"
last=$(calls | tail -n 1)
assert_contains "$last" '"result": "ok", "mode": "disk"' "app04 converted with -i disk"
assert_contains "$last" '"--run", "--run"' "site script and NIC-name step to the converter"
[ ! -f "$LABDIR/customize-argv" ] || fail "virt-customize ran although the converter took the scripts"
echo ok
