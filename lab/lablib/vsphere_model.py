"""The vSphere lab's world: datacenter, VMs, raw disks in a datastore
directory, snapshots that freeze disk contents, and exact CBT.

CBT model: every disk has a tracking UUID and a current epoch e.  Guest writes
are recorded (64 KiB blocks) in epoch e.  A snapshot stamps the changeId
"<uuid>/<e>" and moves to epoch e+1, so the areas changed between changeId
"<uuid>/s" and a snapshot stamped "<uuid>/t" are the union of epochs s+1..t.
A CBT reset draws a new UUID: older changeIds become invalid.
"""
import hashlib
import os
import random
import re
import secrets
import subprocess
import time
import uuid

from .bitmap import BLOCK, Bitmap
from .store import Store, lab_paths
from . import faults

DATACENTER = "DC"
DATASTORE = "datastore1"
USER = "administrator@vsphere.local"

GUESTS = {
    "linux": ("debian11_64Guest", "Debian GNU/Linux 11 (64-bit)"),
    "windows": ("windows2019srv_64Guest", "Microsoft Windows Server 2019 (64-bit)"),
}


class LabError(Exception):
    pass


def store(labdir):
    return Store(lab_paths(labdir)["vsphere_state"])


def password_file(labdir):
    return os.path.join(lab_paths(labdir)["dir"], "vsphere", "password")


def init(labdir):
    """Create the inventory once (idempotent) and the password file."""
    with store(labdir).locked() as st:
        if st.get("init"):
            return
        st.update({"init": True, "next_id": 100, "vms": {}, "sessions": {}, "tasks": {},
                   "folders": {"": "group-v3"}, "instance_uuid": str(uuid.uuid4())})
    pw = password_file(labdir)
    os.makedirs(os.path.dirname(pw), exist_ok=True)
    if not os.path.exists(pw):
        fd = os.open(pw, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, ("Lab-" + secrets.token_urlsafe(12) + "\n").encode())
        os.close(fd)


def password(labdir):
    with open(password_file(labdir)) as f:
        return f.read().strip()


def env_vars(labdir, url):
    return {
        "VMIGRATE_VSPHERE_URL": url,
        "VMIGRATE_VSPHERE_USER": USER,
        "VMIGRATE_VSPHERE_PASSWORD_FILE": password_file(labdir),
        "VMIGRATE_VSPHERE_DATACENTER": DATACENTER,
        "VMIGRATE_LOCAL_DATASTORE": lab_paths(labdir)["datastore"],
    }


def new_id(st, prefix):
    st["next_id"] += 1
    sep = "" if prefix.endswith("-v") else "-"
    return "%s%s%d" % (prefix, sep, st["next_id"])


def cbt_uuid():
    """A tracking UUID as vSphere writes it: "52 de c0 ... 8c-93 ec ... 4e"."""
    b = uuid.uuid4().bytes
    return " ".join("%02x" % x for x in b[:8]) + "-" + " ".join("%02x" % x for x in b[8:])


def disk_path(labdir, fileref):
    """Local path of "[datastore1] web01/web01.vmdk"."""
    ds, _, rel = fileref.partition("] ")
    return os.path.join(lab_paths(labdir)["datastore"], ds.lstrip("["), rel)


def get_vm(st, name):
    vm = st["vms"].get(name)
    if vm is None:
        raise LabError("no VM named %r in the lab (labctl vm-create first)" % name)
    settle(vm)
    return vm


def vm_by_moref(st, moref):
    for vm in st["vms"].values():
        if vm["moref"] == moref:
            settle(vm)
            return vm
    return None


def settle(vm):
    """Apply a pending guest shutdown whose time has come."""
    at = vm.get("shutdown_at")
    if at is not None and time.time() >= at:
        vm["power"] = "poweredOff"
        vm["shutdown_at"] = None


