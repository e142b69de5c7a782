"""Over several windows of random guest writes, the union of the
QueryChangedDiskAreas extents of each window covers every byte that differs
between the window's two snapshots, and lists nothing outside the 64 KiB
blocks written in that window."""
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from labtest import Lab, check, require_module, run  # noqa: E402

K = 64 * 1024
CAP = 48 << 20


def frozen_path(lab, snap, vim):
    d = [x for x in snap.config.hardware.device if isinstance(x, vim.vm.device.VirtualDisk)][0]
    ds, _, rel = d.backing.fileName.partition("] ")
    return os.path.join(lab.env["VMIGRATE_LOCAL_DATASTORE"], ds.lstrip("["), rel), d.backing.changeId


def extents(vm, snap, cid):
    off, out = 0, []
    while off < CAP:
        r = vm.QueryChangedDiskAreas(snapshot=snap, deviceKey=2000, startOffset=off, changeId=cid)
        out += [(a.start, a.length) for a in r.changedArea]
        off = r.startOffset + r.length
    return out


def main():
    require_module("pyVmomi")
    from pyVim.task import WaitForTask
    from pyVmomi import vim

    rnd = random.Random(7)
    with Lab(tls=True) as lab:
        lab.ctl("vm-create", "rnd01", "--disks", "48M", "--fill", "30", "--seed", "5")
        lab.ctl("fault", "set", "task_step_seconds=0", "cbt_page_areas=50", "cbt_page_bytes=4194304")
        vm = lab.connect().RetrieveContent().searchIndex.FindByInventoryPath("DC/vm/rnd01")

        def snapshot():
            t = vm.CreateSnapshot_Task(name="w", description="", memory=False, quiesce=False)
            WaitForTask(t)
            return t.info.result

        prev = snapshot()
        prev_path, prev_cid = frozen_path(lab, prev, vim)
        for window in range(4):
            written = set()
            for _ in range(rnd.randint(5, 40)):
                off = rnd.randrange(0, CAP - 4096, 512)
                length = rnd.choice([512, 4096, 70000, 300000])
                length = min(length, CAP - off)
                lab.ctl("vm-write", "rnd01", "--offset", str(off), "--length", str(length),
                        "--seed", str(rnd.randrange(1 << 30)))
                written.update(range(off // K, (off + length - 1) // K + 1))
            lab.ctl("vm-write", "rnd01", "--percent", "2", "--seed", str(window + 100))
            cur = snapshot()
            cur_path, cur_cid = frozen_path(lab, cur, vim)
            ext = extents(vm, cur, prev_cid)
            blocks = set()
            for s, n in ext:
                check(s % 512 == 0 and n % 512 == 0 and s + n <= CAP, "aligned, inside the disk")
                blocks.update(range(s // K, (s + n - 1) // K + 1))
            # Every differing byte is inside a listed block.
            with open(prev_path, "rb") as a, open(cur_path, "rb") as b:
                for blk in range(CAP // K):
                    if a.read(K) != b.read(K):
                        check(blk in blocks, "window %d: changed block %d not listed" % (window, blk))
            # Nothing listed outside the blocks written in this window (the
            # --percent writes are included via the differing-bytes check and
            # may only add blocks that really changed).
            with open(prev_path, "rb") as a, open(cur_path, "rb") as b:
                for blk in sorted(blocks - written):
                    a.seek(blk * K)
                    b.seek(blk * K)
                    check(a.read(K) != b.read(K),
                          "window %d: block %d listed but neither written nor changed" % (window, blk))
            WaitForTask(prev.RemoveSnapshot_Task(removeChildren=False))
            prev, prev_path, prev_cid = cur, cur_path, cur_cid


run(main)
