"""pyvmomi reads a lab VM's NICs as vSphere shows them: VirtualEthernetCard
devices with a standard-network backing (deviceName, network) or a
distributed-portgroup backing (switch UUID and portgroup key, resolved
through the VM's `network` list to the portgroup's name), MACs as given or
generated in VMware's range, connectable state; vCPUs, memory, EFI secure
boot; and guest.net (the guest's addresses per NIC) only while the guest
runs with VMware Tools."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from labtest import Lab, check, require_module  # noqa: E402


def main():
    require_module("pyVmomi")
    from pyVmomi import vim

    with Lab(tls=True) as lab:
        made = lab.ctl_json("vm-create", "app01", "--disks", "8M", "--nics",
                            "VM Network,dvs-prod=00:50:56:01:02:03,backup@10.9.8.7",
                            "--firmware", "efi", "--secure-boot", "--cpus", "4", "--memory", "6144")
        lab.ctl("vm-create", "plain01", "--disks", "8M")
        check(lab.ctl("vm-create", "bad01", "--nics", "x=zz", check_rc=False).returncode != 0,
              "a MAC that is not one is refused")
        check(lab.ctl("vm-create", "bad02", "--nics", "dup=00:50:56:01:02:03",
                      check_rc=False).returncode != 0, "a MAC already in use is refused")
        info = lab.ctl_json("vm-info", "app01")
        check([n["network"] for n in info["nics"]] == ["VM Network", "dvs-prod", "backup"],
              "vm-info lists the NICs in order")
        check(info["nics"] == made["nics"], "vm-create printed the same NICs")
        macs = [n["mac"] for n in info["nics"]]
        check(macs[1] == "00:50:56:01:02:03", "the given MAC is kept")
        check(all(m.startswith("00:50:56:") and 0x80 <= int(m[9:11], 16) <= 0xbf
                  for m in (macs[0], macs[2])), "generated MACs in vCenter's 00:50:56:80-bf range")

        si = lab.connect()
        c = si.RetrieveContent()
        vm = c.searchIndex.FindByInventoryPath("DC/vm/app01")
        hw = vm.config.hardware
        check(hw.numCPU == 4 and hw.memoryMB == 6144, "vCPUs and memory")
        check(vm.config.firmware == "efi" and vm.config.bootOptions.efiSecureBootEnabled is True,
              "EFI with secure boot")
        nics = [d for d in hw.device if isinstance(d, vim.vm.device.VirtualEthernetCard)]
        check([n.key for n in nics] == [4000, 4001, 4002], "NIC device keys in order")
        check([n.macAddress for n in nics] == macs, "MACs as vm-info says")
        check(all(n.connectable.connected for n in nics), "connected while powered on")
        std = nics[0].backing
        check(isinstance(std, vim.vm.device.VirtualEthernetCard.NetworkBackingInfo)
              and std.deviceName == "VM Network" and std.network.name == "VM Network",
              "standard network backing names its network")
        dv = nics[1].backing
        check(isinstance(dv, vim.vm.device.VirtualEthernetCard.DistributedVirtualPortBackingInfo),
              "distributed portgroup backing")
        pgs = {n.key: n for n in vm.network if isinstance(n, vim.dvs.DistributedVirtualPortgroup)}
        check(dv.port.portgroupKey in pgs and pgs[dv.port.portgroupKey].name == "dvs-prod",
              "the portgroup key resolves to dvs-prod through vm.network")
        pg = pgs[dv.port.portgroupKey]
        check(pg.config.distributedVirtualSwitch.uuid == dv.port.switchUuid,
              "the portgroup's switch has the backing's switchUuid")
        check(sorted(n.name for n in vm.network) == ["VM Network", "backup", "dvs-prod"],
              "vm.network lists the three networks")
        check(vm.summary.config.numEthernetCards == 3, "summary counts the NICs")

        net = {g.deviceConfigId: g for g in vm.guest.net}
        check(sorted(net) == [4000, 4001, 4002], "guest.net has one entry per NIC")
        check(list(net[4002].ipAddress) == ["10.9.8.7"] and net[4002].macAddress == macs[2],
              "the given guest IP, with the NIC's MAC")
        check(all(len(g.ipAddress) == 1 for g in net.values()), "every NIC has an address")

        plain = c.searchIndex.FindByInventoryPath("DC/vm/plain01")
        pn = [d for d in plain.config.hardware.device if isinstance(d, vim.vm.device.VirtualEthernetCard)]
        check(len(pn) == 1 and pn[0].backing.deviceName == "VM Network", "default: one NIC on VM Network")
        check(plain.config.bootOptions.efiSecureBootEnabled is False, "no secure boot by default")

        lab.ctl("vm-power", "app01", "--set", "off")
        vm = c.searchIndex.FindByInventoryPath("DC/vm/app01")
        check(not vm.guest.net, "no guest.net while the guest is off")
        check(not any(d.connectable.connected for d in vm.config.hardware.device
                      if isinstance(d, vim.vm.device.VirtualEthernetCard)), "NICs disconnected when off")
    print("ok")


if __name__ == "__main__":
    main()
