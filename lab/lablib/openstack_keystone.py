"""Keystone v3 as far as clients need it: version discovery, password and
application-credential authentication, token validation and revocation."""
import base64
import os
import time

from .openstack_common import ApiError, AUTH_REQUIRED, store, ts_keystone, hex_id
from . import faults

DOMAIN = {"id": "default", "name": "Default"}
MAX_TOKENS = 500  # bound the state file: the oldest tokens are forgotten


def version_doc(base):
    return {
        "id": "v3.14", "status": "stable", "updated": "2020-04-07T00:00:00Z",
        "links": [{"rel": "self", "href": base + "/identity/v3/"}],
        "media-types": [{"base": "application/json",
                         "type": "application/vnd.openstack.identity-v3+json"}],
    }


def versions(req):
    # Keystone answers the unversioned URL with 300 Multiple Choices.
    return 300, {"versions": {"values": [version_doc(req.base)]}}


def version(req):
    return 200, {"version": version_doc(req.base)}


def catalog(base, project_id):
    def svc(typ, name, url):
        return {"type": typ, "name": name, "id": hex_id(),
                "endpoints": [{"id": hex_id(), "interface": i, "region": "RegionOne",
                               "region_id": "RegionOne", "url": url}
                              for i in ("public", "internal", "admin")]}
    volume = "%s/volume/v3/%s" % (base, project_id)
    # devstack registers Cinder under both service types; clients look for either.
    return [svc("identity", "keystone", base + "/identity"),
            svc("block-storage", "cinder", volume),
            svc("volumev3", "cinderv3", volume),
            svc("compute", "nova", base + "/compute/v2.1"),
            svc("network", "neutron", base + "/networking"),
            svc("image", "glance", base + "/image")]


def token_body(st, rec, base):
    u = st["user"]
    body = {
        "methods": rec["methods"], "audit_ids": [rec["audit_id"]],
        "expires_at": ts_keystone(rec["expires"]), "issued_at": ts_keystone(rec["issued"]),
        "user": {"id": u["id"], "name": u["name"], "domain": DOMAIN,
                 "password_expires_at": None},
        "roles": [{"id": r["id"], "name": r["name"]} for r in st["roles"]],
        "is_domain": False,
    }
    if rec.get("project_id"):
        p = st["project"]
        body["project"] = {"id": p["id"], "name": p["name"], "domain": DOMAIN}
        body["catalog"] = catalog(base, p["id"])
    else:
        del body["roles"]
    if rec.get("app_cred_id"):
        ac = st["application_credential"]
        body["application_credential"] = {"id": ac["id"], "name": ac["name"],
                                          "restricted": True}
    return {"token": body}


def _unauthorized(msg=AUTH_REQUIRED):
    return ApiError(401, msg)


def _check_user(st, user):
    """The user object of a password method: by id, or by name + domain."""
    u = st["user"]
    if user.get("id"):
        ok = user["id"] == u["id"]
    else:
        dom = user.get("domain") or {}
        ok = (user.get("name") == u["name"]
              and (dom.get("id") == DOMAIN["id"] or dom.get("name") == DOMAIN["name"]))
    if not ok or user.get("password") != u["password"]:
        raise _unauthorized()


def _check_app_cred(st, ac):
    mine = st["application_credential"]
    if ac.get("id"):
        ok = ac["id"] == mine["id"]
    else:
        user = ac.get("user") or {}
        ok = ac.get("name") == mine["name"] and (
            user.get("id") == st["user"]["id"] or user.get("name") == st["user"]["name"])
    if not ok or ac.get("secret") != mine["secret"]:
        raise _unauthorized()


def _scope_project(st, scope):
    """Project id the token is scoped to, or None for an unscoped token."""
    if not scope:
        return None
    proj = scope.get("project")
    if proj is None:
        raise _unauthorized("The lab only has project scope.")
    p = st["project"]
    if proj.get("id"):
        ok = proj["id"] == p["id"]
    else:
        dom = proj.get("domain") or {}
        ok = proj.get("name") == p["name"] and (
            dom.get("id") == DOMAIN["id"] or dom.get("name") == DOMAIN["name"])
    if not ok:
        raise _unauthorized("User %s has no access to project %s"
                            % (st["user"]["id"], proj.get("id") or proj.get("name")))
    return p["id"]


