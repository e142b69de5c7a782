# The import_workloads role with the real ansible-playbook: two conversion
# hosts (both localhost, bound to the lab's two Nova servers) share four VMs
# (two Linux, two Windows; two at a time per host) through check mode, two
# seeding windows (cbt_sync=true, cutover=false), check mode again, a
# cutover and a repeated cutover (AC5, idempotent); AC4 after the first
# window; secrets stay out of argv and output.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib/ansible-lib.sh"
lab_start --conversion-hosts 2
"$LABCTL" fault --dir "$LABDIR" set shutdown_delay=0.3
A="$LABDIR/ansible"
VMS="lin01 win01 win02 lin02"   # round-robin: conv1 lin01 win02, conv2 win01 lin02
"$LABCTL" vm-create --dir "$LABDIR" lin01 --disks 32M,16M --fill 10 >/dev/null
"$LABCTL" vm-create --dir "$LABDIR" win01 --os windows --disks 32M --fill 10 >/dev/null
"$LABCTL" vm-create --dir "$LABDIR" win02 --os windows --disks 16M --fill 10 >/dev/null
"$LABCTL" vm-create --dir "$LABDIR" lin02 --disks 16M --fill 10 >/dev/null
write_inventory "$A" $VMS
ndisks() { [ "$1" = lin01 ] && echo 2 || echo 1; }
power() { "$LABCTL" vm-power --dir "$LABDIR" "$1"; }
v2v_calls() { [ -f "$LABDIR/v2v-calls.jsonl" ] && wc -l < "$LABDIR/v2v-calls.jsonl" || echo 0; }

# Every disk of each VM: the volume holds the disk, changeID and id are the
# module's, converted as expected (tests/ansible/lib/check_volumes.py).
assert_volumes() { # PHASE CONVERTED VM...
    _p=$1; _c=$2; shift 2
    $PY "$TOP/tests/ansible/lib/check_volumes.py" "$LABDIR" "$A" "$_p" "$_c" "$@" || fail "volumes after $_p"
}

# -- check mode before anything exists: nothing created, nothing copied.
playbook "$A" check1 --check -e cbt_sync=true -e cutover=false || fail "check mode: $(tail -30 "$A/check1.out")"
for vm in $VMS; do
    assert_eq 0 "$(nvolumes $vm)" "check mode created no volume for $vm"
    assert_eq true "$(result "$A" check1 $vm "r['changed']")" "check mode predicts a change for $vm"
    assert_contains "$(result "$A" check1 $vm "r['would'][0]['action']")" "create a volume" "check mode for $vm"
done
assert_eq 0 "$(soap_calls CreateSnapshot_Task)" "check mode took no snapshot"

# -- seeding window 1 (AC7: cbt_sync/cutover given as os-migrate users do).
playbook "$A" seed1 -e cbt_sync=true -e cutover=false || fail "seed1: $(tail -30 "$A/seed1.out")"
for vm in $VMS; do
    assert_eq true "$(result "$A" seed1 $vm "r['changed']")" "seed1 changed $vm"
    assert_eq '["full"]' "$(result "$A" seed1 $vm "r['disks'][0]['modes']")" "seed1 full copy of $vm"
done
assert_volumes seed1 false $VMS
assert_eq poweredOn "$(power win01)" "win01 on after seeding 1"
assert_eq poweredOn "$(power win02)" "win02 on after seeding 1"
# The split: each host got its share and attached through its own server.
assert_eq conv1 "$(result "$A" seed1 lin01 "r['host']")" "lin01 on conv1"
assert_eq conv1 "$(result "$A" seed1 win02 "r['host']")" "win02 on conv1"
assert_eq conv2 "$(result "$A" seed1 win01 "r['host']")" "win01 on conv2"
assert_eq conv2 "$(result "$A" seed1 lin02 "r['host']")" "lin02 on conv2"
for vm in lin01 win02; do
    assert_eq "$VMIGRATE_CONVERSION_HOST" "$(result "$A" seed1 $vm "r['conversion_host']")" "$vm server"
done
# Several VMs at a time per host: on each host the two seeding runs overlap.
$PY - "$A/argv.log" "$VMIGRATE_CONVERSION_HOST" "$VMIGRATE_CONVERSION_HOST_2" <<'PYEOF' || fail "a host did not run its VMs at the same time"
import sys
spans = {}
for line in open(sys.argv[1]):
    w = line.split()
    if w[0] != "span" or "migrate" not in w or "--conversion-host" not in w:
        continue
    host = w[w.index("--conversion-host") + 1]
    spans.setdefault(host, []).append((float(w[1]), float(w[2])))
