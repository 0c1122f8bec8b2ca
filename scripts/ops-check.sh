#!/usr/bin/env bash
# Static checks of what an operator runs, none of which the process-based e2e would notice:
#   - compose: one service builds the image and the others never pull it; every published port
#     is bound to ${BIND_ADDRESS:-127.0.0.1}; every service's log is rotated; the customers'
#     stop_grace_period is longer than Spring's shutdown phase; the init keeps the image's volumes
#     in memory; .env is kept out of git and out of the build context;
#   - alerts: each has a severity and a runbook_url whose section exists in docs/runbook.md;
#   - Alertmanager's configuration passes amtool;
#   - the dashboard's panels tile the grid: no overlap, no gap;
#   - the Dockerfile (scripts/dockerfile-check.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/packages.sh
fail() { echo "ops-check: FAILED: $*" >&2; exit 1; }
ensure_packages ops-check amtool:prometheus-alertmanager "import yaml:python3-yaml"

python3 - <<'PY' || fail "see above"
import json, re, sys, yaml

errors = []
compose = yaml.safe_load(open("docker-compose.yml"))
services = compose["services"]
builders = [name for name, s in services.items() if "build" in s]
if len(builders) != 1:
    errors.append(f"compose: exactly one service must build the image, these do: {builders}")
image = services[builders[0]]["image"] if builders else None
for name, s in services.items():
    if s.get("image") == image and "build" not in s and s.get("pull_policy") != "never":
        errors.append(f"compose: {name} uses {image} but may pull it (pull_policy: never)")
    for port in s.get("ports", []):
        if not str(port).startswith("${BIND_ADDRESS:-127.0.0.1}:"):
            errors.append(f"compose: {name} publishes {port} on every interface")
    if s.get("logging", {}).get("options", {}).get("max-size") is None:
        errors.append(f"compose: {name}'s log is not rotated")
for name in ("alice", "bob", "chuck"):
    grace = str(services[name].get("stop_grace_period", "10s"))
    if int(grace.rstrip("s")) <= 30:
        errors.append(f"compose: {name}'s stop_grace_period {grace} is not longer than Spring's 30 s shutdown phase")
tmpfs = services["zookeeper-init"].get("tmpfs", [])
if not {"/data", "/datalog", "/logs"} <= set(tmpfs if isinstance(tmpfs, list) else [tmpfs]):
    errors.append("compose: zookeeper-init leaves anonymous volumes for the image's /data, /datalog, /logs")
for ignore in (".gitignore", ".dockerignore"):
    if ".env" not in open(ignore).read().split():
        errors.append(f"{ignore} does not list .env")

runbook = open("docs/runbook.md").read()
anchors = {re.sub(r"[^a-z0-9 -]", "", h.lower()).replace(" ", "-") for h in re.findall(r"^#+ (.+)$", runbook, re.M)}
for group in yaml.safe_load(open("prometheus/alerts.yml"))["groups"]:
    for rule in group["rules"]:
        name = rule["alert"]
        if rule.get("labels", {}).get("severity") not in ("warning", "critical"):
            errors.append(f"alerts: {name} has no severity warning or critical")
        url = rule.get("annotations", {}).get("runbook_url", "")
        path, _, anchor = url.partition("#")
        if path != "docs/runbook.md" or anchor not in anchors:
            errors.append(f"alerts: {name}'s runbook_url {url!r} is not a section of docs/runbook.md")

panels = json.load(open("config/grafana/dashboards/zk-bank.json"))["panels"]
cells = {}
for p in panels:
    g = p["gridPos"]
    if g["x"] + g["w"] > 24:
        errors.append(f"dashboard: {p['title']} is wider than the grid")
    for x in range(g["x"], g["x"] + g["w"]):
        for y in range(g["y"], g["y"] + g["h"]):
            if (x, y) in cells:
                errors.append(f"dashboard: {p['title']} overlaps {cells[(x, y)]}")
            cells[(x, y)] = p["title"]
bottom = max(p["gridPos"]["y"] + p["gridPos"]["h"] for p in panels)
gaps = sorted({y for x in range(24) for y in range(bottom) if (x, y) not in cells})
if gaps:
    errors.append(f"dashboard: the grid has gaps in rows {gaps}")
if errors:
    print("\n".join(errors), file=sys.stderr)
    sys.exit(1)
print(f"ops-check: compose builds once and binds to 127.0.0.1; {len(panels)} dashboard panels tile the grid; "
      "every alert has a severity and a runbook section")
PY
amtool check-config config/alertmanager/alertmanager.yml >/dev/null || fail "amtool check-config"
echo "ops-check: amtool accepts config/alertmanager/alertmanager.yml"
bash scripts/dockerfile-check.sh
