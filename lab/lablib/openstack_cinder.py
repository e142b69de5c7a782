"""Cinder v3 (block storage): volumes backed by sparse files under
DIR/volumes, metadata, actions, snapshots, types, availability zones."""
import ast
import hashlib
import json
import os
import re
import urllib.parse

from .openstack_common import (ApiError, store, new_id, ts_cinder, volume_file,
                               snapshot_file, sparse_copy, unlink_quiet, later, str_bool)

VMIN, VMAX = (3, 0), (3, 70)
GIB = 1 << 30
AZ = "nova"
HOST = "lab@lvmdriver-1#lvmdriver-1"
# Cinder's metadata schema: key pattern, string values, both <= 255 chars.
META_KEY = re.compile(r"^[a-zA-Z0-9-_:. /]{1,255}$")
DELETABLE = ("available", "error", "error_restoring", "error_extending", "error_managing")


def version_doc(base):
    return {"id": "v3.0", "status": "CURRENT", "version": vstr(VMAX), "min_version": vstr(VMIN),
            "updated": "2023-02-20T00:00:00Z",
            "links": [{"rel": "describedby", "type": "text/html",
                       "href": "https://docs.openstack.org/"},
                      {"rel": "self", "href": base + "/volume/v3/"}],
            "media-types": [{"base": "application/json",
                             "type": "application/vnd.openstack.volume+json;version=3"}]}


def vstr(v):
    return "%d.%d" % v


def versions(req):
    return 300, {"versions": [version_doc(req.base)]}


def version(req, pid=None):
    return 200, {"versions": [version_doc(req.base)]}


# --- lookups and views ------------------------------------------------------------

def _vol(st, vid):
    v = st.get("volumes", {}).get(vid)
    if v is None:
        raise ApiError(404, "Volume %s could not be found." % vid)
    return v


def _snap(st, sid):
    s = st.get("snapshots", {}).get(sid)
    if s is None:
        raise ApiError(404, "Snapshot %s could not be found." % sid)
    return s


def _type(st, ref):
    for t in st["volume_types"]:
        if ref in (t["id"], t["name"]):
            return t
    raise ApiError(404, "Volume type with name %s could not be found." % ref)


def _links(req, kind, oid):
    pid = req.token["project_id"]
    return [{"href": "%s/volume/v3/%s/%s/%s" % (req.base, pid, kind, oid), "rel": "self"},
            {"href": "%s/volume/%s/%s/%s" % (req.base, pid, kind, oid), "rel": "bookmark"}]


def vol_view(req, v, detail=True):
    out = {"id": v["id"], "name": v["name"], "links": _links(req, "volumes", v["id"])}
    if not detail:
        return out
    out.update({
        "status": v["status"], "size": v["size"], "availability_zone": v["availability_zone"],
        "created_at": v["created_at"], "updated_at": v["updated_at"],
        "description": v["description"], "volume_type": v["volume_type"],
        "snapshot_id": v["snapshot_id"], "source_volid": v["source_volid"],
        "metadata": dict(v["metadata"]), "bootable": "true" if v["bootable"] else "false",
        "encrypted": v["encrypted"], "multiattach": False, "replication_status": None,
        "consistencygroup_id": None, "user_id": v["user_id"],
        "attachments": [dict(a) for a in v["attachments"]],
        "migration_status": v.get("migration_status"),
        "os-vol-host-attr:host": HOST, "os-vol-tenant-attr:tenant_id": v["project_id"],
        "os-vol-mig-status-attr:migstat": v.get("migration_status"),
        "os-vol-mig-status-attr:name_id": None,
    })
    if v["image_metadata"]:
        out["volume_image_metadata"] = dict(v["image_metadata"])
    ver = req.version
    if ver >= (3, 13):
        out["group_id"] = None
    if ver >= (3, 21):
        out["provider_id"] = None
    if ver >= (3, 48):
        out["service_uuid"] = "5b0a1b1c-7f5c-4e3b-9a55-6b9a3ac2c0de"
        out["shared_targets"] = False
    if ver >= (3, 61):
        out["cluster_name"] = None
    if ver >= (3, 63):
        out["volume_type_id"] = v["volume_type_id"]
    if ver >= (3, 65):
        out["consumes_quota"] = True
    return out


