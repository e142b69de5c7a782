# Sourced by scenario tests.  Each test is one scenario: it declares what it
# needs, registers cleanup first, builds its own data and asserts real outcomes.
# Exit 0 = pass, 77 = skipped (requirement missing), anything else = fail.
set -eu

TOP=$(cd "$(dirname "$0")/../.." && pwd)
LABCTL="$TOP/lab/labctl"
# Debian's interpreter: the one that can import python3-pyvmomi etc.
PY=/usr/bin/python3
BUILD=${VMIGRATE_BUILD:-$TOP/build}
VMIGRATE="$BUILD/vmigrate"

_cleanups=""
cleanup() { _cleanups="$*; $_cleanups"; }
_run_cleanups() { rc=$?; set +e; eval "$_cleanups"; exit $rc; }
trap _run_cleanups EXIT
trap 'exit 130' INT TERM

requires() {
    command -v "$1" >/dev/null 2>&1 || { echo "SKIP: requires $1"; exit 77; }
}
requires_py() {
    $PY -c "import $1" 2>/dev/null || { echo "SKIP: requires python module $1"; exit 77; }
}

fail() { echo "FAIL: $*" >&2; exit 1; }

assert_eq() { # EXPECTED ACTUAL WHAT
    [ "$1" = "$2" ] || fail "$3: expected '$1', got '$2'"
}

assert_contains() { # HAYSTACK NEEDLE WHAT
    case "$1" in *"$2"*) ;; *) fail "$3: '$2' not found in: $1" ;; esac
}

# Start a private lab (extra args go to labctl start) and load its lab.env.
lab_start() {
    LABDIR=$(mktemp -d "${TMPDIR:-/tmp}/vmigrate-lab.XXXXXX")
    cleanup "$LABCTL stop --dir '$LABDIR' >/dev/null 2>&1; rm -rf '$LABDIR'"
    "$LABCTL" start --dir "$LABDIR" "$@" >/dev/null
    . "$LABDIR/lab.env"
}
