#!/usr/bin/env bash
# Call handling of the daemon on the monitored CAMEL flow (InitialDP → RRBCSM + Continue →
# ERB oAnswer → ERB oDisconnect → Continue in TC-END), this checkout (HEAD) against the
# pre-change build, both driven by the same load generator: `scpd sim` of this checkout.
# Run by hand from anywhere in the repository:
#
#     benches/calls.sh                 (RUNS=n repeats, best kept; see the knobs below)
#
# It builds this checkout in release mode, and $BASE (default 7830f6a) in a git worktree
# under the target dir with its own CARGO_TARGET_DIR (kept, so the next run only checks it).
# For each build and run it starts that build's daemon on free ports with its own temp dir
# and database, from that build's config/scpd.toml with [tcap] max_dialogues raised,
# enrols the $NUMBERS monitored subscribers 491700000001... (what `scpd sim --numbers N`
# calls), attaches one `scpd events --follow` subscriber, then measures
#   a. monitored throughput: calls as fast as a window of $C allows for $DURATION s;
#      the daemon's and the sim's CPU per call (utime + stime over completed calls);
#   b. unmonitored (Continue only) throughput: the same from numbers not enrolled;
#   c. latency at half load: --rate = half of (a)'s throughput, first answer
#      (latency_us) and end (end_latency_us) p50/p99;
#   d. memory per open dialogue: VmRSS before, and once all of $OPEN monitored calls held
#      open (started at $OPEN_RATE calls/s) got their first answer; (after - before) /
#      $OPEN. The calls are then dropped.
# Then it stops the daemon. It prints a markdown table (best of RUNS: highest throughput,
# lowest CPU, latency and memory; errors and timeouts of the worst run) and one JSON line
# with every number. The run order of the two builds alternates from run to run.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
BASE=${BASE:-7830f6a}
RUNS=${RUNS:-3}
C=${C:-1000}                  # concurrency window of (a), (b) and (c)
DURATION=${DURATION:-10}      # seconds of each of (a), (b), (c)
NUMBERS=${NUMBERS:-50}        # monitored subscribers, and numbers the sim cycles through
OPEN=${OPEN:-20000}           # dialogues held open in (d)
OPEN_RATE=${OPEN_RATE:-4000}  # calls/s at which (d) opens them (a burst would measure its own garbage)
MAX_DIALOGUES=${MAX_DIALOGUES:-50000}
UP_TIMEOUT=${UP_TIMEOUT:-60}  # seconds for a daemon to listen
OPEN_TIMEOUT=${OPEN_TIMEOUT:-180}  # seconds for the calls of (d) to be answered

