#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: vmigrate developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
---
module: migrate
short_description: Migrate a VMware VM to OpenStack Cinder volumes with vmigrate
version_added: "0.1.0"
description:
  - Runs the C(vmigrate) program on the conversion host (an OpenStack instance) to copy
    every disk of a VMware VM into a Cinder volume attached to that host.
  - Takes the parameters of the os-migrate vmware-migration-kit C(migrate) module where they
    apply, so a playbook written for it runs unchanged; parameters of that module that have no
    meaning here (C(osmdatadir), C(usesocks), C(compression), C(convhostname), C(wait)) are
    accepted and ignored with a warning.
  - With C(cbtsync=true) and C(cutover=false) it runs one seeding window while the VM keeps
    running (the first creates the volumes and copies allocated data, later ones copy only the
    CBT delta). With C(cutover=true) it copies the last delta, stops the guest, converts the
    disks with virt-v2v-in-place and marks the volumes C(converted=true). With C(cbtsync=false)
    and C(cutover=true) it is a one-shot cold migration.
  - All migration state lives in the volumes' Cinder metadata (C(osm), C(changeID),
    C(converted), C(vmigrate_*)), so any conversion host can continue a migration another
    one started.
  - A VM whose volumes are already converted is skipped with C(changed=false) and the message
    C(Volume already converted). Volumes that exist while C(cbtsync=false) make the task fail
    with C(volume already exists).
  - The vSphere password and the OpenStack credentials are written to 0600 files in a private
    temporary directory that is removed afterwards; they never appear on a command line or in
    the results.
  - vmigrate reports its progress as JSON events on a pipe (C(--progress-fd)); the module
    returns how each disk's copy ended as I(progress).
  - In check mode the module only reads (C(vmigrate status) and C(vmigrate inspect)) and
    reports what a run would do; it never creates, copies, stops or converts anything.
author:
  - vmigrate developers
requirements:
  - the C(vmigrate) program on the conversion host
  - nbdkit with the VDDK plugin (transport C(vddk)) and virt-v2v-in-place for the conversion
