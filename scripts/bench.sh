#!/usr/bin/env bash
# The contention benchmark: the zk-bank commit path (one operation per commit, and group commit)
# next to Curator's DistributedAtomicLong, a plain read-then-versioned-write loop and the server's
# raw write ceilings, in one JVM, one run; then the footprint of one customer JVM
# (scripts/footprint.sh).
#   scripts/bench.sh           in-process server and Debian's standalone ZooKeeper (forceSync=no),
#                              median of 3 runs of 5 s per row; replaces the generated sections of
#                              BENCHMARKS.md, between their <!-- generated: NAME --> markers, and
#                              leaves the hand-written text around them (about 20 minutes)
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
  port=$(free_port)
  start_zookeeper --dir "$work/zookeeper" --port "$port" --config forceSync=no \
    --config maxClientCnxns=0  # 64 clients, one address
  await_zookeeper "$work/zookeeper"
  arguments+=(--connect "127.0.0.1:$port" "standalone $zookeeper_version" --write BENCHMARKS.md)
fi
java -Xmx2g -cp "$classpath" org.zkbank.bench.BenchCommand "${arguments[@]}"
if $quick; then
  bash scripts/footprint.sh --runs 1 --seconds 5
else
  java -Xmx2g -cp "$classpath" org.zkbank.bench.BenchCommand --live --write BENCHMARKS.md
  bash scripts/footprint.sh --write BENCHMARKS.md
fi