def snap_view(req, s, detail=True):
    out = {"id": s["id"], "name": s["name"], "description": s["description"],
           "volume_id": s["volume_id"], "size": s["size"], "status": s["status"],
           "created_at": s["created_at"], "updated_at": s["updated_at"],
           "metadata": dict(s["metadata"])}
    if detail:
        out["os-extended-snapshot-attributes:progress"] = (
            "100%" if s["status"] == "available" else "0%")
        out["os-extended-snapshot-attributes:project_id"] = req.token["project_id"]
        if req.version >= (3, 14):
            out["group_snapshot_id"] = None
        if req.version >= (3, 41):
            out["user_id"] = s["user_id"]
        if req.version >= (3, 65):
            out["consumes_quota"] = True
    return out


# --- validation helpers -------------------------------------------------------------

def _element(req, name):
    b = req.body
    if not isinstance(b, dict) or not isinstance(b.get(name), dict):
        raise ApiError(400, "Missing required element '%s' in request body." % name)
    return b[name]


def _check_meta(meta, field="metadata"):
    if meta is None:
        return {}
    if not isinstance(meta, dict):
        raise ApiError(400, "Invalid input for field/attribute %s. Value: %r is not of type "
                       "'object'" % (field, meta))
    for k, val in meta.items():
        if not META_KEY.match(k):
            raise ApiError(400, "Invalid input for field/attribute %s. Value: %r. "
                           "Additional properties are not allowed" % (field, k))
        if not isinstance(val, str) or len(val) > 255:
            raise ApiError(400, "Invalid input for field/attribute %s. Value: %r is not of "
                           "type 'string' or is too long" % (k, val))
    return dict(meta)


def _size(val, what="size"):
    try:
        n = int(str(val))
    except (TypeError, ValueError):
        raise ApiError(400, "Invalid input for field/attribute %s. Value: %s." % (what, val))
    if n < 1:
        raise ApiError(400, "Invalid input received: %s must be an integer (or string "
                       "representation of an integer) and greater than 0" % what)
    return n


def _quota(req, st, add_gib):
    """Enforce the gigabytes quota (volumes and snapshots both count)."""
    limit = req.knobs()["quota_gigabytes"]
    used = (sum(v["size"] for v in st.get("volumes", {}).values())
            + sum(s["size"] for s in st.get("snapshots", {}).values()))
    if limit >= 0 and used + add_gib > limit:
        raise over_quota(add_gib, limit, used)


def over_quota(requested, limit, used):
    return ApiError(413, "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot "
                    "exceeds allowed gigabytes quota. Requested %sG, quota is %sG and %sG "
                    "has been consumed." % (requested, limit, used),
                    {"Retry-After": "0"})


def _touch(obj):
    obj["updated_at"] = ts_cinder()


def _settle(req, kind, oid, expect, new_status, then=None, delay=None):
    """After the status delay, move object `oid` from status `expect` to
    `new_status` (running `then(st, obj)` first), unless something else
    changed it meanwhile."""
    def step(st):
        obj = st.get(kind, {}).get(oid)
        if obj is None or obj["status"] != expect:
            return
        if then:
            then(st, obj)
        obj["status"] = new_status
        _touch(obj)
    later(req.labdir, req.knobs()["status_delay"] if delay is None else delay, step)


# --- garbage fill: backends that do not read back as zeros ---------------------------

def fill_garbage(path, vid, start, end, stride):
    """Write a non-zero 4 KiB block every `stride` bytes of [start, end), like
    LUKS ciphertext or a backend that does not zero new volumes.  Sparse on
    purpose: the whole volume need not be written for a copy tool that assumes
    zeros to be caught."""
    block = b""
    seed = hashlib.sha256(vid.encode()).digest()
    while len(block) < 4096:
        seed = hashlib.sha256(seed).digest()
        block += seed
    stride = max(4096, int(stride))
    with open(path, "r+b") as f:
        off = (start + stride - 1) // stride * stride
        while off < end:
            f.seek(off)
            f.write(block[:min(4096, end - off)])
            off += stride


