"""Fault injection and run-time knobs shared by the simulators and labctl.

faults.json holds {"rules": [...], "knobs": {...}}.  A rule matches one
service ("vsphere", "openstack", "v2v") and an operation: for vsphere the SOAP
method name, for openstack a regular expression searched in "METHOD /path",
for v2v the literal "convert".  Matching is done under the lock so that
--skip/--times counts are exact across processes.
"""
import re

from .store import Store, lab_paths
from .vsphere_mutations import MUTATIONS

# Defaults of the run-time knobs (labctl fault set KEY=VALUE changes them).
KNOB_DEFAULTS = {
    "cbt_page_areas": 2000,          # max changedArea entries in one reply
    "cbt_page_bytes": 0,             # max disk span examined by one reply (0: the rest
                                     #    of the disk, as vCenter: only the areas bound it)
    "task_step_seconds": 0.15,       # queued -> running -> done pacing (a task: 2 steps)
    "session_ttl": 1800,             # vSphere idle session lifetime (s)
    "token_ttl": 3600,               # Keystone token lifetime (s)
    "status_delay": 0.3,             # Cinder creating/attaching/... delay (s)
    "attach_delay": 0.5,             # Nova attach -> device link delay (s)
    "server_build_seconds": 0.5,     # Nova boot: BUILD -> ACTIVE (or ERROR) after (s)
    "server_boot": "active",         # "error": every boot ends in ERROR with a fault
    "neutron_mac_policy": "allow",   # "admin_only": setting a port's mac_address is 403
                                     #    PolicyNotAuthorized (Neutron's default policy on
                                     #    a network the project does not own)
    "quota_gigabytes": 1000,         # Cinder gigabytes quota (-1: unlimited)
    "new_volume_garbage": 0,         # 1: new volumes do not read as zeros
    "garbage_stride": 65536,         # one 4 KiB non-zero block per this many bytes
    "shutdown_delay": 1.0,           # ShutdownGuest -> poweredOff (s); < 0: guest hangs
    "omit_capacity_bytes": 0,        # 1: VirtualDisk without capacityInBytes (old hosts)
    "cbt_start_at_snapshot": 1,      # 0: enabled CBT starts only after the next snapshot
                                     #    (its disks have no changeId), a power-on or removal
    "soap_xsi_prefix": "xsi",        # prefix bound to XMLSchema-instance in replies
    "soap_xsd_prefix": "xsd",        # prefix bound to XMLSchema in replies
    "snapshot_sync": 0,              # 1: a snapshot's frozen copies reach the disk before
                                     #    its task ends (benchmarks: a real snapshot is an
                                     #    empty redo log, not gigabytes to write back)
    "v2v_customize_options": 1,      # 0: the converter stand-in has no --run/--firstboot
                                     #    (like Debian 12's virt-v2v-in-place 2.2)
}

ACTIONS = ("http-500", "http-503", "http-429", "drop", "delay", "soap-fault",
           "task-error", "quota", "fail", "corrupt", "hang", "mutate", "reply")


def _store(labdir):
    return Store(lab_paths(labdir)["faults"])


def knobs(labdir):
    st = _store(labdir).read()
    k = dict(KNOB_DEFAULTS)
    k.update(st.get("knobs", {}))
    return k


def set_knob(labdir, key, value):
    if key not in KNOB_DEFAULTS:
        raise KeyError("unknown knob %r (known: %s)" % (key, ", ".join(sorted(KNOB_DEFAULTS))))
    typ = type(KNOB_DEFAULTS[key])
    with _store(labdir).locked() as st:
        st.setdefault("knobs", {})[key] = typ(float(value)) if typ is int else typ(value)


def add_rule(labdir, service, op, action, times=-1, skip=0, arg=None):
    if action not in ACTIONS:
        raise ValueError("unknown action %r (known: %s)" % (action, ", ".join(ACTIONS)))
    if action == "mutate" and arg not in MUTATIONS:
        raise ValueError("mutate needs --arg NAME (known: %s)" % ", ".join(sorted(MUTATIONS)))
    with _store(labdir).locked() as st:
        st.setdefault("rules", []).append({
            "service": service, "op": op, "action": action,
            "times": times, "skip": skip, "arg": arg, "hits": 0,
        })


def clear(labdir):
    with _store(labdir).locked() as st:
        st["rules"] = []


def rules(labdir):
    return _store(labdir).read().get("rules", [])


def match(labdir, service, op):
    """Return the first rule that fires for (service, op), consuming one use
    of it, or None.  A rule with times == 0 is spent and ignored."""
    with _store(labdir).locked() as st:
        for r in st.get("rules", []):
            if r["service"] != service or r["times"] == 0:
                continue
            if service == "openstack":
                if not re.search(r["op"], op):
                    continue
            elif r["op"] not in (op, "*"):
                continue
            r["hits"] += 1
            if r["hits"] <= r["skip"]:
                continue
            if r["times"] > 0:
                r["times"] -= 1
            return dict(r)
    return None
