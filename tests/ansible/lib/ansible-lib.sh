# Sourced after ../lib.sh by the Ansible tests: an inventory of two
# conversion hosts (both localhost) bound to the lab's two Nova servers, and
# ansible-playbook run with nothing from lab.env in its environment, so
# every setting reaches vmigrate through the module's parameters.
requires ansible-playbook
COLL="$TOP/ansible"
PLAYBOOKS="$TOP/tests/ansible/playbooks"
# tests/run may give a relative build directory; the playbooks need a path.
VMIGRATE_ABS="$(cd "$(dirname "$VMIGRATE")" && pwd)/$(basename "$VMIGRATE")"

# write_inventory DIR VM...: DIR/inventory.yml and DIR/secrets.yml (0600).
write_inventory() {
    _d=$1; shift
    mkdir -p "$_d/results" "$_d/tmp" "$_d/logs"
    # vmigrate behind a wrapper that records its argv, the mode of the
    # password file it is given (the module must use a 0600 file) and when
    # each run started and ended.
    cat > "$_d/vmigrate-wrapper" <<SH
#!/bin/sh
prev=
for a in "\$@"; do
    [ "\$prev" = --vsphere-password-file ] && echo "pwmode \$(stat -c %a "\$a")" >> "$_d/argv.log"
    prev=\$a
done
echo "argv \$*" >> "$_d/argv.log"
start=\$(date +%s.%N)
"$VMIGRATE_ABS" "\$@"
rc=\$?
# When each run started and ended, to prove one host runs several at once.
echo "span \$start \$(date +%s.%N) \$*" >> "$_d/argv.log"
exit \$rc
SH
    chmod +x "$_d/vmigrate-wrapper"
    _vms=$(printf '"%s",' "$@")
    ( umask 077; cat > "$_d/secrets.yml" <<YAML
vcenter_password: "$(cat "$VMIGRATE_VSPHERE_PASSWORD_FILE")"
dst_cloud:
  auth:
    auth_url: "$OS_AUTH_URL"
    username: "$OS_USERNAME"
    password: "$OS_PASSWORD"
    project_name: "$OS_PROJECT_NAME"
    user_domain_name: "$OS_USER_DOMAIN_NAME"
    project_domain_name: "$OS_PROJECT_DOMAIN_NAME"
  region_name: "$OS_REGION_NAME"
  identity_api_version: 3
YAML
    )
    cat > "$_d/inventory.yml" <<YAML
all:
  children:
    conversion_hosts:
      hosts:
        conv1:
          conversion_host_uuid: "$VMIGRATE_CONVERSION_HOST"
          device_dir: "$VMIGRATE_DEVICE_DIR"
        conv2:
          conversion_host_uuid: "$VMIGRATE_CONVERSION_HOST_2"
          device_dir: "$VMIGRATE_DEVICE_DIR_2"
      vars:
        ansible_connection: local
        ansible_python_interpreter: /usr/bin/python3
        vcenter_hostname: "$VMIGRATE_VSPHERE_URL"
        vcenter_username: "$VMIGRATE_VSPHERE_USER"
        local_disk_path: "$VMIGRATE_LOCAL_DATASTORE"
        v2v_command: "$VMIGRATE_V2V_COMMAND"
        virtio_win: "$VIRTIO_WIN"
        vms_list: [${_vms%,}]
        import_workloads_vmigrate_path: "$_d/vmigrate-wrapper"
        import_workloads_vmigrate_env:
          TMPDIR: "$_d/tmp"
        import_workloads_log_dir: "$_d/logs"
        import_workloads_poll: 1
        results_dir: "$_d/results"
YAML
}

# playbook DIR PHASE [ansible-playbook args...]: run playbooks/import.yml
# with a clean environment; output in DIR/PHASE.out.
playbook() {
    _d=$1; _phase=$2; shift 2
    _t0=$(date +%s)
    _rc=0
    env -i PATH="$PATH" HOME="$_d" LC_ALL=C.UTF-8 TMPDIR="$_d/tmp" \
        ANSIBLE_COLLECTIONS_PATH="$COLL" ANSIBLE_LOCAL_TEMP="$_d/tmp/ansible-local" \
        ANSIBLE_REMOTE_TEMP="$_d/tmp/ansible-remote" ANSIBLE_ASYNC_DIR="$_d/tmp/async" \
        ANSIBLE_FORCE_COLOR=0 ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0 \
        ANSIBLE_DEPRECATION_WARNINGS=0 ANSIBLE_PIPELINING=1 \
        ansible-playbook -v -i "$_d/inventory.yml" -e "@$_d/secrets.yml" \
        -e phase="$_phase" "$@" "$PLAYBOOKS/import.yml" > "$_d/$_phase.out" 2>&1 || _rc=$?
    echo "playbook $_phase: exit $_rc in $(( $(date +%s) - _t0 ))s"
    return $_rc
}

# result DIR PHASE VM EXPR: evaluate the Python expression EXPR on the
# module result r of VM in phase PHASE (either host); prints it.
result() {
    $PY - "$@" <<'PYEOF'
import glob, json, sys
d, phase, vm, expr = sys.argv[1:5]
rs = []
for f in sorted(glob.glob("%s/results/%s-*.json" % (d, phase))):
    host = f.rsplit("-", 1)[1][:-5]
    for r in json.load(open(f)):
        r["host"] = host
        rs.append(r)
r = [x for x in rs if x.get("vm") == vm]
if len(r) != 1:
    sys.exit("phase %s: %d results for %s in %s" % (phase, len(r), vm, json.dumps(rs)))
r = r[0]
v = eval(expr)
print(v if isinstance(v, str) else json.dumps(v))
PYEOF
}
