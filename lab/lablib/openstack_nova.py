"""Nova v2.1: the conversion-host servers and their volume attachments;
flavors, keypairs, and servers booted from volumes with Neutron ports.

Attaching a volume to a conversion host makes it appear in the server's
device directory as virtio-<first 20 chars of the volume id> (the lab's
/dev/disk/by-id), a symlink to the volume's sparse file, after the
attach_delay knob.  A booted server (state "instances") is BUILD until
server_build_seconds have passed, then ACTIVE, or ERROR with a fault when
the server_boot knob or a task-error rule says so; it has no device
directory (nothing runs in it)."""
import base64
import binascii
import hashlib
import os
import re
import subprocess
import tempfile

from . import openstack_neutron as neutron
from .openstack_common import (ApiError, store, ts_nova, ts_cinder, volume_file, later, new_id,
                               unlink_quiet)
from .store import lab_paths

VMIN, VMAX = (2, 1), (2, 95)
LEGACY = "X-OpenStack-Nova-API-Version"
FLAVOR = {"id": "c1", "name": "conv.medium", "ram": 4096, "vcpus": 2, "disk": 20,
          "swap": 0, "OS-FLV-EXT-DATA:ephemeral": 0, "rxtx_factor": 1.0,
          "os-flavor-access:is_public": True, "OS-FLV-DISABLED:disabled": False}
# devstack's standard flavors (id, name, vcpus, ram MiB, disk GiB).
STANDARD_FLAVORS = (("1", "m1.tiny", 1, 512, 1), ("2", "m1.small", 1, 2048, 20),
                    ("3", "m1.medium", 2, 4096, 40), ("4", "m1.large", 4, 8192, 80),
                    ("5", "m1.xlarge", 8, 16384, 160))
AZ = "nova"


def vstr(v):
    return "%d.%d" % v


def version_doc(base):
    return {"id": "v2.1", "status": "CURRENT", "version": vstr(VMAX),
            "min_version": vstr(VMIN), "updated": "2013-07-23T11:33:21Z",
            "links": [{"rel": "self", "href": base + "/compute/v2.1/"},
                      {"rel": "describedby", "type": "text/html",
                       "href": "http://docs.openstack.org/"}],
            "media-types": [{"base": "application/json",
                             "type": "application/vnd.openstack.compute+json;version=2.1"}]}


def versions(req):
    return 200, {"versions": [version_doc(req.base)]}


def version(req):
    return 200, {"version": version_doc(req.base)}


def device_link(labdir, server, vid):
    return os.path.join(server["device_dir"], "virtio-" + vid[:20])


# --- servers ------------------------------------------------------------------------

def _server(st, sid):
    """A conversion host or a booted server by id."""
    for s in st.get("servers", []):
        if s["id"] == sid:
            return s
    if sid in st.get("instances", {}):
        return st["instances"][sid]
    raise ApiError(404, "Instance %s could not be found." % sid)


def _find_server(st, sid):
    try:
        return _server(st, sid)
    except ApiError:
        return None


def _booted(s):
    """A server booted through the API (not a conversion host)."""
    return "device_dir" not in s


def _links(req, kind, oid):
    return [{"rel": "self", "href": "%s/compute/v2.1/%s/%s" % (req.base, kind, oid)},
            {"rel": "bookmark", "href": "%s/compute/%s/%s" % (req.base, kind, oid)}]


def _flavor_ref(req, f=FLAVOR):
    if req.version >= (2, 47):  # the flavor is embedded, without its id
        return {"original_name": f["name"], "vcpus": f["vcpus"], "ram": f["ram"],
                "disk": f["disk"], "ephemeral": f["OS-FLV-EXT-DATA:ephemeral"],
                "swap": f["swap"], "extra_specs": dict(f.get("extra_specs") or {})}
    return {"id": f["id"], "links": _links(req, "flavors", f["id"])[1:]}


# vm_state, task_state and power_state of a booted server in each status.
STATES = {"BUILD": ("building", "spawning", 0), "ACTIVE": ("active", None, 1),
          "ERROR": ("error", None, 0)}


def _conv_host_facts(req, s):
    """What differs between servers: a conversion host is always running."""
    return {"status": "ACTIVE", "metadata": {}, "flavor": _flavor_ref(req),
            "addresses": {"private": [{"version": 4, "addr": s["ip"],
                                       "OS-EXT-IPS:type": "fixed",
                                       "OS-EXT-IPS-MAC:mac_addr": s["mac"]}]},
            "key_name": None, "OS-DCF:diskConfig": "AUTO", "updated": s["created"],
            "OS-EXT-AZ:availability_zone": "nova", "OS-EXT-STS:power_state": 1,
            "OS-EXT-STS:task_state": None, "OS-EXT-STS:vm_state": "active",
            "OS-SRV-USG:launched_at": s["created"].replace("Z", ".000000"),
            "security_groups": [{"name": "default"}]}


