#!/usr/bin/env bash
# Soak: the release daemon under steady mixed load for MINUTES, one line of figures per
# minute, so that a leak or a slow drift shows (issue 14: flat memory over an hour is the bar).
#
#     benches/soak.sh MINUTES          (RATE=calls/s in all, HOLD_MS=how long calls stay up)
#
# The daemon runs from the embedded default configuration ([tcap] max_dialogues raised) on
# free ports with its own temp dir and database, with one `scpd events --follow`
# subscriber. Each minute three `scpd sim` runs play at once, for 60 s:
#   monitored   60% of RATE, 100 monitored subscribers, each call held HOLD_MS after answer
#   unmonitored 30% of RATE, Continue only
#   decide      10% of RATE, 20 subscribers with policy decide: no data-session server
#               answers, so each is held to [decisions] deadline_ms and gets the fallback
# and every 10 s a temporary routing number is allocated and one call routed through it
# (TRANSFER_LEG), which uses it up. Each minute prints: calls completed, errors and
# timeouts of the sims, first-answer p50/p99 of the monitored calls, the daemon's RSS, the
# journal's size on disk (database and WAL) and the routing numbers used. The daemon's
# count of open dialogues is not exposed yet (the metrics issue); HOLD_MS × the monitored
# rate is what the sims hold open. Ends with a JSON line of every minute's figures.
set -euo pipefail

MINUTES=${1:?usage: benches/soak.sh MINUTES}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
RATE=${RATE:-2000}
HOLD_MS=${HOLD_MS:-3000}
UP_TIMEOUT=${UP_TIMEOUT:-60}

