"""Neutron v2.0 (networking): networks, subnets with IP allocation, ports,
security groups and their rules, as far as openstackclient and a migration
tool need them.

Errors carry Neutron's own body, {"NeutronError": {"type", "message",
"detail"}}, with the exception names and messages of neutron-lib, because
clients (and vmigrate) tell a MAC clash from an IP clash by the type.
Nova binds ports through bind()/activate()/unbind() when it boots and
deletes servers: the port's device_id, device_owner and status follow.
"""
import ipaddress
import os
import re

from .openstack_common import ApiError, store, new_id, ts_nova

# The extensions a devstack ML2/OVN Neutron lists that clients look for.
EXTENSIONS = [
    ("binding", "Port Binding", "Expose port bindings of a virtual port to external application"),
    ("external-net", "Neutron external network", "Adds external network attribute to network "
     "resource."),
    ("network-mtu", "Network MTU", "Provides MTU attribute for a network resource."),
    ("port-security", "Port Security", "Provides port security"),
    ("security-group", "security-group", "The security groups extension."),
    ("standard-attr-description", "standard-attr-description", "Extension to add descriptions "
     "to standard attributes"),
    ("standard-attr-timestamp", "Resource timestamps", "Adds created_at and updated_at fields "
     "to all Neutron resources that have Neutron standard attributes."),
    ("standard-attr-revisions", "Resource revision numbers", "This extension will display the "
     "revision number of neutron resources."),
]
MTU = 1442  # what a geneve (OVN) tenant network gets on a 1500-byte underlay
HOST = "lab-compute"  # binding:host_id of ports Nova binds
MAC = re.compile(r"^([0-9a-f]{2}:){5}[0-9a-f]{2}$")
# Query parameters that are not attribute filters.
NOT_FILTERS = ("fields", "limit", "marker", "sort_key", "sort_dir", "page_reverse")


def fault(code, kind, message):
    """An error in Neutron's body style (type = the neutron-lib exception)."""
    return ApiError(code, message, kind=kind, style="neutron")


def versions(req):
    return 200, {"versions": [{"id": "v2.0", "status": "CURRENT", "links": [
        {"rel": "self", "href": req.base + "/networking/v2.0/"}]}]}


def resources(req):
    """GET /v2.0/: the collections this Neutron serves."""
    out = []
    for name, coll in (("network", "networks"), ("subnet", "subnets"), ("port", "ports"),
                       ("security_group", "security-groups"),
                       ("security_group_rule", "security-group-rules")):
        out.append({"name": name, "collection": coll, "links": [
            {"rel": "self", "href": "%s/networking/v2.0/%s" % (req.base, coll)}]})
    return 200, {"resources": out}


def _ext_view(alias, name, desc):
    return {"alias": alias, "name": name, "description": desc, "links": [],
            "updated": "2013-01-20T00:00:00-00:00"}


def list_extensions(req):
    return 200, {"extensions": [_ext_view(*e) for e in EXTENSIONS]}


def show_extension(req, alias):
    for e in EXTENSIONS:
        if e[0] == alias:
            return 200, {"extension": _ext_view(*e)}
    raise fault(404, "ExtensionNotFound", "Extension with alias %s does not exist" % alias)


# --- shared helpers ------------------------------------------------------------------

def _element(req, name):
    b = req.body
    if not isinstance(b, dict) or not isinstance(b.get(name), dict):
        raise fault(400, "HTTPBadRequest", "Resource body required")
    return b[name]


def _new(req, st, kind, rec):
    """Store a new record of collection `kind` with the standard attributes."""
    now = ts_nova()
    st["seq"] = st.get("seq", 0) + 1
    proj = req.token["project_id"] if req is not None else rec["project_id"]
    rec.update({"id": rec.get("id") or new_id(), "seq": st["seq"], "project_id": proj,
                "created_at": now, "updated_at": now, "revision_number": 0})
    rec.setdefault("description", "")
    st.setdefault(kind, {})[rec["id"]] = rec
    return rec


def _touch(rec):
    rec["updated_at"] = ts_nova()
    rec["revision_number"] = rec.get("revision_number", 0) + 1


def _std(rec):
    """Attributes every Neutron resource with standard attributes has."""
    return {"id": rec["id"], "project_id": rec["project_id"], "tenant_id": rec["project_id"],
            "description": rec["description"], "created_at": rec["created_at"],
            "updated_at": rec["updated_at"], "revision_number": rec["revision_number"],
            "tags": []}


