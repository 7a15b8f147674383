#!/usr/bin/env bash
# A real local Flink 1.19 session cluster (one JobManager, one TaskManager) as two plain java
# processes, from the Maven runtime classpath of this project (there is no flink-dist to use).
#
#   runners/flink-cluster.sh [start]   start it, wait for the REST endpoint, print --flinkMaster
#   runners/flink-cluster.sh stop      stop both processes
#   runners/flink-cluster.sh status    say whether it runs and where
#   runners/flink-cluster.sh start-taskmanager
#                                      start the TaskManager again (after it died or was
#                                      killed) on the running JobManager, wait until it registers
#
# Everything listens on 127.0.0.1 only. State (config, pids, logs, temp files) lives in
# $FLINK_CLUSTER_DIR (default target/flink-cluster); `mvn clean` removes it, so stop first.
#
# Environment:
#   FLINK_CLUSTER_DIR    state dir                       (target/flink-cluster)
#   FLINK_PORT_BASE      first port to try; seven ports from there are used; if one is taken
#                        the next block of ten is tried, up to 18999    (18080)
#   FLINK_SLOTS          task slots of the TaskManager   (2)
#   FLINK_START_TIMEOUT  seconds to wait for REST and the TaskManager  (120)
#   FLINK_EXTRA_CONFIG   lines appended to config.yaml, e.g. "restart-strategy.type: none"
#   FLINK_CLUSTER_OWNER  a pid: the cluster stops by itself once that process is gone (tests
#                        pass their own, so no Flink process outlives a killed build)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="${FLINK_CLUSTER_DIR:-$ROOT/target/flink-cluster}"
CONF="$STATE/conf"
LOGS="$STATE/log"
HOST=127.0.0.1
SLOTS="${FLINK_SLOTS:-2}"
TIMEOUT="${FLINK_START_TIMEOUT:-120}"
FLINK_VERSION=1.19.0

# What Flink's own start scripts pass on Java 17 (env.java.opts.all of its default config).
JAVA17_OPENS=(
  --add-exports=java.base/sun.net.util=ALL-UNNAMED
  --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.text=ALL-UNNAMED
  --add-opens=java.base/java.time=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED
)

die() { echo "flink-cluster: $*" >&2; exit 1; }
say() { echo "flink-cluster: $*" >&2; }

# Running, not a zombie: a process killed a moment ago answers kill -0 until it is reaped.
alive() {
  [[ -f "$STATE/$1.pid" ]] || return 1
  local pid stat
  pid="$(cat "$STATE/$1.pid")"
  kill -0 "$pid" 2>/dev/null || return 1
  stat="$(cat "/proc/$pid/stat" 2>/dev/null || true)"
  [[ "${stat##*) }" != Z* ]]
}

port_taken() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

rest_port() { cat "$STATE/rest.port" 2>/dev/null || true; }

overview() { curl -fsS --max-time 2 "http://$HOST:$1/overview" 2>/dev/null || true; }

# The ids of the TaskManagers the JobManager lists, one a line.
taskmanager_ids() {
  curl -fsS --max-time 2 "http://$HOST:$1/taskmanagers" 2>/dev/null \
    | grep -o '"id":"[^"]*"' || true
}

# --- classpath ------------------------------------------------------------------------------

# The project's runtime classpath: flink-runtime and flink-clients come with
# beam-runners-flink-1.19. Cached until the pom or this script changes. The property is
# includeScope (not mdep.includeScope): with the wrong one Maven silently adds the test jars,
# and a job then fails on the cluster with "JodaModule not a subtype" (a test-only Jackson
# module on the TaskManager's classpath that the job's jar lacks).
classpath() {
  local file="$STATE/classpath.txt"
  if [[ ! -s "$file" || "$ROOT/pom.xml" -nt "$file" || "${BASH_SOURCE[0]}" -nt "$file" ]]; then
    say "resolving the runtime classpath with Maven"
    (cd "$ROOT" && mvn -B -q dependency:build-classpath -DincludeScope=runtime \
      -Dmdep.outputFile="$file") >"$LOGS/maven.log" 2>&1 \
      || die "mvn dependency:build-classpath failed, see $LOGS/maven.log"
    # Maven leaves an unchanged file as it was: without this it would resolve on every call.
    touch "$file"
  fi
  local cp
  cp="$(cat "$file")"
  # The two entry points live in flink-runtime; should a future pom stop bringing it, fetch
  # that one artifact next to the classpath.
  if ! has_class "$cp" org/apache/flink/runtime/entrypoint/StandaloneSessionClusterEntrypoint.class; then
    say "flink-runtime is not on the classpath: fetching org.apache.flink:flink-runtime:$FLINK_VERSION"
    (cd "$ROOT" && mvn -B -q dependency:copy \
      -Dartifact="org.apache.flink:flink-runtime:$FLINK_VERSION" \
      -DoutputDirectory="$STATE/lib") >>"$LOGS/maven.log" 2>&1 \
      || die "mvn dependency:copy of flink-runtime failed, see $LOGS/maven.log"
    cp="$STATE/lib/flink-runtime-$FLINK_VERSION.jar:$cp"
  fi
  echo "$cp"
}