def _instance_facts(req, st, s):
    vm_state, task, power = STATES[s["status"]]
    out = {"status": s["status"], "metadata": dict(s["metadata"]),
           "flavor": _flavor_ref(req, s["flavor"]), "addresses": _addresses(st, s),
           "key_name": s["key_name"], "OS-DCF:diskConfig": "MANUAL", "updated": s["updated"],
           "OS-EXT-AZ:availability_zone": s["availability_zone"],
           "OS-EXT-STS:power_state": power, "OS-EXT-STS:vm_state": vm_state,
           "OS-EXT-STS:task_state": s.get("task_state") or task,
           "OS-SRV-USG:launched_at": s.get("launched_at")}
    groups = _group_names(st, s)
    if groups:
        out["security_groups"] = [{"name": g} for g in groups]
    if s["status"] == "ERROR" and s.get("fault"):
        out["fault"] = dict(s["fault"])  # non-admins see no "details" of a 500
    return out


def server_view(req, s, detail=True, st=None):
    out = {"id": s["id"], "name": s["name"], "links": _links(req, "servers", s["id"])}
    if not detail:
        return out
    proj = req.token["project_id"]
    if _booted(s):
        facts = _instance_facts(req, st if st is not None else store(req.labdir).read(), s)
    else:
        facts = _conv_host_facts(req, s)
    out.update({
        "tenant_id": proj, "user_id": req.token["user_id"],
        "hostId": hashlib.sha224((proj + "lab-compute").encode()).hexdigest(),
        "image": "",  # booted from volume: Nova sends an empty string
        "created": s["created"], "accessIPv4": "", "accessIPv6": "", "progress": 0,
        "config_drive": "", "OS-SRV-USG:terminated_at": None,
        "os-extended-volumes:volumes_attached": [
            {"id": a["volume_id"], "delete_on_termination": False} for a in s["attachments"]],
    })
    out.update(facts)
    if _booted(s):
        out["os-extended-volumes:volumes_attached"] = [
            {"id": a["volume_id"], "delete_on_termination": a["delete_on_termination"]}
            for a in s["attachments"]]
    for since, key, val in (((2, 9), "locked", False), ((2, 16), "host_status", "UP"),
                            ((2, 19), "description", None), ((2, 26), "tags", []),
                            ((2, 63), "trusted_image_certificates", None),
                            ((2, 71), "server_groups", []), ((2, 73), "locked_reason", None)):
        if req.version >= since:
            out[key] = val
    return out


def show_server(req, sid):
    st = store(req.labdir).read()
    return 200, {"server": server_view(req, _server(st, sid), st=st)}


def _all_servers(st):
    """Newest first, as Nova sorts: booted servers, then the conversion hosts."""
    booted = sorted(st.get("instances", {}).values(), key=lambda s: s["seq"], reverse=True)
    return booted + st.get("servers", [])


def list_servers(req, detail=False):
    st = store(req.labdir).read()
    servers = _all_servers(st)
    name = req.q("name")
    if name is not None:  # Nova's name filter is a regular expression
        try:
            rx = re.compile(name)
        except re.error:
            raise ApiError(400, "Invalid regular expression in name filter: %s" % name)
        servers = [s for s in servers if rx.search(s["name"])]
    status = req.q("status")
    if status is not None:
        servers = [s for s in servers if s.get("status", "ACTIVE") == status.upper()]
    return 200, {"servers": [server_view(req, s, detail, st) for s in servers]}


def list_servers_detail(req):
    return list_servers(req, detail=True)


# --- flavors and zones (enough for `openstack server show`) -----------------------------------

def flavor_view(req, rec=FLAVOR, detail=True):
    f = {"id": rec["id"], "name": rec["name"], "links": _links(req, "flavors", rec["id"])}
    if detail:
        f.update({k: v for k, v in rec.items()
                  if k not in f and k not in ("description", "extra_specs")})
        if req.version < (2, 75) and not f["swap"]:
            f["swap"] = ""  # 2.75 made a swap-less flavor's swap 0
        if req.version >= (2, 55):
            f["description"] = rec.get("description")
        if req.version >= (2, 61):
            f["extra_specs"] = dict(rec.get("extra_specs") or {})
    return f


def _flavors(st):
    return st.get("flavors") or {FLAVOR["id"]: FLAVOR}


def _flavor(st, fid):
    """By id; the lab also takes a name (novaclient then need not list)."""
    fl = _flavors(st)
    if fid in fl:
        return fl[fid]
    for f in fl.values():
        if f["name"] == fid:
            return f
    raise ApiError(404, "Flavor %s could not be found." % fid)


def list_flavors(req, detail=False):
    fl = sorted(_flavors(store(req.labdir).read()).values(), key=lambda f: f["id"])
    return 200, {"flavors": [flavor_view(req, f, detail) for f in fl]}


def list_flavors_detail(req):
    return list_flavors(req, detail=True)


def show_flavor(req, fid):
    return 200, {"flavor": flavor_view(req, _flavor(store(req.labdir).read(), fid))}


def _int_field(body, key, low, default=None):
    v = body.get(key, default)
    if isinstance(v, str) and v.strip().isdigit():
        v = int(v)
    if not isinstance(v, int) or isinstance(v, bool) or v < low:
        raise ApiError(400, "Invalid input for field/attribute %s. Value: %s. %s is not a "
                       "valid integer >= %d" % (key, v, v, low))
    return v


