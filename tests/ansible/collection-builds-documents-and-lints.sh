# The collection builds with ansible-galaxy, installs, and ansible-doc shows
# the module's and the role's documentation; ansible-lint (Debian package)
# passes on it; the module's parameters include os-migrate's.
. "$(dirname "$0")/../lib.sh"
requires ansible-galaxy
requires ansible-doc
COLL="$TOP/ansible/ansible_collections/vmigrate/vmware_to_openstack"
W=$(mktemp -d "${TMPDIR:-/tmp}/vmigrate-coll.XXXXXX")
cleanup "rm -rf '$W'"
export HOME="$W" LC_ALL=C.UTF-8 ANSIBLE_NOCOLOR=1

out=$(ansible-galaxy collection build "$COLL" --output-path "$W" 2>&1) || fail "build: $out"
tarball="$W/vmigrate-vmware_to_openstack-0.1.0.tar.gz"
[ -f "$tarball" ] || fail "no tarball: $out"
tar tzf "$tarball" | grep -q "plugins/modules/migrate.py" || fail "module not in the tarball"
tar tzf "$tarball" | grep -q "roles/import_workloads/defaults/main.yml" || fail "role not in the tarball"
out=$(ansible-galaxy collection install "$tarball" -p "$W/installed" 2>&1) || fail "install: $out"

# ansible-doc from the installed copy.
export ANSIBLE_COLLECTIONS_PATH="$W/installed"
doc=$(ansible-doc vmigrate.vmware_to_openstack.migrate 2>&1) || fail "ansible-doc: $doc"
for opt in user password server vmname cbtsync cutover skipconversion dst_cloud instanceuuid \
           vddkpath libdir volumetype volumeaz vmware_insecure openstack_insecure localdiskpath debug \
           device_dir transport v2v_command vmigrate_path log_dir take_over call_timeout; do
    printf '%s\n' "$doc" | grep -q "^[-=] $opt\b" || fail "ansible-doc lacks option $opt"
done
assert_contains "$doc" "Volume already converted" "documented AC5"
assert_contains "$doc" "EXAMPLES" "examples"
assert_contains "$doc" "RETURN VALUES" "return values"
assert_contains "$(ansible-doc -l vmigrate.vmware_to_openstack 2>&1)" "vmigrate.vmware_to_openstack.migrate" "module listed"
role=$(ansible-doc -t role vmigrate.vmware_to_openstack.import_workloads 2>&1) || fail "role doc: $role"
assert_contains "$role" "import_workloads_cbt_sync" "role documents its options"

# The role's defaults are the AC7 expressions, verbatim.
grep -qx 'import_workloads_cbt_sync: "{{ cbt_sync | default(false) | bool }}"' "$COLL/roles/import_workloads/defaults/main.yml" \
    || fail "AC7 default of import_workloads_cbt_sync"
grep -qx 'import_workloads_cutover: "{{ cutover | default(false) | bool }}"' "$COLL/roles/import_workloads/defaults/main.yml" \
    || fail "AC7 default of import_workloads_cutover"

# ansible-lint, offline, from the collection's root (its .ansible-lint).
if command -v ansible-lint >/dev/null 2>&1; then
    out=$(cd "$COLL" && ANSIBLE_COLLECTIONS_PATH="$TOP/ansible" ansible-lint --offline --nocolor 2>&1) \
        || fail "ansible-lint: $out"
    echo "$out" | tail -1
else
    echo "NOTE: ansible-lint not installed (scripts/deps.sh installs it); lint not run"
fi
echo ok
