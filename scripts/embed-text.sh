#!/bin/sh
# Build step: turn a text file into a C header defining one string,
#   embed-text.sh INPUT NAME OUTPUT  ->  static const char NAME[] = "...";
# so data files (the guest's NIC-name script) stay readable as themselves.
set -eu
in=$1 name=$2 out=$3
{
    echo "/* Generated from $(basename "$in") by scripts/embed-text.sh; do not edit. */"
    echo "static const char $name[] ="
    sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/  "/' -e 's/$/\\n"/' "$in"
    echo "  ;"
} >"$out.tmp"
mv "$out.tmp" "$out"