def issue(req):
    """POST /v3/auth/tokens."""
    try:
        auth = req.body["auth"]
        ident = auth["identity"]
        methods = ident["methods"]
    except (TypeError, KeyError):
        raise ApiError(400, "Expecting to find auth/identity/methods in request body.")
    ttl = faults.knobs(req.labdir)["token_ttl"]
    with store(req.labdir).locked() as st:
        rec = {"methods": methods, "issued": time.time(), "audit_id": _audit_id(),
               "user_id": st["user"]["id"]}
        if methods == ["password"]:
            _check_user(st, (ident.get("password") or {}).get("user") or {})
            rec["project_id"] = _scope_project(st, auth.get("scope"))
        elif methods == ["application_credential"]:
            _check_app_cred(st, ident.get("application_credential") or {})
            rec["project_id"] = st["project"]["id"]  # an app cred is bound to it
            rec["app_cred_id"] = st["application_credential"]["id"]
        else:
            raise _unauthorized("Unsupported authentication method(s): %s" % methods)
        rec["expires"] = rec["issued"] + ttl
        tid = "gAAAAA" + base64.urlsafe_b64encode(os.urandom(135)).decode().rstrip("=")
        tokens = st.setdefault("tokens", {})
        tokens[tid] = rec
        _prune(tokens)
        body = token_body(st, rec, req.base)
    return 201, body, {"X-Subject-Token": tid}


def _audit_id():
    return base64.urlsafe_b64encode(os.urandom(16)).decode().rstrip("=")


def _prune(tokens):
    """Drop expired tokens and the oldest beyond MAX_TOKENS."""
    now = time.time()
    for k in [k for k, r in tokens.items() if r["expires"] < now - 3600]:
        del tokens[k]
    if len(tokens) > MAX_TOKENS:
        for k in sorted(tokens, key=lambda k: tokens[k]["issued"])[:len(tokens) - MAX_TOKENS]:
            del tokens[k]


def _live(st, tid):
    rec = st.get("tokens", {}).get(tid or "")
    return rec if rec and rec["expires"] > time.time() else None


def _caller_and_subject(req, st):
    if _live(st, req.headers.get("X-Auth-Token")) is None:
        raise _unauthorized()
    subj = req.headers.get("X-Subject-Token")
    rec = _live(st, subj)
    if rec is None:
        raise ApiError(404, "Could not find token: %s" % (subj or "")[:8])
    return subj, rec


def validate(req):
    """GET/HEAD /v3/auth/tokens (HEAD sends no body)."""
    st = store(req.labdir).read()
    subj, rec = _caller_and_subject(req, st)
    return 200, token_body(st, rec, req.base), {"X-Subject-Token": subj}


def revoke(req):
    with store(req.labdir).locked() as st:
        subj, _ = _caller_and_subject(req, st)
        del st["tokens"][subj]
    return 204, None


def auth_projects(req):
    st = store(req.labdir).read()
    if _live(st, req.headers.get("X-Auth-Token")) is None:
        raise _unauthorized()
    p = st["project"]
    return 200, {"projects": [{"id": p["id"], "name": p["name"], "domain_id": "default",
                               "enabled": True, "is_domain": False, "parent_id": "default",
                               "description": "", "tags": [],
                               "links": {"self": "%s/identity/v3/projects/%s"
                                         % (req.base, p["id"])}}],
                 "links": {"self": req.base + "/identity/v3/auth/projects",
                           "previous": None, "next": None}}


def auth_catalog(req):
    st = store(req.labdir).read()
    rec = _live(st, req.headers.get("X-Auth-Token"))
    if rec is None:
        raise _unauthorized()
    return 200, {"catalog": catalog(req.base, st["project"]["id"]) if rec.get("project_id")
                 else [], "links": {"self": req.base + "/identity/v3/auth/catalog"}}


PREFIX = "/identity/v3"
ROUTES = [
    ("GET", r"/?", version),
    ("POST", r"/auth/tokens", issue),
    ("GET", r"/auth/tokens", validate),
    ("HEAD", r"/auth/tokens", validate),
    ("DELETE", r"/auth/tokens", revoke),
    ("GET", r"/auth/projects", auth_projects),
    ("GET", r"/auth/catalog", auth_catalog),
]
