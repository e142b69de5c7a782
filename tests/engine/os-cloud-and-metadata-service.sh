# OpenStack settings from clouds.yaml (--os-cloud, as the openstack client
# reads it) instead of OS_* variables, and the conversion host found through
# the metadata service when no --conversion-host is given.
. "$(dirname "$0")/../lib.sh"
lab_start
"$LABCTL" vm-create --dir "$LABDIR" oc01 --disks 16M --fill 10 >/dev/null
cat > "$LABDIR/clouds.yaml" <<YAML
clouds:
  lab:
    auth:
      auth_url: $OS_AUTH_URL
      username: $OS_USERNAME
      password: $OS_PASSWORD
      project_name: $OS_PROJECT_NAME
      user_domain_name: $OS_USER_DOMAIN_NAME
      project_domain_name: $OS_PROJECT_DOMAIN_NAME
    region_name: $OS_REGION_NAME
    identity_api_version: 3
YAML
host=$VMIGRATE_CONVERSION_HOST
out=$(env -u OS_AUTH_URL -u OS_USERNAME -u OS_PASSWORD -u OS_PROJECT_NAME \
      -u OS_USER_DOMAIN_NAME -u OS_PROJECT_DOMAIN_NAME -u OS_REGION_NAME \
      -u VMIGRATE_CONVERSION_HOST OS_CLIENT_CONFIG_FILE="$LABDIR/clouds.yaml" \
      "$VMIGRATE" --transport local sync oc01 --os-cloud lab -v 2>&1) || fail "sync with --os-cloud failed: $out"
assert_contains "$out" "conversion host: server $host" "host found via the metadata service"
assert_volume_matches_disk oc01 0
rc=0; out=$(env -u OS_AUTH_URL OS_CLIENT_CONFIG_FILE="$LABDIR/clouds.yaml" \
      "$VMIGRATE" --transport local sync oc01 --os-cloud nosuchcloud 2>&1) || rc=$?
assert_eq 3 "$rc" "unknown cloud is a configuration error"
assert_contains "$out" "lab" "message lists the clouds there are"
