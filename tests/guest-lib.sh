# Sourced (after lib.sh) by the real-guest tests in tests/guest/: a bootable
# Debian 12 guest (scripts/build-guest-image.sh) in the lab, written through
# libguestfs as a running guest would write it, converted by the REAL
# virt-v2v-in-place and booted with qemu (TCG, virtio).

# Skip only where virt-v2v cannot run at all.  scripts/deps.sh installs the
# tools; these checks catch a machine where they cannot work.
guest_requirements() {
    for _c in virt-v2v-in-place guestfish virt-cat qemu-system-x86_64 debootstrap; do
        command -v $_c >/dev/null 2>&1 ||
            { echo "SKIP: virt-v2v cannot run here: no $_c (scripts/deps.sh installs it)"; exit 77; }
    done
    [ "$(id -u)" -eq 0 ] ||
        { echo "SKIP: virt-v2v cannot run here: needs root (libguestfs reads the host kernel, debootstrap)"; exit 77; }
    ls /boot/vmlinuz-* >/dev/null 2>&1 ||
        { echo "SKIP: virt-v2v cannot run here: libguestfs needs a host kernel in /boot (linux-image-amd64)"; exit 77; }
    # The converter runs inside libguestfs's appliance: if that cannot
    # start (no qemu, no usable kernel, a sandbox), nothing can convert.
    if ! _out=$(timeout 600 guestfish --ro --format=raw -a /dev/null run 2>&1); then
        echo "SKIP: virt-v2v cannot run here: the libguestfs appliance does not start ($(printf '%s\n' "$_out" | grep -m1 'error' | sed 's/^.*libguestfs: //'); libguestfs-test-tool shows why)"
        exit 77
    fi
}

export LIBGUESTFS_BACKEND=direct
export LIBGUESTFS_BACKEND_SETTINGS=force_tcg   # /dev/kvm cannot run guests here

# guest_setup: the test's own timeout (VMIGRATE_GUEST_TIMEOUT, default
# 1500 s: a cold image build takes about 7 min of it), the lab, a work
# directory and the guest image in $WORK/guest.img.
guest_setup() {
    guest_requirements
    T0=$(date +%s)
    _limit=${VMIGRATE_GUEST_TIMEOUT:-1500}
    # (the watchdog takes its sleep down with it when the test ends first)
    ( trap 'kill $_s 2>/dev/null; exit 0' TERM
      sleep "$_limit" & _s=$!; wait $_s
      echo "FAIL: timeout after $_limit s" >&2; kill -TERM $$ ) &
    cleanup "kill $! 2>/dev/null"
    lab_start
    WORK=$(mktemp -d "${TMPDIR:-/var/tmp}/vmigrate-guest-test.XXXXXX")
    cleanup "rm -rf '$WORK'"
    step "guest image"
    _t=$(date +%s)
    "$TOP/scripts/build-guest-image.sh" "$WORK/guest.img" || fail "cannot build the guest image"
    T_IMAGE=$(( $(date +%s) - _t ))
}

step() { echo "[$(( $(date +%s) - T0 )) s] $*"; }

# guest_disks VM: the VM's disk files in the datastore, in disk order.
guest_disks() {
    "$LABCTL" vm-info --dir "$LABDIR" "$1" | $PY -c 'import json,sys,os
d = sys.argv[1]
for x in json.load(sys.stdin)["disks"]:
    print(os.path.join(d, x["file"].split("] ", 1)[1]))' "$VMIGRATE_LOCAL_DATASTORE/datastore1"
}

# guest_write VM "guestfish commands": the guest writes its file systems
# (the disk files themselves, every disk attached), then the blocks that
# changed on each disk are recorded for CBT.
guest_write() {
    _disks=$(guest_disks "$1")
    _i=0
    for _d in $_disks; do cp --sparse=always "$_d" "$WORK/before-$_i.img"; _i=$((_i + 1)); done
    # shellcheck disable=SC2046
    printf '%s\n' "$2" | guestfish --rw --format=raw $(printf -- '-a %s ' $_disks) -i >/dev/null ||
        fail "guestfish write failed"
    _i=0
    for _d in $_disks; do
        "$LABCTL" vm-track --dir "$LABDIR" "$1" --disk $_i --from-diff "$WORK/before-$_i.img" >/dev/null ||
            fail "labctl vm-track failed for disk $_i"
        rm -f "$WORK/before-$_i.img"
        _i=$((_i + 1))
    done
}

