#!/usr/bin/python3
"""Helpers of the benchmark scripts that are easier in Python than in sh.

  lib.py areas VM-TRACK-JSON OUT        changed areas as "OFFSET LENGTH" lines;
                                        prints "COUNT BYTES"
  lib.py fiolog AREAS TARGET OUT        an fio version 2 iolog writing exactly AREAS
  lib.py logspan LOG                    seconds from the "copying N disks" line
                                        to the last disk's "MiB in" line of a
                                        vmigrate --log file (copy + flush of
                                        every disk, nbdkit start included)
  lib.py logsnap LOG                    seconds from "window for VM" to
                                        "snapshot ... taken" (the lab's snapshot)
  lib.py json FILE KEY...               a value out of a JSON file (windows.0.seconds)
  lib.py rss TIME-V-OUTPUT              peak RSS in KiB from /usr/bin/time -v
  lib.py report RESULTS NOTES OUT       the markdown of docs/performance.md
"""
import datetime
import json
import os
import re
import statistics
import sys


def cmd_areas(src, out):
    areas = json.load(open(src))["written"]
    with open(out, "w") as f:
        for off, length in areas:
            f.write("%d %d\n" % (off, length))
    print(len(areas), sum(a[1] for a in areas))


def cmd_fiolog(areas, target, out):
    with open(out, "w") as f:
        f.write("fio version 2 iolog\n%s add\n%s open\n" % (target, target))
        for line in open(areas):
            off, length = line.split()
            f.write("%s write %s %s\n" % (target, off, length))
        f.write("%s close\n" % target)


STAMP = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3})Z \w+ (.*)$")


def log_lines(path):
    for line in open(path, errors="replace"):
        m = STAMP.match(line)
        if m:
            t = datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S.%f")
            yield t.timestamp(), m.group(2)


def cmd_logspan(path):
    start = end = None
    for t, msg in log_lines(path):
        # The copies start after planning and attaching (older builds: at
        # the first disk's plan line).
        if re.match(r"copying \d+ disks?, up to", msg):
            start = t
        elif re.match(r"disk \d+: (full|delta) copy of", msg) and start is None:
            start = t
        if re.match(r"disk \d+: [\d.]+ MiB in ", msg):
            end = t
    if start is None or end is None:
        sys.exit("lib.py: no copy lines in %s" % path)
    print("%.3f" % (end - start))


def cmd_logsnap(path):
    start = end = None
    for t, msg in log_lines(path):
        if re.match(r"\w+ window for VM", msg) and start is None:
            start = t
        if re.match(r"snapshot .* taken", msg) and end is None:
            end = t
    print("%.3f" % (end - start) if start and end else "0")


def cmd_json(path, *keys):
    v = json.load(open(path))
    for k in keys:
        v = v[int(k)] if isinstance(v, list) else v[k]
    print(v)


def cmd_rss(path):
    for line in open(path):
        if "Maximum resident set size" in line:
            print(line.split(":")[1].strip())
            return
    sys.exit("lib.py: no RSS in %s" % path)


# ---- the report ----

def load(path):
    """RESULTS lines: CASE TOOL ROUND SECONDS BYTES [EXTRA]."""
    runs = {}
    for line in open(path):
        f = line.rstrip("\n").split("\t")
        if len(f) < 5:
            continue
        runs.setdefault(f[0], {}).setdefault(f[1], []).append((float(f[3]), int(f[4]), f[5:]))
    return runs


def med(runs, case, tool, idx=0):
    vals = [r[idx] for r in runs.get(case, {}).get(tool, [])]
    return statistics.median(vals) if vals else None


def mibs(nbytes, sec):
    return "%.0f MiB/s" % (nbytes / 1048576 / sec) if sec and nbytes else "-"


def fmt_s(sec):
    return "%.2f s" % sec if sec is not None else "-"


def ratio(ref, ours):
    """ref time / our time: > 1 means vmigrate is faster."""
    return ref / ours if ref and ours else None


def verdict(value, target, larger_is_better=True):
    if value is None:
        return "not measured"
    ok = value >= target if larger_is_better else value <= target
    return "**met**" if ok else "**not met**"