def _qstr(v):
    """A value as it appears in a query string (Neutron compares them so)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    return "" if v is None else str(v)


def _listing(req, items, view, key, special=None):
    """Neutron's list semantics: any attribute is a filter (repeated values
    are alternatives), `fields` selects attributes, oldest first."""
    out = []
    for rec in sorted(items, key=lambda r: r["seq"]):
        v = view(rec)
        ok = True
        for name, wanted in req.query.items():
            if name in NOT_FILTERS:
                continue
            if special and name in special:
                ok = special[name](v, wanted)
            elif name in v and not isinstance(v[name], (list, dict)):
                ok = _qstr(v[name]).lower() in [w.lower() for w in wanted]
            if not ok:
                break
        if ok:
            out.append(_fields(req, v))
    return 200, {key: out}


def _fields(req, v):
    want = req.query.get("fields")
    return {k: v[k] for k in want if k in v} if want else v


def _get(st, kind, oid, exc, what):
    rec = st.get(kind, {}).get(oid)
    if rec is None:
        raise fault(404, exc, what % oid)
    return rec


def _bool(v, what):
    if isinstance(v, bool):
        return v
    s = str(v).lower()
    if s in ("true", "false"):
        return s == "true"
    raise fault(400, "HTTPBadRequest", "Invalid input for %s. Reason: '%s' is not a valid "
                "boolean value." % (what, v))


# --- networks ------------------------------------------------------------------------

def network(st, nid):
    return _get(st, "networks", nid, "NetworkNotFound", "Network %s could not be found.")


def net_view(st, n):
    out = _std(n)
    subnets = [s for s in st.get("subnets", {}).values() if s["network_id"] == n["id"]]
    out.update({"name": n["name"], "status": "ACTIVE", "admin_state_up": n["admin_state_up"],
                "shared": n["shared"], "mtu": n["mtu"], "router:external": n["router:external"],
                "port_security_enabled": n["port_security_enabled"],
                "subnets": [s["id"] for s in sorted(subnets, key=lambda s: s["seq"])],
                "availability_zone_hints": [], "availability_zones": ["nova"],
                "ipv4_address_scope": None, "ipv6_address_scope": None,
                "l2_adjacency": True, "qos_policy_id": None, "is_default": False})
    return out


def create_network(req):
    body = _element(req, "network")
    with store(req.labdir).locked() as st:
        n = _new(req, st, "networks", {
            "name": body.get("name", ""), "description": body.get("description", ""),
            "admin_state_up": _bool(body.get("admin_state_up", True), "admin_state_up"),
            "shared": _bool(body.get("shared", False), "shared"),
            "router:external": _bool(body.get("router:external", False), "router:external"),
            "port_security_enabled": _bool(body.get("port_security_enabled", True),
                                           "port_security_enabled"),
            "mtu": int(body.get("mtu") or MTU)})
        return 201, {"network": net_view(st, n)}


def list_networks(req):
    st = store(req.labdir).read()
    return _listing(req, st.get("networks", {}).values(), lambda n: net_view(st, n), "networks")


def show_network(req, nid):
    st = store(req.labdir).read()
    return 200, {"network": _fields(req, net_view(st, network(st, nid)))}


def update_network(req, nid):
    body = _element(req, "network")
    with store(req.labdir).locked() as st:
        n = network(st, nid)
        for key in ("name", "description"):
            if key in body:
                n[key] = body[key]
        for key in ("admin_state_up", "shared", "router:external", "port_security_enabled"):
            if key in body:
                n[key] = _bool(body[key], key)
        if "mtu" in body:
            n["mtu"] = int(body["mtu"])
        _touch(n)
        return 200, {"network": net_view(st, n)}


def delete_network(req, nid):
    """Like Neutron: the network's subnets go with it, unless a port other
    than the network's own (DHCP and the like) still uses it."""
    with store(req.labdir).locked() as st:
        network(st, nid)
        if any(p["network_id"] == nid for p in st.get("ports", {}).values()):
            raise fault(409, "NetworkInUse", "Unable to complete operation on network %s. "
                        "There are one or more ports still in use on the network." % nid)
        for sid in [s for s, sub in st.get("subnets", {}).items() if sub["network_id"] == nid]:
            del st["subnets"][sid]
        del st["networks"][nid]
    return 204, None


# --- subnets -------------------------------------------------------------------------

def subnet(st, sid):
    return _get(st, "subnets", sid, "SubnetNotFound", "Subnet %s could not be found.")


