#!/usr/bin/env bash
# runners/bench.sh: how long trainset takes, and how much memory, next to the floor.
#
# It generates N seeded synthetic instruction records once (GenerateCorpus: six categories with
# skewed frequencies, outputs from a few words to ~2,000 characters, ~5% duplicates that differ
# only in case and white space, ~0.5% missing or empty outputs, ~0.1% malformed lines), then,
# REPEATS times, runs on that one file:
#   baseline  JacksonBaseline: one thread, plain Jackson, read -> map to chat -> write JSON lines
#   flink     trainset with its default runner (embedded Flink) on runners/bench.yaml
#   direct    trainset --runner=DirectRunner (its checks on) on runners/bench.yaml
#   near      as flink, with --set=quality.dedup=near (exact, then near dedup at 0.8); the report
#             adds its wall time over flink's, both medians of the same session
#   duckdb    the same job as one DuckDB SQL script (the peer; --duckdb=SCRIPT, see below): exact
#             dedup, by_length weights, the exact 0.8/0.1/0.1 split by category, jsonl + chatml +
#             alpaca + parquet; compare it with flink run with --formats=jsonl,chatml,alpaca,parquet
#   quickstart  trainset's default runner on pipelines/quickstart.yaml (38 records): the start-up
# The kinds run in turn within each repeat (baseline, flink, duckdb, baseline, flink, duckdb, ...),
# so a load that comes and goes on a shared machine touches them alike. Each run is measured from
# outside with GNU time (`/usr/bin/time -f '%e %M'`: wall seconds and
# peak RSS of the JVM, start-up included). It prints a Markdown table (median wall, median peak
# RSS, median wall / baseline median wall), the commands, the machine, and for every trainset run
# whether it exited 0 and whether _report/stats.json has records_read == N and the exported and
# rejected counts the generator expects. It exits 1 if any check failed.
#
# Usage: runners/bench.sh [--build] [--skewed] [--only=KINDS] [--formats=LIST] [--duckdb=SCRIPT]
#                         [--timeout=SECONDS] [--no-cds] [--aot] [N] [REPEATS]
#   N        records to generate [100000]        REPEATS  runs of each kind [3]
#   --build  run `mvn -B -q -DskipTests package` first (also done when the jar or classes are missing)
#   --skewed one category holds 90% of the records: runners/bench.yaml stratifies by category, so
#            this times the exact split with one huge stratum and five small ones
#   --only   the kinds to run, of baseline,flink,direct,near,duckdb,quickstart [baseline,flink,direct]
#   --formats  the formats of the flink, direct and near runs [those of runners/bench.yaml: jsonl,chatml]
#   --duckdb the peer script (node; it needs the npm package @duckdb/node-api, which
#            `npm install --prefix runners/check` puts in runners/check/node_modules)
#            [$DUCKDB_SCRIPT, else runners/check/duckdb-pipeline.cjs]
#   --timeout  stop a run after SECONDS [1800]; a kind that timed out is not run again and is
#            reported as "> SECONDS"
#   --no-cds the trainset runs without the class-data archive `mvn package` makes
#            (target/trainset.jsa); by default they start from it, as README's command does
#   --aot    JDK 25 or later (JAVA=/path/to/jdk-25/bin/java): one untimed training run of the flink
#            kind first writes an ahead-of-time cache (-XX:AOTCacheOutput: the classes loaded and
#            linked, and the methods' profiles), and every trainset run then starts from it
#            (-XX:AOTCache) instead of the class-data archive
# Environment: SEED [42], JAVA [java], JAVA_OPTS (extra JVM flags for every run), NODE [node],
# DUCKDB_SCRIPT, TMPDIR.
# The peer's job, measured alternately with trainset's (the ratio is printed under the table):
#   runners/bench.sh --only=flink,duckdb,quickstart --formats=jsonl,chatml,alpaca,parquet 100000 3
# Run it from anywhere on a quiet machine; wall times on a shared machine are not comparable.
# The DirectRunner (checks on) took ~9 s for 1,000 records and ~19 s for 10,000 on a 2-core
# machine; it holds every grouping in memory, so give it a small N (10000) rather than the default.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)

