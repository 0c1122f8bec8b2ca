#!/usr/bin/env bash
# The alerts and the dashboard against a three-server ZooKeeper ensemble, as processes (the
# topology of docker-compose.ensemble.yml, on free loopback ports):
#   1. three Debian ZooKeeper servers with the metrics provider and autopurge, initialised by
#      config/zookeeper/init-deposit.sh; the customers alice, bob and chuck connected to all three;
#      Debian's Prometheus with prometheus/prometheus.yml and prometheus/zookeeper-ensemble-targets.yml
#      (targets rewritten to the local ports), sending alerts to Debian's Alertmanager with
#      config/alertmanager/alertmanager.yml;
#   2. one server stopped (the leader): ZooKeeperServerDown (warning) fires, nothing critical
#      fires for two minutes nor after (any critical alert pending then must end without firing),
#      and the customers go on committing;
#   3. a second server stopped: the last one still answers ruok but fails the compose healthcheck
#      (srvr), ZooKeeperQuorumLost (critical) fires and reaches Alertmanager, and then
#      AuditUnavailable (and ZooKeeperUnreachable, with bank_audit_problem), which it inhibits;
#   4. both servers back: the customers resume, every dashboard expression returns data from the
#      live Prometheus, and each customer's audit is conserved.
# Every process it starts is stopped on exit, also on failure. About 6 minutes.
# Usage: scripts/e2e-ensemble.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/zookeeper.sh
source scripts/lib/packages.sh

work=$(mktemp -d)
step() { echo "e2e-ensemble: $*"; }
fail() { fail_showing_logs e2e-ensemble 10 "$*" "$work"/*.log "$work"/zk*/zookeeper.log; }
clean_up_on_exit "$work"

ensure_packages e2e-ensemble "${zookeeper_packages[@]}" prometheus:prometheus promtool:prometheus \
  prometheus-alertmanager:prometheus-alertmanager curl:curl
[ -f target/zk-bank.jar ] || ./mvnw --batch-mode --no-transfer-progress -q -DskipTests package
export ZKCLI=/usr/share/zookeeper/bin/zkCli.sh

# ---------------------------------------------------------------------------------------------
plan_ensemble
ensemble_config+=(--config autopurge.snapRetainCount=3 --config autopurge.purgeInterval=1)
connect=$ensemble_connect
declare -A metrics_port
for id in 1 2 3; do metrics_port[$id]=$(free_port); done
# Starts (or starts again, on its data) server ID of the ensemble.
start_server() {
  start_zookeeper --dir "$work/zk$1" --port "${ensemble_client_port[$1]}" --metrics-port "${metrics_port[$1]}" \
    --server-id "$1" "${ensemble_config[@]}" || fail "could not start server $1"
}
stop_server() { local pid; pid=$(<"$work/zk$1/zookeeper.pid"); kill "$pid"; wait "$pid" 2>/dev/null || true; }
mode() { echo srvr | nc -w 2 127.0.0.1 "${ensemble_client_port[$1]}" 2>/dev/null | sed -n 's/^Mode: //p'; }
leader() {
  local id
  for id in 1 2 3; do
    [ "$(mode "$id")" = leader ] && { echo "$id"; return; }
  done
  return 1
}
modes() { local id; for id in 1 2 3; do printf 'server %s %s; ' "$id" "$(mode "$id")"; done; }

step "ZooKeeper $zookeeper_version ensemble on $connect"
for id in 1 2 3; do start_server "$id"; done
for id in 1 2 3; do
  await_zookeeper "$work/zk$id" 90 || fail "server $id did not pass the compose healthcheck (srvr)"
done
config/zookeeper/init-deposit.sh "$connect" /bank_deposit 1000 >/dev/null || fail "init-deposit.sh on the ensemble"

declare -A customer_port=([alice]=$(free_port) [bob]=$(free_port) [chuck]=$(free_port))
for customer in alice bob chuck; do
  SPRING_PROFILES_ACTIVE=$customer ZOOKEEPER_CONNECT="$connect" \
    java -XX:MaxRAMPercentage=75 -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar target/zk-bank.jar \
    --server.address=127.0.0.1 --server.port="${customer_port[$customer]}" --bank.customers.pace.interval-min=0s \
    --bank.customers.pace.interval-max=300ms --bank.customers.pace.think-min=0s --bank.customers.pace.think-max=150ms >"$work/$customer.log" 2>&1 &
  pids+=($!)
done
ready() { curl -sf "http://127.0.0.1:${customer_port[$1]}/actuator/health/readiness" >/dev/null; }
for customer in alice bob chuck; do wait_for 120 "$customer ready" ready "$customer"; done
step "  customers alice, bob and chuck ready on ${customer_port[*]}"

