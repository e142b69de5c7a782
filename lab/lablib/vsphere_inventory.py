"""The vSphere lab's managed objects as vim25 property trees.

world(st) maps each moref value to (type, {property: typed value}) so the
PropertyCollector can walk any property path (config.hardware.device...).
"""
import time

from .soapxml import DO, Arr, Mo, Enum, Long, DateTime, Any
from .vsphere_model import DATACENTER, DATASTORE, settle

ROOT = Mo("Folder", "group-d1")
DC = Mo("Datacenter", "datacenter-2")
VMFOLDER = Mo("Folder", "group-v3")
HOSTFOLDER = Mo("Folder", "group-h4")
DSFOLDER = Mo("Folder", "group-s5")
NETFOLDER = Mo("Folder", "group-n6")
DS = Mo("Datastore", "datastore-11")
HOST = Mo("HostSystem", "host-10")
API_VERSION = "8.0.2.0"

# Types every ManagedEntity-typed spec also applies to.
ENTITY_TYPES = {"Folder", "Datacenter", "VirtualMachine", "Datastore", "HostSystem", "Network",
                "DistributedVirtualPortgroup", "VmwareDistributedVirtualSwitch"}


def is_a(obj_type, spec_type):
    """Does a PropertySpec/TraversalSpec of spec_type apply to obj_type?"""
    return (obj_type == spec_type or (spec_type == "ManagedEntity" and obj_type in ENTITY_TYPES)
            or (spec_type == "Network" and obj_type == "DistributedVirtualPortgroup")
            or (spec_type == "DistributedVirtualSwitch"
                and obj_type == "VmwareDistributedVirtualSwitch"))


def about():
    return DO("AboutInfo", name="VMware vCenter Server (vmigrate lab)",
              fullName="VMware vCenter Server 8.0.2 build-22385739 (vmigrate lab)",
              vendor="VMware, Inc.", version="8.0.2", build="22385739",
              localeVersion="INTL", localeBuild="000", osType="linux-x64",
              productLineId="vpx", apiType="VirtualCenter", apiVersion=API_VERSION,
              instanceUuid=None, licenseProductName="VMware VirtualCenter Server",
              licenseProductVersion="8.0")


def service_content(st):
    c = DO("ServiceContent",
           rootFolder=ROOT,
           propertyCollector=Mo("PropertyCollector", "propertyCollector"),
           viewManager=Mo("ViewManager", "ViewManager"),
           about=about(),
           setting=Mo("OptionManager", "VpxSettings"),
           userDirectory=Mo("UserDirectory", "UserDirectory"),
           sessionManager=Mo("SessionManager", "SessionManager"),
           authorizationManager=Mo("AuthorizationManager", "AuthorizationManager"),
           searchIndex=Mo("SearchIndex", "SearchIndex"),
           taskManager=Mo("TaskManager", "TaskManager"),
           fileManager=Mo("FileManager", "FileManager"),
           virtualDiskManager=Mo("VirtualDiskManager", "VirtualDiskManager"))
    c.fields["about"].fields["instanceUuid"] = st.get("instance_uuid")
    return c


def _label(label, summary):
    return DO("Description", label=label, summary=summary)


