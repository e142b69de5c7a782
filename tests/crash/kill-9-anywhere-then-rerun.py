"""Crash matrix: kill -9 at many points of a first window, a delta window, a
cutover and a cutover whose conversion fails (so the kill lands in the
revert), each followed by a rerun of the same command and the full checks:
the rerun succeeds, every volume's bytes equal the disk, no vSphere
snapshot, no Cinder snapshot, nothing attached, one volume per disk, and the
metadata is consistent (converted only after a complete cutover, no owner
left, no conversion mark left).

A kill point is "while the Nth vSphere (or OpenStack) request of the run is
in flight" (a lab delay rule holds that request), "during the conversion" or
"in the middle of the copy" (nbdkit's delay filter slows the reads).  The
points are drawn from the request counts of a dry run of each phase, with a
seed that is printed (CRASH_SEED=N replays a run; CRASH_POINTS=N sets the
number of points).  Scenarios run in three labs at once.
"""
import json
import os
import random
import shlex
import subprocess
import sys
import tempfile
import threading
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))
LABCTL = os.path.join(TOP, "lab", "labctl")
BUILD = os.environ.get("VMIGRATE_BUILD") or os.path.join(TOP, "build")
VMIGRATE = os.path.join(BUILD, "vmigrate")
SEED = int(os.environ.get("CRASH_SEED") or time.time_ns() % 1000000)
POINTS = int(os.environ.get("CRASH_POINTS") or 36)
# CRASH_ONLY=3,17: only those points of the seed's plan (to debug one).
ONLY = {int(x) for x in os.environ.get("CRASH_ONLY", "").split(",") if x.strip()}
WORKERS = 3
HELD_S = 1.5    # how long the delay rule holds the request the run is killed in
NEVER = 10 ** 9  # skip count of a rule that only counts


class Lab:
    def __init__(self, root):
        self.dir = tempfile.mkdtemp(prefix="vmigrate-lab.", dir=root)
        self.ctl("start", "--dir", self.dir)
        self.env = dict(os.environ)
        with open(os.path.join(self.dir, "lab.env")) as f:
            for line in f:
                if line.startswith("export "):
                    k, _, v = line[7:].strip().partition("=")
                    self.env[k] = shlex.split(v)[0] if v else ""
        # Per lab: a private lock directory, as if each were its own host.
        self.env["VMIGRATE_LOCK_DIR"] = os.path.join(self.dir, "locks")
        self.env["TMPDIR"] = os.path.join(self.dir, "tmp")
        os.makedirs(self.env["TMPDIR"])
        self.fault("set", "shutdown_delay=0.2")
        wrapper = os.path.join(self.dir, "slow-nbdkit")
        with open(wrapper, "w") as f:
            f.write("#!/bin/sh\ntouch \"%s/nbdkit-started\"\n"
                    "exec nbdkit --filter=delay \"$@\" rdelay=200ms\n" % self.dir)
        os.chmod(wrapper, 0o755)
        self.slow_nbdkit = wrapper

    def ctl(self, *args):
        return subprocess.run([LABCTL] + list(args), check=True, capture_output=True,
                              text=True).stdout

    def fault(self, *args):
        return self.ctl("fault", "--dir", self.dir, *args)

    def rules(self):
        return json.loads(self.fault("list"))["rules"]

    def stop(self):
        subprocess.run([LABCTL, "stop", "--dir", self.dir], capture_output=True)
        subprocess.run(["rm", "-rf", self.dir])

    def vmigrate(self, args, env=None, background=False):
        e = dict(self.env, **(env or {}))
        cmd = [VMIGRATE, "--transport", "local", "--log-dir", os.path.join(self.dir, "v2v")] + args
        if background:
            log = open(os.path.join(self.dir, "killed.log"), "w")
            return subprocess.Popen(cmd, env=e, stdout=log, stderr=subprocess.STDOUT)
        return subprocess.run(cmd, env=e, capture_output=True, text=True)


PHASES = {
    # name: (command, setup steps after vm-create)
    "first": ("sync", []),
    "delta": ("sync", ["seed", "write"]),
    "cutover": ("cutover", ["seed", "write"]),
    "revert": ("cutover", ["seed", "write", "corrupt"]),
}


