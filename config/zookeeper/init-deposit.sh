#!/usr/bin/env bash
# Creates the bank deposit node with its opening balance, exactly as an operator would:
#   zkCli.sh -server zookeeper:2181 create /bank_deposit 1000
# Idempotent: exits 0 when the node already exists, and never touches an existing value.
# Usage: init-deposit.sh SERVER [PATH] [OPENING_BALANCE]; ZKCLI names zkCli.sh if it is not on PATH.
set -euo pipefail
server="${1:?usage: init-deposit.sh SERVER [PATH] [OPENING_BALANCE]}"
path="${2:-/bank_deposit}"
opening="${3:-1000}"
zkcli="${ZKCLI:-zkCli.sh}"

output=$("$zkcli" -server "$server" create "$path" "$opening" 2>&1) || true
if grep -q "^Created $path\$" <<<"$output"; then
  echo "created $path with $opening"
elif grep -q "Node already exists: $path" <<<"$output"; then
  echo "$path already exists; left as it is"
else
  echo "could not create $path on $server:" >&2
  echo "$output" >&2
  exit 1
fi
