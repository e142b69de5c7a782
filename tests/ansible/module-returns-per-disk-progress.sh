# The module runs vmigrate with its progress events on a pipe and returns,
# per disk, how its copy ended (progress: bytes, seconds, rate, ok), the
# bytes being those the volume's metadata records; the events do not end
# up in stderr_lines.
. "$(dirname "$0")/../lib.sh"
requires ansible
lab_start
"$LABCTL" vm-create --dir "$LABDIR" ap01 --disks 16M,8M --fill 20 >/dev/null
. "$TOP/tests/ansible/lib/module-lib.sh"

module seed "$(module_args ap01 ', "debug": true')" || fail "module failed: $(cat "$A/seed.out")"
assert_contains "$(tail -n 1 "$A/argv.log")" "--progress-fd " "vmigrate got a progress fd"
$PY - "$A/seed.out" "$(meta ap01 0 vmigrate_last_bytes)" "$(meta ap01 1 vmigrate_last_bytes)" <<'PYEOF' ||
import json, sys
text = open(sys.argv[1]).read()  # "localhost | CHANGED => {...}"
res = json.loads(text[text.index("=> ") + 3:])
prog = res["progress"]
assert sorted(prog) == ["disk 2000", "disk 2001"], prog
for label, recorded in zip(("disk 2000", "disk 2001"), sys.argv[2:]):
    c = prog[label]["copy"]
    assert c["ok"] is True and c["bytes"] == int(recorded) > 0, (c, recorded)
    assert c["seconds"] > 0 and c["rate"] > 0, c
    assert set(prog[label]) == {"copy"}, prog[label]
assert not any('"event"' in l for l in res["stderr_lines"]), res["stderr_lines"]
assert any("disk 2000 copy: done" in l for l in res["stderr_lines"]), res["stderr_lines"]
PYEOF
    fail "module result: $(cat "$A/seed.out")"
