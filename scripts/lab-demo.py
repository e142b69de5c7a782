"""Show the lab at work through real clients: pyvmomi against the vSphere
simulator (a VM, a snapshot, QueryChangedDiskAreas over two windows) and the
openstack CLI against the OpenStack simulator (volume, attachment)."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
from labtest import LABCTL  # noqa: E402

from pyVim.connect import SmartConnect, Disconnect  # noqa: E402
from pyVim.task import WaitForTask  # noqa: E402
from pyVmomi import vim  # noqa: E402

labdir = sys.argv[1]
env = dict(os.environ)
with open(os.path.join(labdir, "lab.env")) as f:
    for line in f:
        k, _, v = line.strip()[len("export "):].partition("=")
        env[k] = v.strip("'")


def ctl(*args):
    return subprocess.run([LABCTL, args[0], "--dir", labdir] + list(args[1:]), check=True,
                          capture_output=True, text=True).stdout


def changed(vm, snap, key, cap, cid):
    off, areas, replies = 0, [], 0
    while off < cap:
        r = vm.QueryChangedDiskAreas(snapshot=snap, deviceKey=key, startOffset=off, changeId=cid)
        areas += [(a.start, a.length) for a in r.changedArea]
        off, replies = r.startOffset + r.length, replies + 1
    return areas, replies


def snapshot(vm, name):
    t = vm.CreateSnapshot_Task(name=name, description="vmigrate demo", memory=False, quiesce=False)
    WaitForTask(t)
    snap = t.info.result
    disks = [d for d in snap.config.hardware.device if isinstance(d, vim.vm.device.VirtualDisk)]
    return snap, disks


ctl("vm-create", "web01", "--disks", "256M,64M", "--fill", "20")
ctl("fault", "set", "cbt_page_bytes=67108864")
port = int(env["VMIGRATE_VSPHERE_URL"].split(":")[2].split("/")[0])
import ssl  # noqa: E402
with open(env["VMIGRATE_VSPHERE_PASSWORD_FILE"]) as f:
    pw = f.read().strip()
si = SmartConnect(host="127.0.0.1", port=port, user=env["VMIGRATE_VSPHERE_USER"], pwd=pw,
                  sslContext=ssl.create_default_context(cafile=env["VMIGRATE_CA_FILE"]))
content = si.RetrieveContent()
print("vCenter:", content.about.fullName)
vm = content.searchIndex.FindByInventoryPath("DC/vm/web01")
print("VM %s (%s): %s, guest %s, firmware %s, CBT %s" % (
    vm.name, vm._moId, vm.runtime.powerState, vm.config.guestId, vm.config.firmware,
    vm.config.changeTrackingEnabled))

snap1, disks = snapshot(vm, "vmigrate-window-1")
print("window 1: snapshot %s" % snap1._moId)
for d in disks:
    areas, replies = changed(vm, snap1, d.key, d.capacityInBytes, "*")
    print("  disk %d %s: %d MiB, changeId %s" % (d.key, d.backing.fileName, d.capacityInBytes >> 20,
                                                 d.backing.changeId))
    print("    changeId '*': %d allocated areas, %.1f MiB, in %d replies" % (
        len(areas), sum(n for _, n in areas) / 2**20, replies))
first = {d.key: d.backing.changeId for d in disks}
WaitForTask(snap1.RemoveSnapshot_Task(removeChildren=False, consolidate=True))

print("guest writes 3% of disk 0 while the VM runs...")
ctl("vm-write", "web01", "--disk", "0", "--percent", "3")
snap2, disks = snapshot(vm, "vmigrate-window-2")
print("window 2: snapshot %s" % snap2._moId)
for d in disks:
    areas, replies = changed(vm, snap2, d.key, d.capacityInBytes, first[d.key])
    print("  disk %d: delta since %s: %d areas, %.1f MiB" % (
        d.key, first[d.key].split("/")[1], len(areas), sum(n for _, n in areas) / 2**20))
WaitForTask(snap2.RemoveSnapshot_Task(removeChildren=False, consolidate=True))
print("snapshots left on the VM:", vm.snapshot)
Disconnect(si)


def osc(*args):
    out = subprocess.run(["openstack"] + list(args) + ["-f", "json"], env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out) if out.strip() else None


vol = osc("volume", "create", "--size", "1", "--property", "osm=true", "web01-disk-2000")
print("Cinder volume %s created" % vol["id"])
import time  # noqa: E402
for _ in range(50):
    if osc("volume", "show", vol["id"])["status"] == "available":
        break
    time.sleep(0.2)
subprocess.run(["openstack", "server", "add", "volume", env["VMIGRATE_CONVERSION_HOST"], vol["id"]],
               env=env, check=True, capture_output=True)
link = os.path.join(env["VMIGRATE_DEVICE_DIR"], "virtio-" + vol["id"][:20])
for _ in range(50):
    if os.path.exists(link):
        break
    time.sleep(0.2)
print("attached to conversion host %s as %s" % (env["VMIGRATE_CONVERSION_HOST"], link))
subprocess.run(["openstack", "server", "remove", "volume", env["VMIGRATE_CONVERSION_HOST"], vol["id"]],
               env=env, check=True, capture_output=True)
print("detached; demo done")
