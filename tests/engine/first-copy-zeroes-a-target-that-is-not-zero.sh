# The first window copies only allocated areas when the new volume reads as
# zeroes; on an encrypted volume type (LUKS never reads as zeroes) or with
# --assume-zero=false it zeroes the rest, so the volume equals the disk.
. "$(dirname "$0")/../lib.sh"
lab_start
"$LABCTL" vm-create --dir "$LABDIR" enc01 --disks 32M --fill 10 >/dev/null
vmigrate sync enc01 --volume-type encrypted >/dev/null 2>&1 || fail "sync failed"
assert_eq encrypted "$(vol enc01 0 volume_type)" "volume type passed to Cinder"
assert_volume_matches_disk enc01 0

# A backend that does not zero new volumes: --assume-zero=false.
"$LABCTL" fault --dir "$LABDIR" set new_volume_garbage=1
"$LABCTL" vm-create --dir "$LABDIR" raw01 --disks 32M --fill 10 >/dev/null
vmigrate sync raw01 --assume-zero=false >/dev/null 2>&1 || fail "sync failed"
assert_volume_matches_disk raw01 0