def _needs_garbage(req, vol):
    return vol["encrypted"] or bool(req.knobs()["new_volume_garbage"])


# --- volumes ------------------------------------------------------------------------------

def create_volume(req, pid):
    body = _element(req, "volume")
    meta = _check_meta(body.get("metadata"))
    if body.get("imageRef"):
        raise ApiError(400, "Invalid image identifier or unable to access requested image.")
    az = body.get("availability_zone") or AZ
    if az != AZ:
        raise ApiError(400, "Invalid input received: Availability zone '%s' is invalid." % az)
    with store(req.labdir).locked() as st:
        src_snap = _snap(st, body["snapshot_id"]) if body.get("snapshot_id") else None
        src_vol = _vol(st, body["source_volid"]) if body.get("source_volid") else None
        base = src_snap or src_vol
        size = _size(body.get("size") if body.get("size") is not None
                     else (base or {}).get("size"))
        if base and size < base["size"]:
            raise ApiError(400, "Invalid input received: Volume size '%d' must be an integer "
                           "and greater than or equal to the source size %d."
                           % (size, base["size"]))
        vtype = _type(st, body.get("volume_type") or "__DEFAULT__")
        _quota(req, st, size)
        vol = _new_volume(req, st, body, size, vtype, az, meta, src_snap, src_vol)
        _make_file(req, vol, src_snap, src_vol)
        _settle(req, "volumes", vol["id"], "creating", "available")
        return 202, {"volume": vol_view(req, vol)}


def _new_volume(req, st, body, size, vtype, az, meta, src_snap, src_vol):
    now = ts_cinder()
    st["seq"] = st.get("seq", 0) + 1
    vol = {"id": new_id(), "seq": st["seq"], "status": "creating", "size": size,
           "name": body.get("name") or body.get("display_name"),
           "description": body.get("description") or body.get("display_description"),
           "volume_type": vtype["name"], "volume_type_id": vtype["id"],
           "encrypted": vtype["encrypted"], "availability_zone": az, "metadata": meta,
           "bootable": bool(src_vol and src_vol["bootable"]), "image_metadata": {},
           "attachments": [], "created_at": now, "updated_at": now,
           "snapshot_id": src_snap["id"] if src_snap else None,
           "source_volid": src_vol["id"] if src_vol else None,
           "user_id": req.token["user_id"], "project_id": req.token["project_id"],
           "migration_status": None, "readonly": False}
    st.setdefault("volumes", {})[vol["id"]] = vol
    return vol


def _make_file(req, vol, src_snap, src_vol):
    """The volume's sparse file, a copy of its source if it has one."""
    path = volume_file(req.labdir, vol["id"])
    os.makedirs(os.path.dirname(path), exist_ok=True)
    src = (snapshot_file(req.labdir, src_snap["id"]) if src_snap
           else volume_file(req.labdir, src_vol["id"]) if src_vol else None)
    if src:
        sparse_copy(src, path)
        start = os.path.getsize(path)
    else:
        open(path, "wb").close()
        start = 0
    os.truncate(path, vol["size"] * GIB)
    if _needs_garbage(req, vol):
        fill_garbage(path, vol["id"], start, vol["size"] * GIB, req.knobs()["garbage_stride"])


def _parse_meta_filter(raw):
    """The metadata= filter: cinderclient sends str(dict) (Python literal),
    other clients JSON; Cinder itself reads it with ast.literal_eval."""
    for parse in (json.loads, ast.literal_eval):
        try:
            val = parse(raw)
        except (ValueError, SyntaxError):
            continue
        if isinstance(val, dict):
            return {str(k): str(v) for k, v in val.items()}
    raise ApiError(400, "Invalid filter metadata: %s" % raw)