def create_flavor(req):
    """POST /flavors (an admin call in real Nova; the lab's user may)."""
    body = (req.body or {}).get("flavor") if isinstance(req.body, dict) else None
    if not isinstance(body, dict):
        raise ApiError(400, "Invalid input for field/attribute flavor. 'flavor' is a required "
                       "property")
    for key in ("name", "ram", "vcpus", "disk"):
        if key not in body:
            raise ApiError(400, "Invalid input for field/attribute flavor. Value: %s. '%s' is "
                           "a required property" % (body, key))
    name = str(body["name"]).strip()
    if not name or len(name) > 255:
        raise ApiError(400, "Invalid input for field/attribute name. Value: %s." % body["name"])
    rec = {"name": name, "ram": _int_field(body, "ram", 1), "vcpus": _int_field(body, "vcpus", 1),
           "disk": _int_field(body, "disk", 0), "swap": _int_field(body, "swap", 0, 0),
           "OS-FLV-EXT-DATA:ephemeral": _int_field(body, "OS-FLV-EXT-DATA:ephemeral", 0, 0),
           "rxtx_factor": float(body.get("rxtx_factor") or 1.0),
           "os-flavor-access:is_public": bool(body.get("os-flavor-access:is_public", True)),
           "OS-FLV-DISABLED:disabled": False, "description": body.get("description"),
           "extra_specs": {}}
    with store(req.labdir).locked() as st:
        fl = st.setdefault("flavors", {})
        rec["id"] = str(body.get("id") or new_id())
        if rec["id"] in fl:
            raise ApiError(409, "Flavor with ID %s already exists." % rec["id"])
        if any(f["name"] == name for f in fl.values()):
            raise ApiError(409, "Flavor with name %s already exists." % name)
        fl[rec["id"]] = rec
        return 200, {"flavor": flavor_view(req, rec)}


def delete_flavor(req, fid):
    with store(req.labdir).locked() as st:
        f = _flavor(st, fid)
        if f["id"] == FLAVOR["id"]:
            raise ApiError(403, "The lab's conversion-host flavor cannot be deleted.")
        del st["flavors"][f["id"]]
    return 202, None


def flavor_extra_specs(req, fid):
    return 200, {"extra_specs": dict(_flavor(store(req.labdir).read(), fid).get("extra_specs")
                                     or {})}


def set_flavor_extra_specs(req, fid):
    specs = (req.body or {}).get("extra_specs") if isinstance(req.body, dict) else None
    if not isinstance(specs, dict) or not all(isinstance(v, str) for v in specs.values()):
        raise ApiError(400, "Invalid input for field/attribute extra_specs.")
    with store(req.labdir).locked() as st:
        f = _flavor(st, fid)
        if f["id"] == FLAVOR["id"]:
            raise ApiError(403, "The lab's conversion-host flavor cannot be changed.")
        f.setdefault("extra_specs", {}).update(specs)
    return 200, {"extra_specs": dict(specs)}


def availability_zones(req):
    return 200, {"availabilityZoneInfo": [{"zoneName": "nova", "zoneState": {"available": True},
                                           "hosts": None}]}


# --- keypairs -----------------------------------------------------------------------------

KEY_NAME = re.compile(r"^[a-zA-Z0-9 _.@-]{1,255}$")


def _fingerprint(public_key):
    """Nova's fingerprint of an OpenSSH public key: MD5 of the key blob."""
    parts = str(public_key).strip().split()
    try:
        if len(parts) < 2 or not parts[0].startswith(("ssh-", "ecdsa-")):
            raise ValueError
        blob = base64.b64decode(parts[1], validate=True)
    except (ValueError, binascii.Error):
        raise ApiError(400, "Keypair data is invalid: failed to generate fingerprint")
    d = hashlib.md5(blob).hexdigest()
    return ":".join(d[i:i + 2] for i in range(0, len(d), 2))


