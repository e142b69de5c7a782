"""vSphere Web Services (SOAP, urn:vim25) simulator: sessions, inventory,
PropertyCollector, SearchIndex, snapshots, power, reconfigure, tasks and
QueryChangedDiskAreas, with the XML shapes vCenter uses."""
import itertools
import threading
import time
import uuid
import xml.etree.ElementTree as ET

from . import faults
from . import vsphere_model as model
from .vsphere_mutations import mutate
from .httpbase import LabHandler
from .soapxml import DO, Arr, Mo, Any, Long, DateTime, Writer, XSI_NS
from .vsphere_inventory import world, is_a, inventory_path, service_content

COOKIE = "vmware_soap_session"
SERVICE_VERSIONS = b"""<?xml version="1.0" encoding="UTF-8" ?>
<namespaces version="1.0">
 <namespace>
  <name>urn:vim25</name>
  <version>8.0.2.0</version>
  <priorVersions>
   <version>8.0.1.0</version><version>8.0.0.0</version><version>7.0.3.0</version>
   <version>7.0.2.0</version><version>7.0.1.0</version><version>7.0</version>
   <version>6.9.1</version><version>6.8.7</version><version>6.7.3</version>
   <version>6.7.2</version><version>6.7.1</version><version>6.7</version>
   <version>6.5</version><version>6.0</version><version>5.5</version>
   <version>5.1</version><version>5.0</version><version>4.1</version><version>4.0</version>
  </priorVersions>
 </namespace>
</namespaces>
"""


class Fault(Exception):
    """A vim25 method fault: type name, faultstring, fault fields."""

    def __init__(self, type_, message, **fields):
        super().__init__(message)
        self.type, self.message, self.fields = type_, message, fields


def local(tag):
    return tag.rpartition("}")[2]


def child(el, name):
    for c in el:
        if local(c.tag) == name:
            return c
    return None


def children(el, name):
    return [c for c in el if local(c.tag) == name]


def text(el, name, default=None):
    c = child(el, name)
    return c.text if c is not None and c.text is not None else default


def as_bool(s, default=False):
    return default if s is None else s.strip() in ("true", "1")


def xsi_type(el):
    t = el.get("{%s}type" % XSI_NS)
    return t.rpartition(":")[2] if t else None


def moref_arg(el, name):
    c = child(el, name)
    return (c.get("type"), c.text) if c is not None else (None, None)


# In-memory, per-process state (ephemeral in vCenter too).
_mem_lock = threading.Lock()
_filters = {}  # filter id -> {"spec", "versions": {ver: snapshot}, "next": int}
_views = {}    # view id -> (container moref, [types], recursive)
_tokens = {}   # RetrievePropertiesEx continuation token -> remaining ObjectContents
_ids = itertools.count(1)


