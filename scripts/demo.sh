#!/bin/sh
# `make demo`: start the lab, show it working, stop it.
# (Until the migration engine exists, the demo shows the lab itself: a VM,
# a snapshot and changed-area queries over two windows, a Cinder volume
# attached to the conversion host.)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
labdir=$(mktemp -d "${TMPDIR:-/tmp}/vmigrate-demo.XXXXXX")
trap '"$top/lab/labctl" stop --dir "$labdir"; rm -rf "$labdir"' EXIT INT TERM

echo "== vmigrate $("$build/vmigrate" --version | head -n1 | cut -d' ' -f2) demo; lab in $labdir"
"$top/lab/labctl" start --dir "$labdir" --tls >/dev/null
/usr/bin/python3 "$top/scripts/lab-demo.py" "$labdir"