# A vSphere network name with this prefix is a distributed portgroup (on
# the lab's one distributed switch); any other name is a standard network.
DVPG_PREFIX = "dvs-"
MAC_RE = re.compile(r"^([0-9a-f]{2}:){5}[0-9a-f]{2}$")


def parse_nics(spec):
    """'VM Network,dvs-prod=00:50:56:aa:bb:cc,lan@10.1.2.3' -> one dict per
    NIC: network, mac (None: generated) and ip (None: generated)."""
    nics = []
    for item in spec.split(","):
        item, _, ip = item.partition("@")
        net, _, mac = item.partition("=")
        net, mac = net.strip(), mac.strip().lower() or None
        if not net:
            raise LabError("--nics %r: an empty network name" % spec)
        if mac is not None and not MAC_RE.match(mac):
            raise LabError("--nics: %r is not a MAC address (00:50:56:xx:xx:xx)" % mac)
        nics.append({"network": net, "mac": mac, "ip": ip.strip() or None})
    return nics


def _network(st, name):
    """The lab's network (created on first use): moref, and for a
    distributed portgroup its key."""
    nets = st.setdefault("networks", {})
    if name not in nets:
        if name.startswith(DVPG_PREFIX):
            moref = new_id(st, "dvportgroup")
            nets[name] = {"moref": moref, "type": "DistributedVirtualPortgroup", "key": moref}
        else:
            nets[name] = {"moref": new_id(st, "network"), "type": "Network"}
    return nets[name]


def _macs_in_use(st):
    return {n["mac"] for vm in st["vms"].values() for n in vm.get("nics", [])}


def _new_mac(st, rnd):
    """vCenter's generated range: 00:50:56:80:00:00-00:50:56:bf:ff:ff."""
    used = _macs_in_use(st)
    while True:
        mac = "00:50:56:%02x:%02x:%02x" % (0x80 | rnd.randrange(0x40), rnd.randrange(256),
                                            rnd.randrange(256))
        if mac not in used:
            return mac


def vm_create(labdir, name, disk_sizes, os_family="linux", firmware="bios", cbt=True,
              fill=0, seed=1, image=None, power="on", folder="", nics=None, cpus=2,
              memory_mb=4096, secure_boot=False):
    """CBT: True (tracking), False (off) or "pending" (ctkEnabled set, as an
    admin may set it, but tracking waits for a stun/unstun cycle).
    NICS: parse_nics() dicts (default: one NIC on "VM Network")."""
    if "/" in name or not name:
        raise LabError("VM name %r must be non-empty and contain no '/'" % name)
    if secure_boot and firmware != "efi":
        raise LabError("secure boot needs --firmware efi (vSphere allows it only with EFI)")
    if cpus < 1 or memory_mb < 4:
        raise LabError("a VM needs at least 1 vCPU and 4 MiB of memory")
    rnd = random.Random(seed)
    vmdir = os.path.join(lab_paths(labdir)["datastore"], DATASTORE, name)
    with store(labdir).locked() as st:
        if name in st["vms"]:
            raise LabError("a VM named %r already exists" % name)
        os.makedirs(vmdir, exist_ok=True)
        folder = folder.strip("/")
        parts = folder.split("/") if folder else []
        for i in range(len(parts)):
            st["folders"].setdefault("/".join(parts[:i + 1]), new_id(st, "group-v"))
        guest_id, full = GUESTS[os_family]
        vm = {"name": name, "moref": new_id(st, "vm"), "folder": folder,
              "uuid": str(uuid.uuid4()), "instance_uuid": str(uuid.uuid4()),
              "os": os_family, "guest_id": guest_id, "guest_full_name": full,
              "firmware": firmware, "cbt_enabled": bool(cbt), "cbt_active": cbt is True,
              "power": "poweredOn" if power == "on" else "poweredOff",
              "tools": "guestToolsRunning" if power == "on" else "guestToolsNotRunning",
              "shutdown_at": None, "disks": [], "snapshots": [],
              "cpus": cpus, "memory_mb": memory_mb, "secure_boot": bool(secure_boot)}
        vm["nics"] = []
        used = _macs_in_use(st)
        for i, n in enumerate(nics if nics is not None else [{"network": "VM Network"}]):
            mac = n.get("mac") or _new_mac(st, random.Random(vm["uuid"] + str(i)))
            if mac in used:
                raise LabError("MAC %s is already used by another NIC of the lab" % mac)
            used.add(mac)
            net = _network(st, n["network"])
            vm["nics"].append({"key": 4000 + i, "network": n["network"], "mac": mac,
                               "network_moref": net["moref"], "portgroup_key": net.get("key"),
                               "ip": n.get("ip") or "192.168.%d.%d" % (100 + i, st["next_id"] % 250 + 2)})
        for i, size in enumerate(disk_sizes):
            fname = "%s/%s.vmdk" % (name, name) if i == 0 else "%s/%s_%d.vmdk" % (name, name, i)
            path = os.path.join(vmdir, os.path.basename(fname))
            if i == 0 and image:
                subprocess.run(["cp", "--sparse=always", image, path], check=True)
                size = max(os.path.getsize(path), size if size else 0)
                size = (size + (1 << 20) - 1) // (1 << 20) << 20
                os.truncate(path, size)
            else:
                with open(path, "wb") as f:
                    f.truncate(size)
            if size % 512:
                raise LabError("disk size %d is not a multiple of 512" % size)
            d = {"key": 2000 + i, "unit": i, "capacity": size,
                 "file": "[%s] %s" % (DATASTORE, fname),
                 "cbt_uuid": cbt_uuid(), "epoch": 0, "epochs": {},
                 "allocated": allocated_from_file(path, size).encode()}
            vm["disks"].append(d)
            if fill:
                _write_blocks(path, d, vm, pick_blocks(rnd, size, fill), rnd)
        st["vms"][name] = vm
        return public_vm(vm)


