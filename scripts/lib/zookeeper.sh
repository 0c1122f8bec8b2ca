# Shell functions shared by scripts/e2e.sh and scripts/bench.sh. Source it from the repository root.

# Processes a script started; clean_up_on_exit stops them all, and removes the work folder,
# however the script ends.
pids=()
clean_up_on_exit() {
  local work=$1
  trap 'for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
        for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
        rm -rf "'"$work"'"' EXIT
  trap 'exit 130' INT TERM
}

# Waits until a command succeeds, up to a number of seconds; otherwise calls the script's own
# fail function with what did not happen.
# Usage: wait_for SECONDS WHAT COMMAND [ARG...]
wait_for() {
  local seconds=$1 what=$2; shift 2
  for _ in $(seq "$seconds"); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 1
  done
  fail "$what did not happen within ${seconds}s"
}

# A free TCP port on the loopback address.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

zookeeper_version=3.8.0        # Debian bookworm's zookeeper, and the compose image's version
prometheus_client_version=0.9.0

# Starts Debian's ZooKeeper (package zookeeper) as a standalone server in the background, on
# 127.0.0.1:PORT, with its data under DIR, and sets ZOOKEEPER_PID.
# With METRICS_PORT, ZooKeeper's Prometheus metrics provider serves there; Debian's package lacks
# it, so the same version's jars come from Maven Central. Further arguments are zoo.cfg lines.
# Usage: start_zookeeper DIR PORT [METRICS_PORT] [CONFIG_LINE...]
start_zookeeper() {
  local dir=$1 port=$2 metrics_port=${3:-}
  shift 2; [ $# -gt 0 ] && shift
  mkdir -p "$dir/conf" "$dir/data"
  {
    echo "tickTime=2000"
    echo "dataDir=$dir/data"
    echo "clientPort=$port"
    echo "clientPortAddress=127.0.0.1"
    echo "4lw.commands.whitelist=ruok,mntr,srvr"
    echo "admin.enableServer=false"
    if [ -n "$metrics_port" ]; then
      echo "metricsProvider.className=org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider"
      echo "metricsProvider.httpHost=127.0.0.1"
      echo "metricsProvider.httpPort=$metrics_port"
    fi
    printf '%s\n' "$@"
  } >"$dir/conf/zoo.cfg"
  local classpath="$dir/conf:/usr/share/java/zookeeper.jar:/usr/share/java/servlet-api.jar" artifact jar
  if [ -n "$metrics_port" ]; then
    # fetched once into target/ (five Maven runs), then shared by every server a script starts
    local cache=target/zookeeper-metrics-lib
    if [ "$(ls "$cache"/*.jar 2>/dev/null | wc -l)" -lt 5 ]; then
      for artifact in org.apache.zookeeper:zookeeper-prometheus-metrics:$zookeeper_version \
          io.prometheus:simpleclient:$prometheus_client_version \
          io.prometheus:simpleclient_common:$prometheus_client_version \
          io.prometheus:simpleclient_hotspot:$prometheus_client_version \
          io.prometheus:simpleclient_servlet:$prometheus_client_version; do
        ./mvnw --batch-mode --no-transfer-progress -q dependency:copy -Dartifact="$artifact" \
          -DoutputDirectory="$cache" || return 1
      done
    fi
    for jar in "$cache"/*.jar; do classpath="$classpath:$jar"; done
  fi
  java -cp "$classpath" -Dzookeeper.log.dir="$dir" org.apache.zookeeper.server.quorum.QuorumPeerMain \
    "$dir/conf/zoo.cfg" >"$dir/zookeeper.log" 2>&1 &
  ZOOKEEPER_PID=$!
}

# Succeeds when the server on 127.0.0.1:PORT serves clients: srvr names its mode (the compose
# healthcheck). ruok would answer imok already while an ensemble member looks for a quorum.
zookeeper_healthy() { [[ $(echo srvr | nc -w 2 127.0.0.1 "$1" 2>/dev/null) == *$'\nMode: '* ]]; }

# Waits up to 60 s for the server start_zookeeper started in DIR on PORT to answer; if it does not,
# says why (the end of its log) and fails.
# Usage: await_zookeeper DIR PORT
await_zookeeper() {
  local dir=$1 port=$2
  for _ in $(seq 60); do
    zookeeper_healthy "$port" && return 0
    kill -0 "$ZOOKEEPER_PID" 2>/dev/null || break
    sleep 1
  done
  echo "ZooKeeper on 127.0.0.1:$port did not start; the end of its log:" >&2
  tail -n 20 "$dir/zookeeper.log" >&2
  return 1
}
