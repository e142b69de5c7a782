# A window in which nothing changed still records the new changeID on every
# volume, but attaches no volume and starts no nbdkit (each attach and
# detach is a Nova call and a device wait); one with changes on one disk
# attaches only that disk's volume.
. "$(dirname "$0")/../lib.sh"
lab_start
"$LABCTL" vm-create --dir "$LABDIR" nc01 --disks 8M,8M --fill 20 >/dev/null
out=$(vmigrate sync nc01 2>&1) || fail "first window failed: $out"
attaches() { grep -c '"POST /[^ ]*/os-volume_attachments' "$LABDIR/logs/openstack.log" || true; }
wrap="$LABDIR/nbdkit-count"
printf '#!/bin/sh\necho started >>"%s/nbdkit-starts"\nexec nbdkit "$@"\n' "$LABDIR" >"$wrap"
chmod +x "$wrap"

a0=$(attaches); cid0=$(meta nc01 0 changeID); cid1=$(meta nc01 1 changeID)
n0=$(meta nc01 0 vmigrate_windows)
out=$(VMIGRATE_NBDKIT="$wrap" vmigrate sync nc01 2>&1) || fail "window with nothing to copy failed: $out"
assert_eq "$a0" "$(attaches)" "attach calls in a window with nothing to copy"
[ ! -e "$LABDIR/nbdkit-starts" ] || fail "nbdkit was started for a window with nothing to copy"
[ "$(meta nc01 0 changeID)" != "$cid0" ] && [ "$(meta nc01 1 changeID)" != "$cid1" ] ||
    fail "the new changeIDs were not recorded"
assert_eq $((n0 + 1)) "$(meta nc01 0 vmigrate_windows)" "the window counts"
assert_all_detached nc01

"$LABCTL" vm-write --dir "$LABDIR" nc01 --disk 1 --offset 1M --length 1M >/dev/null
a1=$(attaches)
out=$(VMIGRATE_NBDKIT="$wrap" vmigrate sync nc01 2>&1) || fail "window with one changed disk failed: $out"
assert_eq $((a1 + 1)) "$(attaches)" "attach calls when one disk changed"
assert_eq 1 "$(wc -l <"$LABDIR/nbdkit-starts")" "nbdkit started for the changed disk only"
for i in 0 1; do assert_volume_matches_disk nc01 $i; done
assert_all_detached nc01
