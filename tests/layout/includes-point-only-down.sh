#!/bin/sh
# The include graph of src/ follows the layers of docs/architecture.md:
#   main -> cli -> cmd -> migrate -> instance -> {copy, source, guest, vsphere, openstack} -> lib
# every #include "x.h" resolves to one header of the same or a lower layer
# (never a sibling of the middle row), header names are unique, and no
# header includes itself through others (no cycle).  Meson's include
# directories make a wrong include fail to build; this names it.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top/src"

rank() { # the layer of a folder; siblings share a rank
    case $1 in
        lib) echo 0 ;; copy|source|guest|vsphere|openstack) echo 1 ;;
        instance) echo 2 ;; migrate) echo 3 ;; cmd) echo 4 ;; cli) echo 5 ;; .) echo 6 ;;
        *) echo "unknown folder $1" >&2; exit 1 ;;
    esac
}

bad=0
dups=$(find . -name '*.h' -exec basename {} \; | sort | uniq -d)
if [ -n "$dups" ]; then echo "FAIL: header names used twice: $dups"; bad=1; fi

edges=$(mktemp); trap 'rm -f "$edges"' EXIT
for f in $(find . -name '*.[ch]' | sort); do
    from=$(dirname "$f" | sed 's|^\./||')
    for h in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f"); do
        case $h in build-info.h|nic-names.h) continue ;; esac
        case $h in */*) echo "FAIL: $f includes $h by a path (use the bare name)"; bad=1; continue ;; esac
        target=$(find . -name "$h" | head -n 1)
        if [ -z "$target" ]; then echo "FAIL: $f includes $h, which is not in src/"; bad=1; continue; fi
        to=$(dirname "$target" | sed 's|^\./||')
        [ "$from" = "$to" ] && { echo "$f $target" >>"$edges"; continue; }
        rf=$(rank "$from"); rt=$(rank "$to")
        if [ "$rt" -gt "$rf" ]; then echo "FAIL: $f ($from) includes $h from the higher layer $to"; bad=1
        elif [ "$rt" -eq "$rf" ]; then echo "FAIL: $f ($from) includes $h from the sibling layer $to"; bad=1
        fi
        echo "$f $target" >>"$edges"
    done
done
n=$(wc -l <"$edges")
# tsort reports a cycle on stderr; a header graph without one sorts cleanly.
if ! tsort <"$edges" >/dev/null 2>"$edges.err" || [ -s "$edges.err" ]; then
    echo "FAIL: include cycle:"; cat "$edges.err"; bad=1
fi
rm -f "$edges.err"
[ "$n" -gt 100 ] || { echo "FAIL: only $n include edges found: is src/ there?"; bad=1; }
[ $bad -eq 0 ] && echo "ok: $n include edges, all downward, no cycle"
exit $bad
