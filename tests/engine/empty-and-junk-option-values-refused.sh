# Values that are empty, junk or out of range are refused with a message
# naming the option and a documented exit code, before anything happens:
# an empty --shutdown-timeout is not 0 (which would power the guest off hard
# at once), an empty --vsphere-url is a missing setting (3), and a directory
# given as the password file is called a directory, not "empty".
. "$(dirname "$0")/../lib.sh"
lab_start
"$LABCTL" vm-create --dir "$LABDIR" ej01 --disks 8M --fill 10 >/dev/null

for v in "" abc -1 86401 99999999999999999999 10s; do
    rc=0; out=$(vmigrate cutover ej01 "--shutdown-timeout=$v" 2>&1) || rc=$?
    assert_eq 2 "$rc" "--shutdown-timeout='$v' exit code"
    assert_contains "$out" "--shutdown-timeout" "the message names the option for '$v'"
done
assert_eq "poweredOn" "$("$LABCTL" vm-info --dir "$LABDIR" ej01 | $PY -c 'import json,sys; print(json.load(sys.stdin)["power"])')" "the guest still runs"
assert_eq 0 "$(nvolumes ej01)" "no volume was created"

rc=0; out=$(vmigrate sync ej01 --vsphere-url= 2>&1) || rc=$?
assert_eq 3 "$rc" "empty --vsphere-url exit code"
assert_contains "$out" "no vSphere URL" "the message says what is missing"

rc=0; out=$(vmigrate sync ej01 --vsphere-password-file "$LABDIR" 2>&1) || rc=$?
assert_eq 3 "$rc" "a directory as the password file: exit code"
assert_contains "$out" "is a directory" "the message names the real problem"
assert_eq 0 "$(nvolumes ej01)" "still no volume"

# The data plane's tunables: out of range, not a number, not a power of two,
# a descriptor that is not open.
for arg in --connections=0 --connections=17 --connections=x --requests=0 --requests=65 \
           --request-size=3M --request-size=16K --request-size=64M --request-size=2X \
           --parallel-disks=0 --parallel-disks=17 --max-rate= --max-rate=1K --max-rate=5Q \
           --progress-fd=77 --progress-fd=-1; do
    rc=0; out=$(vmigrate sync ej01 "$arg" 2>&1) || rc=$?
    assert_eq 2 "$rc" "$arg exit code"
    assert_contains "$out" "${arg%%=*}" "the message names the option for $arg"
done
assert_eq 0 "$(nvolumes ej01)" "no volume after refused tunables"