has_class() {
  local jar
  IFS=: read -r -a jars <<<"$1"
  for jar in "${jars[@]}"; do
    if [[ "$jar" == *flink-runtime* ]] && unzip -l "$jar" "$2" >/dev/null 2>&1; then
      return 0
    fi
  done
  return 1
}

# --- configuration --------------------------------------------------------------------------

pick_ports() {
  local base="${FLINK_PORT_BASE:-18080}" p free
  while ((base + 6 <= 18999)); do
    free=1
    for p in $(seq "$base" $((base + 6))); do
      if port_taken "$p"; then free=0; break; fi
    done
    if ((free)); then
      REST_PORT=$base
      RPC_PORT=$((base + 1))
      BLOB_PORT=$((base + 2))
      TM_RPC_PORT=$((base + 3))
      TM_DATA_PORT=$((base + 4))
      JM_METRICS_PORT=$((base + 5))
      TM_METRICS_PORT=$((base + 6))
      # Kept for start-taskmanager, which must reuse them.
      declare -p REST_PORT TM_METRICS_PORT >"$STATE/ports"
      return
    fi
    base=$((base + 10))
  done
  die "no seven free ports between ${FLINK_PORT_BASE:-18080} and 18999"
}

# The keys Flink's start scripts would otherwise compute, and every listener on loopback.
# TaskManager memory: heap = framework.heap + task.heap (-Xmx700m); direct =
# framework.off-heap + task.off-heap + network (-XX:MaxDirectMemorySize=768m).
# Network buffers: a batch job holds a sort-shuffle partition per exchange, each wanting
# sort-shuffle.min-buffers (512 by default) 32 KB buffers. The trainset graph at parallelism 2
# ran out with 256m ("Insufficient number of network buffers: required 512, but only 499
# available"): 512m, and 128 buffers per partition, leave room for bigger graphs.
write_config() {
  mkdir -p "$CONF" "$STATE/tmp" "$STATE/plugins"
  cat >"$CONF/config.yaml" <<EOF
jobmanager.rpc.address: $HOST
jobmanager.rpc.port: $RPC_PORT
jobmanager.bind-host: $HOST
rest.address: $HOST
rest.bind-address: $HOST
rest.port: $REST_PORT
blob.server.port: "$BLOB_PORT"

taskmanager.host: $HOST
taskmanager.bind-host: $HOST
taskmanager.rpc.port: "$TM_RPC_PORT"
taskmanager.data.port: $TM_DATA_PORT
taskmanager.numberOfTaskSlots: $SLOTS
taskmanager.cpu.cores: $SLOTS
taskmanager.memory.framework.heap.size: 128m
taskmanager.memory.task.heap.size: 572m
taskmanager.memory.managed.size: 256m
taskmanager.memory.framework.off-heap.size: 128m
taskmanager.memory.task.off-heap.size: 128m
taskmanager.memory.network.min: 512m
taskmanager.memory.network.max: 512m
taskmanager.network.sort-shuffle.min-buffers: 128
taskmanager.memory.jvm-metaspace.size: 256m
taskmanager.memory.jvm-overhead.min: 192m
taskmanager.memory.jvm-overhead.max: 192m

parallelism.default: $SLOTS
io.tmp.dirs: $STATE/tmp
web.tmpdir: $STATE/tmp
web.submit.enable: false
high-availability.type: NONE
EOF
  if [[ -n "${FLINK_EXTRA_CONFIG:-}" ]]; then
    printf '\n# FLINK_EXTRA_CONFIG\n%s\n' "$FLINK_EXTRA_CONFIG" >>"$CONF/config.yaml"
  fi

  # This project logs through slf4j-jdk14, i.e. java.util.logging: without a config the
  # processes' warnings and errors would go nowhere useful. One line per record, to stderr,
  # which is redirected into log/<process>.log.
  cat >"$CONF/logging.properties" <<'EOF'
handlers=java.util.logging.ConsoleHandler
.level=INFO
java.util.logging.ConsoleHandler.level=ALL
java.util.logging.ConsoleHandler.formatter=java.util.logging.SimpleFormatter
java.util.logging.SimpleFormatter.format=%1$tF %1$tT %4$-7s %3$s - %5$s%6$s%n
org.apache.flink.runtime.metrics.level=WARNING
org.apache.flink.shaded.level=WARNING
EOF
  # Should the classpath ever carry slf4j-reload4j instead (as Beam's own builds do), Flink's
  # errors would vanish without a log4j 1.x config: keep one ready, it costs nothing.
  cat >"$CONF/log4j.properties" <<'EOF'
log4j.rootLogger=INFO, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.Target=System.err
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=%d{yyyy-MM-dd HH:mm:ss} %-5p %c - %m%n
EOF
}

