#!/usr/bin/env bash
# Checks the Dockerfile's promises without a Docker engine:
#   - every base image is pinned to a patch release (name:1.2.3...);
#   - the runtime stage takes the extracted application from the build stage and never copies a
#     jar of its own (a layer that is removed later does not shrink an image);
#   - USER is a numeric UID:GID, the IDs the image creates;
#   - no comment claims the image lacks curl (the temurin images ship it);
#   - the class data sharing training RUN, run as the image runs it (as root, a fresh /tmp, a
#     network of its own, /app standing for a work folder), leaves nothing behind but the
#     extracted application and the archive. The same training without its scratch temporary
#     folder must leave files behind: the check can fail.
# Needs root (unshare) and target/zk-bank.jar (built when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/zookeeper.sh

# not under /tmp: the training runs see a fresh, empty /tmp of their own
work=$(mktemp -d /var/tmp/dockerfile-check.XXXXXX)
clean_up_on_exit "$work"
fail() { echo "dockerfile-check: FAILED: $*" >&2; exit 1; }
step() { echo "dockerfile-check: $*"; }

# ---------------------------------------------------------------------------------------------
step "static checks of the Dockerfile"
python3 - Dockerfile >"$work/training.sh" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
lines = re.sub(r"\\\n\s*", " ", text).splitlines()     # continuation lines joined
instructions = [l.strip() for l in lines if l.strip() and not l.strip().startswith("#")]
errors = []
stages = [i for i, l in enumerate(instructions) if l.startswith("FROM ")]
for i in stages:
    image = instructions[i].split()[1]
    if not re.search(r":\d+\.\d+\.\d+", image):
        errors.append(f"base image not pinned to a patch release: {image}")
runtime = instructions[stages[-1]:]
for l in runtime:
    if l.startswith("COPY") and (".jar" in l or "--from=" not in l):
        errors.append(f"the runtime stage copies something other than the build stage's extracted application: {l}")
users = [l.split()[1] for l in runtime if l.startswith("USER ")]
if not users or not re.fullmatch(r"\d+:\d+", users[-1]):
    errors.append(f"USER must be a numeric UID:GID, is {users}")
else:
    uid, gid = users[-1].split(":")
    created = " ".join(l for l in runtime if "useradd" in l or "groupadd" in l)
    if f"--uid {uid}" not in created or f"--gid {gid}" not in created:
        errors.append(f"USER {users[-1]} is not the user and group the image creates")
if re.search(r"no curl", text, re.IGNORECASE):
    errors.append("a comment says the image has no curl; the temurin images ship it")
training = [l for l in runtime if l.startswith("RUN ") and "ArchiveClassesAtExit" in l]
if len(training) != 1:
    errors.append("expected one RUN that trains the class data sharing archive")
if errors:
    print("\n".join(errors), file=sys.stderr)
    sys.exit(1)
print(training[0][len("RUN "):])
PY
[ -s "$work/training.sh" ] || fail "the Dockerfile's static checks (above)"
step "  base images pinned, extracted in the build stage, numeric USER, no false curl claim"

# ---------------------------------------------------------------------------------------------
[ -f target/zk-bank.jar ] || ./mvnw --batch-mode --no-transfer-progress -q -DskipTests package

# Runs a training command in a mount and network namespace of its own: /tmp is a fresh empty
# tmpfs, HOME an empty folder, /app is $work/NAME holding the extracted jar. Prints what the run
# left: every file in /tmp, HOME and the application folder that extraction did not put there.
# Usage: leftovers NAME COMMAND
leftovers() {
  local name=$1 command=$2 app="$work/$1"
  java -Djarmode=tools -jar target/zk-bank.jar extract --destination "$app" >/dev/null
  (cd "$app" && find . | sort) >"$work/$name.before"
  mkdir -p "$work/$name-home"
  command=${command//\/app\//$app/}
  unshare --mount --net --propagation private bash -c '
    set -e
    ip link set lo up
    mount -t tmpfs scratch /tmp
    cd "$1"
    HOME="$2" bash -c "$3" >"$4/training.log" 2>&1 || { echo "the training run failed:" >&2; tail -n 20 "$4/training.log" >&2; exit 1; }
    find /tmp -mindepth 1 | sed "s|^|/tmp: |"
    find "$2" -mindepth 1 | sed "s|^|HOME: |"
  ' leftovers "$app" "$work/$name-home" "$command" "$work/$name-home" >"$work/$name.outside" \
    || fail "could not run the training command in a namespace of its own"
  rm -f "$work/$name-home/training.log"
  grep -v "training.log" "$work/$name.outside" || true
  (cd "$app" && find . | sort) | comm -13 "$work/$name.before" - | sed "s|^|app: |"
}

step "the Dockerfile's training run: $(cat "$work/training.sh")"
left=$(leftovers image "$(cat "$work/training.sh")")
[ "$left" = "app: ./zk-bank.jsa" ] || fail "the training run left more than the archive behind:
$left"
step "  it left only app/zk-bank.jsa ($(du -h "$work/image/zk-bank.jsa" | cut -f1))"

step "control: the same run without the scratch temporary folder must leave files behind"
plain=$(sed -e 's/-Djava.io.tmpdir="$scratch" //' "$work/training.sh")
[ "$plain" != "$(cat "$work/training.sh")" ] || fail "could not make the control command"
left=$(leftovers control "$plain")
grep -q "^/tmp: " <<<"$left" || fail "the control left nothing in /tmp: the check cannot see leftovers"
step "  it left $(grep -c "^/tmp: " <<<"$left") entries in /tmp, for example $(grep "^/tmp: " <<<"$left" | head -n 1)"
step "PASSED"
