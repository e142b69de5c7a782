"""Shared lab state: one JSON document per simulator, guarded by an flock.

Both the simulator processes and labctl commands read-modify-write the same
file, so everything a test does through labctl is seen by the next request.
"""
import contextlib
import fcntl
import json
import os


class Store:
    """A JSON document at PATH; `with store.locked() as st:` yields a dict
    that is written back atomically when the block exits without error."""

    def __init__(self, path):
        self.path = path  # the JSON file
        self.lockpath = path + ".lock"  # flock target (never renamed)

    @contextlib.contextmanager
    def locked(self, write=True):
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        with open(self.lockpath, "a+") as lk:
            fcntl.flock(lk, fcntl.LOCK_EX)
            try:
                st = self._load()
                yield st
                if write:
                    self._save(st)
            finally:
                fcntl.flock(lk, fcntl.LOCK_UN)

    def read(self):
        with self.locked(write=False) as st:
            return st

    def _load(self):
        try:
            with open(self.path) as f:
                return json.load(f)
        except FileNotFoundError:
            return {}

    def _save(self, st):
        tmp = self.path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(st, f, indent=1, sort_keys=True)
        os.replace(tmp, self.path)


def lab_paths(labdir):
    """Where every part of a lab lives under its directory."""
    labdir = os.path.abspath(labdir)
    return {
        "dir": labdir,
        "vsphere_state": os.path.join(labdir, "vsphere", "state.json"),
        "openstack_state": os.path.join(labdir, "openstack", "state.json"),
        "faults": os.path.join(labdir, "faults.json"),
        "datastore": os.path.join(labdir, "datastore"),
        "volumes": os.path.join(labdir, "volumes"),
        "devices": os.path.join(labdir, "dev"),
        "tls": os.path.join(labdir, "tls"),
        "bin": os.path.join(labdir, "bin"),
        "logs": os.path.join(labdir, "logs"),
        "v2v_calls": os.path.join(labdir, "v2v-calls.jsonl"),
        "env": os.path.join(labdir, "lab.env"),
    }