def reasons(runs):
    """Where the time went, for the targets that are not met: sentences
    computed from the run's own numbers."""
    out = []
    for case in ("seed", "seed-vddk", "delta", "delta-vddk"):
        ours, win = med(runs, case, "vmigrate"), med(runs, case, "vmigrate-window")
        snap = med(runs, case, "vmigrate-snapshot")
        if ours and win:
            out.append("%s: the copy is %.2f s of a %.2f s window; %.2f s of the rest is the "
                       "lab's CreateSnapshot (it copies the disk's data into the snapshot file, "
                       "where vSphere would start a redo log)" % (case, ours, win, snap or 0))
    ours, floor = med(runs, "seed", "vmigrate"), med(runs, "seed", "fio")
    ref = med(runs, "seed", "nbdcopy")
    if ours and floor and ref:
        out.append("first window: vmigrate reaches %.2f of the fio write floor, nbdcopy %.2f: "
                   "%s" % (floor / ours, floor / ref,
                           "both are far from the floor, so neither is held up by the target's "
                           "writes alone" if floor / ours < 0.8 and floor / ref < 0.8 else
                           "the target's writes bound both"))
    ours, floor = med(runs, "delta", "vmigrate"), med(runs, "delta", "fio")
    if ours and floor and floor / ours < 0.8:
        out.append("delta window: the fio replay floor writes %.0f MiB in %.2f s without reading "
                   "anything; vmigrate's %.2f s include starting nbdkit, the NBD reads and a "
                   "Cinder metadata update (fixed costs that weigh more the smaller the delta)"
                   % (med(runs, "delta", "fio", 1) / 1048576, floor, ours))
    go, floor = med(runs, "delta", "go-direct"), med(runs, "delta", "fio")
    if go and floor:
        out.append("delta window: the fio replay floor bounds the ratio to the Go algorithm: a "
                   "copy as fast as writing alone would be %.2fx the Go algorithm (target 3x)"
                   % (go / floor))
    par, ser = med(runs, "multi", "parallel"), med(runs, "multi", "serial")
    if par and ser and ser / par < 1.25:
        out.append("4-disk VM: --parallel-disks 4 takes %.2f s and --parallel-disks 1 %.2f s: "
                   "no gain, so this build copies the disks one after another whatever the flag "
                   "says (or the machine's 2 cores and one disk are the bound)" % (par, ser))
    big, small = med(runs, "scale", "big-window"), med(runs, "scale", "small-window")
    bc, sc = med(runs, "scale", "big"), med(runs, "scale", "small")
    if big and small and big / small > 1.5:
        out.append("1 TiB disk: its window takes %.2f s more than the 64 GiB one, while the copies "
                   "take %.2f s and %.2f s: the difference is outside the copy, in changed-area "
                   "planning (QueryChangedDiskAreas paged over the whole disk)"
                   % (big - small, bc or 0, sc or 0))
    w, snap = med(runs, "idle", "vmigrate-window"), med(runs, "idle", "vmigrate-snapshot")
    if w and w > 1:
        out.append("zero-change window: %.2f s, of which %.2f s is the lab's CreateSnapshot and "
                   "%.2f s vmigrate's own calls (vSphere, Cinder attach/detach and their polls)"
                   % (w, snap or 0, w - (snap or 0)))
    return out