def devices(vm, disks, omit_bytes=False):
    """Controllers, disks and a NIC: the config.hardware.device array."""
    out = [DO("VirtualPCIController", key=100, deviceInfo=_label("PCI controller 0", "PCI controller 0"),
              controllerKey=None, busNumber=0,
           device=Arr("int", [1000] + [n["key"] for n in vm_nics(vm)])),
           DO("ParaVirtualSCSIController", key=1000,
              deviceInfo=_label("SCSI controller 0", "VMware paravirtual SCSI"),
              controllerKey=100, unitNumber=3, busNumber=0,
              device=Arr("int", [d["key"] for d in disks]),
              hotAddRemove=True, sharedBus=Enum("VirtualSCSISharing", "noSharing"),
              scsiCtlrUnitNumber=7)]
    for i, d in enumerate(disks):
        backing = DO("VirtualDiskFlatVer2BackingInfo", fileName=d["file"], datastore=DS,
                     backingObjectId="", diskMode="persistent", split=False,
                     writeThrough=False, thinProvisioned=True, eagerlyScrub=False,
                     uuid="6000C29%s" % vm["uuid"].replace("-", "")[7:32] + "%d" % i,
                     contentId="%032x" % (hash(d["file"]) & (2 ** 128 - 1)),
                     changeId=d.get("change_id"), digestEnabled=False, sharing="sharingNone")
        out.append(DO("VirtualDisk", key=d["key"],
                      deviceInfo=_label("Hard disk %d" % (i + 1), "{:,} KB".format(d["capacity"] // 1024)),
                      backing=backing, controllerKey=1000, unitNumber=d.get("unit", i),
                      capacityInKB=Long(d["capacity"] // 1024),
                      capacityInBytes=None if omit_bytes else Long(d["capacity"]),
                      diskObjectId="%s-%d" % (vm["moref"].split("-")[-1], d["key"])))
    on = vm["power"] == "poweredOn"
    for i, n in enumerate(vm_nics(vm)):
        if n["portgroup_key"]:
            # A distributed portgroup: the backing names the switch and the
            # portgroup key, not the portgroup's name (as vSphere does).
            backing = DO("VirtualEthernetCardDistributedVirtualPortBackingInfo",
                         port=DO("DistributedVirtualSwitchPortConnection", switchUuid=DVS_UUID,
                                 portgroupKey=n["portgroup_key"], portKey=str(100 + i),
                                 connectionCookie=1000 + i))
            summary = "DVSwitch: " + DVS_UUID
        else:
            backing = DO("VirtualEthernetCardNetworkBackingInfo", deviceName=n["network"],
                         useAutoDetect=False, network=Mo("Network", n["network_moref"]))
            summary = n["network"]
        out.append(DO("VirtualVmxnet3", key=n["key"],
                      deviceInfo=_label("Network adapter %d" % (i + 1), summary),
                      backing=backing,
                      connectable=DO("VirtualDeviceConnectInfo", migrateConnect=None,
                                     startConnected=True, allowGuestControl=True,
                                     connected=on, status="ok"),
                      controllerKey=100, unitNumber=7 + i, addressType="generated"
                      if n["mac"][9] in "89ab" else "manual", macAddress=n["mac"],
                      wakeOnLanEnabled=True))
    return Arr("VirtualDevice", out)


# The lab's one distributed switch.
DVS = Mo("VmwareDistributedVirtualSwitch", "dvs-7")
DVS_UUID = "50 1a 2b 3c 4d 5e 6f 70-81 92 a3 b4 c5 d6 e7 f8"


def vm_nics(vm):
    return vm.get("nics", [])


def guest_net(vm):
    """guest.net: what VMware Tools reports of each NIC (only while the
    guest runs with Tools)."""
    return Arr("GuestNicInfo", [
        DO("GuestNicInfo", network=n["network"],
           ipAddress=Arr("string", [n["ip"]] if n.get("ip") else []),
           macAddress=n["mac"], connected=True, deviceConfigId=n["key"])
        for n in vm_nics(vm)])


def config_info(vm, disks, omit_bytes):
    vmx = "[%s] %s/%s.vmx" % (DATASTORE, vm["name"], vm["name"])
    return DO("VirtualMachineConfigInfo",
              changeVersion="2026-01-01T00:00:00.000000Z", modified=DateTime(0),
              name=vm["name"], guestFullName=vm["guest_full_name"], version="vmx-19",
              uuid=vm["uuid"], instanceUuid=vm["instance_uuid"], template=False,
              guestId=vm["guest_id"], alternateGuestName="",
              files=DO("VirtualMachineFileInfo", vmPathName=vmx,
                       snapshotDirectory="[%s] %s/" % (DATASTORE, vm["name"]),
                       suspendDirectory="[%s] %s/" % (DATASTORE, vm["name"]),
                       logDirectory="[%s] %s/" % (DATASTORE, vm["name"])),
              hardware=DO("VirtualHardware", numCPU=vm.get("cpus", 2), numCoresPerSocket=1,
                          memoryMB=vm.get("memory_mb", 4096),
                          device=devices(vm, disks, omit_bytes)),
              changeTrackingEnabled=bool(vm["cbt_enabled"]),
              bootOptions=DO("VirtualMachineBootOptions", bootDelay=Long(0),
                             enterBIOSSetup=False,
                             efiSecureBootEnabled=bool(vm.get("secure_boot", False)),
                             bootRetryEnabled=False, bootRetryDelay=Long(10000)),
              firmware=vm["firmware"])


def _snapshot_tree(vm, snaps, parent):
    kids = [s for s in snaps if s["parent"] == parent]
    return Arr("VirtualMachineSnapshotTree", [
        DO("VirtualMachineSnapshotTree", snapshot=Mo("VirtualMachineSnapshot", s["moref"]),
           vm=Mo("VirtualMachine", vm["moref"]), name=s["name"], description=s["description"],
           id=s["id"], createTime=DateTime(s["create_time"]),
           state=Enum("VirtualMachinePowerState", vm["power"]), quiesced=s["quiesced"],
           childSnapshotList=_snapshot_tree(vm, snaps, s["moref"]) or None)
        for s in kids]) if kids else None


def _live_disks(vm):
    """The running disks; with CBT on, each carries the changeId a snapshot
    taken now would get."""
    return [dict(d, change_id="%s/%d" % (d["cbt_uuid"], d["epoch"]) if vm["cbt_active"] else None)
            for d in vm["disks"]]


def vm_props(vm, omit_bytes):
    me = Mo("VirtualMachine", vm["moref"])
    on = vm["power"] == "poweredOn"
    family = "windowsGuest" if vm["os"] == "windows" else "linuxGuest"
    tools = vm["tools"] if on else "guestToolsNotRunning"
    props = {
        "name": vm["name"],
        "parent": Mo("Folder", vm["folder_moref"]),
        "config": config_info(vm, _live_disks(vm), omit_bytes),
        "runtime": DO("VirtualMachineRuntimeInfo", host=HOST,
                      connectionState=Enum("VirtualMachineConnectionState", "connected"),
                      powerState=Enum("VirtualMachinePowerState", vm["power"]),
                      toolsInstallerMounted=False),
        "guest": DO("GuestInfo", toolsRunningStatus=tools, guestId=vm["guest_id"],
                    guestFamily=family, guestFullName=vm["guest_full_name"],
                    hostName=vm["name"], guestState="running" if on else "notRunning",
                    net=guest_net(vm) if on and tools == "guestToolsRunning" else None),
        "network": Arr("ManagedObjectReference",
                       [Mo("DistributedVirtualPortgroup" if n["portgroup_key"] else "Network",
                           n["network_moref"]) for n in vm_nics(vm)]),
        "datastore": Arr("ManagedObjectReference", [DS]),
        "summary": DO("VirtualMachineSummary", vm=me,
                      runtime=DO("VirtualMachineRuntimeInfo", host=HOST,
                                 connectionState=Enum("VirtualMachineConnectionState", "connected"),
                                 powerState=Enum("VirtualMachinePowerState", vm["power"]),
                                 toolsInstallerMounted=False),
                      config=DO("VirtualMachineConfigSummary", name=vm["name"], template=False,
                                vmPathName="[%s] %s/%s.vmx" % (DATASTORE, vm["name"], vm["name"]),
                                memorySizeMB=vm.get("memory_mb", 4096),
                                numCpu=vm.get("cpus", 2), numEthernetCards=len(vm_nics(vm)),
                                numVirtualDisks=len(vm["disks"]), uuid=vm["uuid"],
                                instanceUuid=vm["instance_uuid"], guestId=vm["guest_id"],
                                guestFullName=vm["guest_full_name"]),
                      overallStatus=Enum("ManagedEntityStatus", "green")),
    }
    if vm["snapshots"]:
        props["snapshot"] = DO("VirtualMachineSnapshotInfo",
                               currentSnapshot=Mo("VirtualMachineSnapshot", vm["snapshots"][-1]["moref"]),
                               rootSnapshotList=_snapshot_tree(vm, vm["snapshots"], None))
        props["rootSnapshot"] = Arr("ManagedObjectReference",
                                    [Mo("VirtualMachineSnapshot", s["moref"])
                                     for s in vm["snapshots"] if s["parent"] is None])
    return props


def snapshot_props(vm, snap, omit_bytes):
    return {
        "config": config_info(vm, snap["disks"], omit_bytes),
        "childSnapshot": Arr("ManagedObjectReference",
                             [Mo("VirtualMachineSnapshot", s["moref"])
                              for s in vm["snapshots"] if s["parent"] == snap["moref"]]),
        "vm": Mo("VirtualMachine", vm["moref"]),
    }


def task_info(t):
    now = time.time()
    step = t["step"]
    el = now - t["created"]
    if el < step:
        state, progress = "queued", None
    elif el < 2 * step:
        state, progress = "running", 50
    else:
        state, progress = ("error" if t.get("error") else "success"), None
    done = state in ("success", "error")
    info = DO("TaskInfo", key=t["moref"], task=Mo("Task", t["moref"]),
              name=t["method"], descriptionId=t["description_id"],
              entity=Mo(t["entity_type"], t["entity"]), entityName=t["entity_name"],
              state=Enum("TaskInfoState", state), cancelled=False, cancelable=False,
              error=None, result=None, progress=progress,
              reason=DO("TaskReasonUser", userName=t["user"]),
              queueTime=DateTime(t["created"]),
              startTime=DateTime(t["created"] + step) if el >= step else None,
              completeTime=DateTime(t["created"] + 2 * step) if done else None,
              eventChainId=int(t["moref"].split("-")[-1]))
    if state == "error":
        err = t["error"]
        fault = DO(err["type"], **err.get("fields", {}))
        info.fields["error"] = DO("LocalizedMethodFault", fault=fault,
                                  localizedMessage=err["message"])
    elif state == "success" and t.get("result"):
        r = t["result"]
        info.fields["result"] = Any(Mo(r[0], r[1]))
    return info


def world(st, omit_bytes=False):
    """Every managed object: moref value -> (type, props)."""
    folders = st.get("folders", {"": "group-v3"})
    w = {
        "ServiceInstance": ("ServiceInstance", {"content": service_content(st)}),
        ROOT.value: ("Folder", {"name": "Datacenters", "childEntity": Arr("ManagedObjectReference", [DC]),
                                "childType": Arr("string", ["Folder", "Datacenter"])}),
        DC.value: ("Datacenter", {"name": DATACENTER, "parent": ROOT, "vmFolder": VMFOLDER,
                                  "hostFolder": HOSTFOLDER, "datastoreFolder": DSFOLDER,
                                  "networkFolder": NETFOLDER,
                                  "datastore": Arr("ManagedObjectReference", [DS])}),
        HOSTFOLDER.value: ("Folder", {"name": "host", "parent": DC,
                                      "childEntity": Arr("ManagedObjectReference", [HOST])}),
        HOST.value: ("HostSystem", {"name": "esxi01.lab", "parent": HOSTFOLDER}),
        DSFOLDER.value: ("Folder", {"name": "datastore", "parent": DC,
                                    "childEntity": Arr("ManagedObjectReference", [DS])}),
        NETFOLDER.value: ("Folder", {"name": "network", "parent": DC,
                                     "childEntity": Arr("ManagedObjectReference", [])}),
        DS.value: ("Datastore", {"name": DATASTORE, "parent": DSFOLDER}),
    }
    children = {moref: [] for moref in folders.values()}
    for path, moref in folders.items():
        parent = folders.get(path.rpartition("/")[0]) if path else None
        w[moref] = ("Folder", {"name": path.rpartition("/")[2] if path else "vm",
                               "parent": Mo("Folder", parent) if parent else DC})
        if path:
            children[parent].append(Mo("Folder", moref))
    for vm in st.get("vms", {}).values():
        settle(vm)
        vm["folder_moref"] = folders.get(vm.get("folder", ""), "group-v3")
        children[vm["folder_moref"]].append(Mo("VirtualMachine", vm["moref"]))
        w[vm["moref"]] = ("VirtualMachine", vm_props(vm, omit_bytes))
        for s in vm["snapshots"]:
            w[s["moref"]] = ("VirtualMachineSnapshot", snapshot_props(vm, s, omit_bytes))
    nets = []
    for name, net in sorted(st.get("networks", {}).items()):
        me = Mo(net["type"], net["moref"])
        nets.append(me)
        users = Arr("ManagedObjectReference", [Mo("VirtualMachine", vm["moref"])
                                               for vm in st.get("vms", {}).values()
                                               if any(n["network"] == name for n in vm_nics(vm))])
        props = {"name": name, "parent": NETFOLDER, "vm": users,
                 "summary": DO("NetworkSummary", network=me, name=name, accessible=True)}
        if net["type"] == "DistributedVirtualPortgroup":
            props["key"] = net["key"]
            props["config"] = DO("DVPortgroupConfigInfo", key=net["key"], name=name,
                                 numPorts=128, distributedVirtualSwitch=DVS,
                                 type="earlyBinding")
        w[net["moref"]] = (net["type"], props)
    if any(n["type"] == "DistributedVirtualPortgroup" for n in st.get("networks", {}).values()):
        nets.append(DVS)
        w[DVS.value] = ("VmwareDistributedVirtualSwitch",
                        {"name": "dvSwitch-lab", "parent": NETFOLDER, "uuid": DVS_UUID})
    w[NETFOLDER.value][1]["childEntity"] = Arr("ManagedObjectReference", nets)
    for moref, kids in children.items():
        w[moref][1]["childEntity"] = Arr("ManagedObjectReference", kids)
        w[moref][1]["childType"] = Arr("string", ["Folder", "VirtualMachine", "VirtualApp"])
    for t in st.get("tasks", {}).values():
        w[t["moref"]] = ("Task", {"info": task_info(t)})
    return w


def inventory_path(st, w, moref):
    """"DC/vm/folder/name" of an entity (for FindByInventoryPath)."""
    parts = []
    cur = moref
    while cur and cur != ROOT.value:
        typ, props = w[cur]
        parts.append(props["name"])
        p = props.get("parent")
        cur = p.value if p else None
    return "/".join(reversed(parts))
