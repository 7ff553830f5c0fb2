#!/bin/sh
# Decode throughput of `scpd decode` against tshark on the same multi-megabyte capture,
# measured in one run (issue 8). Run by hand from the repository root:
#
#     benches/decode_vs_tshark.sh [MEGABYTES]     (default 4; RUNS=n runs each, best kept)
#
# It builds scpd in release mode, writes $CARGO_TARGET_DIR/bench/camel-repeated.pcap (not
# committed) by repeating the CAMEL captures of ../shared/traces/wireshark-wiki (camel.pcap
# and camel2.pcap, Ethernet/IP/SCTP/M3UA... as captured) with increasing timestamps, then
# times (best of RUNS runs), each writing to /dev/null:
#   scpd decode   (one JSON line per message, every layer and CAP argument decoded)
#   tshark -V     (the full packet tree: every layer and CAP argument dissected)
#   tshark -T json
# and prints messages per second and the ratios. Both decoders get the same SSN → CAP
# mapping (146, 152, 200) so tshark dissects every CAP argument as scpd does.
set -eu
MB=${1:-4}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
TRACES=${SCPD_TRACES:-$ROOT/../shared/traces}
[ -d "$TRACES/wireshark-wiki" ] || TRACES=/work/shared/traces
OUT=$TARGET/bench/camel-repeated.pcap
mkdir -p "$TARGET/bench"

(cd "$ROOT" && cargo build --release --quiet --bin scpd)
SCPD=$TARGET/release/scpd

python3 - "$OUT" "$MB" "$TRACES/wireshark-wiki/camel.pcap" "$TRACES/wireshark-wiki/camel2.pcap" <<'PY'
import struct, sys
out, mb, files = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
def packets(path):
    b = open(path, "rb").read()
    magic = b[:4]
    end = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    link = struct.unpack(end + "I", b[20:24])[0]
    pos, pk = 24, []
    while pos + 16 <= len(b):
        _, _, incl, orig = struct.unpack(end + "IIII", b[pos:pos + 16])
        pk.append((b[pos + 16:pos + 16 + incl], orig))
        pos += 16 + incl
    return link, pk
caps = [packets(f) for f in files]
assert len({l for l, _ in caps}) == 1, "captures differ in link type"
link = caps[0][0]
with open(out, "wb") as o:
    o.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, link))
    size, n, t = 24, 0, 0
    while size < mb * 1e6:
        for _, pk in caps:
            for data, orig in pk:
                t += 1000  # 1 ms apart, microsecond timestamps
                o.write(struct.pack("<IIII", t // 1000000, t % 1000000, len(data), orig))
                o.write(data)
                size += 16 + len(data)
                n += 1
print(f"{out}: {n} packets, {size / 1e6:.1f} MB")
PY

now() { date +%s.%N; }
# The best of $RUNS runs of each decoder (default 5): the machine may be shared, and scpd's
# runs are short enough that one slow run would skew the ratio.
RUNS=${RUNS:-5}
run() { # label, command...
    label=$1; shift
    best=
    i=0
    while [ $i -lt "$RUNS" ]; do
        t0=$(now); "$@" > /dev/null 2>&1; t1=$(now)
        t=$(echo "$t1 - $t0" | bc -l)
        if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
        i=$((i + 1))
    done
    echo "$label $best"
}
MSGS=$("$SCPD" decode --cap-ssn 146,152,200 --summary "$OUT" 2>/dev/null | awk '/^messages/ {print $2; exit}')
S=$(run scpd "$SCPD" decode --cap-ssn 146,152,200 "$OUT" | cut -d' ' -f2)
V=$(run tshark-V tshark -o camel.tcap.ssn:146,152,200 -V -r "$OUT" | cut -d' ' -f2)
J=$(run tshark-json tshark -o camel.tcap.ssn:146,152,200 -T json -r "$OUT" | cut -d' ' -f2)
PK=$(capinfos -c -M "$OUT" | awk '/Number of packets/ {print $NF}')
printf 'packets %s (scpd messages %s)\n' "$PK" "${MSGS:-?}"
printf 'scpd decode     %8.2f s  %10.0f packets/s\n' "$S" "$(echo "$PK / $S" | bc -l)"
printf 'tshark -V       %8.2f s  %10.0f packets/s\n' "$V" "$(echo "$PK / $V" | bc -l)"
printf 'tshark -T json  %8.2f s  %10.0f packets/s\n' "$J" "$(echo "$PK / $J" | bc -l)"
printf 'ratio: %.1fx faster than tshark -V, %.1fx faster than tshark -T json\n' \
    "$(echo "$V / $S" | bc -l)" "$(echo "$J / $S" | bc -l)"
