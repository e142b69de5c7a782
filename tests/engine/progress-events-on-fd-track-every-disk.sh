# --progress-fd N: every line on fd N is one JSON event; each disk of the
# window gets a begin, progress while it copies (the source is slowed so a
# copy lasts past a tick), and an end with ok=true whose done equals its
# total and the bytes the volume's metadata records; done never goes back.
# The events fd is not handed to the programs vmigrate starts.
. "$(dirname "$0")/../lib.sh"
requires nbdkit
lab_start
"$LABCTL" vm-create --dir "$LABDIR" pe01 --disks 24M,16M --fill 20 >/dev/null

# The source serves one read at a time, each after 0.1 s: a disk's copy
# (about 8 areas) lasts 0.8 s or more, past several ticks.
slow="$LABDIR/slow-nbdkit"
printf '#!/bin/sh\nls -l /proc/$$/fd >"%s/nbdkit-fds.$$"\nexec nbdkit -t 1 --filter=delay "$@" rdelay=100ms\n' \
    "$LABDIR" >"$slow"
chmod +x "$slow"
ev="$LABDIR/events.jsonl"
out=$(VMIGRATE_NBDKIT="$slow" VMIGRATE_PROGRESS_INTERVAL=0.2 \
      vmigrate sync pe01 --progress-fd 3 3>"$ev" 2>&1) || fail "sync failed: $out"
case "$out" in *'{"event"'*) fail "events went to stderr too: $out" ;; esac
! grep -q "$ev" "$LABDIR"/nbdkit-fds.* || fail "nbdkit got the events fd: $(cat "$LABDIR"/nbdkit-fds.*)"

b0=$(meta pe01 0 vmigrate_last_bytes); b1=$(meta pe01 1 vmigrate_last_bytes)
$PY - "$ev" "$b0" "$b1" <<'PYEOF' || fail "events: $(cat "$ev")"
import json, sys
path, recorded = sys.argv[1], {"disk 2000": int(sys.argv[2]), "disk 2001": int(sys.argv[3])}
seen = {}
for n, line in enumerate(open(path), 1):
    e = json.loads(line)  # every line is one whole object
    assert set(e) >= {"event", "label", "phase", "done", "total", "rate", "eta_s", "time"}, e
    assert e["phase"] == "copy", e
    s = seen.setdefault(e["label"], {"events": [], "done": 0})
    assert e["done"] >= s["done"], "line %d: done went back: %s" % (n, e)
    assert 0 <= e["done"] <= e["total"], e
    s["done"] = e["done"]
    s["events"].append(e)
assert sorted(seen) == sorted(recorded), seen.keys()
for label, s in seen.items():
    kinds = [e["event"] for e in s["events"]]
    assert kinds[0] == "begin" and kinds[-1] == "end", (label, kinds)
    assert kinds.count("begin") == 1 and kinds.count("end") == 1, (label, kinds)
    assert kinds.count("progress") >= 1, (label, kinds)
    end = s["events"][-1]
    assert end["ok"] is True and end["eta_s"] == 0, end
    assert end["done"] == end["total"] == recorded[label] > 0, (end, recorded[label])
    assert end["seconds"] > 0 and end["rate"] > 0, end
# The reads come one by one: some event shows a copy half-way.
assert any(0 < e["done"] < e["total"] for s in seen.values() for e in s["events"]), seen
PYEOF