def cmd_report(results, notes_path, out):
    runs = load(results)
    notes, remarks, calib = {}, [], []
    for line in open(notes_path):
        k, _, v = line.rstrip("\n").partition("\t")
        notes[k] = v
        if k == "remark":
            remarks.append(v)
        if k.endswith(".calibration"):
            calib.append("%s: %s" % (k.split(".")[0], v))
    rows, targets = [], []

    def seed(case, label, fio):
        if case not in runs:
            return
        ours, b = med(runs, case, "vmigrate"), med(runs, case, "vmigrate", 1)
        ref = med(runs, case, "nbdcopy")
        cells = ["nbdcopy %s: %s (%s)" % (notes.get(case + ".nbdcopy_flags", ""), fmt_s(ref),
                                         mibs(b, ref))]
        r = ratio(ref, ours)
        ratios = ["%.2f vs nbdcopy" % r if r else "-"]
        if fio:
            floor = med(runs, case, "fio")
            cells.append("fio write floor: %s (%s)" % (fmt_s(floor), mibs(b, floor)))
            rf = ratio(floor, ours)
            ratios.append("%.2f of the floor" % rf if rf else "-")
        rows.append([label, "%s (%s), window %s" % (fmt_s(ours), mibs(b, ours),
                                                   fmt_s(med(runs, case, "vmigrate-window"))),
                     "; ".join(cells), "; ".join(ratios)])
        targets.append(("%s: vmigrate >= 1.2x nbdcopy" % label, r, 1.2))

    def delta(case, label, go_target, fio):
        if case not in runs:
            return
        ours, b = med(runs, case, "vmigrate"), med(runs, case, "vmigrate", 1)
        go_d, go_b = med(runs, case, "go-direct"), med(runs, case, "go-buffered")
        ab = med(runs, case, "go-direct", 1)  # the areas' bytes (vmigrate may merge gaps)
        cells = ["Go algorithm O_DIRECT %s (%s)" % (fmt_s(go_d), mibs(ab, go_d))]
        ratios = ["%.2f vs Go O_DIRECT" % ratio(go_d, ours) if go_d else "-"]
        if go_b is not None:
            cells.append("buffered %s (%s)" % (fmt_s(go_b), mibs(ab, go_b)))
            ratios.append("%.2f vs Go buffered" % ratio(go_b, ours))
        if fio:
            floor = med(runs, case, "fio")
            cells.append("fio replay floor %s (%s)" % (fmt_s(floor), mibs(ab, floor)))
            ratios.append("%.2f of the floor" % ratio(floor, ours) if floor else "-")
            targets.append(("%s: >= 0.8x the fio replay floor" % label, ratio(floor, ours), 0.8))
        rows.append([label + " (%s areas, %.0f MiB)" % (notes.get(case + ".areas", "?"),
                                                         b / 1048576 if b else 0),
                     "%s (%s), window %s" % (fmt_s(ours), mibs(b, ours),
                                             fmt_s(med(runs, case, "vmigrate-window"))),
                     "; ".join(cells), "; ".join(ratios)])
        targets.append(("%s: >= %gx the Go algorithm (O_DIRECT)" % (label, go_target),
                        ratio(go_d, ours), go_target))

    seed("seed", "first window, local source", True)
    delta("delta", "delta window, local source", 3, True)
    seed("seed-vddk", "first window, VDDK-like source", False)
    delta("delta-vddk", "delta window, VDDK-like source", 4, False)
    def multi(case, label, target):
        """A 4-disk case: --parallel-disks 4 against 1."""
        if case not in runs:
            return
        par, ser = med(runs, case, "parallel"), med(runs, case, "serial")
        b = med(runs, case, "parallel", 1)
        r = ratio(ser, par)
        rows.append([label,
                     "--parallel-disks 4: %s (%s)" % (fmt_s(par), mibs(b, par)),
                     "--parallel-disks 1: %s (%s)" % (fmt_s(ser), mibs(b, ser)),
                     "%.2f" % r if r else "-"])
        targets.append((target, r, 3))

    multi("multi", "4-disk VM, first window, VDDK-like source",
          "4-disk VM: parallel >= 3x one at a time")
    multi("multi-nfc", "4-disk VM, first window, NFC-like source (1 connection per disk, "
          "%s bit/s each)" % notes.get("nfc_rate", "800M"),
          "4-disk VM, NFC-like source: parallel >= 3x one at a time")
    if "scale" in runs:
        big, small = med(runs, "scale", "big-window"), med(runs, "scale", "small-window")
        rss_big = med(runs, "scale", "big-rss", 1)
        rss_small = med(runs, "scale", "small-rss", 1)
        rows.append(["first window, %s virtual, %s allocated" % (notes.get("scale.big"),
                                                                 notes.get("scale.alloc")),
                     "window %s, peak RSS %.0f MiB" % (fmt_s(big), (rss_big or 0) / 1024),
                     "%s virtual: window %s, peak RSS %.0f MiB" % (notes.get("scale.small"),
                                                                   fmt_s(small),
                                                                   (rss_small or 0) / 1024),
                     "%.2fx the time" % (big / small) if big and small else "-"])
        targets.append(("%s window within 1.5x of %s" % (notes.get("scale.big"),
                                                         notes.get("scale.small")),
                        big / small if big and small else None, 1.5, False))
        worst = max(v for v in (rss_big, rss_small) if v is not None) / 1024
        targets.append(("peak RSS <= 256 MiB at any size", worst, 256, False))
    if "idle" in runs:
        w = med(runs, "idle", "vmigrate-window")
        snap = med(runs, "idle", "vmigrate-snapshot")
        rows.append(["window with nothing to copy (%s virtual, %s allocated)"
                     % (notes.get("scale.small"), notes.get("scale.alloc")),
                     "%s (of which %s in the lab's CreateSnapshot)" % (fmt_s(w), fmt_s(snap)),
                     "", ""])
        targets.append(("zero-change window <= 1 s", w, 1, False))

    for kind, label in (("seed", "first window"), ("delta", "delta window")):
        case = "verify-" + kind
        if case not in runs:
            continue
        cp, ver = med(runs, case, "copy"), med(runs, case, "verify")
        b = med(runs, case, "vmigrate", 1)
        rows.append(["%s with --verify (local source)" % label,
                     "copy + flush %s (%s); verify %s (%s)" % (fmt_s(cp), mibs(b, cp),
                                                               fmt_s(ver), mibs(b, ver)),
                     "", "verify adds %.0f %% to the copy" % (100 * ver / cp) if cp and ver
                     else "-"])

    why = reasons(runs)
    o = []
    o.append("# Performance\n")
    o.append("Measured by `make bench` (bench/README.md says how each case is measured and what")
    o.append("the reference tools' flags are). Medians of %s interleaved rounds, all cases in one"
             % notes.get("rounds"))
    o.append("run on the same data; every copy checked byte for byte against its source.")
    o.append("Ratios are reference time / vmigrate time: > 1 means vmigrate is faster.\n")
    o.append("- machine: %s" % notes.get("machine"))
    o.append("- date: %s; commit %s" % (notes.get("date"), notes.get("commit")))
    o.append("- build: %s" % notes.get("build"))
    o.append("- page caches: %s" % notes.get("caches"))
    o.append("- sizes: %s" % notes.get("sizes"))
    if notes.get("quick"):
        o.append("- **quick run** (BENCH_QUICK=1: small disks, 1 round): for development only")
    o.append("")
    o.append("| case | vmigrate | reference in the same run | ratio (>1 = vmigrate faster) |")
    o.append("|---|---|---|---|")
    for r in rows:
        o.append("| " + " | ".join(r) + " |")
    o.append("\n## Targets (issue 11)\n")
    o.append("| target | measured | |")
    o.append("|---|---|---|")
    for t in targets:
        name, value, goal = t[0], t[1], t[2]
        larger = t[3] if len(t) > 3 else True
        shown = "%.3f" % value if value is not None else "-"
        o.append("| %s | %s | %s |" % (name, shown, verdict(value, goal, larger)))
    if calib:
        o.append("\n## nbdcopy's flags: each tried once before the rounds, the fastest kept\n")
        for c in calib:
            o.append("- " + c)
    if why:
        o.append("\n## What the numbers say (computed from this run)\n")
        for w in why:
            o.append("- " + w)
    if remarks:
        o.append("\n## Remarks\n")
        for r in remarks:
            o.append("- " + r)
    # Why the targets that are not met are not: written by hand after a
    # full run (bench/analysis.md), kept with the numbers.
    analysis = os.path.join(os.path.dirname(os.path.abspath(__file__)), "analysis.md")
    if os.path.exists(analysis):
        o.append("")
        o.append(open(analysis).read().rstrip("\n"))
    text = "\n".join(o) + "\n"
    open(out, "w").write(text)
    sys.stdout.write(text)


if __name__ == "__main__":
    cmds = {"areas": cmd_areas, "fiolog": cmd_fiolog, "logspan": cmd_logspan,
            "logsnap": cmd_logsnap, "json": cmd_json, "rss": cmd_rss, "report": cmd_report}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        sys.exit(__doc__)
    cmds[sys.argv[1]](*sys.argv[2:])
