"""check_volumes.py LABDIR ANSIBLE_DIR PHASE CONVERTED VM...

For every disk of every VM: the Cinder volume holds the source disk now
(labctl volume-hash vs vm-hash), the volume's changeID metadata is the one
the module returned in PHASE, its id is the module's id[i], and its
converted metadata is CONVERTED.  One labctl volumes call for all; exit 1
with every mismatch listed."""
import glob
import json
import os
import subprocess
import sys

lab, adir, phase, converted = sys.argv[1:5]
vms = sys.argv[5:]
labctl = os.path.join(os.path.dirname(__file__), "..", "..", "..", "lab", "labctl")


def run(*args):
    return subprocess.run([labctl, *args, "--dir", lab], check=True, capture_output=True,
                          text=True).stdout.strip()


results = {}
for f in glob.glob("%s/results/%s-*.json" % (adir, phase)):
    for r in json.load(open(f)):
        results[r["vm"]] = r
volumes = json.loads(run("volumes"))
errors = []
for vm in vms:
    r = results.get(vm)
    if r is None:
        errors.append("%s: no result in phase %s" % (vm, phase))
        continue
    mine = [v for v in volumes if (v["metadata"] or {}).get("vmigrate_vm_name") == vm]
    disks = json.loads(run("vm-info", vm))["disks"]
    if len(mine) != len(disks):
        errors.append("%s: %d volumes for %d disks" % (vm, len(mine), len(disks)))
        continue
    for i, (v, d) in enumerate(zip(mine, disks)):
        md = v["metadata"]
        want = run("vm-hash", vm, "--disk", str(i))
        got = run("volume-hash", v["id"], "--bytes", str(d["capacity"]))
        if want != got:
            errors.append("%s disk %d: volume %s does not hold the disk" % (vm, i, v["id"]))
        if r["id"][i] != v["id"]:
            errors.append("%s disk %d: module id %s, Cinder %s" % (vm, i, r["id"][i], v["id"]))
        if r["disks"][i]["changeID"] != md.get("changeID"):
            errors.append("%s disk %d: module changeID %s, metadata %s"
                          % (vm, i, r["disks"][i]["changeID"], md.get("changeID")))
        if md.get("converted") != converted:
            errors.append("%s disk %d: converted=%s, expected %s" % (vm, i, md.get("converted"), converted))
for e in errors:
    print("FAIL:", e)
sys.exit(1 if errors else 0)
