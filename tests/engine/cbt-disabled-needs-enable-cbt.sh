# CBT off on the VM: a clear error naming the fix; --enable-cbt turns it on
# and the window proceeds.
. "$(dirname "$0")/../lib.sh"
lab_start
"$LABCTL" vm-create --dir "$LABDIR" nocbt --disks 16M --fill 10 --cbt off >/dev/null
rc=0; out=$(vmigrate sync nocbt 2>&1) || rc=$?
assert_eq 9 "$rc" "exit code"
assert_contains "$out" "--enable-cbt" "message names the fix"
assert_eq 0 "$(nvolumes nocbt)" "nothing created"
out=$(vmigrate sync nocbt --enable-cbt 2>&1) || fail "sync --enable-cbt failed: $out"
assert_contains "$("$VMIGRATE" inspect nocbt --json)" '"cbt_enabled":true' "CBT now on"
assert_volume_matches_disk nocbt 0