def subnet_view(s):
    out = _std(s)
    out.update({k: s[k] for k in ("name", "network_id", "ip_version", "cidr", "gateway_ip",
                                  "enable_dhcp", "dns_nameservers", "host_routes")})
    out.update({"allocation_pools": [dict(p) for p in s["allocation_pools"]],
                "ipv6_ra_mode": None, "ipv6_address_mode": None, "subnetpool_id": None,
                "service_types": [], "dns_publish_fixed_ip": None})
    return out


def _cidr(body):
    try:
        net = ipaddress.ip_network(str(body.get("cidr")), strict=False)
    except ValueError:
        raise fault(400, "HTTPBadRequest", "Invalid input for cidr. Reason: '%s' is not a "
                    "valid IP subnet." % body.get("cidr"))
    version = int(body.get("ip_version") or net.version)
    if version != net.version:
        raise fault(400, "InvalidInput", "Invalid input for operation: cidr '%s' does not "
                    "match the ip_version '%d'." % (body["cidr"], version))
    return net


def _gateway(body, net):
    """Neutron's default gateway is the first host; null means none."""
    if "gateway_ip" not in body:
        return str(next(net.hosts()))
    gw = body["gateway_ip"]
    if gw is None:
        return None
    try:
        if ipaddress.ip_address(gw) not in net:
            raise ValueError
    except ValueError:
        raise fault(400, "InvalidInput", "Invalid input for operation: Gateway IP %s is not "
                    "in subnet %s." % (gw, net))
    return str(gw)


def _pools(body, net, gateway):
    """allocation_pools as given, else every host address but the gateway."""
    if body.get("allocation_pools"):
        pools = []
        for p in body["allocation_pools"]:
            try:
                start, end = ipaddress.ip_address(p["start"]), ipaddress.ip_address(p["end"])
            except (KeyError, TypeError, ValueError):
                raise fault(400, "HTTPBadRequest", "Invalid input for allocation_pools. "
                            "Reason: Invalid data format for IP pool: '%s'." % p)
            if start not in net or end not in net or start > end:
                raise fault(400, "InvalidAllocationPool", "The allocation pool %s-%s spans "
                            "beyond the subnet cidr %s." % (start, end, net))
            pools.append({"start": str(start), "end": str(end)})
        return pools
    lo, hi = _host_range(net)
    gw = ipaddress.ip_address(gateway) if gateway else None
    if gw is None or gw < lo or gw > hi:
        return [{"start": str(lo), "end": str(hi)}]
    pools = []
    if gw > lo:
        pools.append({"start": str(lo), "end": str(gw - 1)})
    if gw < hi:
        pools.append({"start": str(gw + 1), "end": str(hi)})
    return pools


def _host_range(net):
    """First and last usable address (IPv4: without network and broadcast)."""
    if net.version == 4 and net.prefixlen < 31:
        return net.network_address + 1, net.broadcast_address - 1
    return net.network_address + 1, net.broadcast_address


def create_subnet(req):
    body = _element(req, "subnet")
    net = _cidr(body)
    gateway = _gateway(body, net)
    pools = _pools(body, net, gateway)
    with store(req.labdir).locked() as st:
        nid = body.get("network_id")
        if not nid:
            raise fault(400, "HTTPBadRequest", "Failed to parse request. Required attribute "
                        "'network_id' not specified")
        network(st, nid)
        for other in st.get("subnets", {}).values():
            if other["network_id"] == nid and ipaddress.ip_network(other["cidr"]).overlaps(net):
                raise fault(400, "InvalidInput", "Invalid input for operation: Requested "
                            "subnet with cidr: %s for network: %s overlaps with another "
                            "subnet." % (net, nid))
        s = _new(req, st, "subnets", {
            "name": body.get("name", ""), "description": body.get("description", ""),
            "network_id": nid, "ip_version": net.version, "cidr": str(net),
            "gateway_ip": gateway, "allocation_pools": pools,
            "enable_dhcp": _bool(body.get("enable_dhcp", True), "enable_dhcp"),
            "dns_nameservers": list(body.get("dns_nameservers") or []),
            "host_routes": list(body.get("host_routes") or [])})
        _touch(network(st, nid))
        return 201, {"subnet": subnet_view(s)}


def list_subnets(req):
    st = store(req.labdir).read()
    return _listing(req, st.get("subnets", {}).values(), subnet_view, "subnets")


def show_subnet(req, sid):
    return 200, {"subnet": _fields(req, subnet_view(subnet(store(req.labdir).read(), sid)))}