N=100000
REPEATS=3
BUILD=0
SKEWED=0
ONLY=baseline,flink,direct
TIMEOUT=1800
FORMATS=
DUCKDB=${DUCKDB_SCRIPT:-runners/check/duckdb-pipeline.cjs}
CDS=1
AOT=0
positional=()
for arg in "$@"; do
  case "$arg" in
    --build) BUILD=1 ;;
    --skewed) SKEWED=1 ;;
    --only=*) ONLY=${arg#--only=} ;;
    --timeout=*) TIMEOUT=${arg#--timeout=} ;;
    --formats=*) FORMATS=${arg#--formats=} ;;
    --duckdb=*) DUCKDB=${arg#--duckdb=} ;;
    --no-cds) CDS=0 ;;
    --aot) AOT=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "bench.sh: unknown option $arg (try --help)" >&2; exit 2 ;;
    *) positional+=("$arg") ;;
  esac
done
if ((${#positional[@]} > 2)); then
  echo "bench.sh: at most two arguments, N and REPEATS (try --help)" >&2; exit 2
fi
N=${positional[0]:-$N}
REPEATS=${positional[1]:-$REPEATS}
SEED=${SEED:-42}
JAVA=${JAVA:-java}
read -r -a JOPTS <<< "${JAVA_OPTS:-}"
for value in "$N" "$REPEATS" "$TIMEOUT" "$SEED"; do
  [[ "$value" =~ ^[0-9]+$ ]] || { echo "bench.sh: '$value' is not a whole number" >&2; exit 2; }
done
((N > 0 && REPEATS > 0 && TIMEOUT > 0)) || { echo "bench.sh: N, REPEATS and --timeout must be > 0" >&2; exit 2; }
KINDS=()
IFS=, read -r -a wanted <<< "$ONLY"
for kind in "${wanted[@]}"; do
  case "$kind" in
    baseline|flink|direct|near|duckdb|quickstart) KINDS+=("$kind") ;;
    *) echo "bench.sh: unknown kind '$kind' in --only (baseline, flink, direct, near, duckdb, quickstart)" >&2; exit 2 ;;
  esac
done
[[ -x /usr/bin/time ]] || { echo "bench.sh: needs GNU time at /usr/bin/time" >&2; exit 2; }
NODE=${NODE:-node}
if [[ ",$ONLY," == *,duckdb,* ]]; then
  [[ -f $DUCKDB ]] || { echo "bench.sh: no DuckDB script at $DUCKDB (--duckdb=SCRIPT)" >&2; exit 2; }
  [[ -d runners/check/node_modules/@duckdb/node-api ]] \
    || { echo "bench.sh: run 'npm install --prefix runners/check' first (@duckdb/node-api)" >&2; exit 2; }
  DUCKDB=$(cd "$(dirname "$DUCKDB")" && pwd)/$(basename "$DUCKDB")
fi
FORMAT_ARGS=()
[[ -n $FORMATS ]] && FORMAT_ARGS=(--formats="$FORMATS")

JAR=target/trainset.jar
CP="$JAR:target/test-classes"
if ((BUILD)) || [[ ! -f $JAR || ! -f target/test-classes/dev/trainset/bench/JacksonBaseline.class ]]; then
  echo "bench.sh: building ($ROOT) ..." >&2
  mvn -B -q -DskipTests package >&2
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/trainset-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM

# trainset's runs start from the class-data archive of this jar when the build made one, or from
# the ahead-of-time cache that --aot trains below.
# They use the serial collector, as README's command does (runners/README.md, "Memory"), unless
# JAVA_OPTS names a collector.
TRAINSET=("$JAVA")
[[ " ${JOPTS[*]} " == *" -XX:+Use"*"GC "* ]] || TRAINSET+=(-XX:+UseSerialGC)
TRAINSET+=("${JOPTS[@]}")
if ((AOT)); then
  "$JAVA" -XX:AOTMode=record -XX:AOTConfiguration="$TMP/probe.aotconf" -version > /dev/null 2>&1 \
    || { echo "bench.sh: --aot needs JDK 25 or later; $JAVA is: $("$JAVA" -version 2>&1 | sed -n 1p)" >&2; exit 2; }
  rm -f "$TMP/probe.aotconf"
  TRAINSET+=(-XX:AOTCache="$TMP/trainset.aot")
elif ((CDS)) && [[ -f target/trainset.jsa && target/trainset.jsa -nt $JAR ]]; then
  TRAINSET+=(-XX:SharedArchiveFile=target/trainset.jsa)
fi
TRAINSET+=(-jar "$JAR")
CORPUS="$TMP/corpus.jsonl"

# ---- the corpus ------------------------------------------------------------------------------
echo "bench.sh: generating $N records (seed $SEED) ..." >&2
GEN_CMD=("$JAVA" "${JOPTS[@]}" -cp "$CP" dev.trainset.bench.GenerateCorpus "$N" "$CORPUS" "$SEED")
((SKEWED)) && GEN_CMD+=(--skewed)
CORPUS_LINE=$("${GEN_CMD[@]}")
CORPUS_MB=$(awk -v b="$(stat -c %s "$CORPUS")" 'BEGIN { printf "%.1f", b / 1048576 }')
expect() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<< "$CORPUS_LINE"; }
EXPECT_EXPORTED=$(expect expected_exported)
EXPECT_REJECTED=$(expect expected_rejected)
# The baseline skips only what cannot be a chat example: malformed lines, missing or empty outputs.
EXPECT_BASELINE=$((N - $(expect malformed) - $(expect missing_output) - $(expect empty_output)))

