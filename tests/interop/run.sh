#!/bin/sh
# Runs the pycrate MSC interop test against a scpd binary.
# Usage: tests/interop/run.sh [path/to/scpd]     (default target/debug/scpd)
# pycrate comes from python3's own packages or, if absent, is installed under the build tree
# (target/tmp/pyoracles, the same place cargo test's pycrate differential uses).
set -e
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
scpd=${1:-target/debug/scpd}
oracles="$root/target/tmp/pyoracles"
export PYTHONPATH="$oracles${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONDONTWRITEBYTECODE=1
if ! python3 -c 'import pycrate_mobile, pycrate_asn1dir' 2>/dev/null; then
    echo "installing pycrate into $oracles" >&2
    python3 -m pip install --quiet --disable-pip-version-check --target "$oracles" pycrate
fi
exec python3 "$here/pycrate_msc.py" "$scpd"