# --- processes ------------------------------------------------------------------------------

# launch NAME HEAP MAIN METRICS_PORT [JVM OPTION...]
launch() {
  local name="$1" heap="$2" main="$3" metrics_port="$4"
  shift 4
  local log="$LOGS/$name.log"
  # setsid: the process outlives this script and the shell that ran it. Each process runs
  # a metric query service of its own: its port comes as a dynamic property (-D after
  # --configDir) since both read the same config. The working directory is the state dir,
  # not the caller's: as on any real cluster, a relative path means nothing to the workers.
  cd "$STATE"
  FLINK_PLUGINS_DIR="$STATE/plugins" \
  setsid java -Xms"$heap" -Xmx"$heap" "$@" "${JAVA17_OPENS[@]}" \
    -Djava.net.preferIPv4Stack=true \
    -Djava.io.tmpdir="$STATE/tmp" \
    -Djava.util.logging.config.file="$CONF/logging.properties" \
    -Dlog4j.configuration="file:$CONF/log4j.properties" \
    -Dlog.file="$log" \
    -cp "$CLASSPATH_JARS" "$main" --configDir "$CONF" \
    -D metrics.internal.query-service.port="$metrics_port" \
    </dev/null >"$log" 2>&1 &
  echo $! >"$STATE/$name.pid"
  cd - >/dev/null
}

launch_taskmanager() {
  launch taskmanager 700m org.apache.flink.runtime.taskexecutor.TaskManagerRunner "$TM_METRICS_PORT" \
    -XX:MaxDirectMemorySize=768m -XX:MaxMetaspaceSize=256m
}

# With FLINK_CLUSTER_OWNER set: a detached loop that stops the cluster once that pid is gone,
# even when the owner was killed and could run no cleanup of its own.
watch_owner() {
  [[ -n "${FLINK_CLUSTER_OWNER:-}" ]] || return 0
  FLINK_CLUSTER_DIR="$STATE" setsid bash -c \
    'while kill -0 "$1" 2>/dev/null; do sleep 2; done; exec "$2" stop' \
    watchdog "$FLINK_CLUSTER_OWNER" "$ROOT/runners/flink-cluster.sh" \
    </dev/null >>"$LOGS/watchdog.log" 2>&1 &
  echo $! >"$STATE/watchdog.pid"
}

start_taskmanager() {
  alive jobmanager || die "the JobManager is not running: start the cluster first"
  if alive taskmanager; then
    say "the TaskManager is running (pid $(cat "$STATE/taskmanager.pid"))"
    return 0
  fi
  [[ -f "$STATE/ports" ]] || die "no $STATE/ports: start the cluster with this script first"
  # shellcheck disable=SC1091
  source "$STATE/ports"
  CLASSPATH_JARS="$(classpath)"
  # A killed TaskManager stays listed until the JobManager notices: wait for a new id.
  local before deadline=$((SECONDS + TIMEOUT)) id
  before="$(taskmanager_ids "$REST_PORT")"
  mv -f "$LOGS/taskmanager.log" "$LOGS/taskmanager.log.1" 2>/dev/null || true
  launch_taskmanager
  while ((SECONDS < deadline)); do
    if ! alive taskmanager; then
      say "the taskmanager exited; last lines of $LOGS/taskmanager.log:"
      tail -n 30 "$LOGS/taskmanager.log" >&2 || true
      exit 1
    fi
    while read -r id; do
      if [[ -n "$id" ]] && ! grep -qxF "$id" <<<"$before"; then
        say "taskmanager up (pid $(cat "$STATE/taskmanager.pid")): $(overview "$REST_PORT")"
        echo "--flinkMaster=$HOST:$REST_PORT"
        return 0
      fi
    done <<<"$(taskmanager_ids "$REST_PORT")"
    sleep 1
  done
  say "no new TaskManager registered at http://$HOST:$REST_PORT after ${TIMEOUT}s; logs in $LOGS"
  exit 1
}

