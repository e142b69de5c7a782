# `vmigrate status` reports, per disk, the volume, changeID, converted, copy
# state and last window, from Cinder metadata (JSON and text).
. "$(dirname "$0")/../lib.sh"
lab_start
"$LABCTL" vm-create --dir "$LABDIR" st01 --disks 16M,8M --fill 10 >/dev/null
js=$("$VMIGRATE" status st01 --json) || fail "status before any window failed"
assert_contains "$js" '"copy_state":"not started"' "nothing yet"
vmigrate sync st01 >/dev/null 2>&1 || fail "sync failed"
js=$("$VMIGRATE" status st01 --json) || fail "status failed"
$PY - "$js" "$(vol st01 0 id)" "$(meta st01 0 changeID)" <<'PYEOF' || fail "status JSON wrong: $js"
import json, sys
s = json.loads(sys.argv[1])
d = s["disks"]
assert [x["disk_key"] for x in d] == [2000, 2001], d
assert d[0]["volume_id"] == sys.argv[2], d[0]
assert d[0]["changeID"] == sys.argv[3], d[0]
assert d[0]["converted"] is False and d[0]["copy_state"] == "complete", d[0]
assert d[0]["windows"] == 1 and d[0]["last_bytes"] > 0 and d[0]["last_window"], d[0]
assert s["power_state"] == "poweredOn"
PYEOF
txt=$("$VMIGRATE" status st01) || fail "status text failed"
assert_contains "$txt" "copy complete, converted false" "text form"

# sync/cutover --json: one JSON object on stdout describing the run.
"$LABCTL" vm-write --dir "$LABDIR" st01 --disk 1 --offset 0 --length 65536 >/dev/null
js=$("$VMIGRATE" --transport local sync st01 --json 2>/dev/null) || fail "sync --json failed"
$PY - "$js" <<'PYEOF' || fail "sync --json output wrong: $js"
import json, sys
r = json.loads(sys.argv[1])
assert r["ok"] and r["exit_code"] == 0 and not r["converted"], r
w = r["windows"]
assert len(w) == 1 and w[0]["kind"] == "seeding", w
d = {x["disk_key"]: x for x in w[0]["disks"]}
assert d[2000]["bytes"] == 0 and d[2001]["bytes"] == 65536, d
assert d[2001]["mode"] == "delta" and len(r["volumes"]) == 2, r
PYEOF