def _generate_key():
    """A new RSA key pair as Nova makes one before 2.92 (with ssh-keygen:
    the standard library has no RSA)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "key")
        try:
            subprocess.run(["ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-N", "", "-C",
                            "Generated-by-Nova", "-f", path], check=True,
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        except (OSError, subprocess.CalledProcessError):
            raise ApiError(400, "Keypair data is invalid: the lab cannot generate keys "
                           "(no ssh-keygen); give a public_key")
        with open(path) as f, open(path + ".pub") as g:
            return f.read(), g.read().strip()


def keypair_view(req, k, full=False):
    out = {"name": k["name"], "public_key": k["public_key"], "fingerprint": k["fingerprint"]}
    if req.version >= (2, 2):
        out["type"] = k["type"]
    if full:
        out.update({"user_id": k["user_id"], "created_at": k["created_at"], "deleted": False,
                    "deleted_at": None, "id": k["id"], "updated_at": None})
    return out


def create_keypair(req):
    body = (req.body or {}).get("keypair") if isinstance(req.body, dict) else None
    if not isinstance(body, dict) or "name" not in body:
        raise ApiError(400, "Invalid input for field/attribute keypair. 'name' is a required "
                       "property")
    name = str(body["name"])
    if not KEY_NAME.match(name):
        raise ApiError(400, "Keypair data is invalid: Keypair name contains unsafe characters")
    private = None
    public = body.get("public_key")
    if not public:
        if req.version >= (2, 92):
            raise ApiError(400, "Invalid input for field/attribute keypair. 'public_key' is a "
                           "required property")
        private, public = _generate_key()
    k = {"name": name, "public_key": public, "fingerprint": _fingerprint(public),
         "type": body.get("type") or "ssh", "user_id": req.token["user_id"],
         "created_at": ts_nova().replace("Z", ".000000")}
    with store(req.labdir).locked() as st:
        keys = st.setdefault("keypairs", {})
        if name in keys:
            raise ApiError(409, "Key pair '%s' already exists." % name)
        st["keypair_seq"] = k["id"] = st.get("keypair_seq", 0) + 1
        keys[name] = k
    out = keypair_view(req, k)
    out["user_id"] = k["user_id"]
    if private:
        out["private_key"] = private
    return (201 if req.version >= (2, 2) else 200), {"keypair": out}


def list_keypairs(req):
    keys = store(req.labdir).read().get("keypairs", {})
    return 200, {"keypairs": [{"keypair": keypair_view(req, keys[n])} for n in sorted(keys)]}


def _keypair(st, name):
    k = st.get("keypairs", {}).get(name)
    if k is None:
        raise ApiError(404, "Keypair %s not found for user %s" % (name, st["user"]["id"]))
    return k


def show_keypair(req, name):
    return 200, {"keypair": keypair_view(req, _keypair(store(req.labdir).read(), name), True)}


def delete_keypair(req, name):
    with store(req.labdir).locked() as st:
        _keypair(st, name)
        del st["keypairs"][name]
    return (204 if req.version >= (2, 2) else 202), None


# --- booting servers from volumes ------------------------------------------------------------

BAD_BOOT = ("Block Device Mapping is Invalid: Boot sequence for the instance and image/block "
            "device mapping combination is not valid.")


def _ports_of(st, s):
    """The server's Neutron ports: those it was booted with (in order), then
    any other port whose device_id names it."""
    ports = st.get("ports", {})
    out = [ports[p] for p in s.get("ports", []) if p in ports and ports[p]["device_id"] == s["id"]]
    out += [p for p in ports.values() if p["device_id"] == s["id"] and p not in out]
    return out


def _addresses(st, s):
    """{network name: [fixed addresses]} from the server's ports."""
    out = {}
    for p in _ports_of(st, s):
        net = st.get("networks", {}).get(p["network_id"], {}).get("name", p["network_id"])
        for ip in p["fixed_ips"]:
            ver = 6 if ":" in ip["ip_address"] else 4
            out.setdefault(net, []).append({"version": ver, "addr": ip["ip_address"],
                                            "OS-EXT-IPS:type": "fixed",
                                            "OS-EXT-IPS-MAC:mac_addr": p["mac_address"]})
    return out


def _group_names(st, s):
    names = []
    for p in _ports_of(st, s):
        for gid in p["security_groups"]:
            g = st.get("security_groups", {}).get(gid)
            if g and g["name"] not in names:
                names.append(g["name"])
    return names


def _server_body(req):
    body = (req.body or {}).get("server") if isinstance(req.body, dict) else None
    if not isinstance(body, dict):
        raise ApiError(400, "Invalid input for field/attribute server. 'server' is a required "
                       "property")
    for key in ("name", "flavorRef"):
        if key not in body:
            raise ApiError(400, "Invalid input for field/attribute server. Value: %s. '%s' is "
                           "a required property" % (body, key))
    if not isinstance(body["name"], str) or not 1 <= len(body["name"].strip()) <= 255:
        raise ApiError(400, "Invalid input for field/attribute name. Value: %s." % body["name"])
    return body


def _boot_flavor(st, ref):
    """flavorRef: an id or a flavor URL; an unknown one is 400 at create."""
    fid = str(ref).rstrip("/").rsplit("/", 1)[-1]
    if fid not in _flavors(st):
        raise ApiError(400, "Invalid flavorRef provided.")
    return dict(_flavors(st)[fid])


def _boot_metadata(meta):
    if meta is None:
        return {}
    if not isinstance(meta, dict) or not all(
            isinstance(k, str) and 1 <= len(k) <= 255 and isinstance(v, str) and len(v) <= 255
            for k, v in meta.items()):
        raise ApiError(400, "Invalid input for field/attribute metadata. Value: %s." % meta)
    return dict(meta)


def _boot_user_data(data):
    if data is None:
        return None
    try:
        if len(data) > 65535:
            raise ValueError
        base64.b64decode(data, validate=True)
    except (TypeError, ValueError, binascii.Error):
        raise ApiError(400, "User data needs to be valid base 64.")
    return data


def _boot_index(m):
    v = m.get("boot_index")
    if v is None or str(v).strip() in ("", "none", "None"):
        return None
    try:
        v = int(str(v))
    except ValueError:
        raise ApiError(400, "Invalid input for field/attribute boot_index. Value: %s." % v)
    return None if v < 0 else v