def update_subnet(req, sid):
    body = _element(req, "subnet")
    with store(req.labdir).locked() as st:
        s = subnet(st, sid)
        for key in ("name", "description", "dns_nameservers", "host_routes"):
            if key in body:
                s[key] = body[key]
        if "enable_dhcp" in body:
            s["enable_dhcp"] = _bool(body["enable_dhcp"], "enable_dhcp")
        _touch(s)
        return 200, {"subnet": subnet_view(s)}


def delete_subnet(req, sid):
    with store(req.labdir).locked() as st:
        subnet(st, sid)
        if any(ip["subnet_id"] == sid for p in st.get("ports", {}).values()
               for ip in p["fixed_ips"]):
            raise fault(409, "SubnetInUse", "Unable to complete operation on subnet %s: One "
                        "or more ports have an IP allocation from this subnet." % sid)
        del st["subnets"][sid]
    return 204, None


# --- IP and MAC allocation -----------------------------------------------------------

def _used_ips(st, sid, but=None):
    """Addresses of subnet sid held by ports (but `but`) or its gateway."""
    s = st["subnets"][sid]
    used = {s["gateway_ip"]} if s["gateway_ip"] else set()
    for p in st.get("ports", {}).values():
        if p["id"] != but:
            used.update(ip["ip_address"] for ip in p["fixed_ips"] if ip["subnet_id"] == sid)
    return used


def _next_ip(st, sid, taken):
    s = st["subnets"][sid]
    for pool in s["allocation_pools"]:
        a, end = ipaddress.ip_address(pool["start"]), ipaddress.ip_address(pool["end"])
        while a <= end:
            if str(a) not in taken:
                return str(a)
            a += 1
    raise fault(409, "IpAddressGenerationFailure",
                "No more IP addresses available on network %s." % s["network_id"])


def _subnet_of(st, nid, ip):
    for s in sorted(st.get("subnets", {}).values(), key=lambda s: s["seq"]):
        if s["network_id"] == nid and ip in ipaddress.ip_network(s["cidr"]):
            return s
    raise fault(400, "InvalidIpForNetwork", "IP address %s is not a valid IP for any of the "
                "subnets on the specified network." % ip)


def _fixed_ips(st, nid, asked, port_id=None):
    """Resolve the fixed_ips of a create or update: each entry names a
    subnet, an address or both; an absent list means one address from the
    network's first subnet (none if it has no subnet)."""
    if asked is None:
        subs = sorted((s for s in st.get("subnets", {}).values() if s["network_id"] == nid),
                      key=lambda s: s["seq"])
        asked = [{"subnet_id": subs[0]["id"]}] if subs else []
    if not isinstance(asked, list):
        raise fault(400, "HTTPBadRequest", "Invalid input for fixed_ips. Reason: Invalid data "
                    "format for fixed IP: '%s'." % asked)
    out = []
    for entry in asked:
        out.append(_one_fixed_ip(st, nid, entry, port_id, out))
    return out


def _one_fixed_ip(st, nid, entry, port_id, so_far):
    if not isinstance(entry, dict) or not (entry.get("subnet_id") or entry.get("ip_address")):
        raise fault(400, "HTTPBadRequest", "Invalid input for fixed_ips. Reason: Invalid data "
                    "format for fixed IP: '%s'." % entry)
    ip = None
    if entry.get("ip_address"):
        try:
            ip = ipaddress.ip_address(entry["ip_address"])
        except ValueError:
            raise fault(400, "HTTPBadRequest", "Invalid input for ip_address. Reason: '%s' is "
                        "not a valid IP address." % entry["ip_address"])
    if entry.get("subnet_id"):
        s = subnet(st, entry["subnet_id"])
        if s["network_id"] != nid:
            raise fault(400, "InvalidInput", "Invalid input for operation: Failed to create "
                        "port on network %s, because fixed_ips included invalid subnet %s."
                        % (nid, s["id"]))
        if ip is not None and ip not in ipaddress.ip_network(s["cidr"]):
            raise fault(400, "InvalidIpForSubnet", "IP address %s is not a valid IP for the "
                        "specified subnet." % ip)
    else:
        s = _subnet_of(st, nid, ip)
    taken = _used_ips(st, s["id"], but=port_id) | {x["ip_address"] for x in so_far}
    if ip is None:
        return {"subnet_id": s["id"], "ip_address": _next_ip(st, s["id"], taken)}
    if str(ip) in taken:
        raise fault(409, "IpAddressAlreadyAllocated", "IP address %s already allocated in "
                    "subnet %s" % (ip, s["id"]))
    return {"subnet_id": s["id"], "ip_address": str(ip)}