# ---- the runs --------------------------------------------------------------------------------
command_for() { # kind out -> the command in CMD
  case "$1" in
    baseline) CMD=("$JAVA" "${JOPTS[@]}" -cp "$CP" dev.trainset.bench.JacksonBaseline "$CORPUS" "$2/chat.jsonl") ;;
    flink) CMD=("${TRAINSET[@]}" --pipeline=runners/bench.yaml --input="$CORPUS" --outputDir="$2" "${FORMAT_ARGS[@]}") ;;
    direct) CMD=("${TRAINSET[@]}" --pipeline=runners/bench.yaml --input="$CORPUS" --outputDir="$2" "${FORMAT_ARGS[@]}" --runner=DirectRunner) ;;
    near) CMD=("${TRAINSET[@]}" --pipeline=runners/bench.yaml --input="$CORPUS" --outputDir="$2" "${FORMAT_ARGS[@]}" --set=quality.dedup=near) ;;
    # NODE_PATH: the script finds @duckdb/node-api in runners/check wherever the script lives.
    duckdb) CMD=(env NODE_PATH="$ROOT/runners/check/node_modules" "$NODE" "$DUCKDB" "$CORPUS" "$2") ;;
    quickstart) CMD=("${TRAINSET[@]}" --pipeline=pipelines/quickstart.yaml --outputDir="$2") ;;
  esac
}

# A number from stats.json (pretty-printed or not).
stat_num() { tr -d ' \n' < "$1" | grep -o "\"$2\":[0-9]*" | sed -n 1p | cut -d: -f2; }
# rejected_by_reason as "duplicate 12, parse_error 3".
stat_reasons() {
  tr -d ' \n' < "$1" | grep -o '"rejected_by_reason":{[^}]*}' | sed 's/^[^{]*{//; s/}$//; s/"//g; s/:/ /g; s/,/, /g'
}

