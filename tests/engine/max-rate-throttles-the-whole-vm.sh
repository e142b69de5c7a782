# --max-rate caps the VM's copy, all its disks together: two disks with
# 4 MiB of changes each at 2 MiB/s take about 4 s, not the 2 s a per-disk
# limit would allow.  Checked as a lower bound only (a slow machine cannot
# make it pass wrongly), with the volumes equal to the disks afterwards.
. "$(dirname "$0")/../lib.sh"
lab_start
"$LABCTL" vm-create --dir "$LABDIR" mr01 --disks 8M,8M --fill 10 >/dev/null
out=$(vmigrate sync mr01 2>&1) || fail "first window failed: $out"
for i in 0 1; do
    "$LABCTL" vm-write --dir "$LABDIR" mr01 --disk $i --offset 2M --length 4M >/dev/null
done
rc=0; out=$(vmigrate sync mr01 --max-rate 2M --json 2>"$LABDIR/err") || rc=$?
assert_eq 0 "$rc" "throttled window ($(cat "$LABDIR/err"))"
printf '%s' "$out" | $PY -c 'import json,sys
d = json.load(sys.stdin)["windows"][0]["disks"]
assert sum(x["bytes"] for x in d) == 8 << 20, d
# The limiter passes whole 2 MiB requests, one per second of its clock
# (the first at once): the four take 3 s or more in all, whichever disk
# got them; unthrottled, both disks copy in well under a second.
both = sum(x["seconds"] for x in d)
assert both >= 2.9, "8 MiB at 2 MiB/s took %.2f s (both disks)" % both' ||
    fail "the throttle did not hold the two disks to 2 MiB/s together: $out"
for i in 0 1; do assert_volume_matches_disk mr01 $i; done

rc=0; out=$(vmigrate sync mr01 --max-rate 10 2>&1) || rc=$?
assert_eq 2 "$rc" "a rate below 64K is refused ($out)"
assert_contains "$out" "--max-rate 10" "the message names the option"
