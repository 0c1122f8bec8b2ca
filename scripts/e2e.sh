#!/usr/bin/env bash
# Proves the docker-compose topology on a machine without Docker: the same parts, started as
# processes on free loopback ports.
#   1. a real standalone ZooKeeper (Debian's package) with ZooKeeper's Prometheus metrics
#      provider, initialised by config/zookeeper/init-deposit.sh exactly as the compose init does;
#   2. the customers alice, bob and chuck from target/zk-bank.jar, with their profiles;
#   3. Debian's Prometheus with prometheus/prometheus.yml, targets rewritten to the local ports
#      (same jobs, labels and rule files).
# It checks the compose file, the Prometheus configuration and rules, every PromQL expression of
# the Grafana dashboard (syntax here; data in scripts/e2e-ensemble.sh), the compose healthchecks,
# conflicts, each customer's audit, a foreign write caught by the audit alert, the Dockerfile
# (lint, scripts/ops-check.sh), then the alert split on an ensemble (scripts/e2e-ensemble.sh).
# Every process it starts is stopped on exit, also on failure.
# Usage: scripts/e2e.sh [SECONDS_OF_TRAFFIC]   (default 40)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/zookeeper.sh
source scripts/lib/packages.sh

traffic_seconds="${1:-40}"
dockerfile_linter=dockerfile-utils@0.16.3

work=$(mktemp -d)