def _match(req, v):
    name = req.q("name")
    if name is not None and v["name"] != name:
        return False
    like = req.q("name~")
    if like is not None and like not in (v["name"] or ""):
        return False
    for key in ("status", "availability_zone"):
        if req.q(key) is not None and v[key] != req.q(key):
            return False
    if req.q("bootable") is not None and v["bootable"] != str_bool(req.q("bootable"), "bootable"):
        return False
    if req.q("metadata") is not None:
        want = _parse_meta_filter(req.q("metadata"))
        if any(v["metadata"].get(k) != val for k, val in want.items()):
            return False
    return True


def _page(req, items, path):
    """limit/marker paging with a next link, newest first like Cinder."""
    items = sorted(items, key=lambda o: o["seq"], reverse=True)
    marker = req.q("marker")
    if marker:
        ids = [o["id"] for o in items]
        if marker not in ids:
            raise ApiError(400, "marker [%s] not found" % marker)
        items = items[ids.index(marker) + 1:]
    limit = int(req.q("limit") or 1000)
    page, more = items[:limit], len(items) > limit
    links = []
    if more and page:  # the next page keeps the filters, like Cinder's links
        q = [(k, v) for k, vals in req.query.items() if k not in ("limit", "marker")
             for v in vals] + [("limit", limit), ("marker", page[-1]["id"])]
        links = [{"rel": "next", "href": "%s/volume/v3/%s/%s?%s" % (
            req.base, req.token["project_id"], path, urllib.parse.urlencode(q))}]
    return page, links


def list_volumes(req, pid, detail=False):
    st = store(req.labdir).read()
    vols = [v for v in st.get("volumes", {}).values() if _match(req, v)]
    page, links = _page(req, vols, "volumes/detail" if detail else "volumes")
    out = {"volumes": [vol_view(req, v, detail) for v in page]}
    if links:
        out["volumes_links"] = links
    if req.version >= (3, 45) and str_bool(req.q("with_count", "false"), "with_count"):
        out["count"] = len(vols)
    return 200, out


def list_volumes_detail(req, pid):
    return list_volumes(req, pid, detail=True)


def show_volume(req, pid, vid):
    return 200, {"volume": vol_view(req, _vol(store(req.labdir).read(), vid))}


def update_volume(req, pid, vid):
    body = _element(req, "volume")
    with store(req.labdir).locked() as st:
        v = _vol(st, vid)
        for key, alias in (("name", "display_name"), ("description", "display_description")):
            if key in body or alias in body:
                v[key] = body.get(key, body.get(alias))
        if "metadata" in body:  # replaces the whole map, as Cinder does
            v["metadata"] = _check_meta(body["metadata"])
        _touch(v)
        return 200, {"volume": vol_view(req, v)}


def delete_volume(req, pid, vid):
    cascade = str_bool(req.q("cascade", "false"), "cascade")
    with store(req.labdir).locked() as st:
        v = _vol(st, vid)
        snaps = [s for s in st.get("snapshots", {}).values() if s["volume_id"] == vid]
        if v["status"] not in DELETABLE or v["attachments"] or (snaps and not cascade):
            raise ApiError(400, "Invalid volume: Volume status must be available or error or "
                           "error_restoring or error_extending or error_managing and must not "
                           "be migrating, attached, belong to a group, have snapshots or be "
                           "disassociated from snapshots after volume transfer.")
        for s in snaps:
            s["status"] = "deleting"
        v["status"] = "deleting"
        _touch(v)

    def gone(st, obj):
        for s in [s for s in st.get("snapshots", {}).values() if s["volume_id"] == vid]:
            unlink_quiet(snapshot_file(req.labdir, s["id"]))
            del st["snapshots"][s["id"]]
        unlink_quiet(volume_file(req.labdir, vid))
        del st["volumes"][vid]
    _settle(req, "volumes", vid, "deleting", "deleted", then=gone)
    return 202, None