if ((AOT)); then
  echo "bench.sh: training the ahead-of-time cache on one flink run (not timed) ..." >&2
  command_for flink "$TMP/out-aot-training"
  CMD=("${CMD[@]/#-XX:AOTCache=*/-XX:AOTCacheOutput=$TMP/trainset.aot}")
  "${CMD[@]}" > "$TMP/aot-training.log" 2>&1 \
    || { echo "bench.sh: the training run failed:" >&2; tail -n 5 "$TMP/aot-training.log" >&2; exit 1; }
  rm -rf "$TMP/out-aot-training"
fi

declare -A WALLS RSSES CPUS STATUS DURATIONS COMMANDS TIMEOUT_RSS
FAILED=0
NOTES=()
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

for ((r = 1; r <= REPEATS; r++)); do
  for kind in "${KINDS[@]}"; do
    if [[ "${STATUS[$kind]:-}" == *timeout* ]]; then
      continue
    fi
    out="$TMP/out-$kind-$r"
    mkdir -p "$out"
    command_for "$kind" "$out"
    [[ -n "${COMMANDS[$kind]:-}" ]] || COMMANDS[$kind]="${CMD[*]}"
    echo "bench.sh: run $r/$REPEATS $kind ..." >&2
    set +e
    /usr/bin/time -f '%e %M %U %S' -o "$TMP/time" \
      timeout --foreground --kill-after=30 "$TIMEOUT" "${CMD[@]}" > "$TMP/log" 2>&1
    code=$?
    set -e
    read -r wall rss user sys < <(tail -n 1 "$TMP/time")
    label="$kind run $r"
    if ((code == 124 || code == 137)); then
      STATUS[$kind]="timeout after ${TIMEOUT} s"
      TIMEOUT_RSS[$kind]=$rss
      NOTES+=("$label: TIMED OUT after $TIMEOUT s, peak RSS so far $((rss / 1024)) MB (not run again)")
      FAILED=1
      rm -rf "$out"
      continue
    fi
    WALLS[$kind]+="$wall "
    RSSES[$kind]+="$rss "
    CPUS[$kind]+="$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.1f", u + s }') "
    if ((code != 0)); then
      STATUS[$kind]="exit $code"
      NOTES+=("$label: FAILED, exit $code; last lines: $(tail -n 3 "$TMP/log" | tr '\n' ' ')")
      FAILED=1
    elif [[ $kind == duckdb ]]; then
      [[ -n "${STATUS[$kind]:-}" ]] || STATUS[$kind]="exit 0"
      NOTES+=("$label: exit 0; $(tail -n 1 "$TMP/log")")
    elif [[ $kind == quickstart ]]; then
      [[ -n "${STATUS[$kind]:-}" ]] || STATUS[$kind]="exit 0"
      quick=$(stat_num "$out/_report/stats.json" records_read 2>/dev/null || true)
      check="ok"
      if [[ "$quick" != 38 ]]; then
        check="MISMATCH: records_read ${quick:-missing} != 38"; FAILED=1
      fi
      NOTES+=("$label: exit 0; $check")
    elif [[ $kind == baseline ]]; then
      [[ -n "${STATUS[$kind]:-}" ]] || STATUS[$kind]="exit 0"
      counts=$(grep '^baseline:' "$TMP/log" || echo 'no count line')
      check="ok"
      if [[ "$counts" != *" written=$EXPECT_BASELINE "* ]]; then
        check="differs from the corpus (expected written=$EXPECT_BASELINE)"; FAILED=1
      fi
      NOTES+=("$label: exit 0; ${counts#baseline: }; $check")
    else
      [[ -n "${STATUS[$kind]:-}" ]] || STATUS[$kind]="exit 0"
      stats="$out/_report/stats.json"
      if [[ ! -f $stats ]]; then
        NOTES+=("$label: exit 0 but no _report/stats.json")
        FAILED=1
      else
        read_n=$(stat_num "$stats" records_read)
        exported=$(stat_num "$stats" examples_exported)
        rejected=$(stat_num "$stats" records_rejected)
        DURATIONS[$kind]+="$(awk -v ms="$(stat_num "$stats" duration_ms)" 'BEGIN { printf "%.1f", ms / 1000 }') "
        check="ok"
        if [[ "$read_n" != "$N" ]]; then
          check="MISMATCH: records_read $read_n != N $N"; FAILED=1
        elif ((exported + rejected != read_n)); then
          check="MISMATCH: exported + rejected = $((exported + rejected)) != records_read $read_n"; FAILED=1
        elif [[ $kind == near ]] && ((rejected < EXPECT_REJECTED)); then
          # Near dedup refuses what exact dedup does, and near copies the generator did not plan.
          check="MISMATCH: rejected $rejected < the $EXPECT_REJECTED exact dedup refuses"; FAILED=1
        elif [[ $kind != near ]] && [[ "$exported" != "$EXPECT_EXPORTED" || "$rejected" != "$EXPECT_REJECTED" ]]; then
          check="differs from the corpus (expected exported $EXPECT_EXPORTED, rejected $EXPECT_REJECTED)"; FAILED=1
        fi
        NOTES+=("$label: exit 0; records_read=$read_n examples_exported=$exported records_rejected=$rejected ($(stat_reasons "$stats")); $check")
      fi
    fi
    rm -rf "$out"
  done