def _mac(st, nid, asked, port_id=None):
    """The given MAC (unique on the network) or a new one in OpenStack's
    fa:16:3e prefix (base_mac)."""
    used = {p["mac_address"] for p in st.get("ports", {}).values()
            if p["network_id"] == nid and p["id"] != port_id}
    if asked is None:
        while True:
            mac = "fa:16:3e:%02x:%02x:%02x" % tuple(os.urandom(3))
            if mac not in used:
                return mac
    mac = str(asked).lower().replace("-", ":")
    if not MAC.match(mac):
        raise fault(400, "HTTPBadRequest", "Invalid input for mac_address. Reason: '%s' is not "
                    "a valid MAC address." % asked)
    if mac in used:
        raise fault(409, "MacAddressInUse", "Unable to complete operation for network %s. The "
                    "mac address %s is in use." % (nid, mac))
    return mac


# --- security groups -----------------------------------------------------------------

def security_group(st, gid):
    return _get(st, "security_groups", gid, "SecurityGroupNotFound",
                "Security group %s does not exist")


def find_security_group(st, project, ref):
    """By id, else by name within the project (Nova's and OSC's lookup)."""
    if ref in st.get("security_groups", {}):
        return st["security_groups"][ref]
    named = [g for g in st.get("security_groups", {}).values()
             if g["name"] == ref and g["project_id"] == project]
    if len(named) == 1:
        return named[0]
    raise fault(404, "SecurityGroupNotFound", "Security group %s does not exist" % ref)


def _default_group(st, project):
    for g in st.get("security_groups", {}).values():
        if g["name"] == "default" and g["project_id"] == project:
            return g
    return None


def rule_view(r):
    out = _std(r)
    del out["tags"]
    out.update({k: r[k] for k in ("security_group_id", "direction", "ethertype", "protocol",
                                  "port_range_min", "port_range_max", "remote_ip_prefix",
                                  "remote_group_id")})
    out["remote_address_group_id"] = None
    return out


def sg_view(st, g):
    out = _std(g)
    rules = [r for r in st.get("security_group_rules", {}).values()
             if r["security_group_id"] == g["id"]]
    out.update({"name": g["name"], "stateful": g["stateful"], "shared": False,
                "security_group_rules": [rule_view(r) for r in
                                         sorted(rules, key=lambda r: r["seq"])]})
    return out


def _new_group(req, st, name, description, stateful=True, project=None):
    """A group with Neutron's two egress rules (and, for "default", the two
    ingress rules from members of the group itself)."""
    g = _new(req, st, "security_groups", {"name": name, "description": description,
                                          "stateful": stateful, "project_id": project})
    for eth in ("IPv4", "IPv6"):
        _new_rule(req, st, g, {"direction": "egress", "ethertype": eth})
        if name == "default":
            _new_rule(req, st, g, {"direction": "ingress", "ethertype": eth,
                                   "remote_group_id": g["id"]})
    return g


def _new_rule(req, st, g, body):
    r = {"security_group_id": g["id"], "direction": body["direction"],
         "ethertype": body.get("ethertype") or "IPv4",
         "protocol": body.get("protocol"), "port_range_min": body.get("port_range_min"),
         "port_range_max": body.get("port_range_max"),
         "remote_ip_prefix": body.get("remote_ip_prefix"),
         "remote_group_id": body.get("remote_group_id"),
         "description": body.get("description") or "", "project_id": g["project_id"]}
    return _new(req, st, "security_group_rules", r)


def create_security_group(req):
    body = _element(req, "security_group")
    name = body.get("name", "")
    with store(req.labdir).locked() as st:
        if name == "default" and _default_group(st, req.token["project_id"]):
            raise fault(409, "SecurityGroupDefaultAlreadyExists",
                        "Default security group already exists.")
        g = _new_group(req, st, name, body.get("description", ""),
                       _bool(body.get("stateful", True), "stateful"))
        return 201, {"security_group": sg_view(st, g)}


def list_security_groups(req):
    st = store(req.labdir).read()
    return _listing(req, st.get("security_groups", {}).values(), lambda g: sg_view(st, g),
                    "security_groups")


def show_security_group(req, gid):
    st = store(req.labdir).read()
    return 200, {"security_group": _fields(req, sg_view(st, security_group(st, gid)))}


