"""pyvmomi drives snapshots, power and reconfigure through tasks that move
queued -> running -> success/error: the snapshot freezes every disk at one
instant (later guest writes do not reach it), carries changeIds, and is gone
after RemoveSnapshot_Task; guest shutdown and power-off change the power state."""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from labtest import Lab, check, require_module, run  # noqa: E402


def main():
    require_module("pyVmomi")
    from pyVim.task import WaitForTask
    from pyVmomi import vim

    with Lab(tls=True) as lab:
        lab.ctl("vm-create", "db01", "--disks", "32M,16M", "--fill", "25")
        lab.ctl("vm-create", "win01", "--os", "windows", "--disks", "8M", "--cbt", "off")
        si = lab.connect()
        c = si.RetrieveContent()
        vm = c.searchIndex.FindByInventoryPath("DC/vm/db01")
        before = [lab.ctl("vm-hash", "db01", "--disk", str(i)).strip() for i in (0, 1)]

        # Slow tasks: the states are observed in order.
        lab.ctl("fault", "set", "task_step_seconds=1.5")
        task = vm.CreateSnapshot_Task(name="vmigrate-test", description="t", memory=False, quiesce=False)
        seen = []
        for _ in range(100):
            s = task.info.state
            if not seen or seen[-1] != s:
                seen.append(s)
            if s in ("success", "error"):
                break
            time.sleep(0.1)
        check(seen[0] == "queued" and "running" in seen and seen[-1] == "success",
              "task states in order: %s" % seen)
        snap = task.info.result
        check(isinstance(snap, vim.vm.Snapshot), "task result is the snapshot")

        # Guest writes after the snapshot do not reach the frozen disks.
        lab.ctl("vm-write", "db01", "--disk", "1", "--offset", "0", "--length", "1M")
        frozen = [lab.ctl("vm-hash", "db01", "--disk", str(i), "--snapshot", snap._moId).strip()
                  for i in (0, 1)]
        check(frozen == before, "snapshot holds the disks as they were when it was taken")
        check(lab.ctl("vm-hash", "db01", "--disk", "1").strip() != before[1], "live disk changed")

        sdisks = [d for d in snap.config.hardware.device if isinstance(d, vim.vm.device.VirtualDisk)]
        check(len(sdisks) == 2 and all(d.backing.changeId for d in sdisks), "snapshot changeIds")
        check(vm.snapshot.currentSnapshot == snap and vm.snapshot.rootSnapshotList[0].name == "vmigrate-test",
              "VM lists the snapshot")

        # Fast tasks (already finished at the first poll) and WaitForTask.
        lab.ctl("fault", "set", "task_step_seconds=0")
        t = snap.RemoveSnapshot_Task(removeChildren=False, consolidate=True)
        check(WaitForTask(t) == "success", "remove snapshot succeeded")
        check(vm.snapshot is None, "no snapshot left")
        try:
            snap.config
            check(False, "removed snapshot must be gone")
        except vim.ManagedObjectNotFound:
            pass

        # An injected task failure surfaces as the task's error.
        lab.ctl("fault", "add", "vsphere", "CreateSnapshot_Task", "task-error", "--times", "1",
                "--arg", "disk consolidation needed")
        try:
            WaitForTask(vm.CreateSnapshot_Task(name="x", description="", memory=False, quiesce=False))
            check(False, "task error must raise")
        except AssertionError:
            raise
        except Exception as e:  # WaitForTask raises the task's fault
            check("disk consolidation needed" in str(e), "task error carries the message: %s" % e)
        check(vm.snapshot is None, "a failed snapshot task leaves no snapshot")

        # Reconfigure turns CBT on; it takes effect at the next snapshot.
        win = c.searchIndex.FindByInventoryPath("DC/vm/win01")
        spec = vim.vm.ConfigSpec(changeTrackingEnabled=True)
        check(WaitForTask(win.ReconfigVM_Task(spec)) == "success", "reconfigure")
        check(win.config.changeTrackingEnabled is True, "CBT enabled")

        # Guest shutdown, then a hard power-off on an already-off VM fails.
        lab.ctl("fault", "set", "shutdown_delay=3")
        win.ShutdownGuest()
        check(lab.ctl("vm-power", "win01").strip() == "poweredOn", "shutdown takes a moment")
        for _ in range(100):
            if win.runtime.powerState == "poweredOff":
                break
            time.sleep(0.1)
        check(win.runtime.powerState == "poweredOff", "guest shut down")
        check(lab.ctl("vm-power", "win01").strip() == "poweredOff", "labctl agrees")
        try:
            WaitForTask(win.PowerOffVM_Task())
            check(False, "power-off of an off VM must fail")
        except vim.fault.InvalidPowerState:
            pass
        check(WaitForTask(vm.PowerOffVM_Task()) == "success", "hard power-off")
        check(lab.ctl("vm-power", "db01").strip() == "poweredOff", "db01 off")


run(main)