def _boot_volumes(st, body):
    """The block_device_mapping_v2 entries, each an existing available
    volume; exactly one has boot_index 0 (there is no image).  Devices are
    named in boot order, then in request order: /dev/vda, /dev/vdb, ..."""
    if body.get("imageRef"):
        raise ApiError(400, "Can not find requested image")
    bdms = body.get("block_device_mapping_v2") or []
    if not isinstance(bdms, list):
        raise ApiError(400, "Invalid input for field/attribute block_device_mapping_v2.")
    out = []
    for pos, m in enumerate(bdms):
        if not isinstance(m, dict):
            raise ApiError(400, "Invalid input for field/attribute block_device_mapping_v2.")
        if m.get("source_type") != "volume" or m.get("destination_type", "volume") != "volume":
            raise ApiError(400, "Block Device Mapping is Invalid: the lab boots only from "
                           "existing volumes (source_type and destination_type 'volume').")
        vol = st.get("volumes", {}).get(m.get("uuid") or "")
        if vol is None:
            raise ApiError(400, "Block Device Mapping is Invalid: failed to get volume %s."
                           % m.get("uuid"))
        dot = m.get("delete_on_termination", False)
        out.append({"volume_id": vol["id"], "boot_index": _boot_index(m), "pos": pos,
                    "delete_on_termination": str(dot).lower() in ("true", "1", "yes", "on"),
                    "tag": m.get("tag"), "attachment_id": new_id(), "bdm_uuid": new_id()})
    order = sorted(b["boot_index"] for b in out if b["boot_index"] is not None)
    if not order or order != list(range(len(order))):
        raise ApiError(400, BAD_BOOT)
    for n, b in enumerate(sorted(out, key=lambda b: (b["boot_index"] is None,
                                                      b["boot_index"] or 0, b["pos"]))):
        b["device"] = "/dev/vd" + "abcdefghijklmnopqrstuvwxyz"[n]
    return out


def _reserve_volumes(st, bdms):
    """Nova's attachment_create: each volume must be available, then reserved."""
    for b in bdms:
        vol = st["volumes"][b["volume_id"]]
        if vol["status"] != "available":
            raise ApiError(400, "Invalid volume: volume '%s' status must be 'available'. "
                           "Currently in '%s'" % (vol["id"], vol["status"]))
        vol["status"] = "reserved"
        vol["updated_at"] = ts_cinder()


def _boot_groups(st, project, body):
    """security_groups by name or id, Neutron's, for the ports Nova creates."""
    asked = body.get("security_groups") or [{"name": "default"}]
    names, ids = [], []
    for g in asked:
        ref = g.get("name") if isinstance(g, dict) else None
        if not ref:
            raise ApiError(400, "Invalid input for field/attribute security_groups.")
        try:
            ids.append(neutron.find_security_group(st, project, ref)["id"])
        except ApiError:
            raise ApiError(400, "Security group %s not found." % ref)
        names.append(ref)
    return names, ids


def _boot_networks(req, st, body):
    """networks: [{"port"}|{"uuid"[, "fixed_ip"]}], "auto", "none", or (before
    2.37) absent: the project's only network, if it has exactly one."""
    nets = body.get("networks")
    if nets is None and req.version >= (2, 37):
        raise ApiError(400, "Invalid input for field/attribute server. Value: %s. 'networks' "
                       "is a required property" % body)
    if nets == "none":
        return []
    if nets is None or nets == "auto":
        mine = [n for n in st.get("networks", {}).values()
                if n["project_id"] == req.token["project_id"] or n["shared"]]
        if len(mine) > 1:
            raise ApiError(409, "Multiple possible networks found, use a Network ID to be "
                           "more specific.")
        return [{"uuid": n["id"]} for n in mine]
    if not isinstance(nets, list):
        raise ApiError(400, "Invalid input for field/attribute networks. Value: %s." % nets)
    out = []
    for n in nets:
        if isinstance(n, dict) and n.get("port"):
            p = st.get("ports", {}).get(n["port"])
            if p is None:
                raise ApiError(400, "Port id %s could not be found." % n["port"])
            out.append({"port": p["id"]})
        elif isinstance(n, dict) and n.get("uuid"):
            if n["uuid"] not in st.get("networks", {}):
                raise ApiError(400, "Network %s could not be found." % n["uuid"])
            out.append({"uuid": n["uuid"], "fixed_ip": n.get("fixed_ip")})
        else:
            raise ApiError(400, "Bad networks format: network uuid is not in proper format "
                           "(%s)" % n)
    return out


def _plug(req, st, s, nics, group_ids):
    """Bind the given ports to the server, creating those asked for by
    network (Nova deletes these again with the server)."""
    owner = "compute:" + s["availability_zone"]
    for nic in nics:
        if "port" in nic:
            pid = nic["port"]
            if st["ports"][pid]["device_id"]:
                raise ApiError(409, "Port %s is still in use." % pid)
        else:
            ips = [{"ip_address": nic["fixed_ip"]}] if nic.get("fixed_ip") else None
            try:
                pid = neutron.new_port(req, st, {"network_id": nic["uuid"], "fixed_ips": ips,
                                                 "security_groups": group_ids})["id"]
            except ApiError as e:
                raise ApiError(400, e.message)
            s["own_ports"].append(pid)
        neutron.bind(st, pid, s["id"], owner)
        s["ports"].append(pid)


def _boot_fault(req, s):
    """The fault message this build ends with, or None (it succeeds)."""
    if req.fault is not None:
        return req.fault.get("arg") or "Build of instance %s aborted: lab fault" % s["id"]
    if req.knobs()["server_boot"] == "error":
        return "Build of instance %s aborted: lab fault (server_boot=error)" % s["id"]
    return None