# --- volume metadata ---------------------------------------------------------------------

def get_metadata(req, pid, vid):
    return 200, {"metadata": dict(_vol(store(req.labdir).read(), vid)["metadata"])}


def replace_metadata(req, pid, vid):
    """PUT /volumes/{id}/metadata: the body becomes the whole map."""
    meta = _check_meta(_meta_body(req))
    with store(req.labdir).locked() as st:
        v = _vol(st, vid)
        v["metadata"] = meta
        _touch(v)
        return 200, {"metadata": dict(meta)}


def merge_metadata(req, pid, vid):
    """POST /volumes/{id}/metadata: keys are added or updated, others kept."""
    meta = _check_meta(_meta_body(req))
    with store(req.labdir).locked() as st:
        v = _vol(st, vid)
        v["metadata"].update(meta)
        _touch(v)
        return 200, {"metadata": dict(v["metadata"])}


def _meta_body(req):
    if not isinstance(req.body, dict) or "metadata" not in req.body:
        raise ApiError(400, "Malformed request body")
    return req.body["metadata"]


def get_meta_key(req, pid, vid, key):
    v = _vol(store(req.labdir).read(), vid)
    if key not in v["metadata"]:
        raise ApiError(404, "Metadata item was not found")
    return 200, {"meta": {key: v["metadata"][key]}}


def set_meta_key(req, pid, vid, key):
    meta = (req.body or {}).get("meta") if isinstance(req.body, dict) else None
    if not isinstance(meta, dict):
        raise ApiError(400, "Malformed request body")
    if len(meta) > 1:
        raise ApiError(400, "Request body contains too many items")
    if key not in meta:
        raise ApiError(400, "Request body and URI mismatch")
    meta = _check_meta(meta, "meta")
    with store(req.labdir).locked() as st:
        v = _vol(st, vid)
        v["metadata"][key] = meta[key]
        _touch(v)
        return 200, {"meta": meta}


def delete_meta_key(req, pid, vid, key):
    with store(req.labdir).locked() as st:
        v = _vol(st, vid)
        if key not in v["metadata"]:
            raise ApiError(404, "Metadata item was not found")
        del v["metadata"][key]
        _touch(v)
    return 200, None


# --- volume actions -----------------------------------------------------------------------

def volume_action(req, pid, vid):
    if not isinstance(req.body, dict) or len(req.body) != 1:
        raise ApiError(400, "Malformed request body")
    (name, arg), = req.body.items()
    fn = ACTIONS.get(name)
    if fn is None:
        raise ApiError(400, "There is no such action: %s" % name)
    with store(req.labdir).locked() as st:
        return fn(req, st, _vol(st, vid), arg if arg is not None else {})


def act_set_bootable(req, st, v, arg):
    if "bootable" not in arg:
        raise ApiError(400, "Must specify bootable in request.")
    v["bootable"] = str_bool(arg["bootable"], "bootable")
    _touch(v)
    return 200, None


def act_set_image_metadata(req, st, v, arg):
    meta = _check_meta(arg.get("metadata"))
    v["image_metadata"].update(meta)
    _touch(v)
    return 200, {"metadata": dict(v["image_metadata"])}


def act_unset_image_metadata(req, st, v, arg):
    key = arg.get("key")
    if key not in v["image_metadata"]:
        raise ApiError(404, "Glance metadata for volume %s with key %s cannot be found."
                       % (v["id"], key))
    del v["image_metadata"][key]
    _touch(v)
    return 200, None


def act_show_image_metadata(req, st, v, arg):
    return 200, {"metadata": dict(v["image_metadata"])}


def act_readonly(req, st, v, arg):
    v["readonly"] = str_bool(arg.get("readonly"), "readonly")
    return 202, None


def act_reset_status(req, st, v, arg):
    """Admin escape hatch: set status/attach_status/migration_status as told."""
    if "status" in arg:
        v["status"] = arg["status"]
    if "migration_status" in arg:
        v["migration_status"] = arg["migration_status"]
    if arg.get("attach_status") == "detached":
        v["attachments"] = []
    _touch(v)
    return 202, None


