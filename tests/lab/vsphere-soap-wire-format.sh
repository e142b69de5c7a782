# The raw SOAP exchange as vCenter does it, checked with curl: version
# document, session cookie on the first reply, NotAuthenticated before login,
# InvalidLogin for a bad password, and the fault layout clients parse.
. "$(dirname "$0")/../lib.sh"
requires curl
lab_start --tls
url=$VMIGRATE_VSPHERE_URL
jar=$LABDIR/cookies
soap() { # BODY -> writes reply to $LABDIR/reply, prints HTTP status
    curl -s -o "$LABDIR/reply" -w '%{http_code}' --cacert "$VMIGRATE_CA_FILE" -b "$jar" -c "$jar" \
        -H 'Content-Type: text/xml; charset=utf-8' -H 'SOAPAction: "urn:vim25/8.0.2.0"' \
        --data-binary "<?xml version=\"1.0\"?><soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><soapenv:Body>$1</soapenv:Body></soapenv:Envelope>" "$url"
}

versions=$(curl -s --cacert "$VMIGRATE_CA_FILE" "${url%/sdk}/sdk/vimServiceVersions.xml")
assert_contains "$versions" "<name>urn:vim25</name>" "vimServiceVersions.xml"

code=$(soap '<RetrieveServiceContent xmlns="urn:vim25"><_this type="ServiceInstance">ServiceInstance</_this></RetrieveServiceContent>')
assert_eq 200 "$code" "RetrieveServiceContent status"
grep -q 'vmware_soap_session' "$jar" || fail "no vmware_soap_session cookie after the first reply"
assert_contains "$(cat "$LABDIR/reply")" '<propertyCollector type="PropertyCollector">propertyCollector</propertyCollector>' "service content"

code=$(soap '<RetrievePropertiesEx xmlns="urn:vim25"><_this type="PropertyCollector">propertyCollector</_this><specSet><propSet><type>Folder</type><pathSet>name</pathSet></propSet><objectSet><obj type="Folder">group-d1</obj></objectSet></specSet><options/></RetrievePropertiesEx>')
assert_eq 500 "$code" "unauthenticated call status"
r=$(cat "$LABDIR/reply")
assert_contains "$r" "<faultcode>ServerFaultCode</faultcode>" "fault code"
assert_contains "$r" '<NotAuthenticatedFault xmlns="urn:vim25" xsi:type="NotAuthenticated">' "NotAuthenticated detail"

code=$(soap '<Login xmlns="urn:vim25"><_this type="SessionManager">SessionManager</_this><userName>administrator@vsphere.local</userName><password>nope</password></Login>')
assert_eq 500 "$code" "bad login status"
assert_contains "$(cat "$LABDIR/reply")" 'xsi:type="InvalidLogin"' "InvalidLogin fault"
pw=$(cat "$VMIGRATE_VSPHERE_PASSWORD_FILE")
code=$(soap "<Login xmlns=\"urn:vim25\"><_this type=\"SessionManager\">SessionManager</_this><userName>$VMIGRATE_VSPHERE_USER</userName><password>$pw</password></Login>")
assert_eq 200 "$code" "login status"
code=$(soap '<RetrievePropertiesEx xmlns="urn:vim25"><_this type="PropertyCollector">propertyCollector</_this><specSet><propSet><type>Folder</type><pathSet>name</pathSet></propSet><objectSet><obj type="Folder">group-d1</obj></objectSet></specSet><options/></RetrievePropertiesEx>')
assert_eq 200 "$code" "authenticated call status"
assert_contains "$(cat "$LABDIR/reply")" '<val xsi:type="xsd:string">Datacenters</val>' "typed string value"
grep -q "$pw" "$LABDIR/logs/vsphere.log" && fail "password in the simulator log"
exit 0