def update_security_group(req, gid):
    body = _element(req, "security_group")
    with store(req.labdir).locked() as st:
        g = security_group(st, gid)
        for key in ("name", "description"):
            if key in body:
                g[key] = body[key]
        _touch(g)
        return 200, {"security_group": sg_view(st, g)}


def delete_security_group(req, gid):
    with store(req.labdir).locked() as st:
        g = security_group(st, gid)
        if g["name"] == "default":
            raise fault(409, "SecurityGroupCannotRemoveDefault",
                        "Insufficient rights for removing default security group.")
        if any(gid in p["security_groups"] for p in st.get("ports", {}).values()):
            raise fault(409, "SecurityGroupInUse", "Security Group %s in use." % gid)
        for rid in [r for r, rule in st.get("security_group_rules", {}).items()
                    if rule["security_group_id"] == gid]:
            del st["security_group_rules"][rid]
        del st["security_groups"][gid]
    return 204, None


def _port_range(body):
    lo, hi = body.get("port_range_min"), body.get("port_range_max")
    for v in (lo, hi):
        if v is not None and not (isinstance(v, int) and 0 <= v <= 65535):
            raise fault(400, "SecurityGroupInvalidPortValue", "Invalid value for port %s." % v)
    if lo is not None and hi is not None and lo > hi:
        raise fault(400, "SecurityGroupInvalidPortRange", "For TCP/UDP protocols, "
                    "port_range_min must be <= port_range_max")


def create_rule(req):
    body = _element(req, "security_group_rule")
    if body.get("direction") not in ("ingress", "egress"):
        raise fault(400, "HTTPBadRequest", "Invalid input for direction. Reason: '%s' is not "
                    "in ['ingress', 'egress']." % body.get("direction"))
    if body.get("ethertype", "IPv4") not in ("IPv4", "IPv6"):
        raise fault(400, "SecurityGroupRuleInvalidEtherType", "Security group rule for "
                    "ethertype '%s' not supported. Allowed values are ['IPv4', 'IPv6']."
                    % body["ethertype"])
    _port_range(body)
    if body.get("protocol") is not None:
        body = dict(body, protocol=str(body["protocol"]).lower())
    with store(req.labdir).locked() as st:
        g = security_group(st, body.get("security_group_id") or "")
        if body.get("remote_group_id"):
            security_group(st, body["remote_group_id"])
        keys = ("direction", "ethertype", "protocol", "port_range_min", "port_range_max",
                "remote_ip_prefix", "remote_group_id")
        for r in st.get("security_group_rules", {}).values():
            if r["security_group_id"] == g["id"] and all(
                    r[k] == (body.get(k) if k != "ethertype" else body.get(k) or "IPv4")
                    for k in keys):
                raise fault(409, "SecurityGroupRuleExists", "Security group rule already "
                            "exists. Rule id is %s." % r["id"])
        r = _new_rule(req, st, g, body)
        _touch(g)
        return 201, {"security_group_rule": rule_view(r)}


def list_rules(req):
    st = store(req.labdir).read()
    return _listing(req, st.get("security_group_rules", {}).values(), rule_view,
                    "security_group_rules")


def show_rule(req, rid):
    st = store(req.labdir).read()
    r = _get(st, "security_group_rules", rid, "SecurityGroupRuleNotFound",
             "Security group rule %s does not exist")
    return 200, {"security_group_rule": _fields(req, rule_view(r))}


def delete_rule(req, rid):
    with store(req.labdir).locked() as st:
        _get(st, "security_group_rules", rid, "SecurityGroupRuleNotFound",
             "Security group rule %s does not exist")
        del st["security_group_rules"][rid]
    return 204, None


# --- ports ---------------------------------------------------------------------------

def port(st, pid):
    return _get(st, "ports", pid, "PortNotFound", "Port %s could not be found.")


def port_view(p):
    out = _std(p)
    out.update({k: p[k] for k in ("name", "network_id", "mac_address", "admin_state_up",
                                  "status", "device_id", "device_owner",
                                  "port_security_enabled", "binding:vnic_type",
                                  "binding:host_id", "binding:profile")})
    out.update({"fixed_ips": [dict(ip) for ip in p["fixed_ips"]],
                "security_groups": list(p["security_groups"]),
                "allowed_address_pairs": list(p["allowed_address_pairs"]),
                "extra_dhcp_opts": [], "ip_allocation": "immediate",
                "binding:vif_type": "ovs" if p["binding:host_id"] else "unbound",
                "binding:vif_details": ({"port_filter": True, "connectivity": "l2"}
                                        if p["binding:host_id"] else {}),
                "propagate_uplink_status": False, "qos_policy_id": None,
                "qos_network_policy_id": None, "resource_request": None})
    return out


