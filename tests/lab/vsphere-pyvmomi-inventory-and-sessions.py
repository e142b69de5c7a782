"""pyvmomi connects to the lab's vCenter over TLS, finds VMs by inventory path,
reads disks/changeIds/guest/firmware/power, pages RetrievePropertiesEx, and
gets the faults vCenter gives for a bad password and an expired session."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from labtest import Lab, check, require_module, run  # noqa: E402


def main():
    require_module("pyVmomi")
    from pyVim.connect import SmartConnect, Disconnect
    from pyVmomi import vim, vmodl

    with Lab(tls=True) as lab:
        lab.ctl("vm-create", "web01", "--disks", "64M,32M", "--fill", "10")
        lab.ctl("vm-create", "win01", "--os", "windows", "--firmware", "efi", "--folder", "prod/apps",
                "--cbt", "off")
        for i in range(5):
            lab.ctl("vm-create", "bulk%d" % i, "--disks", "1M")
        si = lab.connect()
        c = si.RetrieveContent()
        check(c.about.apiType == "VirtualCenter", "about.apiType is VirtualCenter")

        vm = c.searchIndex.FindByInventoryPath("DC/vm/web01")
        check(isinstance(vm, vim.VirtualMachine), "FindByInventoryPath finds DC/vm/web01")
        check(vm.name == "web01" and vm.runtime.powerState == "poweredOn", "name and power")
        check(vm.config.changeTrackingEnabled is True, "CBT on")
        check(vm.config.guestId.startswith("debian") and vm.config.firmware == "bios", "guest, firmware")
        disks = [d for d in vm.config.hardware.device if isinstance(d, vim.vm.device.VirtualDisk)]
        check([d.key for d in disks] == [2000, 2001], "disk keys")
        check([d.capacityInBytes for d in disks] == [64 << 20, 32 << 20], "capacities")
        check(disks[0].backing.fileName == "[datastore1] web01/web01.vmdk", "backing fileName")
        check(all("/" in d.backing.changeId for d in disks), "changeIds <uuid>/<seq>")
        check(len(vm.config.uuid) == 36 and vm.config.instanceUuid != vm.config.uuid, "uuids")

        win = c.searchIndex.FindByInventoryPath("DC/vm/prod/apps/win01")
        check(win is not None and win.config.guestId.startswith("windows"), "Windows VM in folder")
        check(win.config.firmware == "efi" and win.config.changeTrackingEnabled is False, "efi, CBT off")
        check(c.searchIndex.FindByInventoryPath("DC/vm/nosuch") is None, "unknown path gives None")
        check(c.searchIndex.FindByUuid(None, vm.config.instanceUuid, True, True) == vm, "FindByUuid")

        # RetrievePropertiesEx with maxObjects=2 must page through all 7 VMs.
        view = c.viewManager.CreateContainerView(c.rootFolder, [vim.VirtualMachine], True)
        pc = c.propertyCollector
        spec = vmodl.query.PropertyCollector.FilterSpec(
            objectSet=[vmodl.query.PropertyCollector.ObjectSpec(
                obj=view, skip=True, selectSet=[vmodl.query.PropertyCollector.TraversalSpec(
                    name="v", type=vim.view.ContainerView, path="view", skip=False)])],
            propSet=[vmodl.query.PropertyCollector.PropertySpec(type=vim.VirtualMachine,
                                                                pathSet=["name", "runtime.powerState"])])
        res = pc.RetrievePropertiesEx([spec], vmodl.query.PropertyCollector.RetrieveOptions(maxObjects=2))
        names, pages = [], 0
        while True:
            pages += 1
            names += [o.propSet[0].val for o in res.objects if o.propSet[0].name == "name"]
            if not res.token:
                break
            res = pc.ContinueRetrievePropertiesEx(res.token)
        check(sorted(names) == sorted(["web01", "win01"] + ["bulk%d" % i for i in range(5)]),
              "all VMs listed across pages: %s" % names)
        check(pages == 4, "7 objects at maxObjects=2 take 4 pages (got %d)" % pages)
        view.Destroy()

        # Expired session: NotAuthenticated, and a new login works.
        lab.ctl("fault", "expire-sessions")
        try:
            vm.runtime.powerState
            check(False, "expired session must fault")
        except vim.fault.NotAuthenticated:
            pass
        Disconnect(si)
        si = lab.connect()
        vm = si.RetrieveContent().searchIndex.FindByInventoryPath("DC/vm/web01")
        check(vm.runtime.powerState == "poweredOn", "works after a new login")

        # Wrong password: InvalidLogin.
        port = int(lab.env["VMIGRATE_VSPHERE_URL"].split(":")[2].split("/")[0])
        try:
            SmartConnect(host="127.0.0.1", port=port, user=lab.env["VMIGRATE_VSPHERE_USER"],
                         pwd="wrong", sslContext=lab.ssl_context())
            check(False, "bad password must fail")
        except vim.fault.InvalidLogin:
            pass


run(main)
