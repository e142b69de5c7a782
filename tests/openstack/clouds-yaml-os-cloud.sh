# --os-cloud NAME reads clouds.yaml like the openstack client: the file from
# OS_CLIENT_CONFIG_FILE (or ./clouds.yaml), the password from secure.yaml,
# an application credential entry; no OS_* variable is needed.  The real
# openstack CLI reads the same files and sees the same volume.
. "$(dirname "$0")/../lib.sh"
requires openstack
. "$(dirname "$0")/probe.lib"
lab_start
C="$LABDIR/cfg"; mkdir -p "$C"
AUTH_URL=$OS_AUTH_URL USER=$OS_USERNAME PASS=$OS_PASSWORD PROJECT=$OS_PROJECT_NAME
appcred() { # FIELD of the lab's application credential
    $PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["application_credential"][sys.argv[2]])' \
        "$LABDIR/openstack/state.json" "$1"
}

# The base URL without /v3: clients discover the version.
cat > "$C/clouds.yaml" <<YAML
clouds:
  lab:
    auth:
      auth_url: ${AUTH_URL%/v3}
      username: $USER
      project_name: $PROJECT
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionOne
    interface: public
    identity_api_version: 3
  lab-appcred:
    auth_type: v3applicationcredential
    auth:
      auth_url: $AUTH_URL
      application_credential_id: $(appcred id)
      application_credential_secret: $(appcred secret)
YAML
cat > "$C/secure.yaml" <<YAML
clouds:
  lab:
    auth:
      password: "$PASS"
YAML
chmod 600 "$C"/*.yaml

# Nothing from openrc is left.
for v in $(env | sed -n 's/^\(OS_[A-Z_]*\)=.*/\1/p'); do unset "$v"; done
export OS_CLIENT_CONFIG_FILE="$C/clouds.yaml" OS_CLIENT_SECURE_FILE="$C/secure.yaml"

VID=$("$PROBE" --os-cloud lab create 1 from-clouds-yaml)
assert_eq "available" "$(openstack --os-cloud lab volume show "$VID" -c status -f value)" \
    "the openstack CLI sees the volume"
# OS_CLOUD works as well as the flag, and so does the application credential.
assert_eq "$VID" "$(OS_CLOUD=lab "$PROBE" find --name from-clouds-yaml)" "OS_CLOUD=lab"
assert_eq "$VID" "$("$PROBE" --os-cloud lab-appcred find --name from-clouds-yaml)" "application credential"

# ./clouds.yaml is found from the working directory.
unset OS_CLIENT_CONFIG_FILE
cd "$C"
"$PROBE" --os-cloud lab connect >/dev/null || fail "./clouds.yaml not found"

# Without secure.yaml (not named, not in ./) the password is missing, and
# the message says where to put it.
mv "$C/secure.yaml" "$LABDIR/secure.yaml.away"
capture env -u OS_CLIENT_SECURE_FILE HOME="$C" "$PROBE" --os-cloud lab connect
assert_eq 3 "$RC" "exit code without a password"
assert_contains "$OUT" "cloud 'lab' in ./clouds.yaml has no password: add auth.password" "message"

# An unknown cloud names the ones there are.
capture "$PROBE" --os-cloud nope connect
assert_contains "$OUT" "cloud 'nope' is not in ./clouds.yaml (it has: lab, lab-appcred)" "unknown cloud"
echo "PASS: clouds.yaml with --os-cloud"