for host in sys.argv[2:4]:
    s = sorted(spans.get(host, []))
    assert any(b[0] < a[1] for a, b in zip(s, s[1:])), (host, s)
PYEOF
for vm in win01 lin02; do
    assert_eq "$VMIGRATE_CONVERSION_HOST_2" "$(result "$A" seed1 $vm "r['conversion_host']")" "$vm server"
done
for s in "$VMIGRATE_CONVERSION_HOST" "$VMIGRATE_CONVERSION_HOST_2"; do
    # lin01 has 2 disks: conv1 attaches 3 volumes, conv2 2 (one request each).
    n=$(grep -c "POST /compute/v2.1/servers/$s/os-volume_attachments" "$LABDIR/logs/openstack.log" || true)
    [ "$n" -ge 2 ] || fail "server $s saw $n attachments"
done

# -- AC4: migrating the seeded VMs again without cbt_sync fails (exit 9),
# every VM is reported, the play fails, nothing is touched.
snaps=$(soap_calls CreateSnapshot_Task)
rc=0; playbook "$A" ac4 -e cbt_sync=false -e cutover=false || rc=$?
[ $rc -ne 0 ] || fail "AC4 must fail the play"
assert_contains "$(cat "$A/ac4.out")" "volume already exists" "AC4 message in the play"
for vm in $VMS; do
    assert_eq true "$(result "$A" ac4 $vm "r['failed']")" "AC4 failed for $vm"
    assert_eq 9 "$(result "$A" ac4 $vm "r['exit_code']")" "AC4 exit code for $vm"
    assert_contains "$(result "$A" ac4 $vm "r['msg']")" "volume already exists" "AC4 message for $vm"
done
assert_eq "$snaps" "$(soap_calls CreateSnapshot_Task)" "AC4 took no snapshot"

# -- seeding window 2: only lin01 and win01 changed; the others copy nothing.
"$LABCTL" vm-write --dir "$LABDIR" lin01 --disk 1 --percent 5 --seed 7 >/dev/null
"$LABCTL" vm-write --dir "$LABDIR" win01 --percent 5 --seed 8 >/dev/null
playbook "$A" seed2 -e cbt_sync=true -e cutover=false || fail "seed2: $(tail -30 "$A/seed2.out")"
for vm in lin01 win01; do
    assert_eq true "$(result "$A" seed2 $vm "r['changed']")" "seed2 changed $vm"
    assert_eq '["delta"]' "$(result "$A" seed2 $vm "r['disks'][-1]['modes']")" "seed2 delta of $vm"
done
for vm in win02 lin02; do
    assert_eq false "$(result "$A" seed2 $vm "r['changed']")" "seed2 copied nothing for $vm"
    assert_eq 0 "$(result "$A" seed2 $vm "r['bytes']")" "seed2 bytes of $vm"
done
assert_volumes seed2 false $VMS
assert_eq poweredOn "$(power win01)" "win01 on after seeding 2"
assert_eq poweredOn "$(power win02)" "win02 on after seeding 2"

# -- check mode of the cutover: nothing stopped, copied or converted.
snaps=$(soap_calls CreateSnapshot_Task)
cid=$(meta lin01 1 changeID)
playbook "$A" check2 --check -e cbt_sync=true -e cutover=true || fail "check2: $(tail -30 "$A/check2.out")"
assert_contains "$(result "$A" check2 win01 "r['msg']")" "convert" "check mode predicts the conversion"
assert_eq "$snaps" "$(soap_calls CreateSnapshot_Task)" "check mode took no snapshot"
assert_eq 0 "$(v2v_calls)" "check mode converted nothing"
assert_eq "$cid" "$(meta lin01 1 changeID)" "check mode changed no changeID"
assert_contains "$(result "$A" check2 lin01 "r['would'][1]['action']")" "copy the changes since changeID $cid" "check mode delta"
assert_eq poweredOn "$(power win01)" "win01 on after check mode"
for vm in $VMS; do assert_eq false "$(meta $vm 0 converted)" "$vm not converted by check mode"; done