def _ip_filter(v, wanted):
    """fixed_ips=ip_address=A / fixed_ips=subnet_id=S, as OSC sends them."""
    for w in wanted:
        key, _, val = w.partition("=")
        if not any(ip.get(key) == val for ip in v["fixed_ips"]):
            return False
    return True


PORT_FILTERS = {
    "fixed_ips": _ip_filter,
    "ip_address": lambda v, w: any(ip["ip_address"] in w for ip in v["fixed_ips"]),
    "subnet_id": lambda v, w: any(ip["subnet_id"] in w for ip in v["fixed_ips"]),
    "security_groups": lambda v, w: all(g in v["security_groups"] for g in w),
}

# Port attributes a non-admin may not set under neutron_mac_policy=admin_only.
ADMIN_ONLY = ("mac_address",)


def _policy(req, action, body):
    """Refuse what a non-admin policy refuses, with oslo.policy's message."""
    if req.knobs()["neutron_mac_policy"] != "admin_only":
        return
    rule = "rule:%s_port" % action
    denied = [a for a in ADMIN_ONLY if a in body]
    if not denied:
        return
    for a in denied:
        rule = "(%s and rule:%s_port:%s)" % (rule, action, a)
    raise fault(403, "PolicyNotAuthorized", "%s is disallowed by policy" % rule)


def _groups(st, project, asked, port_security):
    if asked is None:
        if not port_security:
            return []
        g = _default_group(st, project)
        return [g["id"]] if g else []
    if not isinstance(asked, list):
        raise fault(400, "HTTPBadRequest", "Invalid input for security_groups. Reason: '%s' "
                    "is not a list." % asked)
    return [security_group(st, gid)["id"] for gid in asked]


def new_port(req, st, body, project=None):
    """Create a port (the API and Nova's allocation for networks:[{uuid}])."""
    n = network(st, body.get("network_id") or "")
    proj = project or req.token["project_id"]
    psec = _bool(body.get("port_security_enabled", n["port_security_enabled"]),
                 "port_security_enabled")
    p = {"name": body.get("name", ""), "description": body.get("description", ""),
         "network_id": n["id"], "mac_address": _mac(st, n["id"], body.get("mac_address")),
         "fixed_ips": _fixed_ips(st, n["id"], body.get("fixed_ips")),
         "security_groups": _groups(st, proj, body.get("security_groups"), psec),
         "port_security_enabled": psec,
         "admin_state_up": _bool(body.get("admin_state_up", True), "admin_state_up"),
         "device_id": body.get("device_id") or "", "device_owner": body.get("device_owner") or "",
         "status": "DOWN", "binding:vnic_type": body.get("binding:vnic_type") or "normal",
         "binding:host_id": body.get("binding:host_id") or "",
         "binding:profile": body.get("binding:profile") or {},
         "allowed_address_pairs": list(body.get("allowed_address_pairs") or []),
         "project_id": proj}
    return _new(None, st, "ports", p)


def create_port(req):
    body = _element(req, "port")
    _policy(req, "create", body)
    if not body.get("network_id"):
        raise fault(400, "HTTPBadRequest", "Failed to parse request. Required attribute "
                    "'network_id' not specified")
    with store(req.labdir).locked() as st:
        p = new_port(req, st, body)
        return 201, {"port": port_view(p)}


def list_ports(req):
    st = store(req.labdir).read()
    return _listing(req, st.get("ports", {}).values(), port_view, "ports", PORT_FILTERS)


def show_port(req, pid):
    return 200, {"port": _fields(req, port_view(port(store(req.labdir).read(), pid)))}