options:
  vmname:
    description:
      - The VM to migrate, as a name that is unique in the vCenter or as an inventory path
        (C(/DC/vm/folder/web01)).
    type: str
    required: true
  server:
    description:
      - vCenter or ESXi host name; C(https://SERVER/sdk) is used.
      - A full URL (C(https://host:port/sdk)) is used as it is.
      - Default is the C(VMIGRATE_VSPHERE_URL) environment variable of the task.
    type: str
  user:
    description:
      - vSphere user name. Default is C(VMIGRATE_VSPHERE_USER).
    type: str
  password:
    description:
      - vSphere password. It is passed to vmigrate in a 0600 file, never on a command line.
      - Default is the file named by C(VMIGRATE_VSPHERE_PASSWORD_FILE).
    type: str
  vmware_insecure:
    description:
      - Do not verify the TLS certificate of vCenter (C(--vsphere-insecure)).
      - OpenStack is still verified; see I(openstack_insecure).
    type: bool
    default: false
    aliases: [vsphere_insecure]
  openstack_insecure:
    description:
      - "Do not verify the TLS certificates of OpenStack (C(--os-insecure)), like
        C(verify: false) in I(dst_cloud) or C(OS_INSECURE=true)."
      - vCenter is still verified; see I(vmware_insecure).
    type: bool
    default: false
  ca_file:
    description: CA certificates to trust for vSphere (and OpenStack unless C(OS_CACERT) is set).
    type: path
  dst_cloud:
    description:
      - The destination cloud. Either a dict as the openstack.cloud modules and os-migrate
        take it (C(auth) with C(auth_url), C(username), C(password), C(project_name),
        C(user_domain_name), C(project_domain_name), or application credentials; plus
        C(region_name), C(interface), C(identity_api_version), C(cacert), C(verify)), which is
        written to a private 0600 clouds.yaml; or a dict with only a C(cloud) key, or a string,
        naming an entry of an existing clouds.yaml (found through C(OS_CLIENT_CONFIG_FILE) or
        the usual places).
      - When omitted, the C(OS_*) variables of the task's environment are used.
      - Secrets inside the dict (C(password), C(application_credential_secret), C(token)) are
        kept out of the results and logs.
    type: raw
  instanceuuid:
    description:
      - Nova server UUID of this conversion host; the volumes are attached to it.
      - Default is C(VMIGRATE_CONVERSION_HOST), then the metadata service.
    type: str
  cbtsync:
    description: Continue existing volumes with Changed Block Tracking deltas.
    type: bool
    default: false
  cutover:
    description: Final window, guest shutdown, conversion, C(converted=true).
    type: bool
    default: false
  skipconversion:
    description: Never run the converter and never stop the VM.
    type: bool
    default: false
  vddkpath:
    description:
      - As in os-migrate, the inventory folder of the VM (C(/Datacenter/vm/folder)); the VM is
        looked up as C(vddkpath/vmname).
      - For playbooks that put the VDDK install directory here, a directory that holds
        C(lib64) is taken as I(libdir) instead.
    type: str
  libdir:
    description: The VDDK install directory (C(--vddk-libdir)).
    type: path
  vddk_thumbprint:
    description: SHA-1 thumbprint of the vCenter certificate, for VDDK.
    type: str
  volumetype:
    description: Cinder volume type of new volumes.
    type: str
  volumeaz:
    description: Cinder availability zone of new volumes.
    type: str
  localdiskpath:
    description:
      - Read the disks from a datastore mounted on the conversion host instead of VDDK; the
        directory holds C(datastore/vm/disk.vmdk) files. Implies I(transport=local).
    type: path
  transport:
    description:
      - How source disks are read. Default C(local) when I(localdiskpath) is set, else
        vmigrate's default (C(vddk)) or C(VMIGRATE_TRANSPORT).
    type: str
    choices: [vddk, local]
  device_dir:
    description:
      - Where attached volumes appear as C(virtio-ID20) (default C(/dev/disk/by-id), or
        C(VMIGRATE_DEVICE_DIR)).
    type: path
  v2v_command:
    description: The converter command, with options (default C(virt-v2v-in-place) or C(VMIGRATE_V2V_COMMAND)).
    type: str
  runscript:
    description:
      - A script run inside the guest at conversion (C(--run FILE)). vmigrate gives it to the
        converter when its build takes C(--run), else to virt-customize right after the
        conversion (Debian 12's virt-v2v-in-place 2.2 has no C(--run)).
    type: path
  bootscript:
    description: A script run at the first boot of the guest (C(--firstboot FILE)), passed like I(runscript).
    type: path
    aliases: [firstboot]
  extraopts:
    description: More options for the converter (shell words), placed before its C(-i).
    type: str
  enable_cbt:
    description: Turn Changed Block Tracking on when it is off (effective at the first snapshot).
    type: bool
    default: false
  shutdown_timeout:
    description: Seconds the cutover waits for the guest to shut down before a hard power off.
    type: int
  call_timeout:
    description:
      - The most seconds one vSphere or OpenStack call may take, retries included (vmigrate's
        C(--call-timeout), default 300). A server that does not answer in time fails the run
        with exit code 12.
    type: int
  connections:
    description:
      - NBD connections per disk (vmigrate's C(--connections), 1-16). By default 4 when the
        source allows multi-conn, else 1; with the VDDK transport 1, since each is an NFC
        session that vCenter limits for all migrations together.
    type: int
  requests:
    description: Reads in flight per disk (C(--requests), 1-64, default 16).
    type: int
  request_size:
    description: Bytes per read (C(--request-size)), a power of two from 64K to 32M, e.g. C(2M).
    type: str
  parallel_disks:
    description: Disks of the VM copied at once (C(--parallel-disks), 1-16, default 4).
    type: int
  verify:
    description:
      - After each disk's copy, read source and volume back and compare them (C(--verify)); a
        difference fails the run with exit code 13 and records nothing for that disk.
    type: bool
    default: false
  max_rate:
    description:
      - At most this many bytes per second for the VM, all disks together (C(--max-rate)),
        with K, M or G, e.g. C(50M).
    type: str
  log_file:
    description: Append vmigrate's full log (with timestamps) to this file on the conversion host.
    type: path
  log_dir:
    description:
      - Private directory (owned by the user, mode 0700) for the converter's logs on the
        conversion host (vmigrate's C(--log-dir); default C(/var/log/vmigrate)).
    type: path
  take_over:
    description:
      - Continue a VM whose run on another conversion host is gone (killed, host lost);
        vmigrate detaches its volumes there and carries on (C(--take-over)). Without it such
        a run fails with exit code 8 and changes nothing.
    type: bool
    default: false
  virtio_win:
    description:
      - Windows guests - the virtio-win ISO or its unpacked directory the converter installs
        drivers from (C(--virtio-win)); default the task's C(VIRTIO_WIN), else
        C(/usr/share/virtio-win). Without them a Windows cutover fails before the guest stops.
    type: path
  create_instance:
    description:
      - After a successful conversion (or on a VM converted already), create the instance as
        C(vmigrate instance) does - one Neutron port per source NIC with the source MAC, a Nova
        server booted from the converted volumes - or find it again. os-migrate's
        C(os_migrate_create_network_port) and C(os_migrate_create_os_instance) (the role maps
        them here).
      - Needs C(cutover=true) or volumes converted already.
    type: bool
    default: false
    aliases: [create_os_instance]
  network_map:
    description:
      - "The Neutron network of the NICs on each vSphere network or portgroup, as os-migrate's
        C(network_map) (a dict of SOURCE to C(NETWORK) or C(NETWORK,SUBNET)), or as a list of
        vmigrate C(--network-map) specs (C(SOURCE=NETWORK[,subnet=S][,ip=keep|A]))."
    type: raw
  network:
    description: The network of NICs without a mapping (C(--network)).
    type: str
    aliases: [openstack_private_network]
  flavor:
    description: C(NAME), C(ID) or C(auto) (the smallest flavor with the VM's vCPUs and memory).
    type: str
    aliases: [flavor_name_or_uuid]
  use_existing_flavor:
    description: False lets C(flavor=auto) create a flavor when none fits (C(--create-flavor)).
    type: bool
    default: true
  security_groups:
    description: Security groups (names or IDs) of every port.
    type: list
    elements: str
  key_name:
    description: The Nova key pair of the server.
    type: str
    aliases: [ssh_key_name]
  user_data:
    description: A cloud-init user data file for the server.
    type: path
  server_name:
    description: The server's name (default the VM's).
    type: str
  availability_zone:
    description: Nova's availability zone of the server.
    type: str
  keep_mac:
    description: The ports keep the source NICs' MACs (false lets Neutron choose).
    type: bool
    default: true
  instance_timeout:
    description: Seconds to wait for the server to become ACTIVE (vmigrate's default 600).
    type: int
  debug:
    description: More detail on vmigrate's standard error (C(-v)), returned as I(stderr_lines).
    type: bool
    default: false
    aliases: [debug_mode]
  vmigrate_path:
    description: The vmigrate program; a name is searched on C(PATH).
    type: str
    default: vmigrate
    aliases: [path]
  vmigrate_env:
    description:
      - Environment variables for vmigrate (e.g. C(VMIGRATE_LOCK_DIR)). The task's own
        C(environment) keyword works too.
    type: dict
  timeout:
    description:
      - Seconds after which vmigrate is interrupted with SIGTERM (it removes its snapshot and
        detaches the volumes, so the next run continues). Default none.
    type: int
  osmdatadir:
    description: os-migrate compatibility; ignored (state lives in Cinder metadata).
    type: str
  usesocks:
    description: os-migrate compatibility; ignored.
    type: bool
  compression:
    description: os-migrate compatibility; ignored.
    type: str
  convhostname:
    description: os-migrate compatibility; ignored (use I(instanceuuid)).
    type: str
  wait:
    description: os-migrate compatibility; ignored (the module always waits, use C(async) to run it in the background).
    type: bool
notes:
  - Supports check mode.
  - Run it on the conversion host (the volumes are attached to the server that runs it).
    Several VMs can run at once on one host (C(async)); a second run on the same VM on the
    same host is refused by vmigrate (exit code 8).
seealso:
  - name: vmigrate(1)
    description: The man page of vmigrate, with every option and exit code.
    link: https://example.invalid/vmigrate/docs/vmigrate.1
"""

EXAMPLES = r"""
- name: Seeding window (repeat while the VM runs)
  vmigrate.vmware_to_openstack.migrate:
    server: vcenter.example.com
    user: "{{ vcenter_username }}"
    password: "{{ vcenter_password }}"
    vmname: web01
    dst_cloud: "{{ dst_cloud }}"
    instanceuuid: "{{ conversion_host_uuid }}"
    libdir: /usr/lib/vmware-vix-disklib
    cbtsync: true
    cutover: false
  register: seed

- name: Cutover (short downtime, conversion)
  vmigrate.vmware_to_openstack.migrate:
    server: vcenter.example.com
    user: "{{ vcenter_username }}"
    password: "{{ vcenter_password }}"
    vmname: web01
    dst_cloud:
      auth:
        auth_url: https://keystone.example.com:5000/v3
        username: migrator
        password: "{{ os_password }}"
        project_name: migration
        user_domain_name: Default
        project_domain_name: Default
      region_name: RegionOne
    instanceuuid: "{{ conversion_host_uuid }}"
    cbtsync: true
    cutover: true
  register: cut

- name: What would a cutover do? (reads only)
  vmigrate.vmware_to_openstack.migrate:
    vmname: web01
    dst_cloud: mycloud
    cbtsync: true
    cutover: true
  check_mode: true
"""

RETURN = r"""
instance:
  description:
    - With C(create_instance), the server (C(vmigrate instance --json)) - C(server_id),
      C(server_name), C(status), C(addresses), C(flavor), C(found_again) and C(ports) (each
      C(id), C(name), C(mac), C(created)).
  returned: when create_instance ran
  type: dict
changed:
  description:
    - True when data was copied, volumes were created or disks were converted; false when the
      windows found nothing to copy or the VM was already converted.
  returned: always
  type: bool
msg:
  description: What happened (or, in check mode, what would happen); on failure vmigrate's error.
  returned: always
  type: str
  sample: "Volume already converted"
id:
  description: The Cinder volume ids of the VM's disks, in disk order (as os-migrate returns them).
  returned: always
  type: list
  elements: str
  sample: ["46e822a1-582b-4289-9d3f-c1c7d82aaa18"]
vm:
  description: The VM as given.
  returned: always
  type: str
disks:
  description: Per disk, summed over the windows of this run.
  returned: always
  type: list
  elements: dict
  contains:
    disk_key:
      description: vSphere device key of the disk.
      type: int
    volume_id:
      description: Its Cinder volume.
      type: str
    bytes:
      description: Bytes copied for this disk in this run.
      type: int
    modes:
      description: C(full) or C(delta) per window.
      type: list
      elements: str
    changeID:
      description: The changeID stored on the volume after the run.
      type: str
windows:
  description: The windows of the run as vmigrate reports them (C(kind) seeding, catch-up, final, full; C(bytes), C(seconds), C(disks)).
  returned: when not in check mode
  type: list
  elements: dict
bytes:
  description: Total bytes copied in this run.
  returned: always
  type: int
downtime_seconds:
  description: Seconds the VM was down during the cutover.
  returned: when a cutover stopped the VM
  type: float
converted:
  description: The volumes are converted (after this run, or already before it).
  returned: always
  type: bool
already_converted:
  description: The VM was converted before this run (nothing was done).
  returned: always
  type: bool
conversion_host:
  description: The Nova server the volumes were attached to (I(instanceuuid)), when given.
  returned: always
  type: str
exit_code:
  description: vmigrate's exit status (see vmigrate(1)); 9 is a state that forbids the request.
  returned: always
  type: int
progress:
  description:
    - How each copy of this run ended, from vmigrate's progress events (C(--progress-fd), see
      vmigrate(1)), per label (C(disk KEY)) and phase (C(copy), and C(verify) with
      verification); the last of them when the run had several windows (a cutover's catch-up
      and final windows).
    - A copy that failed or was interrupted has C(ok=false) and the bytes it got to.
  returned: when not in check mode
  type: dict
  sample: {"disk 2000": {"copy": {"bytes": 4980736, "seconds": 0.85, "rate": 5889393, "ok": true}}}
  contains:
    bytes:
      description: Bytes the copy moved (the event's C(done)).
      type: int
    seconds:
      description: How long the copy took.
      type: float
    rate:
      description: Its average rate, bytes per second.
      type: int
    ok:
      description: The copy completed.
      type: bool
stderr_lines:
  description: vmigrate's human-readable output.
  returned: on failure, or with I(debug)
  type: list
  elements: str
would:
  description: In check mode, per disk, what a run would do.
  returned: in check mode
  type: list
  elements: dict
"""

import json
import os
import shlex
import shutil
import signal
import subprocess
import tempfile
import threading

from ansible.module_utils.basic import AnsibleModule

SECRET_KEYS = ("password", "application_credential_secret", "token", "secret")
IGNORED = ("osmdatadir", "usesocks", "compression", "convhostname", "wait")


def collect_secrets(value, out):
    """Add every string under a secret-looking key of VALUE (nested) to OUT."""
    if isinstance(value, dict):
        for k, v in value.items():
            if any(s in str(k).lower() for s in SECRET_KEYS) and isinstance(v, (str, int)):
                if str(v):
                    out.add(str(v))
            else:
                collect_secrets(v, out)
    elif isinstance(value, list):
        for v in value:
            collect_secrets(v, out)


def write_private(tmpdir, name, text):
    """Write TEXT to TMPDIR/NAME readable by the owner only; return the path."""
    path = os.path.join(tmpdir, name)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    return path


class Runner(object):
    """Builds vmigrate's command line and environment from the module parameters."""

    def __init__(self, module):
        self.module = module
        self.p = module.params
        self.tmpdir = None
        self._common = None
        self.env = dict(os.environ)
        self.env.update({str(k): str(v) for k, v in (self.p["vmigrate_env"] or {}).items()})

    def cleanup(self):
        if self.tmpdir:
            shutil.rmtree(self.tmpdir, ignore_errors=True)

    def private_dir(self):
        if not self.tmpdir:
            self.tmpdir = tempfile.mkdtemp(prefix="vmigrate-ansible-")
            os.chmod(self.tmpdir, 0o700)
        return self.tmpdir

    def vm_path(self):
        vm = self.p["vmname"]
        folder = self.p["vddkpath"]
        if folder and not self.vddkpath_is_libdir() and not vm.startswith("/"):
            return "/" + "/".join(x for x in (folder + "/" + vm).split("/") if x)
        return vm

    def vddkpath_is_libdir(self):
        folder = self.p["vddkpath"]
        return bool(folder) and os.path.isdir(os.path.join(folder, "lib64"))

    def program(self):
        prog = self.p["vmigrate_path"]
        if os.sep not in prog:
            found = self.module.get_bin_path(prog)
            if not found:
                self.module.fail_json(msg="vmigrate program '%s' not found on PATH (set vmigrate_path)" % prog,
                                      changed=False, id=[], exit_code=None)
            prog = found
        return prog

    def cloud_options(self):
        dst = self.p["dst_cloud"]
        if dst is None or dst == "" or dst == {}:
            return []
        if isinstance(dst, str):
            return ["--os-cloud", dst]
        if not isinstance(dst, dict):
            self.module.fail_json(msg="dst_cloud must be a dict or a cloud name", changed=False, id=[])
        if "cloud" in dst and "auth" not in dst:
            return ["--os-cloud", str(dst["cloud"])]
        cloud = dict((k, v) for k, v in dst.items() if k != "cloud")
        path = write_private(self.private_dir(), "clouds.yaml",
                             json.dumps({"clouds": {"dst_cloud": cloud}}, indent=2) + "\n")
        # The clouds.yaml is the whole truth: OS_* variables must not mix in.
        for k in list(self.env):
            if k.startswith("OS_") and k != "OS_CACERT":
                del self.env[k]
        self.env["OS_CLIENT_CONFIG_FILE"] = path
        return ["--os-cloud", "dst_cloud"]

    def vsphere_options(self):
        p = self.p
        args = []
        if p["server"]:
            url = p["server"] if "://" in p["server"] else "https://%s/sdk" % p["server"]
            args += ["--vsphere-url", url]
        if p["user"]:
            args += ["--vsphere-user", p["user"]]
        if p["password"] is not None:
            args += ["--vsphere-password-file",
                     write_private(self.private_dir(), "vsphere-password", p["password"] + "\n")]
        if p["vmware_insecure"]:
            args.append("--vsphere-insecure")
        if p["ca_file"]:
            args += ["--ca-file", p["ca_file"]]
        return args

    def v2v_options(self):
        """The converter and its scripts: vmigrate hands --run/--firstboot to the
        converter when its build takes them, else to virt-customize after it."""
        p = self.p
        args = []
        if p["v2v_command"]:
            args += ["--v2v-command", p["v2v_command"]]
        if p["runscript"]:
            args += ["--v2v-run", p["runscript"]]
        if p["bootscript"]:
            args += ["--v2v-firstboot", p["bootscript"]]
        for word in shlex.split(p["extraopts"] or ""):
            args += ["--v2v-option", word]
        return args

    def common(self):
        """Options shared by every vmigrate command (computed once: it writes the secrets)."""
        if self._common is None:
            self._common = self._build_common()
        return list(self._common)

    def _build_common(self):
        p = self.p
        args = self.vsphere_options() + self.cloud_options()
        if p["openstack_insecure"]:
            args.append("--os-insecure")
        transport = p["transport"] or ("local" if p["localdiskpath"] else None)
        if transport:
            args += ["--transport", transport]
        if p["localdiskpath"]:
            args += ["--local-datastore", p["localdiskpath"]]
        libdir = p["libdir"] or (p["vddkpath"] if self.vddkpath_is_libdir() else None)
        if libdir:
            args += ["--vddk-libdir", libdir]
        pairs = (("instanceuuid", "--conversion-host"), ("device_dir", "--device-dir"),
                 ("volumetype", "--volume-type"), ("volumeaz", "--volume-az"),
                 ("vddk_thumbprint", "--vddk-thumbprint"), ("log_file", "--log"),
                 ("log_dir", "--log-dir"), ("virtio_win", "--virtio-win"))
        for name, flag in pairs:
            if p[name]:
                args += [flag, p[name]]
        if p["shutdown_timeout"] is not None:
            args += ["--shutdown-timeout", str(p["shutdown_timeout"])]
        for name, flag in (("call_timeout", "--call-timeout"), ("connections", "--connections"),
                           ("requests", "--requests"), ("request_size", "--request-size"),
                           ("parallel_disks", "--parallel-disks"), ("max_rate", "--max-rate")):
            if p[name] is not None:
                args += [flag, str(p[name])]
        if p["verify"]:
            args.append("--verify")
        if p["skipconversion"]:
            args.append("--skip-conversion")
        if p["enable_cbt"]:
            args.append("--enable-cbt")
        if p["take_over"]:
            args.append("--take-over")
        if p["debug"]:
            args.append("-v")
        return args + self.v2v_options()

    def run(self, args, progress=None):
        """Run vmigrate ARGS; return (rc, stdout, stderr). SIGTERM on timeout.
        With a dict PROGRESS, vmigrate writes its progress events on a pipe and
        PROGRESS gets the last end event of each copy (see read_progress)."""
        pass_fds = ()
        reader = None
        if progress is not None:
            rfd, wfd = os.pipe()
            pass_fds = (wfd,)
            args = ["--progress-fd", str(wfd)] + args
            reader = threading.Thread(target=read_progress, args=(rfd, progress))
            reader.daemon = True
        try:
            proc = subprocess.Popen([self.program()] + args, env=self.env, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    universal_newlines=True, pass_fds=pass_fds)
        except Exception:
            if reader:
                os.close(rfd)
            raise
        finally:
            for fd in pass_fds:
                os.close(fd)  # vmigrate holds the write end now: EOF when it exits
        if reader:
            reader.start()
        try:
            out, err = proc.communicate(timeout=self.p["timeout"])
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate()
            err += "\nvmigrate interrupted after the timeout of %ss" % self.p["timeout"]
        if reader:
            reader.join(30)
        return proc.returncode, out, err


def read_progress(fd, progress):
    """Read vmigrate's progress events (one JSON object per line) from FD until
    EOF; PROGRESS[label][phase] = the copy's last end event: bytes, seconds,
    rate, ok."""
    with os.fdopen(fd, "r", errors="replace") as f:
        for line in f:
            try:
                e = json.loads(line)
            except ValueError:
                continue
            if not isinstance(e, dict) or e.get("event") != "end" or not e.get("label"):
                continue
            progress.setdefault(str(e["label"]), {})[str(e.get("phase") or "copy")] = {
                "bytes": int(e.get("done") or 0), "seconds": float(e.get("seconds") or 0),
                "rate": int(e.get("rate") or 0), "ok": bool(e.get("ok"))}


def summarize_disks(windows):
    """Per disk: volume, bytes summed over WINDOWS, the mode of each window, last changeID."""
    disks = {}
    order = []
    for w in windows:
        for d in w.get("disks") or []:
            key = d.get("disk_key")
            if key not in disks:
                order.append(key)
                disks[key] = {"disk_key": key, "volume_id": d.get("volume_id"), "bytes": 0,
                              "modes": [], "changeID": None}
            e = disks[key]
            e["bytes"] += int(d.get("bytes") or 0)
            e["modes"].append(d.get("mode"))
            e["changeID"] = d.get("changeID") or e["changeID"]
            e["volume_id"] = d.get("volume_id") or e["volume_id"]
    return [disks[k] for k in order]


def migrate(module, runner):
    p = module.params
    args = runner.common() + ["--json", "migrate", runner.vm_path(),
                              "--cbt-sync=%s" % str(p["cbtsync"]).lower(),
                              "--cutover=%s" % str(p["cutover"]).lower()]
    progress = {}
    rc, out, err = runner.run(args, progress=progress)
    base = {"vm": p["vmname"], "exit_code": rc, "conversion_host": p["instanceuuid"] or "",
            "id": [], "disks": [], "windows": [], "bytes": 0, "converted": False,
            "already_converted": False, "progress": progress}
    try:
        res = json.loads(out)
    except ValueError:
        module.fail_json(msg="vmigrate failed (exit %d): %s" % (rc, last_error(err)),
                         changed=False, stderr_lines=err.splitlines(), **base)
    windows = res.get("windows") or []
    disks = summarize_disks(windows)
    total = sum(int(w.get("bytes") or 0) for w in windows)
    result = dict(base, id=res.get("volumes") or [], disks=disks, windows=windows, bytes=total,
                  converted=bool(res.get("converted")),
                  already_converted=bool(res.get("already_converted")))
    if res.get("downtime_seconds") is not None:
        result["downtime_seconds"] = res["downtime_seconds"]
    if p["debug"]:
        result["stderr_lines"] = err.splitlines()
    if not res.get("ok") or rc != 0:
        result["stderr_lines"] = err.splitlines()
        module.fail_json(msg=res.get("error") or last_error(err), changed=total > 0, **result)
    converted_now = result["converted"] and p["cutover"] and not p["skipconversion"]
    instance_changed = False
    if p["create_instance"] and (converted_now or result["already_converted"]):
        result["instance"] = create_instance(module, runner, result)
        instance_changed = not result["instance"].get("found_again")
    if result["already_converted"]:
        module.exit_json(changed=instance_changed, msg="Volume already converted", **result)
    created = any("full" in d["modes"] for d in disks)
    changed = bool(total > 0 or created or converted_now or instance_changed)
    if converted_now:
        msg = "VM migrated: %d bytes copied, converted" % total
        if result.get("instance"):
            msg += ", server %s %s" % (result["instance"].get("server_name"),
                                        result["instance"].get("status"))
    elif p["cutover"]:
        msg = "final window: %d bytes copied, conversion skipped" % total
    else:
        msg = "seeding window: %d bytes copied" % total
    module.exit_json(changed=changed, msg=msg, **result)


def network_map_specs(value):
    """os-migrate's network_map ({"VM Network": "public[,SUBNET]"}) or a list of
    vmigrate --network-map specs, as --network-map words."""
    if value is None:
        return []
    if isinstance(value, dict):
        specs = []
        for src, dst in value.items():
            net, _, subnet = str(dst).partition(",")
            specs.append("%s=%s%s" % (src, net.strip(), (",subnet=" + subnet.strip()) if subnet else ""))
        return specs
    if isinstance(value, list):
        return [str(x) for x in value]
    return [str(value)]


def instance_args(p):
    args = []
    for spec in network_map_specs(p["network_map"]):
        args += ["--network-map", spec]
    for name, flag in (("network", "--network"), ("flavor", "--flavor"), ("key_name", "--key-name"),
                       ("user_data", "--user-data"), ("server_name", "--server-name"),
                       ("availability_zone", "--availability-zone")):
        if p[name]:
            args += [flag, p[name]]
    for group in p["security_groups"] or []:
        args += ["--security-group", group]
    if not p["use_existing_flavor"]:
        args.append("--create-flavor")
    if not p["keep_mac"]:
        args.append("--no-keep-mac")
    if p["instance_timeout"] is not None:
        args += ["--instance-timeout", str(p["instance_timeout"])]
    return args


def create_instance(module, runner, result):
    """vmigrate instance after the conversion: the server and its ports."""
    rc, out, err = runner.run(runner.common() + ["--json", "instance", runner.vm_path()]
                              + instance_args(module.params))
    try:
        res = json.loads(out)
    except ValueError:
        res = {}
    if rc != 0 or not res.get("ok"):
        result["stderr_lines"] = err.splitlines()
        module.fail_json(msg="the VM is converted, but its instance was not made: %s"
                         % (res.get("error") or last_error(err)), changed=True, **result)
    return res


def last_error(err):
    lines = [x for x in err.splitlines() if x.strip()]
    errs = [x for x in lines if "error" in x.lower()]
    return (errs or lines or ["no output"])[-1]


def read_json(module, runner, command, base):
    rc, out, err = runner.run(runner.common() + ["--json", command, runner.vm_path()])
    if rc != 0:
        module.fail_json(msg="vmigrate %s failed (exit %d): %s" % (command, rc, last_error(err)),
                         changed=False, exit_code=rc, stderr_lines=err.splitlines(), **base)
    try:
        return json.loads(out)
    except ValueError:
        module.fail_json(msg="vmigrate %s printed no JSON" % command, changed=False, exit_code=rc,
                         stderr_lines=err.splitlines(), **base)


def check(module, runner):
    """Predict the run from the volumes' state and the VM, without changing anything."""
    p = module.params
    base = {"vm": p["vmname"], "conversion_host": p["instanceuuid"] or "", "id": [],
            "disks": [], "bytes": 0}
    status = read_json(module, runner, "status", base)
    info = read_json(module, runner, "inspect", base)
    sdisks = status.get("disks") or []
    ids = [d["volume_id"] for d in sdisks if d.get("volume_id")]
    base["id"] = ids
    base["disks"] = [{"disk_key": d.get("disk_key"), "volume_id": d.get("volume_id"), "bytes": 0,
                      "modes": [], "changeID": d.get("changeID")} for d in sdisks]
    base["exit_code"] = 0
    converted = any(d.get("converted") for d in sdisks)
    base["converted"] = converted
    base["already_converted"] = converted
    if converted:
        module.exit_json(changed=False, msg="Volume already converted", would=[], **base)
    if ids and not p["cbtsync"]:
        module.fail_json(msg="volume already exists: the VM has volumes %s; a run without cbtsync "
                         "would fail" % ", ".join(ids), changed=False, would=[], **dict(base, exit_code=9))
    would = []
    for d in sdisks:
        if not d.get("volume_id"):
            action = "create a volume and copy the allocated data"
        elif d.get("copy_state") != "complete" or not d.get("changeID"):
            action = "redo the full copy (the first copy never completed)"
        else:
            action = "copy the changes since changeID %s" % d.get("changeID")
        would.append({"disk_key": d.get("disk_key"), "volume_id": d.get("volume_id"), "action": action})
    parts = ["would run a %s" % ("cutover" if p["cutover"] else "seeding window")]
    if p["cutover"] and not p["skipconversion"]:
        if not p["cbtsync"] or not ids:
            parts.append("a full copy")
        parts.append("stop the VM (%s guest, now %s), convert %d disk(s) and mark them converted"
                     % (info.get("os_family", "?"), info.get("power_state", "?"), len(sdisks)))
    else:
        parts.append("the VM keeps running (%s)" % info.get("power_state", "?"))
    if not info.get("cbt_enabled") and not p["enable_cbt"]:
        parts.append("but CBT is off: the run would fail without enable_cbt")
    module.exit_json(changed=True, msg="; ".join(parts), would=would, **base)


def main():
    spec = dict(
        vmname=dict(type="str", required=True),
        server=dict(type="str"),
        user=dict(type="str"),
        password=dict(type="str", no_log=True),
        vmware_insecure=dict(type="bool", default=False, aliases=["vsphere_insecure"]),
        openstack_insecure=dict(type="bool", default=False),
        ca_file=dict(type="path"),
        dst_cloud=dict(type="raw", no_log=False),
        instanceuuid=dict(type="str"),
        cbtsync=dict(type="bool", default=False),
        cutover=dict(type="bool", default=False),
        skipconversion=dict(type="bool", default=False),
        vddkpath=dict(type="str"),
        libdir=dict(type="path"),
        vddk_thumbprint=dict(type="str"),
        volumetype=dict(type="str"),
        volumeaz=dict(type="str"),
        localdiskpath=dict(type="path"),
        transport=dict(type="str", choices=["vddk", "local"]),
        device_dir=dict(type="path"),
        v2v_command=dict(type="str"),
        runscript=dict(type="path"),
        bootscript=dict(type="path", aliases=["firstboot"]),
        extraopts=dict(type="str"),
        enable_cbt=dict(type="bool", default=False),
        shutdown_timeout=dict(type="int"),
        call_timeout=dict(type="int"),
        connections=dict(type="int"),
        requests=dict(type="int"),
        request_size=dict(type="str"),
        parallel_disks=dict(type="int"),
        verify=dict(type="bool", default=False),
        max_rate=dict(type="str"),
        log_file=dict(type="path"),
        log_dir=dict(type="path"),
        take_over=dict(type="bool", default=False),
        virtio_win=dict(type="path"),
        create_instance=dict(type="bool", default=False, aliases=["create_os_instance"]),
        network_map=dict(type="raw"),
        network=dict(type="str", aliases=["openstack_private_network"]),
        flavor=dict(type="str", aliases=["flavor_name_or_uuid"]),
        use_existing_flavor=dict(type="bool", default=True),
        security_groups=dict(type="list", elements="str"),
        key_name=dict(type="str", aliases=["ssh_key_name"]),
        user_data=dict(type="path"),
        server_name=dict(type="str"),
        availability_zone=dict(type="str"),
        keep_mac=dict(type="bool", default=True),
        instance_timeout=dict(type="int"),
        debug=dict(type="bool", default=False, aliases=["debug_mode"]),
        vmigrate_path=dict(type="str", default="vmigrate", aliases=["path"]),
        vmigrate_env=dict(type="dict"),
        timeout=dict(type="int"),
        osmdatadir=dict(type="str"),
        usesocks=dict(type="bool"),
        compression=dict(type="str"),
        convhostname=dict(type="str"),
        wait=dict(type="bool"),
    )
    # no_log=True only keeps the parameters out of syslog on the conversion host (dst_cloud is a
    # dict with a password inside); the secrets are masked in the results below.
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True, no_log=True)
    secrets = set()
    collect_secrets(module.params["dst_cloud"], secrets)
    module.no_log_values.update(secrets)
    for name in IGNORED:
        if module.params[name] is not None:
            module.warn("%s is an os-migrate option that vmigrate does not need; ignored" % name)
    runner = Runner(module)
    try:
        if module.check_mode:
            check(module, runner)
        else:
            migrate(module, runner)
    finally:
        runner.cleanup()


if __name__ == "__main__":
    main()