alertmanager_port=$(free_port); prometheus_port=$(free_port)
prometheus-alertmanager --config.file=config/alertmanager/alertmanager.yml --storage.path="$work/alertmanager" \
  --web.listen-address="127.0.0.1:$alertmanager_port" --cluster.listen-address= >"$work/alertmanager.log" 2>&1 &
pids+=($!)
mkdir -p "$work/prometheus"
cp prometheus/alerts.yml "$work/prometheus/"
sed -e "s/\"alice:8080\"/\"127.0.0.1:${customer_port[alice]}\"/" \
    -e "s/\"bob:8080\"/\"127.0.0.1:${customer_port[bob]}\"/" \
    -e "s/\"chuck:8080\"/\"127.0.0.1:${customer_port[chuck]}\"/" \
    -e "s/\"alertmanager:9093\"/\"127.0.0.1:$alertmanager_port\"/" \
    prometheus/prometheus.yml >"$work/prometheus/prometheus.yml"
sed -e "s/\"zookeeper:7000\"/\"127.0.0.1:${metrics_port[1]}\"/" \
    -e "s/\"zookeeper2:7000\"/\"127.0.0.1:${metrics_port[2]}\"/" \
    -e "s/\"zookeeper3:7000\"/\"127.0.0.1:${metrics_port[3]}\"/" \
    prometheus/zookeeper-ensemble-targets.yml >"$work/prometheus/zookeeper-targets.yml"
promtool check config "$work/prometheus/prometheus.yml" >/dev/null || fail "the rewritten configuration"
prometheus --config.file="$work/prometheus/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
  --web.listen-address="127.0.0.1:$prometheus_port" >"$work/prometheus.log" 2>&1 &
pids+=($!)
prometheus_url="http://127.0.0.1:$prometheus_port"
step "Prometheus on :$prometheus_port, Alertmanager on :$alertmanager_port"

query() { promtool query instant "$prometheus_url" "$1"; }
value() { query "$1" | sed -n 's/.*=> \([0-9.e+-]*\) .*/\1/p' | head -n 1; }
all_up() { [ "$(value 'count(up == 1)')" = 6 ]; }
firing() { query "ALERTS{alertstate=\"firing\"$1}"; }
pending() { query "ALERTS{alertstate=\"pending\"$1}"; }
alert_firing() { firing ",alertname=\"$1\"" | grep -q "$1"; }
wait_for 90 "all six targets up" all_up
sleep 20
[ -z "$(firing "")" ] || fail "alerts fire on a healthy ensemble: $(firing "")"
step "  six targets up, no alert firing after 20 s of traffic"

# ---------------------------------------------------------------------------------------------
# a busy server may answer srvr late (nc waits 2 s): ask again for up to 30 s
down=""
for _ in $(seq 30); do down=$(leader) && break; sleep 1; done
[ -n "$down" ] || fail "no leader in the ensemble within 30 s: $(modes)"
committed_before=$(value 'sum(bank_operations_total{outcome="committed"})')
step "one server down: stopping the leader, server $down"
stop_server "$down"
zookeeper_serving "${ensemble_client_port[$down]}" && fail "the stopped server passes the healthcheck"
# 120 s, and on until no critical alert is pending: one pending during the election (a rule with
# a long "for") must end without firing
start=$SECONDS warned=""
while [ $((SECONDS - start)) -lt 120 ] || [ -n "$(pending ',severity="critical"')" ]; do
  critical=$(firing ',severity="critical"')
  [ -z "$critical" ] || fail "a critical alert fires with one server of three down: $critical"
  [ $((SECONDS - start)) -lt 300 ] || fail "a critical alert is still pending 300 s after one server stopped"
  [ -z "$warned" ] && alert_firing ZooKeeperServerDown && warned=$((SECONDS - start))
  sleep 5
done
quiet=$((SECONDS - start))
[ -n "$warned" ] || fail "ZooKeeperServerDown did not fire within 120 s of stopping server $down"
committed_after=$(value 'sum(bank_operations_total{outcome="committed"})')
python3 -c "import sys; sys.exit(0 if float('$committed_after') > float('$committed_before') + 100 else 1)" \
  || fail "the customers did not go on committing: $committed_before, then $committed_after"
step "  ZooKeeperServerDown (warning) fired after ${warned} s; nothing critical fired in ${quiet} s, none pending at the end; committed $committed_before -> $committed_after"

