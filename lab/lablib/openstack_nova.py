"""Nova v2.1: the conversion-host servers and their volume attachments.

Attaching a volume makes it appear in the server's device directory as
virtio-<first 20 chars of the volume id> (the lab's /dev/disk/by-id), a
symlink to the volume's sparse file, after the attach_delay knob."""
import hashlib
import os
import re

from .openstack_common import ApiError, store, ts_nova, ts_cinder, volume_file, later, new_id
from .store import lab_paths

VMIN, VMAX = (2, 1), (2, 95)
LEGACY = "X-OpenStack-Nova-API-Version"
FLAVOR = {"id": "c1", "name": "conv.medium", "ram": 4096, "vcpus": 2, "disk": 20,
          "swap": "", "OS-FLV-EXT-DATA:ephemeral": 0, "rxtx_factor": 1.0,
          "os-flavor-access:is_public": True, "OS-FLV-DISABLED:disabled": False}


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
    for s in st.get("servers", []):
        if s["id"] == sid:
            return s
    raise ApiError(404, "Instance %s could not be found." % sid)


def _links(req, kind, oid):
    return [{"rel": "self", "href": "%s/compute/v2.1/%s/%s" % (req.base, kind, oid)},
            {"rel": "bookmark", "href": "%s/compute/%s/%s" % (req.base, kind, oid)}]


def _flavor_ref(req):
    if req.version >= (2, 47):  # the flavor is embedded, without its id
        return {"original_name": FLAVOR["name"], "vcpus": FLAVOR["vcpus"], "ram": FLAVOR["ram"],
                "disk": FLAVOR["disk"], "ephemeral": 0, "swap": 0, "extra_specs": {}}
    return {"id": FLAVOR["id"], "links": _links(req, "flavors", FLAVOR["id"])[1:]}


def server_view(req, s, detail=True):
    out = {"id": s["id"], "name": s["name"], "links": _links(req, "servers", s["id"])}
    if not detail:
        return out
    proj = req.token["project_id"]
    out.update({
        "status": "ACTIVE", "tenant_id": proj, "user_id": req.token["user_id"],
        "metadata": {}, "hostId": hashlib.sha224((proj + "lab-compute").encode()).hexdigest(),
        "image": "",  # booted from volume: Nova sends an empty string
        "flavor": _flavor_ref(req), "created": s["created"], "updated": s["created"],
        "addresses": {"private": [{"version": 4, "addr": s["ip"], "OS-EXT-IPS:type": "fixed",
                                   "OS-EXT-IPS-MAC:mac_addr": s["mac"]}]},
        "accessIPv4": "", "accessIPv6": "", "key_name": None, "progress": 0,
        "config_drive": "", "OS-DCF:diskConfig": "AUTO",
        "OS-EXT-AZ:availability_zone": "nova", "OS-EXT-STS:power_state": 1,
        "OS-EXT-STS:task_state": None, "OS-EXT-STS:vm_state": "active",
        "OS-SRV-USG:launched_at": s["created"].replace("Z", ".000000"),
        "OS-SRV-USG:terminated_at": None,
        "os-extended-volumes:volumes_attached": [
            {"id": a["volume_id"], "delete_on_termination": False} for a in s["attachments"]],
        "security_groups": [{"name": "default"}],
    })
    for since, key, val in (((2, 9), "locked", False), ((2, 16), "host_status", "UP"),
                            ((2, 19), "description", None), ((2, 26), "tags", []),
                            ((2, 63), "trusted_image_certificates", None),
                            ((2, 71), "server_groups", []), ((2, 73), "locked_reason", None)):
        if req.version >= since:
            out[key] = val
    return out


def show_server(req, sid):
    return 200, {"server": server_view(req, _server(store(req.labdir).read(), sid))}


def list_servers(req, detail=False):
    servers = store(req.labdir).read().get("servers", [])
    name = req.q("name")
    if name is not None:  # Nova's name filter is a regular expression
        try:
            rx = re.compile(name)
        except re.error:
            raise ApiError(400, "Invalid regular expression in name filter: %s" % name)
        servers = [s for s in servers if rx.search(s["name"])]
    if req.q("status") not in (None, "ACTIVE", "active"):
        servers = []
    return 200, {"servers": [server_view(req, s, detail) for s in servers]}


def list_servers_detail(req):
    return list_servers(req, detail=True)


# --- flavors and zones (enough for `openstack server show`) -----------------------------------

def flavor_view(req, detail=True):
    f = {"id": FLAVOR["id"], "name": FLAVOR["name"], "links": _links(req, "flavors", FLAVOR["id"])}
    if detail:
        f.update({k: v for k, v in FLAVOR.items() if k not in f})
        if req.version >= (2, 55):
            f["description"] = None
        if req.version >= (2, 61):
            f["extra_specs"] = {}
    return f


def list_flavors(req, detail=False):
    return 200, {"flavors": [flavor_view(req, detail)]}


def list_flavors_detail(req):
    return list_flavors(req, detail=True)


def show_flavor(req, fid):
    if fid not in (FLAVOR["id"], FLAVOR["name"]):
        raise ApiError(404, "Flavor %s could not be found." % fid)
    return 200, {"flavor": flavor_view(req)}


def availability_zones(req):
    return 200, {"availabilityZoneInfo": [{"zoneName": "nova", "zoneState": {"available": True},
                                           "hosts": None}]}


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
    s = next((x for x in st.get("servers", []) if x["id"] == sid), None)
    if vol is None or s is None or vol["status"] != "attaching":
        return
    a = next((x for x in s["attachments"] if x["volume_id"] == vid), None)
    if a is None:
        return
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
    s = next((x for x in st.get("servers", []) if x["id"] == sid), None)
    if s is not None:
        s["attachments"] = [a for a in s["attachments"] if a["volume_id"] != vid]
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
    ("GET", r"/v2\.1/servers/(?P<sid>[^/]+)", show_server, True),
    ("GET", r"/v2\.1/servers/(?P<sid>[^/]+)/os-volume_attachments", list_attachments, True),
    ("POST", r"/v2\.1/servers/(?P<sid>[^/]+)/os-volume_attachments", create_attachment, True),
    ("GET", r"/v2\.1/servers/(?P<sid>[^/]+)/os-volume_attachments/(?P<vid>[^/]+)",
     show_attachment, True),
    ("DELETE", r"/v2\.1/servers/(?P<sid>[^/]+)/os-volume_attachments/(?P<vid>[^/]+)",
     delete_attachment, True),
    ("GET", r"/v2\.1/flavors", list_flavors, True),
    ("GET", r"/v2\.1/flavors/detail", list_flavors_detail, True),
    ("GET", r"/v2\.1/flavors/(?P<fid>[^/]+)", show_flavor, True),
    ("GET", r"/v2\.1/os-availability-zone", availability_zones, True),
]


def init_state(st, labdir, hosts):
    """Conversion-host servers conv-host-1..N, each with its device dir."""
    servers = st.setdefault("servers", [])
    for n in range(len(servers) + 1, hosts + 1):
        name = "conv-host-%d" % n
        servers.append({"id": new_id(), "name": name, "created": ts_nova(),
                        "ip": "10.0.0.%d" % (10 + n), "mac": "fa:16:3e:00:00:%02x" % n,
                        "device_dir": os.path.join(lab_paths(labdir)["devices"], name),
                        "attachments": []})
    for s in servers:
        os.makedirs(s["device_dir"], exist_ok=True)
