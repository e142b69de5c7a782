# On a terminal (a pty from script(1)), each copy has a progress line that
# is redrawn in place (cursor up, erase below): what stays on the screen is
# every log line, whole (those written during a copy too: with -v the
# progress log lines are shown, here every 0.1 s), and one final line per
# disk.  With stderr not a terminal there are no progress lines and no
# escapes, only log lines.
. "$(dirname "$0")/../lib.sh"
requires nbdkit
requires script
lab_start
"$LABCTL" vm-create --dir "$LABDIR" pt01 --disks 24M,16M --fill 20 >/dev/null
"$LABCTL" vm-create --dir "$LABDIR" pt02 --disks 16M --fill 20 >/dev/null

# One read at a time, each after 0.1 s: a copy spans several redraws.
slow="$LABDIR/slow-nbdkit"
printf '#!/bin/sh\nexec nbdkit -t 1 --filter=delay "$@" rdelay=100ms\n' >"$slow"
chmod +x "$slow"
export VMIGRATE_NBDKIT="$slow"

tty="$LABDIR/tty.out"
script -qec "VMIGRATE_PROGRESS_INTERVAL=0.1 '$VMIGRATE' --transport local -v sync pt01; echo \"exit \$?\"" /dev/null </dev/null \
    >"$tty" 2>&1 || fail "script failed: $(cat "$tty")"
grep -q 'exit 0' "$tty" || fail "sync on a terminal failed: $(cat -v "$tty")"
$PY - "$tty" <<'PYEOF' || fail "terminal output: $(cat -v "$tty")"
import re, sys
raw = open(sys.argv[1], encoding="utf-8", errors="replace", newline="").read()
assert re.search(r"\x1b\[\d+A", raw) and "\x1b[J" in raw, "no cursor-up / erase sequences"
# The screen a terminal shows: \r, \n, cursor up, erase below.
rows, row, col = [""], 0, 0
for m in re.finditer(r"\x1b\[(\d*)([A-Za-z])|([\r\n])|([^\x1b\r\n]+)", raw):
    if m.group(2) == "A":
        row = max(0, row - int(m.group(1) or 1))
    elif m.group(2) == "J":
        rows[row] = rows[row][:col]
        del rows[row + 1:]
    elif m.group(2):
        raise AssertionError("unexpected escape %r" % m.group(0))
    elif m.group(3) == "\r":
        col = 0
    elif m.group(3) == "\n":
        row, col = row + 1, 0
        if row == len(rows):
            rows.append("")
    else:
        t = m.group(4)
        rows[row] = rows[row][:col].ljust(col) + t + rows[row][col + len(t):]
        col += len(t)
rows = [r for r in rows if r]
for r in rows:
    assert r.startswith("vmigrate: ") or r.startswith("  disk ") or r.startswith("seeding window") \
        or re.fullmatch(r"disk 200[01] copy: done, [\d.]+ MiB in [\d.]+ s, [\d.]+ MiB/s", r) \
        or r == "exit 0", "a row that should not stay: %r\nscreen:\n%s" % (r, "\n".join(rows))
for key in ("2000", "2001"):
    finals = [r for r in rows if r.startswith("disk %s copy: done" % key)]
    assert len(finals) == 1, (key, rows)
    assert any(r.startswith("vmigrate: disk %s: full copy" % key) for r in rows), rows
    # Log lines written while the block was drawn went above it, whole.
    during = [r for r in rows if r.startswith("vmigrate: debug: disk %s copy: " % key)
              and "%, " in r]
    assert during, rows
    for r in during:
        assert re.fullmatch(r"vmigrate: debug: disk \d+ copy: [\d.]+%, [\d.]+ of [\d.]+ MiB, "
                            r"[\d.]+ MiB/s, ETA ([\d:]+|--:--)", r), r
PYEOF

out=$(vmigrate sync pt02 2>&1) || fail "sync failed: $out"
case "$out" in *"$(printf '\033')"*) fail "escapes on a stderr that is no terminal: $out" ;; esac
assert_contains "$out" "vmigrate: disk 2000 copy: begins, " "the begin log line"
assert_contains "$out" "vmigrate: disk 2000 copy: done, " "the end log line"
if printf '%s\n' "$out" | grep -v '^vmigrate: \|^  disk \|^seeding window' | grep -q .; then
    fail "lines other than log lines without a terminal: $out"
fi
