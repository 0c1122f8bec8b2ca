#!/usr/bin/env bash
# The contention benchmark: the zk-bank commit path (one operation per commit, and group commit)
# next to Curator's DistributedAtomicLong, a plain read-then-versioned-write loop and the server's
# raw write ceilings, in one JVM, one run; then the footprint of one customer JVM
# (scripts/footprint.sh).
#   scripts/bench.sh           in-process server, Debian's standalone ZooKeeper (forceSync=no) and
#                              an ensemble of three on loopback (fsync on), median of 3 runs of 5 s
#                              per row; replaces the generated sections of BENCHMARKS.md, between
#                              their <!-- generated: NAME --> markers, and leaves the hand-written
#                              text around them (about 35 minutes)
#   scripts/bench.sh --quick   in-process server only, one run of 1 s per row, one start of each
#                              application for the footprint: a smoke run
#   scripts/bench.sh --live    only the cost of the live page (in-process server, about 4 minutes):
#                              commits with no instance watching, one watching, 1 and 10 pages open;
#                              replaces that section of BENCHMARKS.md (the full run writes it too)
# Every process it starts is stopped on exit, also on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/zookeeper.sh
source scripts/lib/packages.sh

quick=false live=false
[ "${1:-}" = "--quick" ] && quick=true
[ "${1:-}" = "--live" ] && live=true
work=$(mktemp -d)
clean_up_on_exit "$work"

./mvnw --batch-mode --no-transfer-progress -q -DskipTests test-compile
./mvnw --batch-mode --no-transfer-progress -q dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$work/classpath" >/dev/null

classpath="target/test-classes:target/classes:$(cat "$work/classpath")"
if $live; then
  java -Xmx2g -cp "$classpath" org.zkbank.bench.BenchCommand --live --write BENCHMARKS.md
  exit 0
fi
arguments=()
if $quick; then
  arguments+=(--quick)
else
  ensure_packages bench "${zookeeper_packages[@]}"
  # standalone as the in-process server: the protocol, not the disk; the ensemble syncs its log
  # as ZooKeeper does by default (with forceSync=no its 3.8.0 leader stalled writes for 5 s in
  # most runs here); 64 clients from one address
  port=$(free_port)
  start_zookeeper --dir "$work/zookeeper" --port "$port" --config forceSync=no --config maxClientCnxns=0
  plan_ensemble
  for id in 1 2 3; do
    start_zookeeper --dir "$work/ensemble$id" --port "${ensemble_client_port[$id]}" --server-id "$id" \
      --config maxClientCnxns=0 "${ensemble_config[@]}"
  done
  for dir in "$work/zookeeper" "$work"/ensemble?; do await_zookeeper "$dir" 90; done
  arguments+=(--connect "127.0.0.1:$port" "standalone $zookeeper_version"
    --connect "$ensemble_connect" "ensemble of 3 $zookeeper_version, fsync" --write BENCHMARKS.md)
fi
java -Xmx2g -cp "$classpath" org.zkbank.bench.BenchCommand "${arguments[@]}"
if $quick; then
  bash scripts/footprint.sh --runs 1 --seconds 5
else
  java -Xmx2g -cp "$classpath" org.zkbank.bench.BenchCommand --live --write BENCHMARKS.md
  bash scripts/footprint.sh --write BENCHMARKS.md
fi
