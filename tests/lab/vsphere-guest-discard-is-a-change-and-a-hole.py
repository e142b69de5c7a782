"""A guest discard (labctl vm-write --discard) behaves as on vSphere: the
range reads as zeroes and is a hole in the disk file, QueryChangedDiskAreas
since an earlier changeId lists it as changed, and with "*" (allocated
areas) it is no longer listed."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from labtest import Lab, check, require_module, run  # noqa: E402

M = 1 << 20
CAP = 8 * M


def covered(areas, start, end):
    """Is every byte of [start, end) inside one of AREAS?"""
    pos = start
    for s, n in sorted(areas):
        if s <= pos < s + n:
            pos = s + n
    return pos >= end


def overlaps(areas, start, end):
    return any(s < end and start < s + n for s, n in areas)


def main():
    require_module("pyVmomi")
    from pyVim.task import WaitForTask
    from pyVmomi import vim

    with Lab(tls=True) as lab:
        lab.ctl("vm-create", "tr01", "--disks", "8M")
        lab.ctl("fault", "set", "task_step_seconds=0")
        lab.ctl("vm-write", "tr01", "--offset", str(1 * M), "--length", str(2 * M))
        vm = lab.connect().RetrieveContent().searchIndex.FindByInventoryPath("DC/vm/tr01")

        def snapshot():
            t = vm.CreateSnapshot_Task(name="w", description="", memory=False, quiesce=False)
            WaitForTask(t)
            snap = t.info.result
            d = [x for x in snap.config.hardware.device
                 if isinstance(x, vim.vm.device.VirtualDisk)][0]
            return snap, d.backing.changeId, d.backing.fileName

        def areas(snap, cid):
            r = vm.QueryChangedDiskAreas(snapshot=snap, deviceKey=2000, startOffset=0,
                                         changeId=cid)
            return [(a.start, a.length) for a in r.changedArea]

        _, cid1, _ = snapshot()
        out = lab.ctl_json("vm-write", "tr01", "--discard", "--offset", str(1 * M),
                           "--length", str(1 * M))
        check(out == {"discarded": [[M, M]]}, "labctl reports the discarded range: %r" % out)
        snap2, _, fname = snapshot()

        changed = areas(snap2, cid1)
        check(covered(changed, 1 * M, 2 * M), "the discard is a change: %r" % changed)
        alloc = areas(snap2, "*")
        check(not overlaps(alloc, 1 * M, 2 * M), "discarded range still allocated: %r" % alloc)
        check(covered(alloc, 2 * M, 3 * M), "the rest of the data is allocated: %r" % alloc)

        ds, _, rel = fname.partition("] ")
        path = os.path.join(lab.env["VMIGRATE_LOCAL_DATASTORE"], ds.lstrip("["), rel)
        with open(path, "rb") as f:
            f.seek(1 * M)
            check(f.read(M) == bytes(M), "the discarded range reads as zeroes")
            check(f.read(M) != bytes(M), "the data after it is still there")
            check(os.lseek(f.fileno(), 1 * M, os.SEEK_DATA) >= 2 * M, "the range is a hole")


run(main)
