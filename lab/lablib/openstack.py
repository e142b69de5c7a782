"""OpenStack simulator: Keystone v3, Cinder v3, Nova v2.1, Neutron v2.0, an
empty Glance and the metadata service on one HTTP port, under devstack-like
prefixes:

  /identity/v3   Keystone          /volume/v3/<project_id>   Cinder
  /compute/v2.1  Nova              /image/v2                 Glance (no images)
  /networking/v2.0  Neutron        /openstack/latest/...     metadata service

labctl uses init(), env_vars(), volume_hash(), expire_tokens() and Handler.
State lives in DIR/openstack/state.json (see store.py); volumes are sparse
files DIR/volumes/<id>.img; conversion host N attaches into DIR/dev/conv-host-N/.
"""
import base64
import hashlib
import json
import os
import re
import time
import traceback
import urllib.parse

from . import faults
from . import openstack_cinder as cinder
from . import openstack_glance as glance
from . import openstack_keystone as keystone
from . import openstack_neutron as neutron
from . import openstack_nova as nova
from .httpbase import LabHandler
from .openstack_common import (ApiError, LabError, Request, authenticate, error_body,
                               negotiate, store, hex_id, volume_file)
from .store import lab_paths

__all__ = ["LabError", "Handler", "init", "env_vars", "volume_hash", "expire_tokens"]


# --- labctl entry points ------------------------------------------------------------

def init(labdir, hosts=1):
    """Create the lab's project, user, application credential, volume types,
    flavors, default security group and conversion-host servers.  Idempotent:
    existing state is kept (more hosts are added if asked for)."""
    paths = lab_paths(labdir)
    os.makedirs(paths["volumes"], exist_ok=True)
    with store(labdir).locked() as st:
        if "project" not in st:
            st["project"] = {"id": hex_id(), "name": "vmigrate"}
            st["user"] = {"id": hex_id(), "name": "vmigrate", "password": _secret()}
            st["roles"] = [{"id": hex_id(), "name": "member"}, {"id": hex_id(), "name": "reader"}]
            st["application_credential"] = {"id": hex_id(), "name": "vmigrate-lab",
                                            "secret": _secret()}
            st["tokens"] = {}
        cinder.init_state(st)
        neutron.init_state(st)
        nova.init_state(st, paths["dir"], max(1, int(hosts)))


def _secret():
    return base64.urlsafe_b64encode(os.urandom(18)).decode()


def env_vars(labdir, base):
    """The exports lab.env carries for this simulator (base: scheme://host:port)."""
    st = store(labdir).read()
    env = {
        "OS_AUTH_URL": base + "/identity/v3",
        "OS_USERNAME": st["user"]["name"], "OS_PASSWORD": st["user"]["password"],
        "OS_PROJECT_NAME": st["project"]["name"],
        "OS_USER_DOMAIN_NAME": "Default", "OS_PROJECT_DOMAIN_NAME": "Default",
        "OS_REGION_NAME": "RegionOne", "OS_IDENTITY_API_VERSION": "3",
        "OS_INTERFACE": "public", "VMIGRATE_METADATA_URL": base,
    }
    for n, s in enumerate(st["servers"], 1):
        sfx = "" if n == 1 else "_%d" % n
        env["VMIGRATE_CONVERSION_HOST" + sfx] = s["id"]
        env["VMIGRATE_DEVICE_DIR" + sfx] = s["device_dir"]
    return env


def volume_hash(labdir, vid, nbytes=None):
    """sha256 hex of the first nbytes of the volume (all of it if None)."""
    if vid not in store(labdir).read().get("volumes", {}):
        raise LabError("no volume %s in this lab" % vid)
    h = hashlib.sha256()
    left = os.path.getsize(volume_file(labdir, vid)) if nbytes is None else nbytes
    with open(volume_file(labdir, vid), "rb") as f:
        while left > 0:
            chunk = f.read(min(left, 1 << 22))
            if not chunk:
                raise LabError("volume %s is shorter than %d bytes" % (vid, nbytes))
            h.update(chunk)
            left -= len(chunk)
    return h.hexdigest()


def expire_tokens(labdir):
    """Every token issued so far becomes invalid (401 everywhere)."""
    with store(labdir).locked() as st:
        for rec in st.get("tokens", {}).values():
            rec["expires"] = 0


# --- metadata service (no authentication, like 169.254.169.254) -------------------------

def _meta_data(req):
    st = store(req.labdir).read()
    s = st["servers"][0]
    return {"uuid": s["id"], "name": s["name"], "hostname": s["name"] + ".novalocal",
            "availability_zone": "nova", "launch_index": 0, "project_id": st["project"]["id"],
            "meta": {}, "devices": [], "keys": [], "public_keys": {},
            "random_seed": base64.b64encode(os.urandom(64)).decode()}


METADATA = {
    "/openstack": "2012-08-10\n2013-04-04\n2013-10-17\n2015-10-15\n2016-06-30\n"
                  "2016-10-06\n2017-02-22\n2018-08-27\n2020-10-14\nlatest",
    "/openstack/latest": "meta_data.json\nnetwork_data.json\nvendor_data.json\n"
                         "vendor_data2.json",
    "/openstack/latest/meta_data.json": _meta_data,
    "/openstack/latest/network_data.json": {"links": [], "networks": [], "services": []},
    "/openstack/latest/vendor_data.json": {},
    "/openstack/latest/vendor_data2.json": {},
}