def create_server(req):
    """POST /servers: a server booted from volumes (no image)."""
    body = _server_body(req)
    meta = _boot_metadata(body.get("metadata"))
    user_data = _boot_user_data(body.get("user_data"))
    az = body.get("availability_zone") or AZ
    if az != AZ:
        raise ApiError(400, "The requested availability zone is not available")
    with store(req.labdir).locked() as st:
        flavor = _boot_flavor(st, body["flavorRef"])
        bdms = _boot_volumes(st, body)
        key = body.get("key_name")
        if key is not None and key not in st.get("keypairs", {}):
            raise ApiError(400, "Invalid key_name provided.")
        names, group_ids = _boot_groups(st, req.token["project_id"], body)
        nics = _boot_networks(req, st, body)
        st["seq"] = st.get("seq", 0) + 1
        now = ts_nova()
        s = {"id": new_id(), "seq": st["seq"], "name": body["name"], "created": now,
             "updated": now, "status": "BUILD", "task_state": None, "flavor": flavor,
             "key_name": key, "metadata": meta, "availability_zone": az,
             "user_data": user_data, "ports": [], "own_ports": [], "fault": None,
             "attachments": [{k: b[k] for k in ("volume_id", "device", "tag", "boot_index",
                                                "delete_on_termination", "attachment_id",
                                                "bdm_uuid")} for b in bdms],
             "project_id": req.token["project_id"], "user_id": req.token["user_id"]}
        s["boot_fault"] = _boot_fault(req, s)
        _reserve_volumes(st, bdms)
        _plug(req, st, s, nics, group_ids)
        st.setdefault("instances", {})[s["id"]] = s
    later(req.labdir, req.knobs()["server_build_seconds"],
          lambda st: _finish_build(req.labdir, st, s["id"]))
    return 202, {"server": {"id": s["id"], "links": _links(req, "servers", s["id"]),
                            "OS-DCF:diskConfig": "MANUAL",
                            "security_groups": [{"name": n} for n in names],
                            "adminPass": base64.b64encode(os.urandom(9)).decode()}}


def _finish_build(labdir, st, sid):
    """BUILD -> ACTIVE: volumes in-use, ports ACTIVE.  BUILD -> ERROR: as
    after a failed spawn, the ports are unbound (those Nova made deleted)
    and the volumes detached; those with delete_on_termination are deleted
    (Nova's _cleanup_volumes).  The server keeps its block device mappings."""
    s = st.get("instances", {}).get(sid)
    if s is None or s["status"] != "BUILD" or s.get("task_state") == "deleting":
        return
    now = ts_nova()
    if s.get("boot_fault"):
        _release(labdir, st, s)
        s["status"] = "ERROR"
        s["fault"] = {"code": 500, "message": s["boot_fault"], "created": now}
    else:
        for a in s["attachments"]:
            vol = st.get("volumes", {}).get(a["volume_id"])
            if vol is not None and vol["status"] == "reserved":
                vol["attachments"] = [_cinder_attachment(s, a)]
                vol["status"] = "in-use"
                vol["updated_at"] = ts_cinder()
        for pid in s["ports"]:
            neutron.activate(st, pid)
        s["status"] = "ACTIVE"
        s["launched_at"] = now.replace("Z", ".000000")
    s["updated"] = now


def _cinder_attachment(s, a):
    """A volume's entry in Cinder's attachments list."""
    return {"id": a["volume_id"], "volume_id": a["volume_id"], "server_id": s["id"],
            "attachment_id": a["attachment_id"], "host_name": s["name"],
            "device": a["device"], "attached_at": ts_cinder()}


def _release(labdir, st, s):
    """What Nova gives back when a server stops existing: ports unbound
    (its own deleted), volumes available (or deleted: delete_on_termination)."""
    for pid in s["ports"]:
        if pid in s["own_ports"]:
            neutron.remove(st, pid)
        elif st.get("ports", {}).get(pid, {}).get("device_id") == s["id"]:
            neutron.unbind(st, pid)
    for a in s["attachments"]:
        vol = st.get("volumes", {}).get(a["volume_id"])
        if vol is None or any(x.get("server_id") not in (None, s["id"])
                              for x in vol["attachments"]):
            continue
        vol["attachments"] = []
        vol["status"] = "available"
        vol["updated_at"] = ts_cinder()
        if a["delete_on_termination"]:
            _delete_volume(labdir, st, vol["id"])


def _delete_volume(labdir, st, vid):
    """Cinder deletes it, unless snapshots depend on it (Nova only logs that)."""
    if any(x["volume_id"] == vid for x in st.get("snapshots", {}).values()):
        return
    del st["volumes"][vid]
    unlink_quiet(volume_file(labdir, vid))


def delete_server(req, sid):
    with store(req.labdir).locked() as st:
        s = _server(st, sid)
        if not _booted(s):
            raise ApiError(409, "Cannot 'delete' instance %s: it is one of the lab's "
                           "conversion hosts." % sid)
        if s.get("task_state") != "deleting":
            s["task_state"] = "deleting"
            for a in s["attachments"]:
                vol = st.get("volumes", {}).get(a["volume_id"])
                if vol is not None and vol["status"] == "in-use" and any(
                        x.get("server_id") == sid for x in vol["attachments"]):
                    vol["status"] = "detaching"
                    vol["updated_at"] = ts_cinder()
            later(req.labdir, req.knobs()["attach_delay"],
                  lambda st: _finish_delete(req.labdir, st, sid))
    return 204, None