def setup(lab, vm, steps):
    lab.ctl("vm-create", "--dir", lab.dir, vm, "--disks", "16M,8M", "--fill", "20")
    for s in steps:
        if s == "seed":
            r = lab.vmigrate(["sync", vm])
            if r.returncode:
                raise RuntimeError("setup sync of %s failed: %s" % (vm, r.stdout + r.stderr))
        elif s == "write":
            lab.ctl("vm-write", "--dir", lab.dir, vm, "--percent", "10", "--seed", "7")
        elif s == "corrupt":
            lab.fault("add", "v2v", "convert", "corrupt", "--times", "1")


def count_requests(lab, phase, vm):
    """Requests of each service in one uninterrupted run of PHASE."""
    cmd, steps = PHASES[phase]
    setup(lab, vm, steps)
    lab.fault("add", "vsphere", "*", "delay", "--skip", str(NEVER), "--arg", "0")
    lab.fault("add", "openstack", ".", "delay", "--skip", str(NEVER), "--arg", "0")
    lab.vmigrate([cmd, vm])
    counts = {r["service"]: r["hits"] for r in lab.rules() if r["skip"] == NEVER}
    lab.fault("clear")
    return counts


def kill_run(lab, vm, cmd, point):
    """Start CMD, kill -9 it at POINT; True when the kill landed."""
    kind, n = point
    env = {}
    if kind in ("vsphere", "openstack"):
        op = "*" if kind == "vsphere" else "."
        lab.fault("add", kind, op, "delay", "--skip", str(n), "--times", "1", "--arg", str(HELD_S))
    elif kind == "v2v":
        lab.fault("add", "v2v", "convert", "delay", "--times", "1", "--arg", "30")
    elif kind == "copy":
        env["VMIGRATE_NBDKIT"] = lab.slow_nbdkit
        marker = os.path.join(lab.dir, "nbdkit-started")
        if os.path.exists(marker):
            os.unlink(marker)
    p = lab.vmigrate([cmd, vm], env=env, background=True)
    deadline = time.time() + 120
    landed = False
    while time.time() < deadline and p.poll() is None:
        if kind == "copy":
            if os.path.exists(os.path.join(lab.dir, "nbdkit-started")):
                time.sleep(n)
                landed = p.poll() is None
                break
        elif any(r["times"] == 0 and r["skip"] != NEVER and r["action"] == "delay"
                 for r in lab.rules()):
            landed = True
            break
        time.sleep(0.05)
    if p.poll() is None:
        p.kill()
    p.wait()
    # The held request lands before the rerun, as a real server's would.
    time.sleep(HELD_S + 0.5)
    lab.fault("clear")
    return landed


def check(lab, vm, phase):
    """The full checks after the rerun; a list of problems."""
    problems = []
    info = json.loads(lab.ctl("vm-info", "--dir", lab.dir, vm))
    vols = json.loads(lab.ctl("volumes", "--dir", lab.dir, "--vm", vm))
    if len(vols) != len(info["disks"]):
        problems.append("%d volumes for %d disks" % (len(vols), len(info["disks"])))
    if info["snapshots"]:
        problems.append("vSphere snapshots left: %s" % [s["name"] for s in info["snapshots"]])
    snaps = json.loads(lab.ctl("snapshots", "--dir", lab.dir, "--vm", vm))
    if snaps:
        problems.append("Cinder snapshots left: %s" % snaps)
    converted = phase in ("cutover", "revert")
    for i, v in enumerate(vols):
        m = v["metadata"] or {}
        if v["status"] != "available" or v["attachments"]:
            problems.append("volume %d is %s, attachments %s" % (i, v["status"], v["attachments"]))
        want = {"converted": "true" if converted else "false",
                "vmigrate_copy_state": "complete", "vmigrate_owner": "",
                "vmigrate_recovery_snapshot": ""}
        for k, val in want.items():
            if m.get(k, "") != val:
                problems.append("volume %d: %s=%r, expected %r" % (i, k, m.get(k), val))
        if m.get("vmigrate_conversion", "") != ("done" if converted else ""):
            problems.append("volume %d: vmigrate_conversion=%r" % (i, m.get("vmigrate_conversion")))
        cap = info["disks"][i]["capacity"]
        want_hash = lab.ctl("vm-hash", "--dir", lab.dir, vm, "--disk", str(i)).strip()
        got = lab.ctl("volume-hash", "--dir", lab.dir, v["id"], "--bytes", str(cap)).strip()
        if want_hash != got:
            problems.append("volume %d does not hold disk %d" % (i, i))
    if converted and vols and not vols[0]["bootable"]:
        problems.append("boot volume not bootable")
    if os.listdir(lab.env["VMIGRATE_DEVICE_DIR"]):
        problems.append("device links left: %s" % os.listdir(lab.env["VMIGRATE_DEVICE_DIR"]))
    return problems


