# The programs vmigrate starts (nbdkit, the converter) do not get the
# OpenStack settings of its environment: OS_PASSWORD and the other OS_*
# variables stay in vmigrate (a child's environment is readable in /proc),
# while what the children need (LIBGUESTFS_BACKEND, PATH) reaches them.
. "$(dirname "$0")/../lib.sh"
lab_start
"$LABCTL" vm-create --dir "$LABDIR" ns01 --disks 8M --fill 10 >/dev/null
[ -n "${OS_PASSWORD:-}" ] || fail "test setup: the lab gives an OS_PASSWORD"

for prog in nbdkit converter; do
    cat >"$LABDIR/$prog-wrapper" <<EOS
#!/bin/sh
env >>"$LABDIR/$prog.env"
exec "\$REAL" "\$@"
EOS
    chmod +x "$LABDIR/$prog-wrapper"
done
out=$(REAL=nbdkit VMIGRATE_NBDKIT="$LABDIR/nbdkit-wrapper" vmigrate sync ns01 2>&1) ||
    fail "sync through the nbdkit wrapper failed: $out"
out=$(REAL="$VMIGRATE_V2V_COMMAND" vmigrate cutover ns01 --v2v-command "$LABDIR/converter-wrapper" \
          --v2v-customize converter 2>&1) || fail "cutover through the converter wrapper failed: $out"
for prog in nbdkit converter; do
    [ -s "$LABDIR/$prog.env" ] || fail "$prog was not run through its wrapper"
    if grep -q '^OS_' "$LABDIR/$prog.env"; then
        fail "$prog got OpenStack settings: $(grep '^OS_' "$LABDIR/$prog.env" | cut -d= -f1 | tr '\n' ' ')"
    fi
    grep -q "$OS_PASSWORD" "$LABDIR/$prog.env" && fail "the OpenStack password reached $prog"
    grep -q '^PATH=' "$LABDIR/$prog.env" || fail "$prog lost PATH"
done
grep -q '^LIBGUESTFS_BACKEND=direct$' "$LABDIR/converter.env" || fail "the converter lost LIBGUESTFS_BACKEND"
assert_eq true "$(meta ns01 0 converted)" "the migration itself went through"