die() { echo "calls.sh: $*" >&2; exit 1; }
say() { echo "calls.sh: $*" >&2; }
command -v python3 > /dev/null || die "needs python3"
[ "$OPEN" -lt "$MAX_DIALOGUES" ] || die "OPEN=$OPEN must stay below MAX_DIALOGUES=$MAX_DIALOGUES"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/scpd-calls.XXXXXX")
RESULTS=$WORK/results.jsonl
PIDS=()
cleanup() {
    local p
    for p in "${PIDS[@]}"; do kill -TERM "$p" 2> /dev/null || true; done
    for p in "${PIDS[@]}"; do
        for _ in $(seq 50); do kill -0 "$p" 2> /dev/null || break; sleep 0.1; done
        kill -KILL "$p" 2> /dev/null || true
        wait "$p" 2> /dev/null || true
    done
    PIDS=()
    [ -n "${KEEP:-}" ] && say "kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- builds ------------------------------------------------------------------------------
say "building HEAD ($(git -C "$ROOT" rev-parse --short HEAD)) in $TARGET"
(cd "$ROOT" && CARGO_TARGET_DIR=$TARGET cargo build --release)
HEAD_BIN=$TARGET/release/scpd
BASE_WT=$TARGET/bench-base/src
BASE_TARGET=$TARGET/bench-base/target
BASE_SHA=$(git -C "$ROOT" rev-parse --verify "$BASE^{commit}")
if [ ! -e "$BASE_WT/.git" ]; then
    git -C "$ROOT" worktree prune  # one whose directory went with the target dir
    git -C "$ROOT" worktree add --detach "$BASE_WT" "$BASE_SHA" >&2
elif [ "$(git -C "$BASE_WT" rev-parse HEAD)" != "$BASE_SHA" ]; then
    git -C "$BASE_WT" checkout -q --detach "$BASE_SHA"
fi
say "building $BASE in $BASE_TARGET"
(cd "$BASE_WT" && CARGO_TARGET_DIR=$BASE_TARGET cargo build --release)
BASE_BIN=$BASE_TARGET/release/scpd
SIM=$HEAD_BIN
# Both builds must take the flags used here.
for bin in "$BASE_BIN" "$HEAD_BIN"; do
    help=$("$bin" run --help)
    for flag in --config --db --m3ua-listen --grpc-listen; do
        [[ $help == *"$flag"* ]] || die "$bin: scpd run has no $flag"
    done
done

free_ports() { # two free TCP ports on loopback
    python3 -c 'import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])'
}
listening() { (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null; }
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
CLK_TCK=$(getconf CLK_TCK)
settle() { # pid: wait (at most 30 s) until it used under 5% of a core over half a second
    local a b
    for _ in $(seq 60); do
        a=$(ticks "$1"); sleep 0.5; b=$(ticks "$1")
        [ $(((b - a) * 100 * 2)) -lt $((5 * CLK_TCK)) ] && return 0
    done
    say "pid $1 still busy after 30 s"
}
stop() { # pid: TERM, then KILL after 10 s
    kill -TERM "$1" 2> /dev/null || true
    for _ in $(seq 100); do kill -0 "$1" 2> /dev/null || break; sleep 0.1; done
    kill -KILL "$1" 2> /dev/null || true
    wait "$1" 2> /dev/null || true
}
# Run a command in the foreground; its user and system CPU seconds go to file $1.
timed() {
    python3 -c 'import resource, subprocess, sys
rc = subprocess.call(sys.argv[2:])
r = resource.getrusage(resource.RUSAGE_CHILDREN)
open(sys.argv[1], "w").write(f"{r.ru_utime} {r.ru_stime}\n")
sys.exit(rc)' "$@"
}
json_get() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$@"; }

# --- one build, one run --------------------------------------------------------------------
measure() { # label bin src run
    local label=$1 bin=$2 src=$3 run=$4
    local dir=$WORK/$label-$run
    mkdir -p "$dir"
    sed "s/^max_dialogues = .*/max_dialogues = $MAX_DIALOGUES/" "$src/config/scpd.toml" > "$dir/scpd.toml"
    grep -q "^max_dialogues = $MAX_DIALOGUES\$" "$dir/scpd.toml" || die "$label: no [tcap] max_dialogues in $src/config/scpd.toml"
    "$bin" check-config "$dir/scpd.toml" > /dev/null || die "$label: config rejected"
    local m g
    read -r m g < <(free_ports)
    "$bin" run --config "$dir/scpd.toml" --db "$dir/scpd.db" \
        --m3ua-listen "tcp://127.0.0.1:$m" --grpc-listen "127.0.0.1:$g" 2> "$dir/daemon.log" &
    local pid=$!
    PIDS+=("$pid")
    local t=0
    until listening "$m" && listening "$g"; do
        kill -0 "$pid" 2> /dev/null || { tail -20 "$dir/daemon.log" >&2; die "$label daemon exited at start"; }
        t=$((t + 1))
        [ $t -le $((UP_TIMEOUT * 10)) ] || { tail -20 "$dir/daemon.log" >&2; die "$label daemon not listening on $m/$g after ${UP_TIMEOUT}s"; }
        sleep 0.1
    done
    say "$label run $run: daemon pid $pid on m3ua $m grpc $g"
    local i
    for i in $(seq 1 "$NUMBERS"); do
        "$bin" subscriber add "$(printf '4917%08d' "$i")" --policy monitor --grpc "127.0.0.1:$g" > /dev/null \
            || die "$label: subscriber add failed"
    done
    "$bin" events --grpc "127.0.0.1:$g" --follow > /dev/null 2> "$dir/events.log" &
    local evpid=$!
    PIDS+=("$evpid")
    sleep 1
    kill -0 "$evpid" 2> /dev/null || { cat "$dir/events.log" >&2; die "$label: scpd events --follow did not stay up"; }

    sim() { # phase, sim args...: one JSON line into $RESULTS
        local phase=$1; shift
        local t0 t1
        # The daemon's CPU from idle to idle: what it still does for the calls after the
        # last answer (publishing their events) counts too.
        settle "$pid"
        t0=$(ticks "$pid")
        timed "$dir/$phase.cpu" "$SIM" sim --to "tcp://127.0.0.1:$m" --quiet "$@" \
            > "$dir/$phase.json" 2> "$dir/$phase.err" || true
        settle "$pid"
        t1=$(ticks "$pid")
        [ -s "$dir/$phase.json" ] || { cat "$dir/$phase.err" >&2; die "$label $phase: the sim gave no report"; }
        python3 - "$label" "$run" "$phase" "$dir/$phase.json" "$dir/$phase.cpu" "$t0" "$t1" "$CLK_TCK" >> "$RESULTS" << 'PY'
import json, sys
label, run, phase, rep, cpu, t0, t1, hz = sys.argv[1:]
u, s = map(float, open(cpu).read().split())
print(json.dumps({"build": label, "run": int(run), "phase": phase,
                  "report": json.load(open(rep)),
                  "daemon_cpu_s": (int(t1) - int(t0)) / int(hz), "sim_cpu_s": u + s}))
PY
        say "$label run $run $phase: $(python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
print(r["throughput_cps"], "calls/s,", r["completed"], "completed,", r["errors"], "errors,", r["timeouts"], "timeouts")' "$dir/$phase.json")"
    }
    local load=(--duration "${DURATION}s" --concurrency "$C" --numbers "$NUMBERS" --hold-ms 0)
    sim monitored "${load[@]}"
    sim unmonitored "${load[@]}" --calling 491800000001
    local half
    half=$(python3 -c 'import json, sys; print(round(json.load(open(sys.argv[1]))["throughput_cps"] / 2, 1))' "$dir/monitored.json")
    sim half "${load[@]}" --rate "$half"

    # d: dialogues held open. The progress line (stderr, once a second) counts the
    # monitored calls, i.e. those answered with RRBCSM + Continue; the daemon has then
    # still to handle the oAnswer reports that followed, so VmRSS is read once it is idle
    # (as it is before too).
    local r0 r1 simpid
    settle "$pid"
    r0=$(rss_kb "$pid")
    "$SIM" sim --to "tcp://127.0.0.1:$m" --calls "$OPEN" --concurrency "$OPEN" --numbers "$NUMBERS" \
        --rate "$OPEN_RATE" --hold-ms 3600000 --timeout-ms 3600000 > /dev/null 2> "$dir/open.err" &
    simpid=$!
    PIDS+=("$simpid")
    t=0
    until grep -q "monitored $OPEN errors" "$dir/open.err"; do
        kill -0 "$simpid" 2> /dev/null || { tail -5 "$dir/open.err" >&2; die "$label: the sim of (d) ended early"; }
        t=$((t + 1))
        [ $t -le $((OPEN_TIMEOUT * 10)) ] || { tail -2 "$dir/open.err" >&2; die "$label: $OPEN calls not all answered after ${OPEN_TIMEOUT}s"; }
        sleep 0.1
    done
    settle "$pid"
    r1=$(rss_kb "$pid")
    say "$label run $run open: VmRSS $r0 kB -> $r1 kB with $OPEN dialogues open"
    echo "{\"build\":\"$label\",\"run\":$run,\"phase\":\"open\",\"open\":$OPEN,\"rss_before_kb\":$r0,\"rss_after_kb\":$r1}" >> "$RESULTS"
    stop "$simpid"
    stop "$evpid"
    stop "$pid"
    PIDS=()
}

for run in $(seq 1 "$RUNS"); do
    if [ $((run % 2)) = 1 ]; then
        measure base "$BASE_BIN" "$BASE_WT" "$run"
        measure head "$HEAD_BIN" "$ROOT" "$run"
    else
        measure head "$HEAD_BIN" "$ROOT" "$run"
        measure base "$BASE_BIN" "$BASE_WT" "$run"
    fi
done

# --- report --------------------------------------------------------------------------------
python3 - "$RESULTS" "$BASE" "$(git -C "$ROOT" rev-parse --short HEAD)" "$RUNS" "$C" "$DURATION" "$NUMBERS" "$OPEN" << 'PY'
import json, sys
path, base, head, runs, conc, dur, numbers, opened = sys.argv[1:]
rows = [json.loads(l) for l in open(path)]

def best(build):
    out = {}
    def runs_of(phase):
        return [r for r in rows if r["build"] == build and r["phase"] == phase]
    for phase in ("monitored", "unmonitored", "half"):
        rs = runs_of(phase)
        per_call = lambda r, k: r[k] / max(r["report"]["completed"], 1) * 1e6
        out[phase] = {
            "throughput_cps": max(r["report"]["throughput_cps"] for r in rs),
            "completed": max(r["report"]["completed"] for r in rs),
            "errors": max(r["report"]["errors"] for r in rs),
            "timeouts": max(r["report"]["timeouts"] for r in rs),
            "daemon_cpu_us_per_call": round(min(per_call(r, "daemon_cpu_s") for r in rs), 1),
            "sim_cpu_us_per_call": round(min(per_call(r, "sim_cpu_s") for r in rs), 1),
        }
        if phase == "half":
            out[phase]["rate"] = max(r["report"]["rate_target"] or 0 for r in rs)
            for k in ("latency_us", "end_latency_us"):
                for q in ("p50", "p99"):
                    out[phase][f"{k}_{q}"] = min(r["report"][k][q] for r in rs)
    rs = runs_of("open")
    out["open"] = {
        "dialogues": int(opened),
        "rss_before_kb": min(r["rss_before_kb"] for r in rs),
        "bytes_per_dialogue": round(min((r["rss_after_kb"] - r["rss_before_kb"]) * 1024 / r["open"] for r in rs)),
    }
    return out

b, h = best("base"), best("head")
metrics = [
    ("monitored throughput (calls/s)", "monitored", "throughput_cps"),
    ("monitored errors / timeouts (worst run)", "monitored", ("errors", "timeouts")),
    ("daemon CPU per monitored call (µs)", "monitored", "daemon_cpu_us_per_call"),
    ("sim CPU per monitored call (µs)", "monitored", "sim_cpu_us_per_call"),
    ("unmonitored throughput (calls/s)", "unmonitored", "throughput_cps"),
    ("unmonitored errors / timeouts (worst run)", "unmonitored", ("errors", "timeouts")),
    ("daemon CPU per unmonitored call (µs)", "unmonitored", "daemon_cpu_us_per_call"),
    ("sim CPU per unmonitored call (µs)", "unmonitored", "sim_cpu_us_per_call"),
    ("half load: rate (calls/s)", "half", "rate"),
    ("half load: first answer p50 (µs)", "half", "latency_us_p50"),
    ("half load: first answer p99 (µs)", "half", "latency_us_p99"),
    ("half load: end p50 (µs)", "half", "end_latency_us_p50"),
    ("half load: end p99 (µs)", "half", "end_latency_us_p99"),
    ("half load: errors / timeouts (worst run)", "half", ("errors", "timeouts")),
    ("VmRSS before (kB)", "open", "rss_before_kb"),
    (f"memory per open dialogue (bytes, {opened} open)", "open", "bytes_per_dialogue"),
]
print(f"best of {runs} run(s); window {conc}, {dur} s per load, {numbers} numbers; sim of {head} for both\n")
print(f"| metric | {base} | HEAD ({head}) | HEAD / {base} |")
print("| --- | ---: | ---: | ---: |")
for name, phase, key in metrics:
    if isinstance(key, tuple):
        cell = lambda d: " / ".join(str(d[phase][k]) for k in key)
        print(f"| {name} | {cell(b)} | {cell(h)} | |")
        continue
    x, y = b[phase][key], h[phase][key]
    ratio = f"{y / x:.2f}" if x else ""
    print(f"| {name} | {x:g} | {y:g} | {ratio} |")
print()
print(json.dumps({"base": base, "head": head, "runs": int(runs), "concurrency": int(conc),
                  "duration_s": int(dur), "numbers": int(numbers), base: b, "HEAD": h}))
PY