die() { echo "soak.sh: $*" >&2; exit 1; }
say() { echo "soak.sh: $*" >&2; }
command -v python3 > /dev/null || die "needs python3"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/scpd-soak.XXXXXX")
PIDS=()
cleanup() {
    local p
    for p in "${PIDS[@]}"; do kill -TERM "$p" 2> /dev/null || true; done
    for p in "${PIDS[@]}"; do
        for _ in $(seq 100); do kill -0 "$p" 2> /dev/null || break; sleep 0.1; done
        kill -KILL "$p" 2> /dev/null || true
        wait "$p" 2> /dev/null || true
    done
    [ -n "${KEEP:-}" ] && say "kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_ports() {
    python3 -c 'import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])'
}
listening() { (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null; }
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
disk_bytes() { du -cb "$@" 2> /dev/null | tail -1 | cut -f1; }

say "building $(git -C "$ROOT" rev-parse --short HEAD) in release mode"
(cd "$ROOT" && CARGO_TARGET_DIR=$TARGET cargo build --release --quiet)
BIN=$TARGET/release/scpd

sed "s/^max_dialogues = .*/max_dialogues = 200000/" "$ROOT/config/scpd.toml" > "$WORK/scpd.toml"
"$BIN" check-config "$WORK/scpd.toml" > /dev/null || die "config rejected"
read -r M G < <(free_ports)
"$BIN" run --config "$WORK/scpd.toml" --db "$WORK/scpd.db" \
    --m3ua-listen "tcp://127.0.0.1:$M" --grpc-listen "127.0.0.1:$G" 2> "$WORK/daemon.log" &
DAEMON=$!
PIDS+=("$DAEMON")
t=0
until listening "$M" && listening "$G"; do
    kill -0 "$DAEMON" 2> /dev/null || { tail -20 "$WORK/daemon.log" >&2; die "daemon exited at start"; }
    t=$((t + 1))
    [ $t -le $((UP_TIMEOUT * 10)) ] || die "daemon not listening after ${UP_TIMEOUT}s"
    sleep 0.1
done
GRPC=(--grpc "127.0.0.1:$G")
for i in $(seq 1 100); do
    "$BIN" subscriber add "$(printf '4917%08d' "$i")" --policy monitor "${GRPC[@]}" > /dev/null
done
for i in $(seq 1 20); do
    "$BIN" subscriber add "$(printf '4917100000%02d' "$i")" --policy decide "${GRPC[@]}" > /dev/null
done
"$BIN" events "${GRPC[@]}" --follow > /dev/null 2> "$WORK/events.log" &
PIDS+=("$!")
say "daemon pid $DAEMON (m3ua $M, grpc $G), $RATE calls/s, calls held ${HOLD_MS} ms, $MINUTES min"

# Routing numbers in the background: allocate one, route a call through it (which uses it
# up: a routing number is single use), every 10 s.
transfers() {
    local n=0 rn
    while sleep 10; do
        rn=$("$BIN" routing-number allocate 4915112345678 "${GRPC[@]}" --ttl-seconds 30 |
            python3 -c 'import json, sys; print(json.load(sys.stdin)["number"])') || continue
        "$BIN" sim --to "tcp://127.0.0.1:$M" --quiet --calls 1 --calling 491800000002 \
            --called "$rn" --timeout-ms 5000 > /dev/null || true
        n=$((n + 1))
        echo "$n" > "$WORK/transfers"
    done
}
transfers &
PIDS+=("$!")

sim() { # name rate args...: 60 s of load, its JSON report in $WORK/NAME.json
    local name=$1 rate=$2
    shift 2
    "$BIN" sim --to "tcp://127.0.0.1:$M" --quiet --duration 60 --rate "$rate" \
        --concurrency 20000 --timeout-ms 5000 "$@" > "$WORK/$name.json" 2> "$WORK/$name.err"
}

printf '%-6s %9s %7s %8s %9s %9s %8s %10s %9s\n' minute completed errors timeouts p50_us p99_us rss_mb journal_mb transfers
MINUTES_JSON=$WORK/minutes.jsonl
for minute in $(seq 1 "$MINUTES"); do
    sim monitored $((RATE * 6 / 10)) --numbers 100 --hold-ms "$HOLD_MS" &
    a=$!
    sim unmonitored $((RATE * 3 / 10)) --calling 491800000001 &
    b=$!
    sim decide $((RATE / 10)) --calling 491710000001 --numbers 20 &
    c=$!
    wait "$a" "$b" "$c" || die "a sim failed (see $WORK/*.err; KEEP=1 keeps them)"
    kill -0 "$DAEMON" 2> /dev/null || { tail -20 "$WORK/daemon.log" >&2; die "the daemon died"; }
    python3 - "$WORK" "$minute" "$(rss_kb "$DAEMON")" \
        "$(disk_bytes "$WORK/scpd.db" "$WORK/scpd.db-wal")" \
        "$(cat "$WORK/transfers" 2> /dev/null || echo 0)" >> "$MINUTES_JSON" << 'EOF'
import json, sys
work, minute, rss_kb, journal, transfers = sys.argv[1:]
r = {n: json.load(open(f"{work}/{n}.json")) for n in ("monitored", "unmonitored", "decide")}
print(json.dumps({
    "minute": int(minute),
    "completed": sum(x["completed"] for x in r.values()),
    "errors": sum(x["errors"] for x in r.values()),
    "timeouts": sum(x["timeouts"] for x in r.values()),
    "p50_us": r["monitored"]["latency_us"]["p50"],
    "p99_us": r["monitored"]["latency_us"]["p99"],
    "decide_p50_us": r["decide"]["latency_us"]["p50"],
    "rss_mb": round(int(rss_kb) / 1024, 1),
    "journal_mb": round(int(journal) / 2**20, 1),
    "transfers": int(transfers),
}))
EOF
    python3 -c 'import json, sys
m = json.loads(open(sys.argv[1]).read().splitlines()[-1])
print("%-6d %9d %7d %8d %9d %9d %8.1f %10.1f %9d" % (m["minute"], m["completed"], m["errors"],
      m["timeouts"], m["p50_us"], m["p99_us"], m["rss_mb"], m["journal_mb"], m["transfers"]))' "$MINUTES_JSON"
done
python3 -c 'import json, sys
ms = [json.loads(l) for l in open(sys.argv[1])]
rss = [m["rss_mb"] for m in ms]
print(json.dumps({"rate": int(sys.argv[2]), "hold_ms": int(sys.argv[3]), "minutes": ms,
                  "rss_first_mb": rss[0], "rss_last_mb": rss[-1], "rss_max_mb": max(rss)}))' \
    "$MINUTES_JSON" "$RATE" "$HOLD_MS"