step() { echo "e2e: $*"; }
fail() { fail_showing_logs e2e 15 "$*" "$work"/*.log "$work"/zookeeper/*.log; }
clean_up_on_exit "$work"


# ---------------------------------------------------------------------------------------------
ensure_packages e2e "${zookeeper_packages[@]}" prometheus:prometheus promtool:prometheus docker-compose:docker-compose curl:curl
command -v npx >/dev/null || fail "npx (Node.js) is needed for the Dockerfile linter"
[ -f target/zk-bank.jar ] || ./mvnw --batch-mode --no-transfer-progress -q -DskipTests package

# ---------------------------------------------------------------------------------------------
step "static checks: compose file, Prometheus configuration and rules, dashboard, Dockerfile"
docker-compose -f docker-compose.yml config -q || fail "docker-compose config rejects docker-compose.yml"
docker-compose -f docker-compose.yml -f docker-compose.ensemble.yml config -q \
  || fail "docker-compose config rejects the ensemble variant"
promtool check config prometheus/prometheus.yml >/dev/null || fail "promtool check config"
mkdir -p "$work/ensemble"
cp prometheus/prometheus.yml prometheus/alerts.yml "$work/ensemble/"
cp prometheus/zookeeper-ensemble-targets.yml "$work/ensemble/zookeeper-targets.yml"
promtool check config "$work/ensemble/prometheus.yml" >/dev/null || fail "promtool check config (ensemble targets)"
promtool check rules prometheus/alerts.yml >/dev/null || fail "promtool check rules"

# Every dashboard expression, with Grafana's variables given values, one per line.
python3 - config/grafana/dashboards/zk-bank.json >"$work/dashboard.promql" <<'EOF'
import json, sys
dashboard = json.load(open(sys.argv[1]))
assert dashboard["templating"]["list"][0]["name"] == "customer"
assert all(p["datasource"]["uid"] == "prometheus" for p in dashboard["panels"])
for panel in dashboard["panels"]:
    for target in panel["targets"]:
        print(target["expr"].replace("$customer", ".*").replace("$__rate_interval", "1m"))
EOF
python3 - "$work/dashboard.promql" >"$work/dashboard-rules.yml" <<'EOF'
import json, sys
exprs = [line.rstrip("\n") for line in open(sys.argv[1])]
print("groups:\n  - name: dashboard\n    rules:")
for i, expr in enumerate(exprs):
    print(f"      - record: dashboard:panel_{i}\n        expr: {json.dumps(expr)}")
EOF
promtool check rules "$work/dashboard-rules.yml" >/dev/null || fail "a dashboard expression does not parse"
step "  $(wc -l <"$work/dashboard.promql") dashboard expressions parse"
npx --yes "$dockerfile_linter" lint Dockerfile || fail "the Dockerfile does not lint clean"

# --- operations (issue 13): compose hygiene, alert runbooks, Alertmanager, dashboard layout, --
# --- the Dockerfile's training run (scripts/ops-check.sh) ------------------------------------
bash scripts/ops-check.sh || fail "scripts/ops-check.sh"

# ---------------------------------------------------------------------------------------------
zookeeper_port=$(free_port); zookeeper_metrics_port=$(free_port); prometheus_port=$(free_port)
declare -A customer_port=([alice]=$(free_port) [bob]=$(free_port) [chuck]=$(free_port))

step "ZooKeeper $zookeeper_version (Debian) on 127.0.0.1:$zookeeper_port, metrics on :$zookeeper_metrics_port"
start_zookeeper --dir "$work/zookeeper" --port "$zookeeper_port" --metrics-port "$zookeeper_metrics_port" \
  || fail "could not start ZooKeeper"
await_zookeeper "$work/zookeeper" 30 || fail "ZooKeeper not serving (the compose healthcheck: srvr names its mode)"

step "initialising /bank_deposit with the compose init script, twice"
export ZKCLI=/usr/share/zookeeper/bin/zkCli.sh
first=$(config/zookeeper/init-deposit.sh "127.0.0.1:$zookeeper_port" /bank_deposit 1000) || fail "init failed"
second=$(config/zookeeper/init-deposit.sh "127.0.0.1:$zookeeper_port" /bank_deposit 1000) || fail "second init failed"
[[ $first == created* && $second == *"already exists"* ]] || fail "init is not idempotent: '$first' then '$second'"
step "  $first; then: $second"

step "the init with credentials: only that user may change or delete the node, anyone may read it"
secured=$(BANK_ZOOKEEPER_AUTH_USERNAME=bank BANK_ZOOKEEPER_AUTH_PASSWORD=e2e-only \
  config/zookeeper/init-deposit.sh "127.0.0.1:$zookeeper_port" /secured/bank_deposit 1000) || fail "secured init failed"
zkcli() { printf '%s\n' "$@" | "$ZKCLI" -server "127.0.0.1:$zookeeper_port" 2>&1; }
grep -q "Insufficient permission" <<<"$(zkcli "set /secured/bank_deposit 0")" \
  || fail "an unauthenticated zkCli.sh set was not refused"
grep -q "Insufficient permission" <<<"$(zkcli "delete /secured/bank_deposit")" \
  || fail "an unauthenticated zkCli.sh delete was not refused (the parent is not protected)"
grep -qx "1000" <<<"$(zkcli "get /secured/bank_deposit")" || fail "an unauthenticated read was refused"
grep -q "Insufficient permission" <<<"$(zkcli "addauth digest bank:e2e-only" "set /secured/bank_deposit 1000")" \
  && fail "the authenticated user was refused"
step "  $secured; unauthenticated set and delete refused, read allowed, authenticated set allowed"

# ---------------------------------------------------------------------------------------------
for customer in alice bob chuck; do
  step "customer $customer on 127.0.0.1:${customer_port[$customer]}"
  SPRING_PROFILES_ACTIVE=$customer ZOOKEEPER_CONNECT="127.0.0.1:$zookeeper_port" \
    java -XX:MaxRAMPercentage=75 -jar target/zk-bank.jar --server.address=127.0.0.1 \
    --server.port="${customer_port[$customer]}" --bank.customers.pace.interval-min=0s --bank.customers.pace.interval-max=300ms \
    --bank.customers.pace.think-min=0s --bank.customers.pace.think-max=150ms >"$work/$customer.log" 2>&1 &
  pids+=($!)
done
# The customers' compose healthcheck, verbatim but for the port.
customer_check=$(/usr/bin/python3 -c '
import sys, yaml
test = yaml.safe_load(open("docker-compose.yml"))["x-customer"]["healthcheck"]["test"]
assert test[:3] == ["CMD", "bash", "-c"], test
print(test[3])')
for customer in alice bob chuck; do
  check=${customer_check//127.0.0.1\/8080/127.0.0.1\/${customer_port[$customer]}}
  wait_for 120 "$customer ready (compose healthcheck)" bash -c "$check"
done
step "  all three customers pass the compose healthcheck"

# ---------------------------------------------------------------------------------------------
step "Prometheus on 127.0.0.1:$prometheus_port with the project's configuration"
mkdir -p "$work/prometheus"
cp prometheus/alerts.yml "$work/prometheus/"
sed -e "s/\"alice:8080\"/\"127.0.0.1:${customer_port[alice]}\"/" \
    -e "s/\"bob:8080\"/\"127.0.0.1:${customer_port[bob]}\"/" \
    -e "s/\"chuck:8080\"/\"127.0.0.1:${customer_port[chuck]}\"/" \
    prometheus/prometheus.yml >"$work/prometheus/prometheus.yml"
sed -e "s/\"zookeeper:7000\"/\"127.0.0.1:$zookeeper_metrics_port\"/" \
    prometheus/zookeeper-targets.yml >"$work/prometheus/zookeeper-targets.yml"
promtool check config "$work/prometheus/prometheus.yml" >/dev/null || fail "the rewritten configuration"
prometheus --config.file="$work/prometheus/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
  --web.listen-address="127.0.0.1:$prometheus_port" >"$work/prometheus.log" 2>&1 &
pids+=($!)
prometheus_url="http://127.0.0.1:$prometheus_port"
query() { promtool query instant "$prometheus_url" "$1"; }
all_up() { [ "$(query 'count(up == 1)' | sed -n 's/.*=> \([0-9]*\) .*/\1/p')" = 4 ]; }
wait_for 60 "all four targets up" all_up

step "customers operating for ${traffic_seconds}s"
sleep "$traffic_seconds"

# ---------------------------------------------------------------------------------------------
step "checks against the live system"
conflicts=$(query 'sum(bank_conflicts_total)' | sed -n 's/.*=> \([0-9.e+]*\) .*/\1/p')
committed=$(query 'sum(bank_operations_total{outcome="committed"})' | sed -n 's/.*=> \([0-9.e+]*\) .*/\1/p')
python3 -c "import sys; sys.exit(0 if float('${conflicts:-0}') > 0 else 1)" || fail "no conflicts were observed"
step "  $committed operations committed, $conflicts conflicts"

# Every dashboard expression returning data is checked by scripts/e2e-ensemble.sh (below): some
# panels need an ensemble (synced followers) or a customer that has met a problem.

for customer in alice bob chuck; do
  audit=$(curl -sf "http://127.0.0.1:${customer_port[$customer]}/actuator/bank") || fail "$customer's /actuator/bank"
  python3 -c 'import json, sys; a = json.loads(sys.argv[1]); sys.exit(0 if a["conserved"] else 1)' "$audit" \
    || fail "$customer's audit is not conserved: $audit"
  step "  $customer: $audit"
done
firing=$(query 'ALERTS{alertstate="firing"}')
[ -z "$firing" ] || fail "alerts are firing: $firing"

# ---------------------------------------------------------------------------------------------
# The live page (issue 10) in headless chromium: Alice's page shows all three processes' commits,
# then the browser check makes the foreign write below itself and watches the badge turn.
step "the live page of alice in a real browser (scripts/browser-check.sh)"
bash scripts/browser-check.sh "http://127.0.0.1:${customer_port[alice]}/" target/e2e-screenshots Alice,Bob,Chuck \
  "$ZKCLI" -server "127.0.0.1:$zookeeper_port" set /bank_deposit 5 || fail "the live page in the browser"

step "a foreign write (zkCli.sh set) is caught by the audit and its alert"
"$ZKCLI" -server "127.0.0.1:$zookeeper_port" set /bank_deposit 5 >/dev/null 2>&1 || fail "zkCli.sh set"
audit_alert() { query 'ALERTS{alertname="AuditNotConserved",alertstate="firing"}' | grep -q AuditNotConserved; }
wait_for 60 "the AuditNotConserved alert firing" audit_alert
audit=$(curl -sf "http://127.0.0.1:${customer_port[alice]}/actuator/bank")
python3 -c 'import json, sys; a = json.loads(sys.argv[1]); sys.exit(1 if a["conserved"] or a["unexplainedWrites"] < 1 else 0)' "$audit" \
  || fail "the audit missed the foreign write: $audit"
step "  caught: $audit"

step "a deposit deleted and created again by another client is reported and never written to"
printf '%s\n' "deleteall /bank_deposit" "create /bank_deposit 5000000" | "$ZKCLI" -server "127.0.0.1:$zookeeper_port" >/dev/null 2>&1 \
  || fail "zkCli.sh delete and create"
replaced() {
  curl -s "http://127.0.0.1:${customer_port[alice]}/actuator/bank" | python3 -c '
import json, sys; a = json.load(sys.stdin); sys.exit(0 if a.get("problem") == "DEPOSIT_REPLACED" and a.get("conserved") is False else 1)'
}
wait_for 30 "/actuator/bank reporting the replaced deposit" replaced
sleep 3
value=$("$ZKCLI" -server "127.0.0.1:$zookeeper_port" get /bank_deposit 2>/dev/null | grep -x '[0-9.]*' | tail -n 1)
[ "$value" = 5000000 ] || fail "a customer wrote to the replaced deposit: it holds '$value'"
curl -s "http://127.0.0.1:${customer_port[bob]}/actuator/health" | grep -q DEPOSIT_REPLACED \
  || fail "bob's health does not show the replaced deposit"
step "  reported by the audit and in health; the node still holds $value"

# --- operations (issue 13): the alert split and the dashboard's data on a three-server --------
# --- ensemble, with processes of its own (this script's are stopped first: two cores) -------
for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
pids=()
bash scripts/e2e-ensemble.sh || { echo "e2e: FAILED: scripts/e2e-ensemble.sh (its reason is above)" >&2; exit 1; }

step "PASSED"
