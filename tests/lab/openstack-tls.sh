# With --tls the OpenStack simulator speaks HTTPS with the lab CA: the
# openstack CLI works with OS_CACERT from lab.env and fails certificate
# verification without it.
. "$(dirname "$0")/../lib.sh"
requires openstack
lab_start --tls
unset OS_CLOUD

assert_contains "$OS_AUTH_URL" "https://127.0.0.1:" "OS_AUTH_URL scheme"
[ -f "${OS_CACERT:-}" ] || fail "lab.env names no CA file in OS_CACERT"

VID=$(openstack volume create --size 1 tls-vol -c id -f value) || fail "volume create over TLS"
openstack volume list --name tls-vol -f value -c ID | grep -qx "$VID" || fail "volume list over TLS"
openstack server show "$VMIGRATE_CONVERSION_HOST" -c name -f value | grep -qx conv-host-1 \
    || fail "server show over TLS"

# The metadata service is on the same HTTPS port
UUID=$(curl -sS --cacert "$OS_CACERT" "$VMIGRATE_METADATA_URL/openstack/latest/meta_data.json" \
       | $PY -c 'import json,sys; print(json.load(sys.stdin)["uuid"])')
assert_eq "$VMIGRATE_CONVERSION_HOST" "$UUID" "metadata service over TLS"

# Without the CA: certificate verification fails, nothing is served
if ERR=$(env -u OS_CACERT -u REQUESTS_CA_BUNDLE -u CURL_CA_BUNDLE -u SSL_CERT_FILE \
         openstack volume list 2>&1); then
    fail "openstack CLI trusted the lab certificate without OS_CACERT"
fi
case "$ERR" in
    *CERTIFICATE_VERIFY_FAILED*|*"certificate verify failed"*|*SSLError*) ;;
    *) fail "expected a certificate error, got: $ERR" ;;
esac
echo "PASS: OpenStack over TLS"