def act_extend(req, st, v, arg):
    new = _size(arg.get("new_size"), "new_size")
    allowed = ("available", "in-use") if req.version >= (3, 42) else ("available",)
    if v["status"] not in allowed:
        raise ApiError(400, "Invalid volume: Volume %s status must be '%s' to extend, currently "
                       "%s." % (v["id"], "' or '".join(allowed), v["status"]))
    if new <= v["size"]:
        raise ApiError(400, "Invalid input received: New size for extend must be greater than "
                       "current size. (current: %d, extended: %d)." % (v["size"], new))
    _quota(req, st, new - v["size"])
    back = v["status"]
    v["status"] = "extending"
    _touch(v)

    def grow(st, obj):
        path = volume_file(req.labdir, obj["id"])
        old = obj["size"] * GIB
        os.truncate(path, new * GIB)
        if _needs_garbage(req, obj):
            fill_garbage(path, obj["id"], old, new * GIB, req.knobs()["garbage_stride"])
        obj["size"] = new
    _settle(req, "volumes", v["id"], "extending", back, then=grow)
    return 202, None


def act_revert(req, st, v, arg):
    """Revert to the volume's latest snapshot (microversion 3.40)."""
    if req.version < (3, 40):
        raise ApiError(404, "API version %s is not supported on this method."
                       % vstr(req.version))
    sid = arg.get("snapshot_id")
    snaps = [s for s in st.get("snapshots", {}).values() if s["volume_id"] == v["id"]]
    if not snaps:
        raise ApiError(400, "Invalid snapshot: Volume %s doesn't have any snapshots." % v["id"])
    latest = max(snaps, key=lambda s: s["seq"])
    if sid != latest["id"]:
        raise ApiError(400, "Invalid snapshot: Specified snapshot %s is not the latest one of "
                       "volume %s." % (sid, v["id"]))
    if v["status"] != "available" or latest["status"] != "available":
        raise ApiError(400, "Invalid volume: Volume %s status must be available and snapshot "
                       "%s status must be available, but current status is: %s, %s."
                       % (v["id"], sid, v["status"], latest["status"]))
    v["status"] = "reverting"
    latest["status"] = "restoring"
    _touch(v)

    def restore(st, obj):
        # The data comes back only when the revert completes, so a client
        # that does not wait for "available" reads the old bytes.
        path = volume_file(req.labdir, obj["id"])
        sparse_copy(snapshot_file(req.labdir, sid), path)
        os.truncate(path, obj["size"] * GIB)
        if sid in st.get("snapshots", {}):
            st["snapshots"][sid]["status"] = "available"
    _settle(req, "volumes", v["id"], "reverting", "available", then=restore)
    return 202, None


ACTIONS = {
    "os-set_bootable": act_set_bootable,
    "os-set_image_metadata": act_set_image_metadata,
    "os-unset_image_metadata": act_unset_image_metadata,
    "os-show_image_metadata": act_show_image_metadata,
    "os-update_readonly_flag": act_readonly,
    "os-reset_status": act_reset_status,
    "os-extend": act_extend,
    "revert": act_revert,
}


# --- snapshots ------------------------------------------------------------------------------

def create_snapshot(req, pid):
    body = _element(req, "snapshot")
    meta = _check_meta(body.get("metadata"))
    force = str_bool(body.get("force", False), "force")
    with store(req.labdir).locked() as st:
        v = _vol(st, body.get("volume_id") or "")
        if v["status"] not in ("available", "in-use") or (v["status"] != "available"
                                                          and not force):
            raise ApiError(400, "Invalid volume: Volume %s status must be available, but "
                           "current status is: %s." % (v["id"], v["status"]))
        _quota(req, st, v["size"])
        now = ts_cinder()
        st["seq"] = st.get("seq", 0) + 1
        s = {"id": new_id(), "seq": st["seq"], "volume_id": v["id"], "size": v["size"],
             "name": body.get("name") or body.get("display_name"),
             "description": body.get("description") or body.get("display_description"),
             "status": "creating", "metadata": meta, "created_at": now, "updated_at": now,
             "user_id": req.token["user_id"]}
        # Point in time = the API call: copy now, report available later.
        sparse_copy(volume_file(req.labdir, v["id"]), snapshot_file(req.labdir, s["id"]))
        st.setdefault("snapshots", {})[s["id"]] = s
        _settle(req, "snapshots", s["id"], "creating", "available")
        return 202, {"snapshot": snap_view(req, s)}


