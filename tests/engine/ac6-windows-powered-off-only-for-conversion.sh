# AC6: a Windows guest stays on through seeding windows and through a
# cutover with --skip-conversion; it is powered off only when conversion runs.
. "$(dirname "$0")/../lib.sh"
lab_start
"$LABCTL" fault --dir "$LABDIR" set shutdown_delay=0.3
"$LABCTL" vm-create --dir "$LABDIR" win01 --os windows --disks 32M --fill 10 >/dev/null
vmigrate sync win01 >/dev/null 2>&1 || fail "sync failed"
assert_eq poweredOn "$("$LABCTL" vm-power --dir "$LABDIR" win01)" "on after seeding"
vmigrate sync win01 >/dev/null 2>&1 || fail "second sync failed"
assert_eq poweredOn "$("$LABCTL" vm-power --dir "$LABDIR" win01)" "on after second seeding"
vmigrate cutover win01 --skip-conversion >/dev/null 2>&1 || fail "cutover --skip-conversion failed"
assert_eq poweredOn "$("$LABCTL" vm-power --dir "$LABDIR" win01)" "on with --skip-conversion"
assert_eq false "$(meta win01 0 converted)" "not converted with --skip-conversion"
[ ! -s "$LABDIR/v2v-calls.jsonl" ] || fail "converter ran despite --skip-conversion"
vmigrate cutover win01 >/dev/null 2>&1 || fail "cutover failed"
assert_eq poweredOff "$("$LABCTL" vm-power --dir "$LABDIR" win01)" "off for conversion"
assert_eq true "$(meta win01 0 converted)" "converted"