# ---------------------------------------------------------------------------------------------
second=$(( down % 3 + 1 )); last=$(( second % 3 + 1 ))
step "quorum lost: stopping server $second as well"
stop_server "$second"
not_serving() { ! zookeeper_serving "${ensemble_client_port[$1]}"; }
wait_for 30 "server $last failing the compose healthcheck" not_serving "$last"
[ "$(echo ruok | nc -w 2 127.0.0.1 "${ensemble_client_port[$last]}")" = imok ] || fail "server $last does not answer ruok"
step "  server $last answers ruok with imok, yet fails srvr: not serving"
wait_for 150 "ZooKeeperQuorumLost firing" alert_firing ZooKeeperQuorumLost
in_alertmanager() {
  curl -sf "http://127.0.0.1:$alertmanager_port/api/v2/alerts?filter=alertname%3D%22ZooKeeperQuorumLost%22" | grep -q '"severity":"critical"'
}
wait_for 60 "ZooKeeperQuorumLost reaching Alertmanager" in_alertmanager
step "  ZooKeeperQuorumLost (critical) fires and is in Alertmanager"
# Every customer now waits for ZooKeeper and cannot audit: AuditUnavailable (warning) follows,
# and Alertmanager holds it back (inhibited) while the lost quorum explains it. So does the
# customers' own critical alert, ZooKeeperUnreachable, once they export bank_audit_problem (a
# customer waiting out a lost reply inside its commit counts no problem, so the counter alone
# cannot show every customer waiting).
inhibited() {
  curl -sf "http://127.0.0.1:$alertmanager_port/api/v2/alerts?filter=alertname%3D%22$1%22" \
    | python3 -c 'import json, sys; a = json.load(sys.stdin); sys.exit(0 if a and all(x["status"]["state"] == "suppressed" and x["status"]["inhibitedBy"] for x in a) else 1)'
}
wait_for 150 "AuditUnavailable firing" alert_firing AuditUnavailable
wait_for 60 "AuditUnavailable inhibited in Alertmanager" inhibited AuditUnavailable
step "  AuditUnavailable (warning) fires too, inhibited in Alertmanager by the lost quorum"
if [ -n "$(query 'bank_audit_problem{problem="zookeeper_unavailable"}')" ]; then
  wait_for 90 "ZooKeeperUnreachable firing" alert_firing ZooKeeperUnreachable
  wait_for 60 "ZooKeeperUnreachable inhibited in Alertmanager" inhibited ZooKeeperUnreachable
  step "  ZooKeeperUnreachable (critical: every customer waits) fires too, inhibited in Alertmanager"
else
  step "  ZooKeeperUnreachable not checked: the customers do not export bank_audit_problem yet"
fi

# ---------------------------------------------------------------------------------------------
step "both servers back"
start_server "$down"; start_server "$second"
for id in 1 2 3; do await_zookeeper "$work/zk$id" 120 || fail "server $id did not serve again"; done
for customer in alice bob chuck; do wait_for 120 "$customer ready again" ready "$customer"; done
serving() { [ "$(value 'count(uptime{service="zookeeper"})')" = 3 ]; }
wait_for 60 "three servers serving in Prometheus" serving
sleep 15

python3 - config/grafana/dashboards/zk-bank.json >"$work/dashboard.promql" <<'PY'
import json, sys
for panel in json.load(open(sys.argv[1]))["panels"]:
    for target in panel["targets"]:
        print(target["expr"].replace("$customer", ".*").replace("$__rate_interval", "1m"))
PY
empty=0
while IFS= read -r expr; do
  [ -n "$(query "$expr")" ] || { echo "e2e-ensemble: no data for dashboard expression: $expr" >&2; empty=$((empty + 1)); }
done <"$work/dashboard.promql"
[ "$empty" -eq 0 ] || fail "$empty dashboard expressions returned no data"
step "  all $(wc -l <"$work/dashboard.promql") dashboard expressions return data"
for customer in alice bob chuck; do
  audit=$(curl -sf "http://127.0.0.1:${customer_port[$customer]}/actuator/bank") || fail "$customer's /actuator/bank"
  python3 -c 'import json, sys; sys.exit(0 if json.loads(sys.argv[1])["conserved"] else 1)' "$audit" \
    || fail "$customer's audit is not conserved: $audit"
done
step "  each customer's audit is conserved: $audit"
# The paths deploy/kubernetes probes and scrapes a customer on, asked of a live one.
k8s_paths=$(python3 -c '
import yaml
paths = set()
for doc in yaml.safe_load_all(open("deploy/kubernetes/customers/base/deployment.yaml")):
    for c in doc["spec"]["template"]["spec"]["containers"]:
        paths |= {c[p]["httpGet"]["path"] for p in ("startupProbe", "livenessProbe", "readinessProbe") if p in c}
for doc in yaml.safe_load_all(open("deploy/kubernetes/monitoring/podmonitors.yaml")):
    if doc["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"] == "zk-bank":
        paths |= {e["path"] for e in doc["spec"]["podMetricsEndpoints"]}
print(" ".join(sorted(paths)))')
for path in $k8s_paths; do
  curl -sf -o /dev/null "http://127.0.0.1:${customer_port[alice]}$path" || fail "Kubernetes probes or scrapes $path, which answers no 200"
done
step "  the Kubernetes probe and scrape paths answer 200: $k8s_paths"
step "PASSED"