# -- cutover (with a last change on win02).
"$LABCTL" vm-write --dir "$LABDIR" win02 --percent 5 --seed 9 >/dev/null
# os-migrate's conversion extras (paths with a blank, as sites have them).
mkdir -p "$A/site scripts"
printf '#!/bin/sh\necho run\n' > "$A/site scripts/run.sh"
printf '#!/bin/sh\necho firstboot\n' > "$A/site scripts/firstboot.sh"
playbook "$A" cutover -e cbt_sync=true -e cutover=true \
    -e "{\"runscript\": \"$A/site scripts/run.sh\", \"bootscript\": \"$A/site scripts/firstboot.sh\", \"extraopts\": \"--root first\"}" ||
    fail "cutover: $(tail -30 "$A/cutover.out")"
# Each conversion got them as separate words: the script paths whole, the
# options before -i (this converter build takes --run/--firstboot itself).
$PY - "$LABDIR/v2v-calls.jsonl" "$A/site scripts" <<'PYEOF' || fail "the converter did not get runscript/bootscript/extraopts"
import json, sys
calls = [json.loads(l) for l in open(sys.argv[1])]
d = sys.argv[2]
ok = len(calls) == 4
for c in calls:
    o = [tuple(x) for x in c["options"]]
    a = c["argv"]
    ok = ok and ("--run", d + "/run.sh") in o and ("--firstboot", d + "/firstboot.sh") in o
    ok = ok and ("--root", "first") in o and a.index("--root") < a.index("-i")
print(json.dumps([c["argv"] for c in calls], indent=1))
sys.exit(0 if ok else 1)
PYEOF
for vm in $VMS; do
    assert_eq true "$(result "$A" cutover $vm "r['changed']")" "cutover changed $vm"
    assert_eq true "$(result "$A" cutover $vm "r['converted']")" "cutover converted $vm"
    assert_eq true "$(result "$A" cutover $vm "r['downtime_seconds'] > 0")" "downtime of $vm"
done
assert_volumes cutover true $VMS
assert_eq poweredOff "$(power win01)" "win01 off after cutover"
assert_eq poweredOff "$(power win02)" "win02 off after cutover"
assert_eq 4 "$(v2v_calls)" "one conversion per VM"
# Each conversion saw its volumes in its own host's device directory.
$PY - "$LABDIR" "$A" <<'PYEOF' || fail "conversions ran on the wrong host"
import glob, json, os, sys
lab, a = sys.argv[1:3]
want = {}
for f in glob.glob(a + "/results/cutover-*.json"):
    host = f.rsplit("-", 1)[1][:-5]
    for r in json.load(open(f)):
        for v in r["id"]:
            want[v] = "conv-host-" + host[-1]
seen = {}
for line in open(lab + "/v2v-calls.jsonl"):
    for dev in json.loads(line)["devices"]:
        vol = os.path.basename(dev["realpath"])[:-4]
        seen[vol] = os.path.basename(os.path.dirname(dev["path"]))
print("expected", want, "\nseen", seen)
sys.exit(0 if want == seen and len(want) == 5 else 1)
PYEOF

# -- repeated cutover: AC5 message, nothing done (idempotent).
playbook "$A" again -e cbt_sync=true -e cutover=true || fail "repeated cutover: $(tail -30 "$A/again.out")"
for vm in $VMS; do
    assert_eq false "$(result "$A" again $vm "r['changed']")" "repeated cutover of $vm unchanged"
    assert_eq "Volume already converted" "$(result "$A" again $vm "r['msg']")" "AC5 for $vm"
done
grep -q "changed=0 " "$A/again.out" || fail "repeated cutover reported changes: $(grep changed= "$A/again.out")"
assert_eq 4 "$(v2v_calls)" "no second conversion"

# -- secrets: never on vmigrate's argv nor in the output; 0600 files, removed.
pw=$(cat "$VMIGRATE_VSPHERE_PASSWORD_FILE")
for f in "$A"/*.out "$A/argv.log" "$A"/results/*; do
    ! grep -qF -e "$pw" -e "$OS_PASSWORD" "$f" || fail "a password is in $f"
done
grep -q -- "--vsphere-password-file" "$A/argv.log" || fail "no password file given"
assert_eq 600 "$(grep '^pwmode' "$A/argv.log" | sort -u | cut -d' ' -f2)" "password file mode"
[ -z "$(ls "$A/tmp" | grep vmigrate-ansible)" ] || fail "private files left: $(ls "$A/tmp")"
echo "ok"
