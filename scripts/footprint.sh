#!/usr/bin/env bash
# Footprint of one customer JVM as deployed (profile alice, against a standalone ZooKeeper), next
# to a bare Spring Boot actuator application on the same Boot version (scripts/footprint/): time
# from `java` to ready (/actuator/health/readiness answers 200) and resident memory (RSS) at
# ready, after some seconds of running, and at its peak. Both are prepared as the Dockerfile
# prepares the image (the jar extracted, a class data sharing archive from a training run) and run
# with the JVM flags of its ENTRYPOINT, /app/ standing for a work folder; -XX:MaxRAM stands in
# for compose's mem_limit, which a plain process does not have.
#   scripts/footprint.sh [--runs N] [--seconds S] [--write FILE]
#     N starts of each (default 3; medians), S seconds of running (default 15); FILE gets the
#     markdown table in its section `<!-- generated: footprint -->` ... `<!-- end generated: footprint -->`
#     (replaced, the rest of the file left as it is; added at the end when it has none).
# Every process it starts is stopped on exit, also on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/zookeeper.sh
source scripts/lib/packages.sh

runs=3 seconds=15 write=""
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --write) write=$2; shift 2 ;;
    *) echo "footprint: unknown argument $1" >&2; exit 2 ;;
  esac
done
work=$(mktemp -d)
clean_up_on_exit "$work"

ensure_packages footprint "${zookeeper_packages[@]}" curl:curl

mem_limit=$(python3 -c 'import yaml; print(yaml.safe_load(open("docker-compose.yml"))["x-customer"]["mem_limit"])')
# The flags between "java" and "-jar" in the Dockerfile's ENTRYPOINT.
mapfile -t entrypoint_flags < <(python3 - <<'PY'
import json
line = next(l for l in open("Dockerfile") if l.startswith("ENTRYPOINT"))
command = json.loads(line[len("ENTRYPOINT"):])
print("\n".join(command[1:command.index("-jar")]))
PY
)

# Extracts an application jar into $work/NAME and trains its class data sharing archive, as the
# Dockerfile does; further arguments go to the training run.
prepare() {
  local name=$1 jar=$2; shift 2
  local flag training=()
  for flag in "${entrypoint_flags[@]}"; do
    [[ $flag == -XX:SharedArchiveFile=* ]] || training+=("$flag")
  done
  java -Djarmode=tools -jar "$jar" extract --destination "$work/$name" >/dev/null
  java "${training[@]}" -XX:ArchiveClassesAtExit="$work/$name/$name.jsa" -Dspring.context.exit=onRefresh \
    -jar "$work/$name/$(basename "$jar")" "$@" >"$work/$name-training.log" 2>&1 \
    || { echo "footprint: the training run of $name failed" >&2; tail -n 20 "$work/$name-training.log" >&2; exit 1; }
}

# The ENTRYPOINT's flags for the application prepared in $work/NAME.
jvm_flags() {
  local flag
  echo "-XX:MaxRAM=$mem_limit"
  for flag in "${entrypoint_flags[@]}"; do
    [[ $flag == -XX:SharedArchiveFile=* ]] && flag="-XX:SharedArchiveFile=$work/$1/$1.jsa"
    echo "$flag"
  done
}

./mvnw --batch-mode --no-transfer-progress -q -DskipTests package  # the jar of this source, never a stale one
# The bare application (scripts/footprint/), built in the work folder, on the project's Spring Boot.
parent_version() { sed -n '/<parent>/,/<\/parent>/s/.*<version>\(.*\)<\/version>.*/\1/p' "$1"; }
boot_version=$(parent_version pom.xml)
[ "$(parent_version scripts/footprint/pom.xml)" = "$boot_version" ] || {
  echo "footprint: scripts/footprint/pom.xml must have the project's Spring Boot, $boot_version, as its parent" >&2
  exit 1
}
mkdir -p "$work/bare-source"
cp -r scripts/footprint/pom.xml scripts/footprint/src "$work/bare-source/"
./mvnw --batch-mode --no-transfer-progress -q -f "$work/bare-source/pom.xml" -DskipTests package
prepare zk-bank target/zk-bank.jar --bank.embedded-zookeeper.port="$(free_port)"
prepare bare "$work/bare-source/target/bare.jar"

