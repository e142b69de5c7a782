"""Shared pieces of the OpenStack simulator: state access, errors, request
context, timestamps, microversions and delayed state transitions.

The Keystone, Cinder, Neutron and Nova route modules import from here (and
Nova from Neutron, whose ports it binds), so that openstack.py (the public
face used by labctl) can import all of them.
"""
import os
import subprocess
import threading
import time
import traceback
import uuid

from .store import Store, lab_paths
from . import faults


class LabError(Exception):
    """An error labctl reports to its user (bad volume id, ...)."""


class ApiError(Exception):
    """An HTTP error reply; rendered in the calling service's body style."""

    def __init__(self, code, message, headers=None, style=None, kind=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.headers = headers or {}
        self.style = style  # body style when not the service's own
        self.kind = kind  # Neutron's error type (MacAddressInUse, ...)


# Nova and Cinder name their fault bodies after the status code
# (the same table in both projects' wsgi/faults code).
FAULT_NAMES = {400: "badRequest", 401: "unauthorized", 403: "forbidden",
               404: "itemNotFound", 405: "badMethod", 409: "conflictingRequest",
               413: "overLimit", 415: "badMediaType", 429: "overLimit",
               501: "notImplemented", 503: "serviceUnavailable"}

# Keystone's error titles.
TITLES = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
          405: "Method Not Allowed", 406: "Not Acceptable", 409: "Conflict",
          413: "Request Entity Too Large", 429: "Too Many Requests",
          500: "Internal Server Error", 503: "Service Unavailable"}

# Neutron's generic error types (webob's exception names) by status code.
NEUTRON_TYPES = {400: "HTTPBadRequest", 403: "HTTPForbidden", 404: "HTTPNotFound",
                 405: "HTTPMethodNotAllowed", 409: "HTTPConflict", 429: "HTTPTooManyRequests",
                 500: "HTTPInternalServerError", 503: "HTTPServiceUnavailable"}

AUTH_REQUIRED = "The request you have made requires authentication."


def error_body(style, code, message, kind=None):
    """The JSON body a real service sends with an error of this code."""
    if style == "keystone":
        return {"error": {"code": code, "title": TITLES.get(code, "Error"),
                          "message": message}}
    if style == "neutron":
        return {"NeutronError": {"type": kind or NEUTRON_TYPES.get(code, "HTTPError"),
                                 "message": message, "detail": ""}}
    return {FAULT_NAMES.get(code, "computeFault"): {"code": code, "message": message}}


def store(labdir):
    return Store(lab_paths(labdir)["openstack_state"])


def new_id():
    return str(uuid.uuid4())


def hex_id():
    return uuid.uuid4().hex


# --- timestamps: each service has its own format --------------------------

def ts_cinder(t=None):
    t = time.time() if t is None else t
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".%06d" % int((t % 1) * 1e6)


def ts_nova(t=None):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() if t is None else t))


def ts_keystone(t):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".%06dZ" % int((t % 1) * 1e6)


# --- files ------------------------------------------------------------------

def volume_file(labdir, vid):
    return os.path.join(lab_paths(labdir)["volumes"], vid + ".img")


def snapshot_file(labdir, sid):
    return os.path.join(lab_paths(labdir)["volumes"], "snapshot-" + sid + ".img")


def sparse_copy(src, dst):
    """Copy keeping holes (and sharing extents where the filesystem can)."""
    subprocess.run(["cp", "--sparse=always", "--reflink=auto", src, dst], check=True)