def allocated_from_file(path, size):
    """Data regions of a (sparse) file, as a block bitmap."""
    bm = Bitmap.for_bytes(size)
    fd = os.open(path, os.O_RDONLY)
    try:
        off = 0
        while off < size:
            try:
                data = os.lseek(fd, off, os.SEEK_DATA)
            except OSError:
                break
            hole = os.lseek(fd, data, os.SEEK_HOLE)
            bm.set_range(data, hole - data)
            off = hole
    finally:
        os.close(fd)
    return bm


def pick_blocks(rnd, size, percent):
    """Runs of 1-16 blocks at random places until ~percent of the disk."""
    nblocks = size // BLOCK
    target = int(nblocks * percent / 100)
    bm = Bitmap(nblocks)
    count = 0  # blocks marked so far (counting the bitmap each time is O(disk))
    while count < target:
        start = rnd.randrange(nblocks)
        n = min(rnd.randint(1, 16), nblocks - start, max(1, target - count))
        count += bm.set_range(start * BLOCK, n * BLOCK)
    return [(s * BLOCK, n * BLOCK) for s, n in bm.runs()]


def _write_blocks(path, disk, vm, areas, rnd, zero=False, discard=False):
    """Guest writes: put data at each (offset, length) and record them.
    DISCARD: the guest trims instead (TRIM/UNMAP): the range becomes a hole
    (reads as zeroes, no longer allocated) and CBT records it as changed,
    as vSphere does."""
    alloc = Bitmap.decode((disk["capacity"] + BLOCK - 1) // BLOCK, disk["allocated"])
    epoch_key = str(disk["epoch"])
    track = vm["cbt_active"]
    ep = Bitmap.decode(alloc.nblocks, disk["epochs"].get(epoch_key))
    with open(path, "r+b") as f:
        for off, length in areas:
            if off < 0 or length <= 0 or off + length > disk["capacity"]:
                raise LabError("write [%d, +%d) is outside the %d-byte disk"
                               % (off, length, disk["capacity"]))
            if discard:
                f.flush()
                subprocess.run(["fallocate", "--punch-hole", "--offset", str(off),
                                "--length", str(length), path], check=True)
                alloc.clear_range(off, length)
            else:
                f.seek(off)
                left = length
                while left:
                    n = min(left, 1 << 20)
                    f.write(bytes(n) if zero else rnd.randbytes(n))
                    left -= n
                alloc.set_range(off, length)
            if track:
                ep.set_range(off, length)
        f.flush()
        os.fsync(f.fileno())
    disk["allocated"] = alloc.encode()
    if track:
        disk["epochs"][epoch_key] = ep.encode()


def _disk(vm, index):
    if not 0 <= index < len(vm["disks"]):
        raise LabError("VM %r has %d disk(s); --disk %d does not exist"
                       % (vm["name"], len(vm["disks"]), index))
    return vm["disks"][index]


def vm_write(labdir, name, index, offset, length, seed, zero=False, discard=False):
    with store(labdir).locked() as st:
        vm = get_vm(st, name)
        d = _disk(vm, index)
        _write_blocks(disk_path(labdir, d["file"]), d, vm, [(offset, length)],
                      random.Random(seed), zero, discard)
        return [[offset, length]]


def vm_write_percent(labdir, name, index, percent, seed, discard=False):
    rnd = random.Random(seed)
    with store(labdir).locked() as st:
        vm = get_vm(st, name)
        d = _disk(vm, index)
        areas = pick_blocks(rnd, d["capacity"], percent)
        _write_blocks(disk_path(labdir, d["file"]), d, vm, areas, rnd, discard=discard)
        return areas


def file_hash(path, nbytes=None):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        left = nbytes if nbytes is not None else float("inf")
        while left > 0:
            chunk = f.read(int(min(left, 4 << 20)))
            if not chunk:
                break
            h.update(chunk)
            left -= len(chunk)
    return h.hexdigest()


def vm_disk_file(labdir, name, index):
    """{"path", "capacity"} of a VM's disk now."""
    d = _disk(get_vm(store(labdir).read(), name), index)
    return {"path": disk_path(labdir, d["file"]), "capacity": d["capacity"]}


def vm_hash(labdir, name, index, snapshot=None):
    st = store(labdir).read()
    vm = get_vm(st, name)
    d = _disk(vm, index)
    fileref = d["file"]
    if snapshot:
        snaps = [s for s in vm["snapshots"] if snapshot in (s["name"], s["moref"])]
        if not snaps:
            raise LabError("VM %r has no snapshot %r" % (name, snapshot))
        fileref = snaps[-1]["disks"][index]["file"]
    return file_hash(disk_path(labdir, fileref), d["capacity"])


def get_power(labdir, name):
    with store(labdir).locked() as st:
        return get_vm(st, name)["power"]


def set_power(labdir, name, state):
    with store(labdir).locked() as st:
        vm = get_vm(st, name)
        vm["power"] = "poweredOn" if state == "on" else "poweredOff"
        vm["tools"] = "guestToolsRunning" if state == "on" else "guestToolsNotRunning"
        vm["shutdown_at"] = None
        if state == "on":
            start_tracking(vm)


def public_vm(vm):
    """What labctl shows of a VM (no bitmaps)."""
    out = {k: v for k, v in vm.items() if k not in ("disks", "snapshots")}
    out["disks"] = [{k: d[k] for k in ("key", "capacity", "file", "cbt_uuid", "epoch")}
                    for d in vm["disks"]]
    out["snapshots"] = [{k: s[k] for k in ("moref", "name", "create_time")}
                        for s in vm["snapshots"]]
    return out


def vm_info(labdir, name):
    return public_vm(get_vm(store(labdir).read(), name))


def vm_resize(labdir, name, index, size):
    """Grow a disk (as an admin extending it in vSphere); CBT is reset."""
    with store(labdir).locked() as st:
        vm = get_vm(st, name)
        d = _disk(vm, index)
        if size <= d["capacity"] or size % 512:
            raise LabError("new size %d must be larger than %d and a multiple of 512"
                           % (size, d["capacity"]))
        os.truncate(disk_path(labdir, d["file"]), size)
        old = Bitmap.decode((d["capacity"] + BLOCK - 1) // BLOCK, d["allocated"])
        grown = Bitmap.for_bytes(size)
        grown.bits[:len(old.bits)] = old.bits
        d["capacity"], d["allocated"] = size, grown.encode()
        d["cbt_uuid"], d["epoch"], d["epochs"] = cbt_uuid(), 0, {}


def cbt_reset(labdir, name):
    with store(labdir).locked() as st:
        vm = get_vm(st, name)
        for d in vm["disks"]:
            d["cbt_uuid"] = cbt_uuid()
            d["epoch"] = 0
            d["epochs"] = {}


def expire_sessions(labdir):
    with store(labdir).locked() as st:
        for s in st["sessions"].values():
            s["expired"] = True


# ---- operations the SOAP server performs (caller holds the lock) ----

def start_tracking(vm):
    """A stun/unstun cycle (power on, snapshot create or remove): enabled
    CBT that had not started starts now, with a new tracking UUID."""
    if vm["cbt_enabled"] and not vm["cbt_active"]:
        vm["cbt_active"] = True
        for d in vm["disks"]:
            d["cbt_uuid"], d["epoch"], d["epochs"] = cbt_uuid(), 0, {}


def create_snapshot(labdir, st, vm, name, description, quiesce):
    """Freeze every disk of the VM at one instant; return the snapshot record."""
    # Enabling CBT takes effect at the next stun/unstun, e.g. this snapshot;
    # with the knob off, only after it (its disks carry no changeId).
    if int(faults.knobs(labdir)["cbt_start_at_snapshot"]):
        start_tracking(vm)
    num = len([s for s in vm["snapshots"]]) + 1
    snap = {"moref": new_id(st, "snapshot"), "name": name, "description": description,
            "id": st["next_id"], "create_time": time.time(), "quiesced": bool(quiesce),
            "parent": vm["snapshots"][-1]["moref"] if vm["snapshots"] else None, "disks": []}
    for d in vm["disks"]:
        base = d["file"][:-len(".vmdk")]
        frozen = "%s-snap%d-%d.vmdk" % (base, snap["id"], num)
        subprocess.run(["cp", "--sparse=always", "--reflink=auto",
                        disk_path(labdir, d["file"]), disk_path(labdir, frozen)], check=True)
        if int(faults.knobs(labdir)["snapshot_sync"]):
            fd = os.open(disk_path(labdir, frozen), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        sd = {"key": d["key"], "capacity": d["capacity"], "file": frozen,
              "allocated": d["allocated"], "change_id": None}
        if vm["cbt_active"]:
            sd["change_id"] = "%s/%d" % (d["cbt_uuid"], d["epoch"])
            d["epoch"] += 1
        snap["disks"].append(sd)
    vm["snapshots"].append(snap)
    return snap


def remove_snapshot(labdir, st, vm, moref):
    idx = [i for i, s in enumerate(vm["snapshots"]) if s["moref"] == moref]
    if not idx:
        return False
    snap = vm["snapshots"].pop(idx[0])
    start_tracking(vm)
    for child in vm["snapshots"]:
        if child["parent"] == moref:
            child["parent"] = snap["parent"]
    for sd in snap["disks"]:
        try:
            os.unlink(disk_path(labdir, sd["file"]))
        except FileNotFoundError:
            pass
    return True


class QueryError(Exception):
    """A QueryChangedDiskAreas failure: fault type, message, fault fields."""

    def __init__(self, fault, msg, **fields):
        super().__init__(msg)
        self.fault, self.fields = fault, fields


def changed_areas(labdir, vm, snap, device_key, start, change_id):
    """One reply of QueryChangedDiskAreas: (startOffset, length, [(start, len)])."""
    disks = snap["disks"] if snap else vm["disks"]
    d = [x for x in disks if x["key"] == device_key]
    if not d:
        raise QueryError("InvalidArgument", "A specified parameter was not correct: deviceKey",
                         invalidProperty="deviceKey")
    d = d[0]
    cap = d["capacity"]
    if start < 0 or start >= cap or start % 512:
        raise QueryError("InvalidArgument", "A specified parameter was not correct: startOffset",
                         invalidProperty="startOffset")
    live = [x for x in vm["disks"] if x["key"] == device_key][0]
    target_cid = d.get("change_id") if snap else "%s/%d" % (live["cbt_uuid"], live["epoch"])
    if not vm["cbt_active"] or target_cid is None:
        ctk = live["file"][:-len(".vmdk")] + "-ctk.vmdk"
        raise QueryError("FileFault", "Error caused by file %s" % ctk, file=ctk)
    nblocks = (cap + BLOCK - 1) // BLOCK
    if change_id == "*":
        bm = Bitmap.decode(nblocks, d["allocated"])
    else:
        bm = _delta(live, target_cid, change_id, nblocks)
    k = faults.knobs(labdir)
    span = int(k["cbt_page_bytes"])
    end = cap if span <= 0 else min(cap, start + max(span, BLOCK))
    areas = []
    for b, n in bm.runs(start // BLOCK, (end + BLOCK - 1) // BLOCK):
        a0 = max(b * BLOCK, start)
        a1 = min((b + n) * BLOCK, end)
        areas.append((a0, a1 - a0))
        if len(areas) >= int(k["cbt_page_areas"]):
            end = a1
            break
    return start, end - start, areas


def _delta(live, target_cid, change_id, nblocks):
    tu, _, tseq = target_cid.rpartition("/")
    cu, _, cseq = change_id.rpartition("/")
    bad = QueryError("InvalidArgument", "A specified parameter was not correct: changeId",
                     invalidProperty="changeId")
    if cu != tu or not cseq.isdigit() or int(cseq) > int(tseq) or cu != live["cbt_uuid"]:
        raise bad
    bm = Bitmap(nblocks)
    for e in range(int(cseq) + 1, int(tseq) + 1):
        enc = live["epochs"].get(str(e))
        if enc:
            bm.union(Bitmap.decode(nblocks, enc))
    return bm


def vm_track_diff(labdir, name, index, old_copy):
    """Record, as guest writes in the current CBT epoch, every 64 KiB block
    where the disk now differs from OLD_COPY (a copy taken before something
    wrote to the disk file directly, e.g. libguestfs acting as the guest).
    Returns the changed areas as [offset, length] (adjacent blocks merged)."""
    with store(labdir).locked() as st:
        vm = get_vm(st, name)
        d = _disk(vm, index)
        cap = d["capacity"]
        alloc = Bitmap.decode((cap + BLOCK - 1) // BLOCK, d["allocated"])
        ep = Bitmap.decode(alloc.nblocks, d["epochs"].get(str(d["epoch"])))
        areas = []
        with open(disk_path(labdir, d["file"]), "rb") as new, open(old_copy, "rb") as old:
            off = 0
            while off < cap:
                a, b = new.read(BLOCK), old.read(BLOCK)
                if a != b.ljust(len(a), b"\0"):
                    n = len(a)
                    if areas and areas[-1][0] + areas[-1][1] == off:
                        areas[-1][1] += n
                    else:
                        areas.append([off, n])
                    alloc.set_range(off, n)
                    if vm["cbt_active"]:
                        ep.set_range(off, n)
                if not a:
                    break
                off += len(a)
        d["allocated"] = alloc.encode()
        if vm["cbt_active"]:
            d["epochs"][str(d["epoch"])] = ep.encode()
        return areas
