#!/usr/bin/env bash
# A real local Kafka 3.9 broker in KRaft mode (controller and broker in one process, no
# ZooKeeper) as one plain java process, from the Maven test classpath of this project
# (org.apache.kafka:kafka_2.13, test scope): no Docker, no download outside Maven.
#
#   runners/kafka-broker.sh [start]   start it, wait until it answers, print bootstrap_servers=
#   runners/kafka-broker.sh stop      stop it
#   runners/kafka-broker.sh status    say whether it runs and where (exit 3: not running)
#   runners/kafka-broker.sh produce TOPIC < file.jsonl   send each line as one record
#
# Everything listens on 127.0.0.1 only. State (server.properties, the log dirs, pid, log)
# lives in $KAFKA_BROKER_DIR (default target/kafka-broker); `mvn clean` removes it, so stop
# first. Each start formats fresh storage: topics do not survive a stop.
#
# Environment:
#   KAFKA_BROKER_DIR     state dir                                   (target/kafka-broker)
#   KAFKA_PORT_BASE      first port to try; two ports from there are used (broker, controller);
#                        if one is taken the next block of ten is tried, up to 19999   (19092)
#   KAFKA_START_TIMEOUT  seconds to wait for the broker to start     (90)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="${KAFKA_BROKER_DIR:-$ROOT/target/kafka-broker}"
CONF="$STATE/conf"
LOGS="$STATE/log"
DATA="$STATE/data"
HOST=127.0.0.1
TIMEOUT="${KAFKA_START_TIMEOUT:-90}"

die() { echo "kafka-broker: $*" >&2; exit 1; }
say() { echo "kafka-broker: $*" >&2; }

alive() { [[ -f "$STATE/broker.pid" ]] && kill -0 "$(cat "$STATE/broker.pid")" 2>/dev/null; }

port_taken() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

broker_port() { cat "$STATE/broker.port" 2>/dev/null || true; }

# --- classpath ------------------------------------------------------------------------------

# The project's test classpath, which holds kafka_2.13 and its dependencies (scala-library,
# kafka-raft, kafka-metadata, ...). Cached until the pom changes.
classpath() {
  local file="$STATE/classpath.txt"
  if [[ ! -s "$file" || "$ROOT/pom.xml" -nt "$file" ]]; then
    say "resolving the test classpath with Maven"
    (cd "$ROOT" && mvn -B -q dependency:build-classpath -Dmdep.includeScope=test \
      -Dmdep.outputFile="$file") >"$LOGS/maven.log" 2>&1 \
      || die "mvn dependency:build-classpath failed, see $LOGS/maven.log"
  fi
  local cp
  cp="$(cat "$file")"
  [[ "$cp" == *kafka_2.13* ]] || die "org.apache.kafka:kafka_2.13 is not on the test classpath (pom.xml)"
  echo "$cp"
}

# --- configuration --------------------------------------------------------------------------

pick_ports() {
  local base="${KAFKA_PORT_BASE:-19092}"
  while ((base + 1 <= 19999)); do
    if ! port_taken "$base" && ! port_taken $((base + 1)); then
      BROKER_PORT=$base
      CONTROLLER_PORT=$((base + 1))
      return
    fi
    base=$((base + 10))
  done
  die "no two free ports between ${KAFKA_PORT_BASE:-19092} and 19999"
}

# One node that is both the KRaft controller (its own quorum of one) and the broker. Internal
# topics get one replica; a consumer group starts without the usual 3 s rebalance delay.
write_config() {
  mkdir -p "$CONF" "$DATA" "$STATE/tmp"
  cat >"$CONF/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$CONTROLLER_PORT
listeners=PLAINTEXT://$HOST:$BROKER_PORT,CONTROLLER://$HOST:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$BROKER_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$DATA
num.partitions=1
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
EOF
  # kafka_2.13 logs through slf4j, here slf4j-jdk14: one line per record to stderr (the log).
  cat >"$CONF/logging.properties" <<'EOF'
handlers=java.util.logging.ConsoleHandler
.level=INFO
java.util.logging.ConsoleHandler.level=ALL
java.util.logging.ConsoleHandler.formatter=java.util.logging.SimpleFormatter
java.util.logging.SimpleFormatter.format=%1$tF %1$tT %4$-7s %3$s - %5$s%6$s%n
EOF
}

