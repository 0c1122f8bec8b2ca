#!/usr/bin/env bash
# deploy/kubernetes, validated offline (no cluster is reachable, and kubectl apply --dry-run
# needs a server): the generated files are current, kustomize renders the layout, and
# scripts/k8s/check.mjs validates every object against the Kubernetes and Prometheus Operator
# schemas and types (unknown fields too) and checks the cross-references; then the checker's own tests, which prove it fails on
# a deliberately broken manifest. Installs the checker's npm packages (package-lock.json).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib/packages.sh
step() { echo "k8s: $*"; }

ensure_packages k8s kubectl:kubernetes-client promtool:prometheus
command -v node >/dev/null || { echo "k8s: FAILED: node (Node.js) is needed for the checker" >&2; exit 1; }

python3 scripts/k8s/generate.py --check
step "deploy/kubernetes/generated is current with alerts.yml, the dashboard and init-deposit.sh"
npm ci --prefix scripts/k8s --no-audit --no-fund --loglevel=error >/dev/null
rendered=$(mktemp)
trap 'rm -f "$rendered" "$rendered.rules.yml"' EXIT
kubectl kustomize deploy/kubernetes >"$rendered"
step "kubectl kustomize rendered $(grep -c '^kind:' "$rendered") objects ($(kubectl version --client 2>/dev/null | head -n 1))"
node scripts/k8s/check.mjs "$rendered"
# The PrometheusRule's groups, as Prometheus itself would load them.
python3 -c 'import sys, yaml
rule = next(o for o in yaml.safe_load_all(open(sys.argv[1])) if o["kind"] == "PrometheusRule")
print(yaml.safe_dump(rule["spec"]))' "$rendered" >"$rendered.rules.yml"
promtool check rules "$rendered.rules.yml" >/dev/null || { echo "k8s: FAILED: promtool rejects the PrometheusRule" >&2; exit 1; }
step "promtool accepts the PrometheusRule's $(grep -c -- '- alert:' "$rendered.rules.yml") rules"
(cd scripts/k8s && node --test)