def _finish_delete(labdir, st, sid):
    s = st.get("instances", {}).pop(sid, None)
    if s is not None:
        _release(labdir, st, s)


def interface_view(req, p):
    out = {"port_id": p["id"], "mac_addr": p["mac_address"], "net_id": p["network_id"],
           "port_state": p["status"],
           "fixed_ips": [{"subnet_id": ip["subnet_id"], "ip_address": ip["ip_address"]}
                         for ip in p["fixed_ips"]]}
    if req.version >= (2, 70):
        out["tag"] = None
    return out


def list_interfaces(req, sid):
    st = store(req.labdir).read()
    s = _server(st, sid)
    return 200, {"interfaceAttachments": [interface_view(req, p) for p in _ports_of(st, s)]}


def show_interface(req, sid, pid):
    st = store(req.labdir).read()
    for p in _ports_of(st, _server(st, sid)):
        if p["id"] == pid:
            return 200, {"interfaceAttachment": interface_view(req, p)}
    raise ApiError(404, "Port %s is not attached" % pid)


# --- volume attachments -------------------------------------------------------------------------

def attachment_view(req, s, a, listing=False):
    out = {"device": a["device"], "serverId": s["id"], "volumeId": a["volume_id"]}
    if not (listing and req.version >= (2, 89)):  # 2.89 dropped "id" from GET
        out["id"] = a["volume_id"]  # Nova's attachment id is the volume id
    if req.version >= (2, 70):
        out["tag"] = a.get("tag")
    if req.version >= (2, 79):
        out["delete_on_termination"] = a.get("delete_on_termination", False)
    if listing and req.version >= (2, 89):
        out["attachment_id"] = a["attachment_id"]
        out["bdm_uuid"] = a["bdm_uuid"]
    return out


def list_attachments(req, sid):
    s = _server(store(req.labdir).read(), sid)
    return 200, {"volumeAttachments": [attachment_view(req, s, a, True)
                                       for a in s["attachments"]]}


def show_attachment(req, sid, vid):
    s = _server(store(req.labdir).read(), sid)
    return 200, {"volumeAttachment": attachment_view(req, s, _attachment(s, vid), True)}


def _attachment(s, vid):
    for a in s["attachments"]:
        if a["volume_id"] == vid:
            return a
    raise ApiError(404, "Volume %s is not attached to instance %s." % (vid, s["id"]))


def _next_device(s, wanted):
    """/dev/vdb, /dev/vdc, ... (vda is the root disk).  Like the libvirt
    driver, a requested name is only a hint."""
    used = {a["device"] for a in s["attachments"]}
    if wanted and re.match(r"^/dev/vd[b-z]$", wanted) and wanted not in used:
        return wanted
    for c in "bcdefghijklmnopqrstuvwxyz":
        if "/dev/vd" + c not in used:
            return "/dev/vd" + c
    raise ApiError(403, "Maximum number of volumes attached to instance %s reached." % s["id"])


def create_attachment(req, sid):
    body = (req.body or {}).get("volumeAttachment") if isinstance(req.body, dict) else None
    if not isinstance(body, dict) or not body.get("volumeId"):
        raise ApiError(400, "Invalid input for field/attribute volumeAttachment. "
                       "'volumeId' is a required property")
    vid = body["volumeId"]
    with store(req.labdir).locked() as st:
        s = _server(st, sid)
        if _booted(s) and (s["status"] != "ACTIVE" or s.get("task_state")):
            raise ApiError(409, "Cannot 'attach_volume' instance %s while it is in %s"
                           % (sid, "task_state deleting" if s.get("task_state") else
                              "vm_state " + STATES[s["status"]][0]))
        vol = st.get("volumes", {}).get(vid)
        if vol is None:
            raise ApiError(404, "Volume %s could not be found." % vid)
        if vol["status"] != "available":
            raise ApiError(400, "Invalid volume: volume '%s' status must be 'available'. "
                           "Currently in '%s'" % (vid, vol["status"]))
        a = {"volume_id": vid, "device": _next_device(s, body.get("device")),
             "tag": body.get("tag"),
             "delete_on_termination": bool(body.get("delete_on_termination", False)),
             "attachment_id": new_id(), "bdm_uuid": new_id()}
        s["attachments"].append(a)
        vol["status"] = "attaching"
        vol["updated_at"] = ts_cinder()
        later(req.labdir, req.knobs()["attach_delay"],
              lambda st: _finish_attach(req.labdir, st, sid, vid))
        return 200, {"volumeAttachment": attachment_view(req, s, a)}


def _finish_attach(labdir, st, sid, vid):
    """The guest sees the disk: device link appears, volume becomes in-use."""
    vol = st.get("volumes", {}).get(vid)
    s = _find_server(st, sid)
    if vol is None or s is None or vol["status"] != "attaching":
        return
    a = next((x for x in s["attachments"] if x["volume_id"] == vid), None)
    if a is None:
        return
    if not _booted(s):  # a booted server runs nothing: no device to see
        link = device_link(labdir, s, vid)
        os.makedirs(os.path.dirname(link), exist_ok=True)
        if os.path.lexists(link):
            os.unlink(link)
        os.symlink(volume_file(labdir, vid), link)
    now = ts_cinder()
    vol["attachments"] = [{"id": vid, "volume_id": vid, "server_id": sid,
                           "attachment_id": a["attachment_id"], "host_name": s["name"],
                           "device": a["device"], "attached_at": now}]
    vol["status"] = "in-use"
    vol["updated_at"] = now