# A cluster id as Kafka writes them: 16 random bytes, base64url without padding, never starting
# with '-', which the storage tool would read as an option (Kafka's Uuid.randomUuid avoids it too).
cluster_id() {
  local id
  until id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n') && [[ $id != -* ]]; do
    :
  done
  echo "$id"
}

java_opts() {
  echo -Xms256m -Xmx512m -Djava.net.preferIPv4Stack=true -Djava.io.tmpdir="$STATE/tmp" \
    -Djava.util.logging.config.file="$CONF/logging.properties"
}

# --- process --------------------------------------------------------------------------------

start() {
  if alive; then
    say "already running (stop it first)"
    status
    return 0
  fi
  command -v java >/dev/null || die "java is not on the PATH"
  mkdir -p "$STATE" "$LOGS"
  rm -f "$STATE/broker.pid" "$STATE/broker.port"
  rm -rf "$DATA"
  local cp
  cp="$(classpath)"
  pick_ports
  write_config

  # shellcheck disable=SC2046
  java $(java_opts) -cp "$cp" kafka.tools.StorageTool format -t "$(cluster_id)" \
    -c "$CONF/server.properties" >"$LOGS/format.log" 2>&1 \
    || { tail -n 20 "$LOGS/format.log" >&2; die "formatting the storage failed, see $LOGS/format.log"; }

  # setsid: the broker outlives this script and the shell that ran it.
  cd "$STATE"
  # shellcheck disable=SC2046
  setsid java $(java_opts) -cp "$cp" kafka.Kafka "$CONF/server.properties" \
    </dev/null >"$LOGS/broker.log" 2>&1 &
  echo $! >"$STATE/broker.pid"
  cd - >/dev/null
  echo "$BROKER_PORT" >"$STATE/broker.port"

  local deadline=$((SECONDS + TIMEOUT))
  while ((SECONDS < deadline)); do
    if ! alive; then
      say "the broker exited; last lines of $LOGS/broker.log:"
      tail -n 30 "$LOGS/broker.log" >&2 || true
      stop >/dev/null 2>&1 || true
      exit 1
    fi
    # Started: the server says so, and its listener takes connections.
    if grep -q "Kafka Server started" "$LOGS/broker.log" && port_taken "$BROKER_PORT"; then
      say "up: pid $(cat "$STATE/broker.pid"), logs $LOGS, stop: $0 stop"
      echo "bootstrap_servers=$HOST:$BROKER_PORT"
      return 0
    fi
    sleep 0.5
  done
  say "the broker did not start in ${TIMEOUT}s; logs in $LOGS"
  stop >/dev/null 2>&1 || true
  exit 1
}

stop() {
  local pid
  if alive; then
    pid="$(cat "$STATE/broker.pid")"
    kill "$pid"
    for _ in $(seq 1 60); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    if kill -0 "$pid" 2>/dev/null; then
      say "the broker ($pid) ignored TERM for 30 s: killing it"
      kill -9 "$pid" 2>/dev/null || true
    fi
    say "stopped the broker ($pid)"
  else
    say "nothing was running"
  fi
  rm -f "$STATE/broker.pid" "$STATE/broker.port"
}

status() {
  if alive; then
    say "broker running, pid $(cat "$STATE/broker.pid")"
    echo "bootstrap_servers=$HOST:$(broker_port)"
  else
    say "broker not running"
    return 3
  fi
}

# Sends each line of standard input as one record to TOPIC (created on first use), with
# Kafka's own console producer from the same classpath.
produce() {
  local topic="${1:-}"
  [[ -n "$topic" ]] || die "usage: $0 produce TOPIC < records.jsonl"
  alive || die "no broker is running: $0 start"
  mkdir -p "$LOGS"
  java -cp "$(classpath)" kafka.tools.ConsoleProducer \
    --bootstrap-server "$HOST:$(broker_port)" --topic "$topic" >"$LOGS/produce.log" 2>&1 \
    || { tail -20 "$LOGS/produce.log" >&2; die "producing to $topic failed, see $LOGS/produce.log"; }
  say "sent the lines of standard input to $topic"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  produce) shift; produce "$@" ;;
  *) die "usage: $0 [start|stop|status|produce TOPIC]" ;;
esac
