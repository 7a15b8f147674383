#!/usr/bin/env bash
# runners/stream-bench.sh: how fast a streaming run commits windows from a local Kafka broker.
#
# It starts a broker (runners/kafka-broker.sh, its own state folder and ports), generates N
# seeded instruction records (GenerateCorpus, as runners/bench.sh) and produces them into a fresh
# topic in one burst, then starts trainset streaming on runners/bench.yaml's job with
# input.kafka (window W) and measures:
#   catch-up   seconds from the launch until windows holding all N records are committed
#              (their stats.json records_read add up to N), and N / that time in records/s
#              (start-up included: that is what a restarted job with a backlog sees)
#   delay      then, with the job caught up and idle, one more record is produced and the
#              seconds until a window holding it is committed (_SUCCESS): the delay a record
#              sees, which the design puts at under one window plus 10 s
# Every committed window must account for its records (records_read = exported + rejected).
#
# Usage: runners/stream-bench.sh [N] [WINDOW]        N [20000], WINDOW [30s]
# Environment: SEED [42], JAVA [java], KAFKA_PORT_BASE [19592], TIMEOUT seconds [900].
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
N="${1:-20000}"
WINDOW="${2:-30s}"
JAVA="${JAVA:-java}"
TIMEOUT="${TIMEOUT:-900}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/trainset-stream-bench.XXXXXX")"
export KAFKA_BROKER_DIR="$WORK/broker"
export KAFKA_PORT_BASE="${KAFKA_PORT_BASE:-19592}"
TOPIC="bench-$(date +%s)"
JOB=""

cleanup() {
  [[ -n "$JOB" ]] && kill "$JOB" 2>/dev/null || true
  runners/kafka-broker.sh stop >/dev/null 2>&1 || true
}
trap cleanup EXIT

if [[ ! -f target/trainset.jar || ! -f target/test-classes/dev/trainset/bench/GenerateCorpus.class ]]; then
  mvn -B -q -DskipTests package
  mvn -B -q test-compile
fi

bootstrap="$(runners/kafka-broker.sh start 2>/dev/null | tail -1)"
bootstrap="${bootstrap#bootstrap_servers=}"
"$JAVA" -cp target/trainset.jar:target/test-classes dev.trainset.bench.GenerateCorpus \
  "$N" "$WORK/corpus.jsonl" "${SEED:-42}" >/dev/null
runners/kafka-broker.sh produce "$TOPIC" < "$WORK/corpus.jsonl" 2>/dev/null

OUT="$WORK/out"
sed -e "/^input:/,/^fields:/c\\
input:\\
  kafka:\\
    bootstrap_servers: $bootstrap\\
    topics: [$TOPIC]\\
    group_id: $TOPIC\\
    window: $WINDOW\\
fields:" -e "s|^  dir: .*|  dir: $OUT|" runners/bench.yaml > "$WORK/stream.yaml"

# The records in committed windows, and whether every committed window adds up.
committed() {
  python3 - "$OUT" <<'EOF'
import glob, json, os, sys
read = 0
for stats in glob.glob(os.path.join(sys.argv[1], "window=*", "_report", "stats.json")):
    folder = os.path.dirname(os.path.dirname(stats))
    if not os.path.exists(os.path.join(folder, "_SUCCESS")):
        continue
    s = json.load(open(stats))
    if s["records_read"] != s["examples_exported"] + s["records_rejected"]:
        print("unbalanced " + folder)
        sys.exit(1)
    read += s["records_read"]
print(read)
EOF
}

await() {
  local want="$1" deadline=$((SECONDS + TIMEOUT))
  while (( SECONDS < deadline )); do
    [[ "$(committed)" == "$want" ]] && return 0
    kill -0 "$JOB" 2>/dev/null || { echo "the job exited; see $WORK/job.err" >&2; exit 1; }
    sleep 0.5
  done
  echo "timed out waiting for $want committed records (have $(committed)); see $WORK" >&2
  exit 1
}

start=$(date +%s.%N)
"$JAVA" -jar target/trainset.jar --pipeline="$WORK/stream.yaml" >"$WORK/job.out" 2>"$WORK/job.err" &
JOB=$!
await "$N"
caught=$(date +%s.%N)
sleep 5
echo '{"id":"stream-bench-marker","instruction":"Name the marker.","output":"It is the marker record."}' \
  | runners/kafka-broker.sh produce "$TOPIC" 2>/dev/null
sent=$(date +%s.%N)
await "$((N + 1))"
done_at=$(date +%s.%N)

python3 - "$N" "$WINDOW" "$start" "$caught" "$sent" "$done_at" "$(nproc)" <<'EOF'
import sys
n, window, start, caught, sent, done, cores = sys.argv[1], sys.argv[2], *map(float, sys.argv[3:7]), sys.argv[7]
catch = caught - start
print(f"| records | window | catch-up (launch to all committed) | records/s | one record's delay |")
print(f"|---:|---:|---:|---:|---:|")
print(f"| {int(n):,} | {window} | {catch:.1f} s | {int(n)/catch:,.0f} | {done - sent:.1f} s |")
print(f"({cores} cores; runners/stream-bench.sh {n} {window})")
EOF
grep -c '^trainset: ' "$WORK/job.out" | sed 's/^/windows committed: /'
rm -rf "$WORK"
