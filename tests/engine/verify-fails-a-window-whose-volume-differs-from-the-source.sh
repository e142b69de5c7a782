# --verify reads every copied area back from the source and the volume after
# the flush: when they differ (here the source serves other bytes the
# second time it is read, as a failing disk or a broken snapshot would) the
# window fails with exit 13 naming the byte, and records nothing, so the
# next window copies the area again.  A window that verifies reports the
# time it took, and --verify on a cutover covers the final delta.
. "$(dirname "$0")/../lib.sh"
requires nbdkit
lab_start
"$LABCTL" vm-create --dir "$LABDIR" vf01 --disks 8M,8M --fill 40 >/dev/null
out=$(vmigrate sync vf01 --verify --json 2>"$LABDIR/err1") || fail "first window with --verify failed: $(cat "$LABDIR/err1")"
printf '%s' "$out" | $PY -c 'import json,sys
w = json.load(sys.stdin)["windows"][0]
v = [d["verify_seconds"] for d in w["disks"]]
assert all(isinstance(x, float) and x >= 0 for x in v), v' ||
    fail "the JSON result has no verify time per disk: $out"
assert_contains "$(cat "$LABDIR/err1")" "the volume equals the source" "the log reports the verification"
for i in 0 1; do assert_volume_matches_disk vf01 $i; done

# nbdkit stand-in: the disk through the eval plugin; the second read at
# offset 1 MiB answers with its first byte changed.
wrap="$LABDIR/nbdkit-flaky"
cat >"$wrap" <<EOF
#!/bin/sh
for a do
    shift
    case \$a in file) ;; file=*) path=\${a#file=} ;; *) set -- "\$@" "\$a" ;; esac
done
mark="$LABDIR/read-once.\$\$"
exec nbdkit "\$@" eval get_size="stat -c %s '\$path'" can_multi_conn='exit 0' pread="
    if [ \\\$4 -eq $((1 << 20)) ] && [ -e '\$mark' ]; then
        printf '\\\\252'
        dd if='\$path' iflag=skip_bytes,count_bytes skip=\\\$((\\\$4 + 1)) count=\\\$((\\\$3 - 1)) bs=64K status=none
    else
        [ \\\$4 -eq $((1 << 20)) ] && touch '\$mark'
        dd if='\$path' iflag=skip_bytes,count_bytes skip=\\\$4 count=\\\$3 bs=64K status=none
    fi"
EOF
chmod +x "$wrap"
"$LABCTL" vm-write --dir "$LABDIR" vf01 --disk 1 --offset 1M --length 1M >/dev/null
key1=$(meta vf01 1 vmigrate_disk_key)
cid_before=$(meta vf01 1 changeID)
windows_before=$(meta vf01 1 vmigrate_windows)
rc=0; out=$(VMIGRATE_NBDKIT="$wrap" vmigrate sync vf01 --verify 2>&1) || rc=$?
assert_eq 13 "$rc" "exit code when the volume differs from the source ($out)"
assert_contains "$out" "disk $key1: the volume differs from the source at byte $((1 << 20))" \
    "the error names the disk and the byte"
assert_eq "$cid_before" "$(meta vf01 1 changeID)" "no changeID recorded for the disk that differs"
assert_eq "$windows_before" "$(meta vf01 1 vmigrate_windows)" "no window recorded for it"
assert_all_detached vf01

# The next window (honest source) copies the area again and verifies.
out=$(vmigrate sync vf01 --verify 2>&1) || fail "window after the mismatch failed: $out"
for i in 0 1; do assert_volume_matches_disk vf01 $i; done

# The cutover's final delta is verified too.
"$LABCTL" vm-write --dir "$LABDIR" vf01 --disk 0 --offset 2M --length 1M >/dev/null
out=$(vmigrate cutover vf01 --verify --skip-conversion --json 2>"$LABDIR/err3") ||
    fail "cutover with --verify failed: $(cat "$LABDIR/err3")"
printf '%s' "$out" | $PY -c 'import json,sys
ws = json.load(sys.stdin)["windows"]
final = [w for w in ws if w["kind"] == "final"]
assert final and all(d["verify_seconds"] is not None for d in final[0]["disks"]), ws' ||
    fail "the final window was not verified: $out"
for i in 0 1; do assert_volume_matches_disk vf01 $i; done
