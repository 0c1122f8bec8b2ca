#!/usr/bin/env bash
# Creates the bank deposit node with its opening balance, exactly as an operator would:
#   zkCli.sh -server zookeeper:2181 create /bank_deposit 1000
# Idempotent: exits 0 when the node already exists, and never touches an existing value.
# With BANK_ZOOKEEPER_AUTH_USERNAME and BANK_ZOOKEEPER_AUTH_PASSWORD set, the node is created so that
# only that user may change it and everyone may read it (the customers' ACL), and its parent gets
# the same ACL (created first if missing): the right to delete a node comes from its parent, so
# without this anyone could delete the deposit and create another. For /bank_deposit the parent is
# the root; give a deposit that shares a ZooKeeper with others a parent of its own (/bank/deposit).
# Commands go to zkCli on standard input, so the password never shows in a process list.
# Usage: init-deposit.sh SERVER [PATH] [OPENING_BALANCE]; ZKCLI names zkCli.sh if it is not on PATH.
set -euo pipefail
server="${1:?usage: init-deposit.sh SERVER [PATH] [OPENING_BALANCE]}"
path="${2:-/bank_deposit}"
opening="${3:-1000}"
zkcli="${ZKCLI:-zkCli.sh}"
username="${BANK_ZOOKEEPER_AUTH_USERNAME:-}"
password="${BANK_ZOOKEEPER_AUTH_PASSWORD:-}"

if [ -n "$username" ]; then
  parent=$(dirname "$path")
  commands="addauth digest $username:$password"
  [ "$parent" = / ] || commands+=$'\n'"create $parent"
  commands+=$'\n'"setAcl $parent auth::cdrwa,world:anyone:r"
  commands+=$'\n'"create $path $opening auth::cdrwa,world:anyone:r"
else
  commands="create $path $opening"
fi
# An ensemble may answer ruok before it has a quorum: try again while the connection is lost.
for attempt in $(seq 30); do
  output=$(printf '%s\n' "$commands" | "$zkcli" -server "$server" 2>&1) || true
  grep -q "ConnectionLoss" <<<"$output" || break
  echo "no quorum yet (attempt $attempt); trying again" >&2
  sleep 2
done
if grep -q "^Created $path\$" <<<"$output"; then
  echo "created $path with $opening${username:+, writable by $username only}"
elif grep -q "Node already exists: $path" <<<"$output"; then
  echo "$path already exists; left as it is"
else
  echo "could not create $path on $server:" >&2
  echo "$output" >&2
  exit 1
fi