done
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- the report ------------------------------------------------------------------------------
median() { tr ' ' '\n' | { grep . || true; } | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print ""; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
name_of() {
  case "$1" in
    baseline) echo "Jackson loop, one thread (floor)" ;;
    flink) echo "trainset, default runner (embedded Flink)" ;;
    direct) echo "trainset --runner=DirectRunner" ;;
    near) echo "trainset, default runner, dedup: near" ;;
    duckdb) echo "the same job in DuckDB (peer script)" ;;
    quickstart) echo "trainset quickstart (38 records), default runner" ;;
  esac
}
BASE_WALL=$(median <<< "${WALLS[baseline]:-}")

cpu=$(grep -m 1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//' || true)
mem=$(awk '/MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD 2>/dev/null || commit="$commit (with uncommitted changes)"

echo
echo "### trainset benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $commit"
echo
echo "N=$N records ($CORPUS_MB MB, seed $SEED$( ((SKEWED)) && echo ", skewed: 90% in one category")), REPEATS=$REPEATS, $(nproc) cores ($cpu), $mem RAM,"
echo "$("$JAVA" -version 2>&1 | sed -n 1p), JAVA_OPTS='${JAVA_OPTS:-}'; load average ${LOAD_START} at start, ${LOAD_END} at end."
echo "Corpus: ${CORPUS_LINE#corpus: }"
echo
echo "| run | median wall s | median peak RSS MB | median CPU s | wall / baseline | wall s per run | in-pipeline s (stats.json) | exit |"
echo "|---|---:|---:|---:|---:|---|---|---|"
for kind in "${KINDS[@]}"; do
  wall=$(median <<< "${WALLS[$kind]:-}")
  rss=$(median <<< "${RSSES[$kind]:-}")
  rss_mb=$([[ -n $rss ]] && awk -v k="$rss" 'BEGIN { printf "%.0f", k / 1024 }' || echo "-")
  ratio="-"
  if [[ -n $wall && -n $BASE_WALL ]] && awk -v b="$BASE_WALL" 'BEGIN { exit !(b > 0) }'; then
    ratio=$(awk -v w="$wall" -v b="$BASE_WALL" 'BEGIN { printf "%.1fx", w / b }')
  fi
  if [[ -z $wall && -n "${TIMEOUT_RSS[$kind]:-}" ]]; then
    # Only timed-out runs: what is known is a lower bound.
    wall="> $TIMEOUT"
    rss_mb=">= $(awk -v k="${TIMEOUT_RSS[$kind]}" 'BEGIN { printf "%.0f", k / 1024 }')"
    if [[ -n $BASE_WALL ]] && awk -v b="$BASE_WALL" 'BEGIN { exit !(b > 0) }'; then
      ratio=$(awk -v w="$TIMEOUT" -v b="$BASE_WALL" 'BEGIN { printf "> %.0fx", w / b }')
    fi
  fi
  durations=${DURATIONS[$kind]:-}
  walls=${WALLS[$kind]:-}
  walls=${walls% }
  durations=${durations% }
  cpu_s=$(median <<< "${CPUS[$kind]:-}")
  echo "| $(name_of "$kind") | ${wall:--} | $rss_mb | ${cpu_s:--} | $ratio | ${walls:--} | ${durations:--} | ${STATUS[$kind]:-not run} |"
done
NEAR_WALL=$(median <<< "${WALLS[near]:-}")
EXACT_WALL=$(median <<< "${WALLS[flink]:-}")
if [[ -n $NEAR_WALL && -n $EXACT_WALL ]]; then
  echo
  echo "Near dedup over exact dedup (median wall, same session): $(awk -v n="$NEAR_WALL" -v e="$EXACT_WALL" 'BEGIN { printf "%.2fx", n / e }')"
fi
DUCK_WALL=$(median <<< "${WALLS[duckdb]:-}")
if [[ -n $DUCK_WALL && -n $EXACT_WALL ]]; then
  # The ratio of each pair (runs of the same repeat), then their median: the load of the moment
  # weighs on both runs of a pair.
  read -r -a flink_walls <<< "${WALLS[flink]}"
  read -r -a duck_walls <<< "${WALLS[duckdb]}"
  pairs=""
  for ((i = 0; i < ${#flink_walls[@]} && i < ${#duck_walls[@]}; i++)); do
    pairs+="$(awk -v f="${flink_walls[$i]}" -v d="${duck_walls[$i]}" 'BEGIN { if (d > 0) printf "%.2f", f / d }') "
  done
  echo
  echo "trainset over DuckDB: $(awk -v f="$EXACT_WALL" -v d="$DUCK_WALL" 'BEGIN { printf "%.2fx", f / d }') (median walls);" \
    "per pair ${pairs% }, median $(median <<< "$pairs")x${FORMATS:+ (trainset formats: $FORMATS)}"
fi
QUICK_WALL=$(median <<< "${WALLS[quickstart]:-}")
if [[ -n $QUICK_WALL ]]; then
  archive="without the class-data archive"
  [[ " ${TRAINSET[*]} " == *" -XX:SharedArchiveFile="* ]] && archive="from the class-data archive"
  [[ " ${TRAINSET[*]} " == *" -XX:AOTCache="* ]] && archive="from the ahead-of-time cache (trained on one flink run)"
  echo "Quickstart: median wall $QUICK_WALL s, start-up included, $archive (the goal: 3 s)."
fi
echo
echo "Wall, peak RSS and CPU (user + system): \`/usr/bin/time -f '%e %M %U %S'\` around the whole process (start-up included);"
echo "in-pipeline s is stats.json duration_ms (trainset's own clock, from building the pipeline to the report)."
echo
echo "Commands (first run; CORPUS and OUT are temporary):"
echo
echo '```'
echo "${GEN_CMD[*]}" | sed "s|$TMP|\$TMP|g; s|$ROOT/||g"
for kind in "${KINDS[@]}"; do
  [[ -n "${COMMANDS[$kind]:-}" ]] && echo "${COMMANDS[$kind]}" | sed "s|$TMP|\$TMP|g; s|$ROOT/||g"
done
echo '```'
echo
echo "Checks:"
echo
for note in "${NOTES[@]}"; do
  echo "- $note"
done
if ((FAILED)); then
  echo
  echo "bench.sh: some runs failed or did not add up (see Checks)." >&2
  exit 1
fi
