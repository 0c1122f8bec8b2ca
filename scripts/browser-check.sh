#!/usr/bin/env bash
# Checks the live page of a running instance in a real browser: Debian's chromium, headless,
# driven by npm's puppeteer-core (scripts/browser/check-live.js).
#   - the page loads with no console errors, failed requests or HTTP errors;
#   - within 20 s its chart has points, its feed shows commits by every customer given, its
#     contention table a committed count, and the audit badge reads CONSERVED;
#   - with a foreign write command: after it runs, the badge turns NOT CONSERVED within 10 s;
#   - screenshots are saved in SCREENSHOT_DIR; their paths are printed.
# Installs what is missing: the Debian package chromium (apt), and puppeteer-core 25.16.0 into
# scripts/browser/node_modules (npm, git-ignored). No browser is downloaded.
# Usage: scripts/browser-check.sh URL SCREENSHOT_DIR CUSTOMERS [FOREIGN_WRITE_COMMAND...]
#   e.g. scripts/browser-check.sh http://127.0.0.1:8081/ /tmp/shots Alice,Bob,Chuck zkCli.sh -server HOST:PORT set /bank_deposit 5
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/packages.sh
ensure_packages browser /usr/bin/chromium:chromium
if [ ! -d scripts/browser/node_modules/puppeteer-core ]; then
  echo "browser: installing puppeteer-core into scripts/browser/node_modules"
  (cd scripts/browser && npm install --no-audit --no-fund --silent)
fi
url=$1 shots=$2; shift 2
mkdir -p "$shots"
node scripts/browser/check-live.js "$url" "$(realpath "$shots")" "$@"
