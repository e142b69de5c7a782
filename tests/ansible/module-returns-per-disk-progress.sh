# The module runs vmigrate with its progress events on a pipe and returns,
# per disk, how its copy ended (progress: bytes, seconds, rate, ok), the
# bytes being those the volume's metadata records; the events do not end
# up in stderr_lines.
. "$(dirname "$0")/../lib.sh"
requires ansible
lab_start
"$LABCTL" vm-create --dir "$LABDIR" ap01 --disks 16M,8M --fill 20 >/dev/null
A="$LABDIR/ansible"
mkdir -p "$A/tmp"
VMIGRATE_ABS="$(cd "$(dirname "$VMIGRATE")" && pwd)/$(basename "$VMIGRATE")"
cat > "$A/vmigrate-wrapper" <<SH
#!/bin/sh
echo "argv \$*" >> "$A/argv.log"
exec "$VMIGRATE_ABS" "\$@"
SH
chmod +x "$A/vmigrate-wrapper"

HOME="$A" LC_ALL=C.UTF-8 TMPDIR="$A/tmp" ANSIBLE_COLLECTIONS_PATH="$TOP/ansible" \
    ANSIBLE_LOCAL_TEMP="$A/tmp/local" ANSIBLE_NOCOLOR=1 ANSIBLE_DEPRECATION_WARNINGS=0 \
    ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 \
    ansible localhost -c local -m vmigrate.vmware_to_openstack.migrate \
    -a "$(printf '{"vmname": "ap01", "cbtsync": true, "debug": true, "localdiskpath": "%s", "vmigrate_path": "%s"}' \
          "$VMIGRATE_LOCAL_DATASTORE" "$A/vmigrate-wrapper")" >"$A/out" 2>"$A/err" ||
    fail "module failed: $(cat "$A/out" "$A/err")"
assert_contains "$(tail -n 1 "$A/argv.log")" "--progress-fd " "vmigrate got a progress fd"
$PY - "$A/out" "$(meta ap01 0 vmigrate_last_bytes)" "$(meta ap01 1 vmigrate_last_bytes)" <<'PYEOF' ||
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
    fail "module result: $(cat "$A/out")"