def delete_attachment(req, sid, vid):
    with store(req.labdir).locked() as st:
        s = _server(st, sid)
        _attachment(s, vid)
        vol = st.get("volumes", {}).get(vid)
        if vol is None or vol["status"] != "in-use":
            raise ApiError(400, "Invalid volume: Volume must be attached in order to detach.")
        vol["status"] = "detaching"
        vol["updated_at"] = ts_cinder()
        later(req.labdir, req.knobs()["attach_delay"],
              lambda st: _finish_detach(req.labdir, st, sid, vid))
    return 202, None


def _finish_detach(labdir, st, sid, vid):
    """The disk leaves the guest: link removed, volume available again."""
    s = _find_server(st, sid)
    if s is not None:
        s["attachments"] = [a for a in s["attachments"] if a["volume_id"] != vid]
    if s is not None and not _booted(s):
        link = device_link(labdir, s, vid)
        if os.path.lexists(link):
            os.unlink(link)
    vol = st.get("volumes", {}).get(vid)
    if vol is not None and vol["status"] == "detaching":
        vol["attachments"] = []
        vol["status"] = "available"
        vol["updated_at"] = ts_cinder()


PREFIX = "/compute"
ROUTES = [
    ("GET", r"/?", versions, False),
    ("GET", r"/v2\.1/?", version, False),
    ("GET", r"/v2\.1/servers", list_servers, True),
    ("GET", r"/v2\.1/servers/detail", list_servers_detail, True),
    ("POST", r"/v2\.1/servers", create_server, True),
    ("GET", r"/v2\.1/servers/(?P<sid>[^/]+)", show_server, True),
    ("DELETE", r"/v2\.1/servers/(?P<sid>[^/]+)", delete_server, True),
    ("GET", r"/v2\.1/servers/(?P<sid>[^/]+)/os-interface", list_interfaces, True),
    ("GET", r"/v2\.1/servers/(?P<sid>[^/]+)/os-interface/(?P<pid>[^/]+)", show_interface, True),
    ("GET", r"/v2\.1/servers/(?P<sid>[^/]+)/os-volume_attachments", list_attachments, True),
    ("POST", r"/v2\.1/servers/(?P<sid>[^/]+)/os-volume_attachments", create_attachment, True),
    ("GET", r"/v2\.1/servers/(?P<sid>[^/]+)/os-volume_attachments/(?P<vid>[^/]+)",
     show_attachment, True),
    ("DELETE", r"/v2\.1/servers/(?P<sid>[^/]+)/os-volume_attachments/(?P<vid>[^/]+)",
     delete_attachment, True),
    ("GET", r"/v2\.1/flavors", list_flavors, True),
    ("GET", r"/v2\.1/flavors/detail", list_flavors_detail, True),
    ("POST", r"/v2\.1/flavors", create_flavor, True),
    ("GET", r"/v2\.1/flavors/(?P<fid>[^/]+)", show_flavor, True),
    ("DELETE", r"/v2\.1/flavors/(?P<fid>[^/]+)", delete_flavor, True),
    ("GET", r"/v2\.1/flavors/(?P<fid>[^/]+)/os-extra_specs", flavor_extra_specs, True),
    ("POST", r"/v2\.1/flavors/(?P<fid>[^/]+)/os-extra_specs", set_flavor_extra_specs, True),
    ("POST", r"/v2\.1/os-keypairs", create_keypair, True),
    ("GET", r"/v2\.1/os-keypairs", list_keypairs, True),
    ("GET", r"/v2\.1/os-keypairs/(?P<name>[^/]+)", show_keypair, True),
    ("DELETE", r"/v2\.1/os-keypairs/(?P<name>[^/]+)", delete_keypair, True),
    ("GET", r"/v2\.1/os-availability-zone", availability_zones, True),
]


def init_state(st, labdir, hosts):
    """Conversion-host servers conv-host-1..N, each with its device dir, and
    the flavors (theirs and devstack's m1.*)."""
    flavors = st.setdefault("flavors", {})
    flavors.setdefault(FLAVOR["id"], dict(FLAVOR, description=None, extra_specs={}))
    for fid, name, vcpus, ram, disk in STANDARD_FLAVORS:
        if fid not in flavors and all(f["name"] != name for f in flavors.values()):
            flavors[fid] = dict(FLAVOR, id=fid, name=name, vcpus=vcpus, ram=ram, disk=disk,
                                description=None, extra_specs={})
    st.setdefault("instances", {})
    st.setdefault("keypairs", {})
    servers = st.setdefault("servers", [])
    for n in range(len(servers) + 1, hosts + 1):
        name = "conv-host-%d" % n
        servers.append({"id": new_id(), "name": name, "created": ts_nova(),
                        "ip": "10.0.0.%d" % (10 + n), "mac": "fa:16:3e:00:00:%02x" % n,
                        "device_dir": os.path.join(lab_paths(labdir)["devices"], name),
                        "attachments": []})
    for s in servers:
        os.makedirs(s["device_dir"], exist_ok=True)
