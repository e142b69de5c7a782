# Sourced after ../lib.sh and lab_start by the tests that run the migrate
# module alone (ansible localhost -m): its files go to $A, and vmigrate runs
# behind a wrapper that appends its argv to $A/argv.log.
A="$LABDIR/ansible"
mkdir -p "$A/tmp"
VMIGRATE_ABS="$(cd "$(dirname "$VMIGRATE")" && pwd)/$(basename "$VMIGRATE")"
cat > "$A/vmigrate-wrapper" <<SH
#!/bin/sh
echo "argv \$*" >> "$A/argv.log"
exec "$VMIGRATE_ABS" "\$@"
SH
chmod +x "$A/vmigrate-wrapper"

# module NAME JSON-ARGS: run the module on localhost, output in $A/NAME.out
# ("localhost | CHANGED => {...}").  The lab CA is not in its environment.
module() {
    _rc=0
    env -u VMIGRATE_CA_FILE -u OS_CACERT HOME="$A" LC_ALL=C.UTF-8 TMPDIR="$A/tmp" \
        ANSIBLE_COLLECTIONS_PATH="$TOP/ansible" ANSIBLE_LOCAL_TEMP="$A/tmp/local" \
        ANSIBLE_NOCOLOR=1 ANSIBLE_DEPRECATION_WARNINGS=0 ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 \
        ansible localhost -c local -m vmigrate.vmware_to_openstack.migrate -a "$2" \
        > "$A/$1.out" 2>&1 || _rc=$?
    return $_rc
}

# module_args VM EXTRA-JSON: a seeding window of VM from the lab's datastore
# through the wrapper, plus EXTRA-JSON (', "key": value...').
module_args() {
    printf '{"vmname": "%s", "cbtsync": true, "localdiskpath": "%s", "vmigrate_path": "%s"%s}' \
        "$1" "$VMIGRATE_LOCAL_DATASTORE" "$A/vmigrate-wrapper" "$2"
}
