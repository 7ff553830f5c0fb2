#!/bin/sh
# Runs the pycrate MSC interop test against a scpd binary.
# Usage: tests/interop/run.sh [path/to/scpd]     (default target/debug/scpd)
set -e
here=$(cd "$(dirname "$0")" && pwd)
scpd=${1:-target/debug/scpd}
if ! python3 -c 'import pycrate_mobile' 2>/dev/null; then
    echo "installing pycrate" >&2
    python3 -m pip install --quiet pycrate || pip install pycrate
fi
exec python3 "$here/pycrate_msc.py" "$scpd"