zookeeper_port=$(free_port)
start_zookeeper --dir "$work/zookeeper" --port "$zookeeper_port" --config forceSync=no
await_zookeeper "$work/zookeeper"

rss_mb() { awk -v key="$2:" '$1 == key { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }

# Starts the application prepared in $work/NAME, waits until it is ready, and prints: milliseconds
# to ready, RSS at ready, RSS after the running time, peak RSS (MB). Further arguments go to it.
measure() {
  local name=$1; shift
  local port; port=$(free_port)
  local flags; mapfile -t flags < <(jvm_flags "$name")
  local started; started=$(date +%s%N)
  java "${flags[@]}" -jar "$work/$name/$name.jar" --server.address=127.0.0.1 --server.port="$port" \
    --management.endpoint.health.probes.enabled=true "$@" >"$work/$name.log" 2>&1 &
  local pid=$!
  pids+=("$pid")
  until curl -fs -o /dev/null "http://127.0.0.1:$port/actuator/health/readiness"; do
    kill -0 "$pid" 2>/dev/null || { echo "footprint: $name exited" >&2; tail -n 20 "$work/$name.log" >&2; exit 1; }
    sleep 0.02
  done
  local ready=$(( ($(date +%s%N) - started) / 1000000 ))
  local at_ready; at_ready=$(rss_mb "$pid" VmRSS)
  sleep "$seconds"
  local later peak; later=$(rss_mb "$pid" VmRSS); peak=$(rss_mb "$pid" VmHWM)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "$ready $at_ready $later $peak"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

declare -A rows
for run in $(seq "$runs"); do
  rows[bank]+="$(SPRING_PROFILES_ACTIVE=alice ZOOKEEPER_CONNECT="127.0.0.1:$zookeeper_port" measure zk-bank)"$'\n'
  rows[bare]+="$(measure bare)"$'\n'
  echo "footprint: run $run of $runs done" >&2
done

row() {
  local name=$1 data=$2 column values=()
  for column in 1 2 3 4; do values+=("$(awk -v c="$column" 'NF { print $c }' <<<"$data" | median)"); done
  printf '| %s | %s | %s | %s | %s |\n' "$name" "$(awk -v ms="${values[0]}" 'BEGIN { printf "%.2f", ms / 1000 }')" \
    "${values[1]}" "${values[2]}" "${values[3]}"
}
report=$(cat <<MD
Produced by \`scripts/footprint.sh\` on $(date -u +%F), $(nproc) cores, Java $(java -version 2>&1 | awk -F'"' 'NR == 1 { print $2 }'):
median of $runs starts each, prepared as the Dockerfile prepares the image (jar extracted, class
data sharing archive from a training run), JVM flags \`-XX:MaxRAM=$mem_limit ${entrypoint_flags[*]}\` (the
ENTRYPOINT's, with compose's \`mem_limit\` as \`-XX:MaxRAM\`). Ready: \`/actuator/health/readiness\`
answers 200, timed from \`java\`.
The customer runs as compose runs it (profile \`alice\`, default pace) against a standalone
ZooKeeper; the bare application is Spring Boot $boot_version with \`webmvc\` and \`actuator\` only.

| application | seconds to ready | RSS at ready, MB | RSS after ${seconds} s, MB | peak RSS, MB |
|---|---:|---:|---:|---:|
$(row "zk-bank customer (alice)" "${rows[bank]}")
$(row "bare Spring Boot actuator application" "${rows[bare]}")
MD
)
echo "$report"
# The package above compiled the test classes too: the same writer as scripts/bench.sh's sections.
[ -z "$write" ] || java -cp target/test-classes org.zkbank.bench.GeneratedSection "$write" footprint <<<"$report"