# --- routing ------------------------------------------------------------------------------------

SERVICES = (("keystone", keystone), ("cinder", cinder), ("nova", nova), ("glance", glance),
            ("neutron", neutron))


def resolve(method, path):
    """(style, function, url groups, needs auth) for a request, or ApiError."""
    if path in ("", "/") or re.fullmatch(r"/identity/?", path):
        return "keystone", keystone.versions, {}, False
    for style, mod in SERVICES:
        if path != mod.PREFIX and not path.startswith(mod.PREFIX + "/"):
            continue
        rest, seen = path[len(mod.PREFIX):], False
        for route in mod.ROUTES:
            m = re.fullmatch(route[1], rest)
            if m:
                seen = True
                if route[0] == method:
                    return style, route[2], m.groupdict(), len(route) > 3 and route[3]
        if seen:
            raise ApiError(405, "The method %s is not allowed for this resource." % method)
        raise ApiError(404, "The resource could not be found.")
    raise ApiError(404, "The resource could not be found.")


def style_of(path):
    for style, mod in SERVICES:
        if path == mod.PREFIX or path.startswith(mod.PREFIX + "/"):
            return style
    return "metadata" if path.startswith("/openstack") else "keystone"


def run_route(req, style, fn, groups, auth):
    """Authenticate and negotiate the microversion as the service would, then
    call the route.  Returns (code, body[, headers])."""
    if style == "cinder":
        if auth:
            authenticate(req)
            if groups.get("pid") != req.token["project_id"]:
                raise ApiError(400, "Malformed request url: project_id '%s' does not match "
                               "the token's project" % groups.get("pid"))
        negotiate(req, "volume", cinder.VMIN, cinder.VMAX)
    elif style == "nova":
        if auth:
            authenticate(req)
        negotiate(req, "compute", nova.VMIN, nova.VMAX, nova.LEGACY)
    elif auth:
        authenticate(req)
    return fn(req, **groups)


def fault_error(rule, req):
    """The ApiError an injected http-5xx/429/quota rule produces."""
    action = rule["action"]
    if action == "quota":
        body = req.body if isinstance(req.body, dict) else {}
        size = ((body.get("volume") or {}).get("size")
                or (body.get("os-extend") or {}).get("new_size") or 1)
        limit = faults.knobs(req.labdir)["quota_gigabytes"]
        return cinder.over_quota(size, limit, limit)
    if action == "http-429":
        return ApiError(429, "This request was rate-limited.",
                        {"Retry-After": str(rule.get("arg") or 1)})
    if action == "http-503":
        return ApiError(503, "The service is unavailable at this time (lab fault).")
    return ApiError(500, "The server has either erred or is incapable of performing the "
                    "requested operation. (lab fault)")


class Handler(LabHandler):
    log_name = "openstack"

    def do_GET(self):
        self.dispatch()

    do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_GET

    def dispatch(self):
        url = urllib.parse.urlsplit(self.path)
        path = re.sub(r"//+", "/", url.path)
        raw = self.read_body()
        host = self.headers.get("Host") or "127.0.0.1:%d" % self.server.server_address[1]
        req = Request(self.labdir, self.command, path, urllib.parse.parse_qs(url.query),
                      self.headers, None, "%s://%s" % (self.server.scheme, host))
        style = style_of(path)
        try:
            if raw:
                try:
                    req.body = json.loads(raw)
                except ValueError:
                    raise ApiError(400, "Malformed request body")
            if not self.apply_fault(req):
                return
            if style == "metadata":
                return self.metadata(path)
            out = run_route(req, *resolve(self.command, path))
        except ApiError as e:
            hdrs = dict(req.reply_headers)
            hdrs.update(e.headers)
            return self.send_json(e.code, error_body(e.style or style, e.code, e.message,
                                                     e.kind), hdrs)
        except Exception:
            self.log_message("internal error: %s", traceback.format_exc())
            return self.send_json(500, error_body(style, 500, "internal lab error"))
        code, body = out[0], out[1]
        hdrs = dict(req.reply_headers)
        hdrs.update(out[2] if len(out) > 2 else {})
        self.send_json(code, body, hdrs)

    def apply_fault(self, req):
        """Injected faults, matched on "METHOD /path".  False: the fault
        answered (or dropped) the request itself."""
        rule = faults.match(self.labdir, "openstack", "%s %s" % (req.method, req.path))
        if rule is None:
            return True
        self.log_message("fault %s on %s %s", rule["action"], req.method, req.path)
        if rule["action"] == "drop":
            self.drop_connection()
            return False
        if rule["action"] == "hang":
            self.hang()
            return False
        if rule["action"] == "reply":
            # 200 with ARG as the whole body, verbatim: a hostile or broken server.
            self.send_bytes(200, (rule.get("arg") or "").encode())
            return False
        if rule["action"] == "delay":
            time.sleep(float(rule.get("arg") or 1))
            return True
        if rule["action"] == "task-error":
            # Served as usual; the work it starts (a server build) fails.
            req.fault = rule
            return True
        raise fault_error(rule, req)

    def metadata(self, path):
        item = METADATA.get(path.rstrip("/"))
        if item is None or self.command not in ("GET", "HEAD"):
            return self.send_bytes(404, b"404 Not Found\n", "text/plain")
        if callable(item):
            item = item(self)
        if isinstance(item, str):
            return self.send_bytes(200, item.encode(), "text/plain; charset=UTF-8")
        self.send_json(200, item)