def plan(counts, rng):
    """The kill points: (phase, (kind, n)), POINTS of them."""
    share = {"first": 0.2, "delta": 0.2, "cutover": 0.4, "revert": 0.2}
    points = []
    for phase, frac in share.items():
        k = max(4, round(POINTS * frac))
        c = counts[phase]
        for j in range(k):
            r = j % 5
            if r == 4:
                kind = ("v2v", 0) if phase == "cutover" else ("copy", rng.uniform(0.05, 0.5))
            elif r == 3 and phase != "revert":
                kind = ("copy", rng.uniform(0.05, 0.5))
            else:
                svc = "openstack" if r % 2 == 0 or phase == "revert" else "vsphere"
                lo = c[svc] // 2 if phase == "revert" and svc == "openstack" else 0
                kind = (svc, rng.randrange(lo, max(lo + 1, c[svc] - 1)))
            points.append((phase, kind))
    return points


def main():
    rng = random.Random(SEED)
    print("crash matrix seed %d (CRASH_SEED=%d replays it), %d points" % (SEED, SEED, POINTS))
    root = tempfile.mkdtemp(prefix="vmigrate-crash.")
    labs = [Lab(root) for _ in range(WORKERS)]
    try:
        counts = {}
        for i, phase in enumerate(PHASES):
            counts[phase] = count_requests(labs[i % WORKERS], phase, "dry-%s" % phase)
            print("dry run %-8s %s" % (phase, counts[phase]))
        points = plan(counts, rng)
        results = []
        lock = threading.Lock()

        def worker(w):
            lab = labs[w]
            for idx in range(w, len(points), WORKERS):
                if ONLY and idx not in ONLY:
                    continue
                phase, point = points[idx]
                vm = "k%02d" % idx
                cmd = PHASES[phase][0]
                t0 = time.time()
                try:
                    setup(lab, vm, PHASES[phase][1])
                    landed = kill_run(lab, vm, cmd, point)
                    r = lab.vmigrate([cmd, vm])
                    problems = [] if r.returncode == 0 else [
                        "rerun exit %d: %s" % (r.returncode, (r.stdout + r.stderr)[-600:])]
                    if r.returncode == 0:
                        problems += check(lab, vm, phase)
                except Exception as e:  # a broken scenario is a failure too
                    landed, problems = True, ["%s: %s" % (type(e).__name__, e)]
                with lock:
                    results.append((idx, phase, point, landed, problems))
                    print("%s kill %2d %-8s %-10s %-6s %s (%.0f s)" % (
                        "FAIL" if problems else "ok  ", idx, phase, point[0],
                        ("%.2f" % point[1]) if isinstance(point[1], float) else point[1],
                        "landed" if landed else "missed", time.time() - t0), flush=True)
                    for p in problems:
                        print("     | " + p, flush=True)

        threads = [threading.Thread(target=worker, args=(w,)) for w in range(WORKERS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        for lab in labs:
            lab.stop()
        subprocess.run(["rm", "-rf", root])
    landed = sum(1 for r in results if r[3])
    failed = [r for r in results if r[4]]
    print("%d kill points, %d landed, %d failed (seed %d)" % (len(results), landed, len(failed),
                                                              SEED))
    if failed:
        return 1
    if landed < 30 and not ONLY:
        print("FAIL: fewer than 30 kills landed")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