def _snap_match(req, s):
    return all(req.q(k) is None or s[k] == req.q(k) for k in ("name", "status", "volume_id"))


def list_snapshots(req, pid, detail=False):
    st = store(req.labdir).read()
    snaps = [s for s in st.get("snapshots", {}).values() if _snap_match(req, s)]
    page, links = _page(req, snaps,
                        "snapshots/detail" if detail else "snapshots")
    out = {"snapshots": [snap_view(req, s, detail) for s in page]}
    if links:
        out["snapshots_links"] = links
    return 200, out


def list_snapshots_detail(req, pid):
    return list_snapshots(req, pid, detail=True)


def show_snapshot(req, pid, sid):
    return 200, {"snapshot": snap_view(req, _snap(store(req.labdir).read(), sid))}


def update_snapshot(req, pid, sid):
    body = _element(req, "snapshot")
    with store(req.labdir).locked() as st:
        s = _snap(st, sid)
        for key in ("name", "description"):
            if key in body:
                s[key] = body[key]
        _touch(s)
        return 200, {"snapshot": snap_view(req, s)}


def delete_snapshot(req, pid, sid):
    with store(req.labdir).locked() as st:
        s = _snap(st, sid)
        if s["status"] not in ("available", "error"):
            raise ApiError(400, "Invalid snapshot: Volume Snapshot status must be available or "
                           "error and must not be part of a group.")
        s["status"] = "deleting"
        _touch(s)

    def gone(st, obj):
        unlink_quiet(snapshot_file(req.labdir, sid))
        del st["snapshots"][sid]
    _settle(req, "snapshots", sid, "deleting", "deleted", then=gone)
    return 202, None


def snapshot_metadata(req, pid, sid):
    return 200, {"metadata": dict(_snap(store(req.labdir).read(), sid)["metadata"])}


# --- types, zones, quotas ------------------------------------------------------------------

def type_view(t):
    return {"id": t["id"], "name": t["name"], "description": t["description"],
            "is_public": True, "os-volume-type-access:is_public": True,
            "extra_specs": {}, "qos_specs_id": None}


def list_types(req, pid):
    st = store(req.labdir).read()
    return 200, {"volume_types": [type_view(t) for t in st["volume_types"]]}


def show_type(req, pid, tid):
    st = store(req.labdir).read()
    return 200, {"volume_type": type_view(_type(st, "__DEFAULT__" if tid == "default" else tid))}


def type_extra_specs(req, pid, tid):
    _type(store(req.labdir).read(), tid)
    return 200, {"extra_specs": {}}


def type_encryption(req, pid, tid):
    t = _type(store(req.labdir).read(), tid)
    if not t["encrypted"]:
        return 200, {}  # Cinder answers an empty object for unencrypted types
    return 200, {"volume_type_id": t["id"], "encryption_id": t["encryption_id"],
                 "provider": "luks", "control_location": "front-end",
                 "cipher": "aes-xts-plain64", "key_size": 256, "deleted": False,
                 "created_at": t["created_at"], "updated_at": None, "deleted_at": None}


def availability_zones(req, pid):
    return 200, {"availabilityZoneInfo": [{"zoneName": AZ, "zoneState": {"available": True}}]}