# guest_cutover VM: cutover with the real converter; $V2VLOG is its log.
guest_cutover() {
    _power=$("$LABCTL" vm-power --dir "$LABDIR" "$1")
    _t=$(date +%s)
    _out=$(vmigrate cutover "$1" --log "$WORK/vmigrate.log" --log-dir "$WORK" --v2v-command virt-v2v-in-place \
          --shutdown-timeout 5 2>&1) || {
        tail -n 40 "$WORK"/vmigrate-v2v-*.log 2>/dev/null >&2
        fail "cutover failed: $_out"
    }
    T_CONVERT=$(( $(date +%s) - _t ))
    assert_contains "$_out" "VM '$1' converted: volumes" "cutover result"
    # Downtime is what a running guest lost (none after a failed cutover
    # already stopped it).
    [ "$_power" = poweredOff ] || assert_contains "$_out" "downtime:" "downtime reported"
    assert_eq poweredOff "$("$LABCTL" vm-power --dir "$LABDIR" "$1")" \
        "the source VM after cutover"
    ls "$WORK/vmigrate-v2v-$1"-*.log >/dev/null 2>&1 || fail "no converter log in --log-dir"
    V2VLOG=$(ls -t "$WORK/vmigrate-v2v-$1"-*.log | head -n1)
    grep -q "Finishing off" "$V2VLOG" || { tail -n 40 "$V2VLOG" >&2; fail "virt-v2v did not finish: $V2VLOG"; }
    grep -q "Running: .*vmigrate-nic-names" "$V2VLOG" ||
        { tail -n 40 "$V2VLOG" >&2; fail "the NIC-name step did not run: $V2VLOG"; }
}

# volume_file VM INDEX: the lab Cinder file behind the VM's INDEXth volume.
volume_file() {
    _vid=$(vol "$1" "$2" id)
    _f=$(find "$LABDIR" -name "$_vid.img" -type f | head -n1)
    [ -n "$_vid" ] && [ -f "$_f" ] || fail "no volume file for disk $2 of $1"
    echo "$_f"
}

# guest_read VOLFILE... <<EOF guestfish commands EOF: run them on the
# volumes, read-only with the guest's file systems mounted, in one appliance
# launch (each launch costs 20-30 s under TCG).  An "echo @NAME" command
# starts a section of the output that guest_section NAME prints.
guest_read() {
    _args=""
    for _v in "$@"; do _args="$_args -a $_v"; done
    # shellcheck disable=SC2086
    GUEST_OUT=$(guestfish --ro --format=raw $_args -i) || fail "guestfish cannot read the volumes $*"
}
guest_section() { printf '%s\n' "$GUEST_OUT" | awk -v s="@$1" '$0 == s {on = 1; next} /^@/ {on = 0} on'; }

# guest_mac: the MAC the NIC-name step pinned ens192 to, from the section
# "links" of guest_read (glob read-lines /etc/systemd/network/10-vmigrate-*.link).
guest_mac() {
    _links=$(guest_section links)
    assert_contains "$_links" "Name=ens192" "ens192 pinned by MAC"
    _mac=$(printf '%s\n' "$_links" | sed -n 's/^MACAddress=//p' | head -n1)
    [ -n "$_mac" ] || fail "no MAC in the .link file"
    echo "$_mac"
}

# guest_boot MAC VOLFILE...: boot the volumes (virtio-blk each, virtio-net
# with MAC, TCG) until a login prompt on the serial console ($SERIAL), then
# wait for ens192's address (/etc/issue shows it; agetty re-prints it).
guest_boot() {
    _mac=$1; shift
    _t=$(date +%s)
    SERIAL="$WORK/serial.log"
    set -- $(for _v in "$@"; do printf -- '-drive file=%s,format=raw,if=virtio ' "$_v"; done)
    qemu-system-x86_64 -accel tcg -m 1024 -smp 2 -display none -no-reboot "$@" \
        -nic user,model=virtio-net-pci,mac="$_mac" \
        -serial file:"$SERIAL" -monitor none -pidfile "$WORK/qemu.pid" -daemonize ||
        fail "qemu did not start"
    cleanup "kill \$(cat '$WORK/qemu.pid' 2>/dev/null) 2>/dev/null"
    _booted=""
    while [ $(( $(date +%s) - _t )) -lt 600 ]; do
        if grep -q "login:" "$SERIAL" 2>/dev/null; then _booted=yes; break; fi
        sleep 2
    done
    [ -n "$_booted" ] || { tail -n 40 "$SERIAL" >&2; fail "no login prompt on the serial console"; }
    T_BOOT=$(( $(date +%s) - _t ))
    _n=0
    while ! grep -q "ens192=10\.0\.2\." "$SERIAL" && [ $_n -lt 60 ]; do sleep 2; _n=$((_n + 1)); done
    grep -q "ens192=10\.0\.2\." "$SERIAL" || { tail -n 20 "$SERIAL" >&2; fail "ens192 has no address after boot"; }
}

guest_timings() {
    echo "timings: image ${T_IMAGE}s, conversion (cutover) ${T_CONVERT}s, boot to login ${T_BOOT}s, total $(( $(date +%s) - T0 ))s"
}