def unlink_quiet(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


# --- request context ----------------------------------------------------------

class Request:
    """What a route function needs to know about the request being served."""

    def __init__(self, labdir, method, path, query, headers, body, base):
        self.labdir = labdir  # lab directory
        self.method = method  # "GET", ...
        self.path = path  # URL path without the query
        self.query = query  # dict: name -> list of values
        self.headers = headers  # http.client.HTTPMessage
        self.body = body  # parsed JSON body or None
        self.base = base  # "http://127.0.0.1:PORT" as the client addressed us
        self.token = None  # the caller's token record once authenticated
        self.version = None  # negotiated microversion (tuple) for Cinder/Nova
        self.reply_headers = {}  # extra headers every reply of this request carries
        self.fault = None  # a task-error rule that matched: the work it starts fails

    def q(self, name, default=None):
        v = self.query.get(name)
        return v[0] if v else default

    def knobs(self):
        return faults.knobs(self.labdir)


def authenticate(req):
    """Check X-Auth-Token like keystonemiddleware does in front of every
    service; a missing, unknown, expired or unscoped token is a 401.  The
    middleware answers before the service does, so the body is its
    {"error": {...}} one, for Cinder and Nova alike."""
    tok = req.headers.get("X-Auth-Token")
    hdr = {"WWW-Authenticate": 'Keystone uri="%s/identity"' % req.base}
    rec = store(req.labdir).read().get("tokens", {}).get(tok or "")
    if rec is None or rec["expires"] <= time.time() or not rec.get("project_id"):
        raise ApiError(401, AUTH_REQUIRED, hdr, style="keystone")
    req.token = rec
    return rec


# --- microversions --------------------------------------------------------------

def parse_version(s):
    major, _, minor = s.strip().partition(".")
    return (int(major), int(minor))


def vstr(v):
    return "%d.%d" % v


def negotiate(req, service, vmin, vmax, legacy_header=None):
    """Pick the microversion asked for with `OpenStack-API-Version: SERVICE X.Y`
    (or the legacy header), default the minimum; echo it in the reply."""
    asked = None
    for part in (req.headers.get("OpenStack-API-Version") or "").split(","):
        words = part.split()
        if len(words) == 2 and words[0].lower() == service:
            asked = words[1]
    if asked is None and legacy_header:
        asked = req.headers.get(legacy_header)
    if asked is None:
        v = vmin
    elif asked.strip().lower() == "latest":
        v = vmax
    else:
        try:
            v = parse_version(asked)
        except ValueError:
            raise ApiError(400, "Invalid API version request: %s" % asked)
        if not vmin <= v <= vmax:
            raise ApiError(406, "Version %s is not supported by the API. Minimum is %s and "
                           "maximum is %s." % (asked, vstr(vmin), vstr(vmax)))
    req.version = v
    req.reply_headers["OpenStack-API-Version"] = "%s %s" % (service, vstr(v))
    req.reply_headers["Vary"] = "OpenStack-API-Version"
    if legacy_header:
        req.reply_headers[legacy_header] = vstr(v)
        req.reply_headers["Vary"] += ", " + legacy_header
    return v


# --- delayed transitions ----------------------------------------------------------

def later(labdir, delay, fn):
    """Run fn(state) under the state lock after `delay` seconds, in this
    (server) process.  Used for creating -> available and the like: the
    device link of an attach must appear by itself, not on the next request."""
    def run():
        try:
            with store(labdir).locked() as st:
                fn(st)
        except Exception:  # never let a timer die silently
            log_path = os.path.join(lab_paths(labdir)["logs"], "openstack.log")
            with open(log_path, "a") as f:
                f.write("timer error: %s\n" % traceback.format_exc())
    t = threading.Timer(max(0.0, float(delay)), run)
    t.daemon = True
    t.start()


def str_bool(v, what):
    """Cinder's strict boolean parsing (bool or the usual strings)."""
    if isinstance(v, bool):
        return v
    s = str(v).strip().lower()
    if s in ("1", "t", "true", "on", "y", "yes"):
        return True
    if s in ("0", "f", "false", "off", "n", "no"):
        return False
    raise ApiError(400, "Invalid value '%s' for %s, accepted values are: 't', 'true', "
                   "'on', 'y', 'yes', '1', 'f', 'false', 'off', 'n', 'no', '0'" % (v, what))
