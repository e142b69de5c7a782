"""QueryChangedDiskAreas through pyvmomi: '*' lists allocated areas only,
a changeId lists exactly the later writes, replies are chunked (bounded areas
and span, empty chunks in the middle of the disk), and a CBT reset or a bogus
changeId gives vCenter's InvalidArgument fault."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from labtest import Lab, check, require_module, run  # noqa: E402

K = 64 * 1024
M = 1 << 20


def query_all(vm, snap, key, cid, cap):
    """Page to the end of the disk; return (areas, replies, empty_mid_chunks)."""
    off, areas, replies, empty_mid = 0, [], 0, 0
    while off < cap:
        r = vm.QueryChangedDiskAreas(snapshot=snap, deviceKey=key, startOffset=off, changeId=cid)
        replies += 1
        check(r.startOffset == off and r.length > 0, "reply advances from %d" % off)
        got = [(a.start, a.length) for a in r.changedArea]
        if not got and r.startOffset + r.length < cap:
            empty_mid += 1
        areas += got
        off = r.startOffset + r.length
    return areas, replies, empty_mid


def main():
    require_module("pyVmomi")
    from pyVim.task import WaitForTask
    from pyVmomi import vim, vmodl

    with Lab(tls=True) as lab:
        cap = 64 * M
        lab.ctl("vm-create", "app01", "--disks", "64M")
        lab.ctl("vm-write", "app01", "--offset", str(1 * M), "--length", str(2 * M))
        lab.ctl("vm-write", "app01", "--offset", str(50 * M), "--length", str(K))
        lab.ctl("fault", "set", "task_step_seconds=0", "cbt_page_bytes=8388608", "cbt_page_areas=1000")
        si = lab.connect()
        vm = si.RetrieveContent().searchIndex.FindByInventoryPath("DC/vm/app01")

        def snapshot():
            t = vm.CreateSnapshot_Task(name="w", description="", memory=False, quiesce=False)
            WaitForTask(t)
            s = t.info.result
            d = [x for x in s.config.hardware.device if isinstance(x, vim.vm.device.VirtualDisk)][0]
            return s, d.backing.changeId

        s1, c1 = snapshot()
        areas, replies, empty_mid = query_all(vm, s1, 2000, "*", cap)
        check(areas == [(1 * M, 2 * M), (50 * M, K)], "'*' lists allocated areas only: %s" % areas)
        check(replies == 8, "8 MiB spans over 64 MiB = 8 replies (got %d)" % replies)
        check(empty_mid >= 5, "empty chunks in the middle of the disk are answered (got %d)" % empty_mid)
        WaitForTask(s1.RemoveSnapshot_Task(removeChildren=False))

        # Window 2: many small scattered writes; bounded areas per reply.
        lab.ctl("fault", "set", "cbt_page_areas=3", "cbt_page_bytes=67108864")
        offs = [3 * M + i * 4 * K for i in range(10)] + [60 * M + 100]
        for o in offs:
            lab.ctl("vm-write", "app01", "--offset", str(o), "--length", "512")
        s2, c2 = snapshot()
        areas, replies, _ = query_all(vm, s2, 2000, c1, cap)
        want = sorted({(o // K * K, K) for o in offs})
        check(areas == want, "delta lists exactly the written blocks: %s" % areas)
        check(replies >= 4, "3 areas per reply means several replies (got %d)" % replies)
        check(c2.split("/")[0] == c1.split("/")[0] and int(c2.split("/")[1]) > int(c1.split("/")[1]),
              "changeId sequence advances: %s -> %s" % (c1, c2))

        # Bad arguments and bogus changeIds give InvalidArgument.
        for kwargs in ({"startOffset": cap, "changeId": c1},
                       {"startOffset": 0, "changeId": "52 00 00 00 00 00 00 00-00 00 00 00 00 00 00 00/1"}):
            try:
                vm.QueryChangedDiskAreas(snapshot=s2, deviceKey=2000, **kwargs)
                check(False, "must fault: %s" % kwargs)
            except vmodl.fault.InvalidArgument:
                pass
        WaitForTask(s2.RemoveSnapshot_Task(removeChildren=False))

        # CBT reset (storage vMotion): the old changeId is refused, '*' still works.
        lab.ctl("cbt-reset", "app01")
        s3, c3 = snapshot()
        check(c3.split("/")[0] != c2.split("/")[0], "reset draws a new CBT uuid")
        try:
            vm.QueryChangedDiskAreas(snapshot=s3, deviceKey=2000, startOffset=0, changeId=c2)
            check(False, "old changeId after reset must fault")
        except vmodl.fault.InvalidArgument as e:
            check(e.invalidProperty == "changeId", "fault names changeId")
        areas, _, _ = query_all(vm, s3, 2000, "*", cap)
        check(areas[0][0] == 1 * M, "full listing after reset")


run(main)