def update_port(req, pid):
    body = _element(req, "port")
    _policy(req, "update", body)
    with store(req.labdir).locked() as st:
        p = port(st, pid)
        if "mac_address" in body:
            if p["binding:host_id"] and str(body["mac_address"]).lower() != p["mac_address"]:
                raise fault(409, "PortBound", "Unable to complete operation on port %s, port "
                            "is already bound, port type: ovs, old_mac %s, new_mac %s."
                            % (pid, p["mac_address"], body["mac_address"]))
            p["mac_address"] = _mac(st, p["network_id"], body["mac_address"], pid)
        if "fixed_ips" in body:
            p["fixed_ips"] = _fixed_ips(st, p["network_id"], body["fixed_ips"] or [], pid)
        if "security_groups" in body:
            p["security_groups"] = _groups(st, p["project_id"], body["security_groups"] or [],
                                           True)
        for key in ("name", "description", "device_id", "device_owner", "binding:vnic_type",
                    "binding:host_id", "binding:profile", "allowed_address_pairs"):
            if key in body:
                p[key] = body[key] if body[key] is not None else ""
        for key in ("admin_state_up", "port_security_enabled"):
            if key in body:
                p[key] = _bool(body[key], key)
        if not p["device_id"]:
            p["status"] = "DOWN"
        _touch(p)
        return 200, {"port": port_view(p)}


def delete_port(req, pid):
    with store(req.labdir).locked() as st:
        port(st, pid)
        del st["ports"][pid]
    return 204, None


# --- what Nova does to ports -----------------------------------------------------------

def bind(st, pid, server_id, owner):
    """Nova claims the port for a server being built (status stays DOWN
    until the VIF is plugged: activate())."""
    p = st["ports"][pid]
    p.update({"device_id": server_id, "device_owner": owner, "binding:host_id": HOST})
    _touch(p)


def activate(st, pid):
    p = st.get("ports", {}).get(pid)
    if p is not None and p["device_id"]:
        p["status"] = "ACTIVE"
        _touch(p)


def unbind(st, pid):
    """The server is gone (or never started): the port is free again."""
    p = st.get("ports", {}).get(pid)
    if p is not None:
        p.update({"device_id": "", "device_owner": "", "binding:host_id": "",
                  "status": "DOWN"})
        _touch(p)


def remove(st, pid):
    st.get("ports", {}).pop(pid, None)


PREFIX = "/networking"
V = r"/v2\.0"
ROUTES = [
    ("GET", r"/?", versions, False),
    ("GET", V + r"/?", resources, True),
    ("GET", V + r"/extensions", list_extensions, True),
    ("GET", V + r"/extensions/(?P<alias>[^/]+)", show_extension, True),
    ("POST", V + r"/networks", create_network, True),
    ("GET", V + r"/networks", list_networks, True),
    ("GET", V + r"/networks/(?P<nid>[^/]+)", show_network, True),
    ("PUT", V + r"/networks/(?P<nid>[^/]+)", update_network, True),
    ("DELETE", V + r"/networks/(?P<nid>[^/]+)", delete_network, True),
    ("POST", V + r"/subnets", create_subnet, True),
    ("GET", V + r"/subnets", list_subnets, True),
    ("GET", V + r"/subnets/(?P<sid>[^/]+)", show_subnet, True),
    ("PUT", V + r"/subnets/(?P<sid>[^/]+)", update_subnet, True),
    ("DELETE", V + r"/subnets/(?P<sid>[^/]+)", delete_subnet, True),
    ("POST", V + r"/ports", create_port, True),
    ("GET", V + r"/ports", list_ports, True),
    ("GET", V + r"/ports/(?P<pid>[^/]+)", show_port, True),
    ("PUT", V + r"/ports/(?P<pid>[^/]+)", update_port, True),
    ("DELETE", V + r"/ports/(?P<pid>[^/]+)", delete_port, True),
    ("POST", V + r"/security-groups", create_security_group, True),
    ("GET", V + r"/security-groups", list_security_groups, True),
    ("GET", V + r"/security-groups/(?P<gid>[^/]+)", show_security_group, True),
    ("PUT", V + r"/security-groups/(?P<gid>[^/]+)", update_security_group, True),
    ("DELETE", V + r"/security-groups/(?P<gid>[^/]+)", delete_security_group, True),
    ("POST", V + r"/security-group-rules", create_rule, True),
    ("GET", V + r"/security-group-rules", list_rules, True),
    ("GET", V + r"/security-group-rules/(?P<rid>[^/]+)", show_rule, True),
    ("DELETE", V + r"/security-group-rules/(?P<rid>[^/]+)", delete_rule, True),
]


def init_state(st):
    """The project's "default" security group, as Neutron makes on first use."""
    for kind in ("networks", "subnets", "ports", "security_groups", "security_group_rules"):
        st.setdefault(kind, {})
    if _default_group(st, st["project"]["id"]) is None:
        _new_group(None, st, "default", "Default security group",
                   project=st["project"]["id"])