start() {
  if alive jobmanager || alive taskmanager; then
    say "already running (stop it first)"
    status
    return 0
  fi
  command -v java >/dev/null || die "java is not on the PATH"
  command -v curl >/dev/null || die "curl is not on the PATH"
  if [[ -n "${FLINK_CLUSTER_OWNER:-}" ]] && ! kill -0 "$FLINK_CLUSTER_OWNER" 2>/dev/null; then
    die "FLINK_CLUSTER_OWNER $FLINK_CLUSTER_OWNER is not running"
  fi
  mkdir -p "$STATE" "$LOGS"
  rm -f "$STATE"/*.pid "$STATE/rest.port"
  CLASSPATH_JARS="$(classpath)"
  pick_ports
  write_config

  launch jobmanager 768m org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint \
    "$JM_METRICS_PORT"
  launch_taskmanager
  echo "$REST_PORT" >"$STATE/rest.port"
  watch_owner

  local deadline=$((SECONDS + TIMEOUT)) overview=""
  while ((SECONDS < deadline)); do
    for name in jobmanager taskmanager; do
      if ! alive "$name"; then
        say "the $name exited; last lines of $LOGS/$name.log:"
        tail -n 30 "$LOGS/$name.log" >&2 || true
        stop >/dev/null 2>&1 || true
        exit 1
      fi
    done
    overview="$(overview "$REST_PORT")"
    if [[ "$overview" == *'"taskmanagers":1'* ]]; then
      say "up: $overview"
      say "web/REST http://$HOST:$REST_PORT  logs $LOGS  stop: $0 stop"
      echo "--flinkMaster=$HOST:$REST_PORT"
      return 0
    fi
    sleep 1
  done
  say "no JobManager with a registered TaskManager at http://$HOST:$REST_PORT after ${TIMEOUT}s"
  say "last answer: ${overview:-none}; logs in $LOGS"
  stop >/dev/null 2>&1 || true
  exit 1
}

stop() {
  local name pid stopped=0
  for name in taskmanager jobmanager; do
    if alive "$name"; then
      pid="$(cat "$STATE/$name.pid")"
      kill "$pid"
      for _ in $(seq 1 30); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.5
      done
      if kill -0 "$pid" 2>/dev/null; then
        say "the $name ($pid) ignored TERM for 15 s: killing it"
        kill -9 "$pid" 2>/dev/null || true
      fi
      say "stopped the $name ($pid)"
      stopped=1
    fi
    rm -f "$STATE/$name.pid"
  done
  rm -f "$STATE/rest.port"
  # The owner's watchdog has nothing left to watch (unless the watchdog is what runs this).
  if [[ -f "$STATE/watchdog.pid" ]]; then
    pid="$(cat "$STATE/watchdog.pid")"
    [[ "$pid" == "$PPID" || "$pid" == "$$" ]] || kill "$pid" 2>/dev/null || true
    rm -f "$STATE/watchdog.pid"
  fi
  ((stopped)) || say "nothing was running"
}

status() {
  local name port
  port="$(rest_port)"
  for name in jobmanager taskmanager; do
    if alive "$name"; then
      say "$name running, pid $(cat "$STATE/$name.pid")"
    else
      say "$name not running"
    fi
  done
  if [[ -n "$port" ]] && alive jobmanager; then
    curl -fsS --max-time 2 "http://$HOST:$port/overview" >&2 && echo >&2
    echo "--flinkMaster=$HOST:$port"
  fi
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  start-taskmanager) start_taskmanager ;;
  *) die "usage: $0 [start|stop|status|start-taskmanager]" ;;
esac
