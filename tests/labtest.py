"""Helpers for Python scenario tests (run with Debian's /usr/bin/python3).

A test is one scenario: `with Lab(tls=True) as lab:` starts a private lab and
stops it afterwards; check() raises on a false assertion; exit 77 = skip."""
import json
import os
import shutil
import ssl
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LABCTL = os.path.join(TOP, "lab", "labctl")


def skip(why):
    print("SKIP: " + why)
    sys.exit(77)


def require_module(name):
    try:
        __import__(name)
    except ImportError:
        skip("requires python module %s (Debian package)" % name)


def check(cond, what):
    if not cond:
        raise AssertionError(what)


class Lab:
    def __init__(self, tls=True, extra=()):
        self.tls, self.extra = tls, list(extra)

    def __enter__(self):
        self.dir = tempfile.mkdtemp(prefix="vmigrate-lab.")
        args = ["start"] + (["--tls"] if self.tls else []) + self.extra
        self.ctl(*args)
        self.env = {}
        with open(os.path.join(self.dir, "lab.env")) as f:
            for line in f:
                k, _, v = line.strip()[len("export "):].partition("=")
                self.env[k] = v.strip("'")
        return self

    def __exit__(self, *exc):
        subprocess.run([LABCTL, "stop", "--dir", self.dir], capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)

    def ctl(self, *args, check_rc=True):
        """Run labctl VERB --dir DIR ARGS...; return stdout."""
        verb, rest = args[0], list(args[1:])
        if verb == "fault":
            cmd = [LABCTL, "fault", "--dir", self.dir] + rest
        else:
            cmd = [LABCTL, verb, "--dir", self.dir] + rest
        p = subprocess.run(cmd, capture_output=True, text=True)
        if check_rc and p.returncode != 0:
            raise AssertionError("labctl %s failed: %s" % (" ".join(args), p.stderr))
        return p.stdout if check_rc else p

    def ctl_json(self, *args):
        return json.loads(self.ctl(*args))

    def ssl_context(self):
        return ssl.create_default_context(cafile=self.env["VMIGRATE_CA_FILE"])

    def vsphere_password(self):
        with open(self.env["VMIGRATE_VSPHERE_PASSWORD_FILE"]) as f:
            return f.read().strip()

    def connect(self):
        """A pyvmomi session to the lab's vCenter."""
        from pyVim.connect import SmartConnect
        port = int(self.env["VMIGRATE_VSPHERE_URL"].split(":")[2].split("/")[0])
        return SmartConnect(host="127.0.0.1", port=port, user=self.env["VMIGRATE_VSPHERE_USER"],
                            pwd=self.vsphere_password(), sslContext=self.ssl_context())


def run(main):
    """Run a test body: exit 0 on success, 1 with the reason on failure."""
    try:
        main()
    except AssertionError as e:
        print("FAIL: %s" % e)
        sys.exit(1)
    print("ok")
