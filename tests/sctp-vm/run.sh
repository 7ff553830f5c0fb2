#!/usr/bin/env bash
# The SCTP tests (tests/sctp-vm/suite.py) on a kernel that has SCTP: boots the VM (vm.sh) and
# runs them there against the host's scpd binary.
#
#   tests/sctp-vm/run.sh [path/to/scpd] [TEST...]     (default target/debug/scpd, every test)
#
# The guest has no network, so what it needs comes from the host first: pycrate (python3's
# own or installed under the build tree, as tests/interop/run.sh does) and tshark/dumpcap.
# Exit 0 when every test passed or, outside CI, when no VM can be had (the reason is printed).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
scpd=${1:-$root/target/debug/scpd}
shift || true
[ -x "$scpd" ] || { echo "sctp-vm: no scpd binary at $scpd (cargo build first)" >&2; exit 2; }
scpd=$(cd "$(dirname "$scpd")" && pwd)/$(basename "$scpd")

missing() {
    if [ -n "${CI:-}" ]; then
        echo "sctp-vm: FAILED: $* (CI is set)" >&2
        exit 1
    fi
    echo "sctp-vm: SKIPPED: $*" >&2
    exit 0
}

oracles="${CARGO_TARGET_DIR:-$root/target}/tmp/pyoracles"
export PYTHONPATH="$oracles${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONDONTWRITEBYTECODE=1
if ! python3 -c 'import pycrate_mobile, pycrate_asn1dir' 2>/dev/null; then
    echo "sctp-vm: installing pycrate into $oracles" >&2
    python3 -m pip install --quiet --disable-pip-version-check --target "$oracles" pycrate ||
        missing "pycrate cannot be installed (pip, network)"
fi
if ! command -v tshark >/dev/null || ! command -v dumpcap >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends tshark >&2 || true
    fi
    command -v tshark >/dev/null && command -v dumpcap >/dev/null || missing "tshark and dumpcap are not installed"
fi
# The guest runs the host's python: the real interpreter, not a shim that needs a shell setup.
py=$(python3 -c 'import sys; print(sys.executable)')

set +e
bash "$here/vm.sh" "$py" "$here/suite.py" "$scpd" "$@"
rc=$?
set -e
if [ "$rc" = 77 ]; then
    exit 0 # vm.sh said why it skipped (under CI it fails instead)
fi
exit "$rc"
