#!/usr/bin/env bash
# Makes a fresh Debian/Ubuntu machine ready to run and test the pipeline: the system packages it
# needs (installed when missing, if we are root) and the npm dependencies (npm ci when missing or stale).
set -euo pipefail
cd "$(dirname "$0")/.."

# librdkafka-dev + gcc: the dev broker (librdkafka's mock cluster); prometheus-pushgateway: the
# scheduled jobs' metrics in tests; prometheus: promtool, which checks and unit-tests the alert rules.
packages=(librdkafka-dev gcc libc6-dev prometheus-pushgateway prometheus)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "setup: installing ${missing[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: missing system packages: ${missing[*]}" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm dependencies (npm ci)" >&2
  npm ci --no-audit --no-fund --loglevel=error
fi

bash tools/dev-broker/build.sh
