# Shell functions shared by the scripts that start processes. Source it from the repository root.

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

# Says why a script failed and exits 1: the reason, the last lines of each log given, and the
# reason again as the very last line, so that a CI log cut to its end still shows it.
# Usage: fail_showing_logs NAME LINES REASON LOG...
fail_showing_logs() {
  local name=$1 lines=$2 reason=$3 log; shift 3
  echo "$name: FAILED: $reason" >&2
  for log in "$@"; do
    [ -f "$log" ] && { echo "--- last lines of $log" >&2; tail -n "$lines" "$log" >&2; }
  done
  echo "$name: FAILED: $reason" >&2
  exit 1
}

# A free TCP port on the loopback address.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

zookeeper_version=3.8.0        # Debian bookworm's zookeeper, and the compose image's version
prometheus_client_version=0.9.0

# What start_zookeeper and await_zookeeper need, as ensure_packages needs (scripts/lib/packages.sh).
zookeeper_packages=(/usr/share/zookeeper/bin/zkCli.sh:zookeeper nc:netcat-openbsd "import yaml:python3-yaml")

# Starts Debian's ZooKeeper (package zookeeper) in the background, on 127.0.0.1:PORT, with its
# configuration, data, log and process id (zookeeper.pid) under DIR, and adds it to the
# processes clean_up_on_exit stops. Starting it again on the same DIR keeps its data.
#   --metrics-port M  ZooKeeper's Prometheus metrics provider serves on M; Debian's package lacks
#                     it, so the same version's jars come from Maven Central
#   --server-id N     this server's myid in an ensemble (its server.N lines go in with --config)
#   --config LINE     one more zoo.cfg line; repeat it for more
# Usage: start_zookeeper --dir DIR --port PORT [--metrics-port M] [--server-id N] [--config LINE]...
start_zookeeper() {
  local dir="" port="" metrics_port="" server_id="" config=()
  while [ $# -gt 0 ]; do
    [ $# -ge 2 ] || { echo "start_zookeeper: $1 needs a value" >&2; return 1; }
    case $1 in
      --dir) dir=$2 ;;
      --port) port=$2 ;;
      --metrics-port) metrics_port=$2 ;;
      --server-id) server_id=$2 ;;
      --config) config+=("$2") ;;
      *) echo "start_zookeeper: unknown option $1" >&2; return 1 ;;
    esac
    shift 2
  done
  [ -n "$dir" ] && [ -n "$port" ] || { echo "start_zookeeper: --dir and --port are needed" >&2; return 1; }
  mkdir -p "$dir/conf" "$dir/data"
  [ -z "$server_id" ] || echo "$server_id" >"$dir/data/myid"
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
    [ ${#config[@]} -eq 0 ] || printf '%s\n' "${config[@]}"
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
  pids+=($!)
  echo "$!" >"$dir/zookeeper.pid"
}

# Plans a three-server ensemble on free loopback ports, for start_zookeeper: sets
# ensemble_client_port[1..3], ensemble_config (the --config options every server takes: its
# server.N lines and the quorum timings) and ensemble_connect (the clients' connect string).
declare -A ensemble_client_port
plan_ensemble() {
  local id
  ensemble_config=(--config initLimit=10 --config syncLimit=5)
  ensemble_connect=""
  for id in 1 2 3; do
    ensemble_client_port[$id]=$(free_port)
    ensemble_config+=(--config "server.$id=127.0.0.1:$(free_port):$(free_port);127.0.0.1:${ensemble_client_port[$id]}")
    ensemble_connect+="${ensemble_connect:+,}127.0.0.1:${ensemble_client_port[$id]}"
  done
}

# Succeeds when the server on 127.0.0.1:PORT serves clients, by docker-compose.yml's own ZooKeeper
# healthcheck (srvr names the server's mode; ruok would answer imok already while an ensemble
# member looks for a quorum). The command is read from the compose file once.
zookeeper_healthcheck=""
zookeeper_serving() {
  [ -n "$zookeeper_healthcheck" ] || zookeeper_healthcheck=$(python3 -c '
import yaml
test = yaml.safe_load(open("docker-compose.yml"))["services"]["zookeeper"]["healthcheck"]["test"]
assert test[0] == "CMD-SHELL" and "localhost 2181" in test[1], test
print(test[1])') || return 1
  bash -c "${zookeeper_healthcheck//localhost 2181/127.0.0.1 $1}" >/dev/null 2>&1
}

# Waits up to SECONDS (default 60) for the server start_zookeeper started in DIR to serve clients
# (zookeeper_serving); if it does not, or its process ends, says why (the end of its log) and fails.
# Usage: await_zookeeper DIR [SECONDS]
await_zookeeper() {
  local dir=$1 seconds=${2:-60} port pid
  port=$(sed -n 's/^clientPort=//p' "$dir/conf/zoo.cfg")
  pid=$(<"$dir/zookeeper.pid")
  local why="did not serve clients within ${seconds}s"
  for _ in $(seq "$seconds"); do
    zookeeper_serving "$port" && return 0
    kill -0 "$pid" 2>/dev/null || { why="ended before serving clients"; break; }
    sleep 1
  done
  echo "ZooKeeper on 127.0.0.1:$port $why; the end of its log:" >&2
  tail -n 20 "$dir/zookeeper.log" >&2
  return 1
}
