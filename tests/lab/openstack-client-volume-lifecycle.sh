# The real openstack CLI (python3-openstackclient) drives a volume's whole
# life against the lab: create with a property, list by name, show, merge
# more properties in without losing the first one, delete.
. "$(dirname "$0")/../lib.sh"
requires openstack
lab_start
unset OS_CLOUD

NAME=vm1-disk0
vol_field() { # VOLUME FIELD -> value as openstack prints it
    openstack volume show "$1" -c "$2" -f value
}
wait_status() { # VOLUME STATUS
    i=0
    while [ "$(vol_field "$1" status)" != "$2" ]; do
        i=$((i + 1))
        [ $i -lt 120 ] || fail "volume $1 never reached status $2"
        sleep 0.5
    done
}

VID=$(openstack volume create --size 1 --property osm=true "$NAME" -c id -f value)
[ -n "$VID" ] || fail "volume create printed no id"
wait_status "$VID" available

# list --name finds exactly this volume
LIST=$(openstack volume list --name "$NAME" -f json)
assert_eq "1 $VID" "$(echo "$LIST" | $PY -c 'import json,sys; l=json.load(sys.stdin); print(len(l), l[0]["ID"])')" "volume list --name"
assert_eq "[]" "$(openstack volume list --name no-such-volume -f json | tr -d ' \n')" "volume list with another name"

# show: size, name and metadata as created; backing file of 1 GiB
SHOW=$(openstack volume show "$NAME" -f json)
assert_eq "1 $NAME {'osm': 'true'} false" \
    "$(echo "$SHOW" | $PY -c 'import json,sys; d=json.load(sys.stdin); print(d["size"], d["name"], d["properties"], d["bootable"])')" \
    "volume show"
assert_eq 1073741824 "$(stat -c %s "$LABDIR/volumes/$VID.img")" "backing file size"

# set --property merges (POST .../metadata): osm must survive
openstack volume set --property changeID="52 de c0 d9/12" --property converted=false "$VID"
PROPS=$(openstack volume show "$VID" -c properties -f json | $PY -c 'import json,sys; print(sorted(json.load(sys.stdin)["properties"].items()))')
assert_eq "[('changeID', '52 de c0 d9/12'), ('converted', 'false'), ('osm', 'true')]" "$PROPS" "properties after set"

# unset one key (DELETE .../metadata/KEY) keeps the others
openstack volume unset --property converted "$VID"
PROPS=$(openstack volume show "$VID" -c properties -f json | $PY -c 'import json,sys; print(sorted(json.load(sys.stdin)["properties"]))')
assert_eq "['changeID', 'osm']" "$PROPS" "properties after unset"

# bootable flag (os-set_bootable) reads back as the string Cinder uses
openstack volume set --bootable "$VID"
assert_eq true "$(vol_field "$VID" bootable)" "bootable after set --bootable"

# delete: the volume and its file go away
openstack volume delete "$VID"
i=0
while openstack volume show "$VID" >/dev/null 2>&1; do
    i=$((i + 1)); [ $i -lt 120 ] || fail "volume still exists after delete"; sleep 0.5
done
[ ! -e "$LABDIR/volumes/$VID.img" ] || fail "backing file left after delete"
echo "PASS: volume lifecycle through openstackclient"