def quota_set(req, pid, qpid):
    st = store(req.labdir).read()
    limit = req.knobs()["quota_gigabytes"]
    vols = st.get("volumes", {}).values()
    snaps = st.get("snapshots", {}).values()
    usage = {"gigabytes": (limit, sum(v["size"] for v in vols) + sum(s["size"] for s in snaps)),
             "volumes": (-1, len(vols)), "snapshots": (-1, len(snaps))}
    if str_bool(req.q("usage", "false"), "usage"):
        qs = {k: {"limit": lim, "in_use": used, "reserved": 0, "allocated": 0}
              for k, (lim, used) in usage.items()}
    else:
        qs = {k: lim for k, (lim, used) in usage.items()}
    qs["id"] = qpid
    return 200, {"quota_set": qs}


def extensions(req, pid):
    return 200, {"extensions": []}


PREFIX = "/volume"
P = r"/v3/(?P<pid>[^/]+)"
ROUTES = [
    ("GET", r"/?", versions, False),
    ("GET", r"/v3/?", version, False),
    ("GET", P + r"/?", version, False),
    ("GET", P + r"/extensions", extensions, True),
    ("POST", P + r"/volumes", create_volume, True),
    ("GET", P + r"/volumes", list_volumes, True),
    ("GET", P + r"/volumes/detail", list_volumes_detail, True),
    ("GET", P + r"/volumes/(?P<vid>[^/]+)", show_volume, True),
    ("PUT", P + r"/volumes/(?P<vid>[^/]+)", update_volume, True),
    ("DELETE", P + r"/volumes/(?P<vid>[^/]+)", delete_volume, True),
    ("POST", P + r"/volumes/(?P<vid>[^/]+)/action", volume_action, True),
    ("GET", P + r"/volumes/(?P<vid>[^/]+)/metadata", get_metadata, True),
    ("PUT", P + r"/volumes/(?P<vid>[^/]+)/metadata", replace_metadata, True),
    ("POST", P + r"/volumes/(?P<vid>[^/]+)/metadata", merge_metadata, True),
    ("GET", P + r"/volumes/(?P<vid>[^/]+)/metadata/(?P<key>.+)", get_meta_key, True),
    ("PUT", P + r"/volumes/(?P<vid>[^/]+)/metadata/(?P<key>.+)", set_meta_key, True),
    ("DELETE", P + r"/volumes/(?P<vid>[^/]+)/metadata/(?P<key>.+)", delete_meta_key, True),
    ("POST", P + r"/snapshots", create_snapshot, True),
    ("GET", P + r"/snapshots", list_snapshots, True),
    ("GET", P + r"/snapshots/detail", list_snapshots_detail, True),
    ("GET", P + r"/snapshots/(?P<sid>[^/]+)", show_snapshot, True),
    ("PUT", P + r"/snapshots/(?P<sid>[^/]+)", update_snapshot, True),
    ("DELETE", P + r"/snapshots/(?P<sid>[^/]+)", delete_snapshot, True),
    ("GET", P + r"/snapshots/(?P<sid>[^/]+)/metadata", snapshot_metadata, True),
    ("GET", P + r"/types", list_types, True),
    ("GET", P + r"/types/(?P<tid>[^/]+)", show_type, True),
    ("GET", P + r"/types/(?P<tid>[^/]+)/extra_specs", type_extra_specs, True),
    ("GET", P + r"/types/(?P<tid>[^/]+)/encryption", type_encryption, True),
    ("GET", P + r"/os-availability-zone", availability_zones, True),
    ("GET", P + r"/os-quota-sets/(?P<qpid>[^/]+)", quota_set, True),
]


def init_state(st):
    """Volume types of a fresh lab (called from openstack.init)."""
    if "volume_types" not in st:
        now = ts_cinder()
        st["volume_types"] = [
            {"id": new_id(), "name": "__DEFAULT__", "description": "Default Volume Type",
             "encrypted": False, "created_at": now},
            {"id": new_id(), "name": "encrypted", "description": "LUKS-encrypted volumes",
             "encrypted": True, "encryption_id": new_id(), "created_at": now},
        ]
    st.setdefault("volumes", {})
    st.setdefault("snapshots", {})