class Handler(LabHandler):
    log_name = "vsphere"

    # ---- HTTP ----
    def do_GET(self):
        if self.path.rstrip("/") in ("/sdk/vimServiceVersions.xml",):
            return self.send_bytes(200, SERVICE_VERSIONS, "text/xml")
        self.send_bytes(404, b"not found\n", "text/plain")

    def do_POST(self):
        body = self.read_body()
        # A task's clock starts when its request arrives, as in vCenter,
        # which answers at once and does the work while the task runs (the
        # lab copies snapshot disks before it answers).
        self.received = time.time()
        k = faults.knobs(self.labdir)
        self.w = Writer(k["soap_xsi_prefix"], k["soap_xsd_prefix"])
        self.knobs = k
        if self.path.split("?")[0].rstrip("/") != "/sdk":
            return self.send_bytes(404, b"not found\n", "text/plain")
        try:
            env = ET.fromstring(body)
            method_el = list(child(env, "Body"))[0]
        except (ET.ParseError, IndexError, TypeError):
            return self.send_fault(Fault("InvalidRequest", "Unable to parse the SOAP request"))
        method = local(method_el.tag)
        self.log_message("soap %s", method)
        rule = faults.match(self.labdir, "vsphere", method)
        if rule and rule["action"] == "delay":
            time.sleep(float(rule["arg"] or 1))
            rule = None
        if rule and rule["action"] == "drop":
            return self.drop_connection()
        if rule and rule["action"] == "hang":
            return self.hang()
        if rule and rule["action"].startswith("http-"):
            code = int(rule["action"][5:])
            return self.send_bytes(code, b"Service Unavailable\n", "text/plain")
        self.set_cookie = None
        try:
            if rule and rule["action"] == "soap-fault":
                raise Fault(rule["arg"] or "SystemError", "Injected fault: %s" % (rule["arg"],),
                            **({"reason": "injected"} if (rule["arg"] or "SystemError") == "SystemError" else {}))
            self.task_error = rule if rule and rule["action"] == "task-error" else None
            fn = getattr(self, "m_" + method, None)
            if fn is None:
                raise Fault("MethodNotFound", "The method %s is not supported" % method,
                            receiver=Mo(*moref_arg(method_el, "_this")) if child(method_el, "_this") is not None else None,
                            method=method)
            session = self.session(method)
            result = fn(method_el, session)
            if rule and rule["action"] == "mutate":
                result = mutate(rule["arg"], result, {"register_token": self.register_token})
        except Fault as f:
            return self.send_fault(f)
        headers = {}
        if self.set_cookie:
            headers["Set-Cookie"] = '%s="%s"; Path=/; HttpOnly; Secure;' % (COOKIE, self.set_cookie)
        self.send_bytes(200, self.w.response(method, result), "text/xml; charset=utf-8", headers)

    def send_fault(self, f):
        fields = {k: v for k, v in f.fields.items() if v is not None}
        headers = {}
        if getattr(self, "set_cookie", None):
            headers["Set-Cookie"] = '%s="%s"; Path=/; HttpOnly; Secure;' % (COOKIE, self.set_cookie)
        self.send_bytes(500, self.w.fault(f.type, f.message, fields), "text/xml; charset=utf-8",
                        headers)

    # ---- sessions ----
    def cookie_key(self):
        raw = self.headers.get("Cookie") or ""
        i = raw.find(COOKIE + "=")
        if i < 0:
            return None
        v = raw[i + len(COOKIE) + 1:].split(";")[0].strip().strip('"')
        return v or None

    def session(self, method):
        """The caller's session; a new anonymous one gets a cookie.  Every
        method but the bootstrap ones needs a live, logged-in session."""
        key = self.cookie_key()
        now = time.time()
        with model.store(self.labdir).locked() as st:
            s = st["sessions"].get(key) if key else None
            if s is None:
                key = str(uuid.uuid4())
                s = st["sessions"][key] = {"user": None, "last": now, "expired": False}
                self.set_cookie = key
            ttl = self.knobs["session_ttl"]
            live = s["user"] and not s["expired"] and now - s["last"] <= ttl
            if method not in ("RetrieveServiceContent", "Login", "CurrentTime", "LoginByToken") and not live:
                s["user"] = None
                raise Fault("NotAuthenticated", "The session is not authenticated.",
                            object=Mo("SessionManager", "SessionManager"), privilegeId="System.View")
            s["last"] = now
            return dict(s, key=key)

    # ---- ServiceInstance / SessionManager ----
    def m_RetrieveServiceContent(self, el, sess):
        return service_content(model.store(self.labdir).read())

    def m_CurrentTime(self, el, sess):
        return DateTime(time.time())

    def m_Login(self, el, sess):
        user, pwd = text(el, "userName", ""), text(el, "password", "")
        if user != model.USER or pwd != model.password(self.labdir):
            raise Fault("InvalidLogin", "Cannot complete login due to an incorrect user name or password.")
        now = time.time()
        with model.store(self.labdir).locked() as st:
            s = st["sessions"][sess["key"]]
            s.update({"user": user, "expired": False, "last": now, "login": now})
        return DO("UserSession", key=sess["key"], userName=user, fullName="Administrator",
                  loginTime=DateTime(now), lastActiveTime=DateTime(now), locale="en",
                  messageLocale="en", extensionSession=False, ipAddress="127.0.0.1",
                  userAgent=self.headers.get("User-Agent", ""), callCount=Long(0))

    def m_Logout(self, el, sess):
        with model.store(self.labdir).locked() as st:
            st["sessions"].pop(sess["key"], None)
        return None

    def m_SessionIsActive(self, el, sess):
        with model.store(self.labdir).locked() as st:
            s = st["sessions"].get(text(el, "sessionID"))
        return bool(s and s["user"] and not s["expired"])

    # ---- SearchIndex ----
    def m_FindByInventoryPath(self, el, sess):
        path = (text(el, "inventoryPath", "") or "").strip("/")
        st = model.store(self.labdir).read()
        w = world(st)
        for moref, (typ, _) in w.items():
            if typ in ("Folder", "Datacenter", "VirtualMachine", "Datastore", "HostSystem") \
                    and inventory_path(st, w, moref) == path:
                return Mo(typ, moref)
        return None

    def m_FindByUuid(self, el, sess):
        want = (text(el, "uuid", "") or "").lower()
        by_instance = as_bool(text(el, "instanceUuid"))
        st = model.store(self.labdir).read()
        for vm in st["vms"].values():
            if (vm["instance_uuid"] if by_instance else vm["uuid"]).lower() == want:
                return Mo("VirtualMachine", vm["moref"])
        return None

    def m_FindChild(self, el, sess):
        _, parent = moref_arg(el, "entity")
        name = text(el, "name")
        w = world(model.store(self.labdir).read())
        if parent not in w:
            raise Fault("ManagedObjectNotFound", "The object has already been deleted or has not been completely created",
                        obj=Mo("ManagedEntity", parent))
        props = w[parent][1]
        kids = list(props.get("childEntity").items) if props.get("childEntity") else []
        for k in ("vmFolder", "hostFolder", "datastoreFolder", "networkFolder"):
            if props.get(k):
                kids.append(props[k])
        for m in kids:
            if w[m.value][1].get("name") == name:
                return m
        return None

    # ---- ViewManager ----
    def m_CreateContainerView(self, el, sess):
        _, container = moref_arg(el, "container")
        types = [c.text for c in children(el, "type")]
        rec = as_bool(text(el, "recursive"))
        vid = "session[%s]%s" % (sess["key"][:8], uuid.uuid4())
        with _mem_lock:
            _views[vid] = (container, types, rec)
        return Mo("ContainerView", vid)

    def m_DestroyView(self, el, sess):
        with _mem_lock:
            _views.pop(moref_arg(el, "_this")[1], None)
        return None

    # ---- PropertyCollector ----
    def snapshot_world(self):
        st = model.store(self.labdir).read()
        w = world(st, omit_bytes=bool(self.knobs["omit_capacity_bytes"]))
        with _mem_lock:
            views = dict(_views)
        for vid, (container, types, rec) in views.items():
            found = []
            self._descend(w, container, types, rec, found, set())
            w[vid] = ("ContainerView", {"view": Arr("ManagedObjectReference", found),
                                         "container": Mo(w[container][0], container) if container in w else None,
                                         "type": Arr("string", types), "recursive": rec})
        return w

    def _descend(self, w, moref, types, rec, out, seen):
        if moref not in w or moref in seen:
            return
        seen.add(moref)
        props = w[moref][1]
        kids = list(props["childEntity"].items) if props.get("childEntity") else []
        for k in ("vmFolder", "hostFolder", "datastoreFolder", "networkFolder"):
            if props.get(k):
                kids.append(props[k])
        for m in kids:
            if not types or any(is_a(m.type, t) for t in types):
                out.append(m)
            if rec:
                self._descend(w, m.value, types, rec, out, seen)

    def parse_spec(self, spec_el):
        props = [{"type": text(p, "type"), "all": as_bool(text(p, "all")),
                  "paths": [c.text for c in children(p, "pathSet")]}
                 for p in children(spec_el, "propSet")]
        objs = []
        for o in children(spec_el, "objectSet"):
            objs.append({"obj": moref_arg(o, "obj"), "skip": as_bool(text(o, "skip")),
                         "select": [self.parse_select(s) for s in children(o, "selectSet")]})
        return {"props": props, "objs": objs}

    def parse_select(self, el):
        s = {"name": text(el, "name"), "type": text(el, "type"), "path": text(el, "path"),
             "skip": as_bool(text(el, "skip")),
             "select": [self.parse_select(c) for c in children(el, "selectSet")]}
        s["traversal"] = xsi_type(el) == "TraversalSpec" or s["path"] is not None
        return s

    def collect(self, w, spec):
        """Apply a PropertyFilterSpec: the ObjectContent list."""
        named = {}

        def index(sel):
            for s in sel:
                if s["traversal"] and s["name"]:
                    named[s["name"]] = s
                index(s["select"])
        for o in spec["objs"]:
            index(o["select"])
        found = []
        seen = set()

        def visit(moref, select, skip):
            if moref in seen:
                return
            seen.add(moref)
            if moref not in w:
                raise Fault("ManagedObjectNotFound",
                            "The object 'vim.%s:%s' has already been deleted or has not been completely created"
                            % ("ManagedEntity", moref), obj=Mo("ManagedEntity", moref))
            typ, props = w[moref]
            if not skip:
                found.append(moref)
            for s in select:
                ts = s if s["traversal"] else named.get(s["name"])
                if not ts or not is_a(typ, ts["type"]):
                    continue
                v = props.get(ts["path"])
                for m in (v.items if isinstance(v, Arr) else [v] if isinstance(v, Mo) else []):
                    # A revisit through another path may still need this traversal.
                    seen.discard(m.value) if m.value not in found else None
                    visit(m.value, ts["select"], ts["skip"])
        for o in spec["objs"]:
            visit(o["obj"][1], o["select"], o["skip"])
        out = []
        for moref in found:
            typ, props = w[moref]
            wanted = [p for p in spec["props"] if is_a(typ, p["type"])]
            if not wanted:
                continue
            paths = []
            for p in wanted:
                paths += sorted(props) if p["all"] else p["paths"]
            dyn = []
            for path in dict.fromkeys(paths):
                val = self.prop_path(typ, moref, props, path)
                if val is not None:
                    dyn.append(DO("DynamicProperty", name=path, val=Any(val)))
            out.append(DO("ObjectContent", obj=Mo(typ, moref),
                          propSet=Arr("DynamicProperty", dyn) if dyn else None))
        return out

    def prop_path(self, typ, moref, props, path):
        parts = path.split(".")
        if parts[0] not in props and parts[0] not in KNOWN_PROPS.get(typ, ()):
            raise Fault("InvalidProperty", "", name=path)
        v = props.get(parts[0])
        for p in parts[1:]:
            if not isinstance(v, DO):
                return None
            v = v.get(p)
        return v

    def m_RetrievePropertiesEx(self, el, sess):
        w = self.snapshot_world()
        objs = []
        for spec in children(el, "specSet"):
            objs += self.collect(w, self.parse_spec(spec))
        opts = child(el, "options")
        maxo = int(text(opts, "maxObjects", "0") or 0) if opts is not None else 0
        return self.page(objs, maxo or 100)

    def page(self, objs, maxo):
        if not objs:
            return None
        token = None
        if len(objs) > maxo:
            token = str(next(_ids))
            with _mem_lock:
                _tokens[token] = (objs[maxo:], maxo)
            objs = objs[:maxo]
        return DO("RetrieveResult", token=token, objects=Arr("ObjectContent", objs))

    def register_token(self, objs):
        """A new continuation token whose next page is OBJS."""
        token = str(next(_ids))
        with _mem_lock:
            _tokens[token] = (list(objs), max(len(objs), 1))
        return token

    def m_ContinueRetrievePropertiesEx(self, el, sess):
        with _mem_lock:
            rest = _tokens.pop(text(el, "token"), None)
        if rest is None:
            raise Fault("InvalidArgument", "A specified parameter was not correct: token",
                        invalidProperty="token")
        return self.page(*rest)

    def m_CancelRetrievePropertiesEx(self, el, sess):
        with _mem_lock:
            _tokens.pop(text(el, "token"), None)
        return None

    def m_RetrieveProperties(self, el, sess):
        w = self.snapshot_world()
        objs = []
        for spec in children(el, "specSet"):
            objs += self.collect(w, self.parse_spec(spec))
        return Arr("ObjectContent", objs) if objs else None

    def m_CreateFilter(self, el, sess):
        spec = self.parse_spec(child(el, "spec"))
        self.collect(self.snapshot_world(), spec)  # validate now, as vCenter does
        fid = "session[%s]%d" % (sess["key"][:8], next(_ids))
        with _mem_lock:
            _filters[fid] = {"spec": spec, "session": sess["key"], "versions": {}, "next": 1}
        return Mo("PropertyFilter", fid)

    def m_DestroyPropertyFilter(self, el, sess):
        with _mem_lock:
            _filters.pop(moref_arg(el, "_this")[1], None)
        return None

    def _filter_state(self, f):
        objs = self.collect(self.snapshot_world(), f["spec"])
        return {o.get("obj").value: (o.get("obj"), {d.get("name"): d for d in
                                                    (o.get("propSet").items if o.get("propSet") else [])})
                for o in objs}

    def _digest(self, props):
        """Comparable form of each property value (its XML)."""
        return {k: self.w.value("v", d.get("val")) for k, d in props.items()}

    def wait_updates(self, sess, version, max_wait):
        """WaitForUpdates(Ex): block until a filter of this session changes."""
        deadline = time.time() + max_wait
        while True:
            with _mem_lock:
                mine = {k: f for k, f in _filters.items() if f["session"] == sess["key"]}
            sets = []
            ver = int(version) if version and version.isdigit() else 0
            for fid, f in mine.items():
                cur = self._filter_state(f)
                old = f["versions"].get(ver) if ver else {}
                old = old if old is not None else {}
                updates = []
                for moref, (mo, props) in cur.items():
                    digest = self._digest(props)
                    prev = old.get(moref)
                    changes = [DO("PropertyChange", name=k, op="assign", val=Any(props[k].get("val")))
                               for k in props if prev is None or prev.get(k) != digest[k]]
                    if prev is None or changes:
                        updates.append(DO("ObjectUpdate", kind="enter" if prev is None else "modify",
                                          obj=mo, changeSet=Arr("PropertyChange", changes)))
                for moref in old:
                    if moref not in cur:
                        updates.append(DO("ObjectUpdate", kind="leave", obj=Mo("Task", moref)))
                if updates:
                    sets.append((fid, f, cur, updates))
            if sets or time.time() >= deadline:
                break
            time.sleep(0.05)
        if not sets:
            return None
        with _mem_lock:
            newver = next(_ids)
            for fid, f, cur, _ in sets:
                f["versions"][newver] = {m: self._digest(p) for m, (mo, p) in cur.items()}
            for f in mine.values():
                if newver not in f["versions"] and ver in f["versions"]:
                    f["versions"][newver] = f["versions"][ver]
        return DO("UpdateSet", version=str(newver), filterSet=Arr("PropertyFilterUpdate", [
            DO("PropertyFilterUpdate", filter=Mo("PropertyFilter", fid),
               objectSet=Arr("ObjectUpdate", ups)) for fid, f, cur, ups in sets]))

    def m_WaitForUpdatesEx(self, el, sess):
        opts = child(el, "options")
        mw = text(opts, "maxWaitSeconds") if opts is not None else None
        return self.wait_updates(sess, text(el, "version"), float(mw) if mw is not None else 60)

    def m_WaitForUpdates(self, el, sess):
        r = self.wait_updates(sess, text(el, "version"), 60)
        return r if r is not None else DO("UpdateSet", version=text(el, "version") or "0")

    def m_CheckForUpdates(self, el, sess):
        return self.wait_updates(sess, text(el, "version"), 0)

    # ---- VirtualMachine methods ----
    def _vm(self, st, el):
        typ, moref = moref_arg(el, "_this")
        vm = model.vm_by_moref(st, moref)
        if vm is None:
            raise Fault("ManagedObjectNotFound",
                        "The object 'vim.VirtualMachine:%s' has already been deleted or has not been completely created" % moref,
                        obj=Mo("VirtualMachine", moref or ""))
        return vm

    def new_task(self, st, method, desc, entity_type, entity, name, result=None, error=None):
        if self.task_error:
            error = {"type": "SystemError", "message": self.task_error["arg"] or "Injected task error",
                     "fields": {"reason": self.task_error["arg"] or "injected"}}
        moref = model.new_id(st, "task")
        st["tasks"][moref] = {"moref": moref, "method": method, "description_id": desc,
                              "entity_type": entity_type, "entity": entity, "entity_name": name,
                              "created": self.received, "step": float(self.knobs["task_step_seconds"]),
                              "user": model.USER, "result": result, "error": error}
        # Keep the task list bounded like vCenter's recent tasks.
        for old in sorted(st["tasks"], key=lambda k: st["tasks"][k]["created"])[:-200]:
            del st["tasks"][old]
        return Mo("Task", moref)

    def _busy(self, st, vm):
        for t in st["tasks"].values():
            if t["entity"] == vm["moref"] and time.time() - t["created"] < 2 * t["step"]:
                return True
        return False

    def m_CreateSnapshot_Task(self, el, sess):
        with model.store(self.labdir).locked() as st:
            vm = self._vm(st, el)
            if self._busy(st, vm):
                raise Fault("TaskInProgress", "The operation is not allowed in the current state.",
                            task=Mo("Task", ""))
            if len(vm["snapshots"]) >= 32:
                return self.new_task(st, "CreateSnapshot_Task", "VirtualMachine.createSnapshot",
                                     "VirtualMachine", vm["moref"], vm["name"], error={
                                         "type": "SnapshotFault",
                                         "message": "Exceeded the maximum number of permitted snapshots."})
            if self.task_error:
                return self.new_task(st, "CreateSnapshot_Task", "VirtualMachine.createSnapshot",
                                     "VirtualMachine", vm["moref"], vm["name"])
            snap = model.create_snapshot(self.labdir, st, vm, text(el, "name", ""),
                                         text(el, "description", ""), as_bool(text(el, "quiesce")))
            return self.new_task(st, "CreateSnapshot_Task", "VirtualMachine.createSnapshot",
                                 "VirtualMachine", vm["moref"], vm["name"],
                                 result=("VirtualMachineSnapshot", snap["moref"]))

    def m_RemoveSnapshot_Task(self, el, sess):
        _, moref = moref_arg(el, "_this")
        with model.store(self.labdir).locked() as st:
            owner = [vm for vm in st["vms"].values()
                     if any(s["moref"] == moref for s in vm["snapshots"])]
            if not owner:
                raise Fault("ManagedObjectNotFound",
                            "The object 'vim.vm.Snapshot:%s' has already been deleted or has not been completely created" % moref,
                            obj=Mo("VirtualMachineSnapshot", moref or ""))
            vm = owner[0]
            if not self.task_error:
                model.remove_snapshot(self.labdir, st, vm, moref)
            return self.new_task(st, "RemoveSnapshot_Task", "VirtualMachineSnapshot.remove",
                                 "VirtualMachine", vm["moref"], vm["name"])

    def m_PowerOffVM_Task(self, el, sess):
        with model.store(self.labdir).locked() as st:
            vm = self._vm(st, el)
            err = None
            if vm["power"] != "poweredOn":
                err = {"type": "InvalidPowerState",
                       "message": "The attempted operation cannot be performed in the current state (Powered off).",
                       "fields": {"requestedState": "poweredOn", "existingState": vm["power"]}}
            elif not self.task_error:
                vm["power"], vm["shutdown_at"] = "poweredOff", None
            return self.new_task(st, "PowerOffVM_Task", "VirtualMachine.powerOff", "VirtualMachine",
                                 vm["moref"], vm["name"], error=err)

    def m_PowerOnVM_Task(self, el, sess):
        with model.store(self.labdir).locked() as st:
            vm = self._vm(st, el)
            vm["power"], vm["tools"] = "poweredOn", "guestToolsRunning"
            model.start_tracking(vm)
            return self.new_task(st, "PowerOnVM_Task", "VirtualMachine.powerOn", "VirtualMachine",
                                 vm["moref"], vm["name"])

    def m_ShutdownGuest(self, el, sess):
        with model.store(self.labdir).locked() as st:
            vm = self._vm(st, el)
            if vm["power"] != "poweredOn":
                raise Fault("InvalidPowerState",
                            "The attempted operation cannot be performed in the current state (Powered off).",
                            requestedState="poweredOn", existingState=vm["power"])
            if vm["tools"] != "guestToolsRunning":
                raise Fault("ToolsUnavailable",
                            "Cannot complete operation because VMware Tools is not running in this virtual machine.")
            delay = float(self.knobs["shutdown_delay"])
            if delay >= 0:
                vm["shutdown_at"] = time.time() + delay
        return None

    def m_ReconfigVM_Task(self, el, sess):
        spec = child(el, "spec")
        with model.store(self.labdir).locked() as st:
            vm = self._vm(st, el)
            cbt = text(spec, "changeTrackingEnabled") if spec is not None else None
            if cbt is not None and not self.task_error:
                vm["cbt_enabled"] = as_bool(cbt)
                if not vm["cbt_enabled"]:
                    vm["cbt_active"] = False
                elif vm["power"] == "poweredOff":
                    model.start_tracking(vm)
            return self.new_task(st, "ReconfigVM_Task", "VirtualMachine.reconfigure", "VirtualMachine",
                                 vm["moref"], vm["name"])

    def m_QueryChangedDiskAreas(self, el, sess):
        st = model.store(self.labdir).read()
        vm = self._vm(st, el)
        _, snap_moref = moref_arg(el, "snapshot")
        snap = None
        if snap_moref:
            snap = [s for s in vm["snapshots"] if s["moref"] == snap_moref]
            if not snap:
                raise Fault("ManagedObjectNotFound",
                            "The object 'vim.vm.Snapshot:%s' has already been deleted or has not been completely created" % snap_moref,
                            obj=Mo("VirtualMachineSnapshot", snap_moref))
            snap = snap[0]
        elif vm["power"] == "poweredOn":
            raise Fault("InvalidArgument", "A specified parameter was not correct: snapshot",
                        invalidProperty="snapshot")
        try:
            start, length, areas = model.changed_areas(
                self.labdir, vm, snap, int(text(el, "deviceKey", "-1")),
                int(text(el, "startOffset", "0")), text(el, "changeId", "") or "")
        except model.QueryError as e:
            raise Fault(e.fault, str(e), **e.fields)
        return DO("DiskChangeInfo", startOffset=Long(start), length=Long(length),
                  changedArea=Arr("DiskChangeExtent", [DO("DiskChangeExtent", start=Long(a), length=Long(n))
                                                       for a, n in areas]) if areas else None)


# Properties that exist on a type even when unset (so asking is not an error).
KNOWN_PROPS = {
    "VirtualMachine": ("snapshot", "rootSnapshot", "layoutEx", "resourcePool", "network",
                       "parentVApp", "capability", "storage", "environmentBrowser"),
    "Folder": ("childEntity", "childType"),
}
