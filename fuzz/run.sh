#!/usr/bin/env bash
# Coverage-guided fuzzing of scpd's decoders and of the whole node (cargo-fuzz, libFuzzer).
#
#   fuzz/run.sh [--record] [--parallel N] SECONDS [TARGET...]
#
# Builds every target, writes seed corpora from ../shared/traces (or $SCPD_TRACES) and the
# crate's encoders (fuzz/seeds.rs), then runs each TARGET (default: all) for SECONDS with
# libFuzzer's -max_total_time, an RSS limit and a per-input timeout. Prints per target the
# executions, exec/s, coverage (libFuzzer's cov = edges, ft = features) and crashes. Inputs
# that found new coverage stay in fuzz/corpus/TARGET, so campaigns build on each other.
# A crash leaves its reproducer in fuzz/artifacts/TARGET/ and makes the script exit 1;
# replay one with `fuzz/target/<host>/release/TARGET fuzz/artifacts/TARGET/crash-...`.
# --record appends a line per target to fuzz/CAMPAIGNS.md (the campaign log the README's
# figures come from). --parallel N runs N targets at once (one core each).
#
# Why RUSTC_BOOTSTRAP=1: our toolchain is stable Rust, and cargo-fuzz's sanitizers (and some
# of its other options) pass nightly-only -Z flags to rustc, which stable accepts only when
# told this is a bootstrap build. The default build here uses no sanitizer (below) and
# needs none of them, but FUZZ_SANITIZER=address (or memory, thread) does, so the variable
# is always set for the fuzz build. The code built is the same stable code. (Only there:
# cargo rebuilds everything when RUSTC_BOOTSTRAP changes, so the root crate's build, which
# the seed writer reuses, is left without it.)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
export CARGO_TERM_COLOR=never

record=0
parallel=1
while [[ $# -gt 0 ]]; do
    case "$1" in
        --record) record=1; shift ;;
        --parallel) parallel="$2"; shift 2 ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        *) break ;;
    esac
done
seconds="${1:?usage: fuzz/run.sh [--record] [--parallel N] SECONDS [TARGET...]}"
shift
all_targets=(ber numbers m3ua sccp tcap_itu tcap_ansi cap ain win map capture node)
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=("${all_targets[@]}")

command -v cargo-fuzz >/dev/null || {
    echo "cargo-fuzz missing: cargo install --locked cargo-fuzz" >&2
    exit 2
}

cd "$here"
host="$(rustc -vV | sed -n 's/^host: //p')"
bin="$here/target/$host/release"

# Release with debug assertions and overflow checks (-a): an arithmetic overflow on
# hostile lengths is a bug even where release builds would wrap. No sanitizer by default
# (FUZZ_SANITIZER=none): the decoders are safe Rust, and ASan would halve the executions.
# (cargo-fuzz builds with one codegen unit, so the first build of scpd takes minutes.)
sanitizer="${FUZZ_SANITIZER:-none}"
# The commit the targets are built from (a long campaign may outlive HEAD).
commit="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"
echo "== building fuzz targets"
start=$(date +%s)
mkdir -p "$here/artifacts"
# Always fuzz/target, whatever CARGO_TARGET_DIR says (that one holds the root crate's build,
# which the seed writer below reuses).
if ! RUSTC_BOOTSTRAP=1 cargo fuzz build -O -a -s "$sanitizer" --target-dir "$here/target" \
    >"$here/artifacts/build.log" 2>&1; then
    cat "$here/artifacts/build.log" >&2
    echo "fuzz build failed" >&2
    exit 2
fi
for t in "${targets[@]}"; do
    [[ -x "$bin/$t" ]] || { echo "no such target: $t" >&2; exit 2; }
done
echo "built in $(( $(date +%s) - start )) s"

echo "== seeds"
traces="${SCPD_TRACES:-$root/../shared/traces}"
rm -rf "$here/seeds"
(cd "$root" && cargo run -q --example fuzz_seeds -- "$traces" "$here/seeds")

run_one() {
    local t="$1" log="$here/artifacts/$1.log"
    mkdir -p "$here/corpus/$t" "$here/artifacts/$t" "$here/seeds/$t"
    # New coverage goes to corpus/TARGET (first directory); the seeds are only read.
    "$bin/$t" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
        -print_final_stats=1 -artifact_prefix="$here/artifacts/$t/" \
        "$here/corpus/$t" "$here/seeds/$t" >"$log" 2>&1 || true
}

echo "== fuzzing ${#targets[@]} target(s), $seconds s each"
stamp="$here/artifacts/.stamp"
mkdir -p "$here/artifacts"
touch "$stamp"
running=0
for t in "${targets[@]}"; do
    run_one "$t" &
    running=$((running + 1))
    if [[ $running -ge $parallel ]]; then
        wait -n || true
        running=$((running - 1))
    fi
done
wait || true

crashed=0
if [[ $record -eq 1 && ! -f "$here/CAMPAIGNS.md" ]]; then
    cat >"$here/CAMPAIGNS.md" <<'EOF'
# Fuzz campaigns

One line per target per `fuzz/run.sh --record` run: seconds fuzzed, executions, exec/s,
libFuzzer's final coverage (cov: edges, ft: features) and corpus size, and crashes (the
reproducer, fixed in the commit named in the README when there is one).

| date | commit | target | seconds | executions | exec/s | cov | ft | corpus | crashes |
|------|--------|--------|--------:|-----------:|-------:|----:|---:|-------:|---------|
EOF
fi
printf '%-10s %8s %12s %8s %6s %7s %7s  %s\n' target seconds executions exec/s cov ft corpus crashes
for t in "${targets[@]}"; do
    log="$here/artifacts/$t.log"
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    # The last status line has the coverage reached (DONE, or the one before a crash).
    status=$(grep -E '^#[0-9]+[[:space:]].*cov: ' "$log" | tail -1 || true)
    cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$status")
    ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$status")
    corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$status")
    found=$(find "$here/artifacts/$t" -maxdepth 1 -type f \
        \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) \
        -newer "$stamp" | sort)
    crashes=none
    if [[ -n "$found" ]]; then
        crashed=1
        crashes="$(for f in $found; do printf '%s ' "${f#"$root/"}"; done)"
        grep -m1 -A3 -E 'panicked at|ERROR: libFuzzer' "$log" | sed 's/^/    /' >&2 || true
    fi
    printf '%-10s %8s %12s %8s %6s %7s %7s  %s\n' "$t" "$seconds" "${execs:-?}" "${rate:-?}" \
        "${cov:-?}" "${ft:-?}" "${corp:-?}" "$crashes"
    if [[ $record -eq 1 ]]; then
        printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$(date -u +%F)" "$commit" \
            "$t" "$seconds" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" \
            "$crashes" >>"$here/CAMPAIGNS.md"
    fi
done
if [[ $crashed -eq 1 ]]; then
    echo "crash found: reproducers above, logs in fuzz/artifacts/TARGET.log" >&2
    exit 1
fi
