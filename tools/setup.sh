#!/usr/bin/env bash
# Makes a fresh Debian/Ubuntu machine ready to run and test the pipeline: the system packages it
# needs (installed when missing, if we are root) and the npm dependencies (npm ci when missing or stale).
set -euo pipefail
cd "$(dirname "$0")/.."

# prometheus-pushgateway: the scheduled jobs' metrics in tests; prometheus: promtool, which checks and
# unit-tests the alert rules; a Java 17+ runtime and Maven: Apache Kafka, fetched from Maven Central
# (tools/kafka), when the machine has neither; openssl: the certificates of the secured test clusters.
packages=(prometheus-pushgateway prometheus openssl)
command -v java >/dev/null || packages+=(openjdk-17-jre-headless)
command -v mvn >/dev/null || packages+=(maven)

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

# kafkajs carries the fixes in patches/ (applied by npm ci's postinstall; again here for an older install).
node_modules/.bin/patch-package >/dev/null

# The deploy checks render deploy/k8s offline with `kubectl kustomize`; without kubectl (Debian has no
# current one), kustomize itself from the Go module proxy into the cache (`kustomize build`).
if ! command -v kubectl >/dev/null && [ ! -x "$HOME/.cache/fenx-pipeline/bin/kustomize" ]; then
  if command -v go >/dev/null; then
    echo "setup: installing kustomize v5.5.0 (go install) for the deploy checks" >&2
    GOBIN="$HOME/.cache/fenx-pipeline/bin" go install sigs.k8s.io/kustomize/kustomize/v5@v5.5.0
  else
    echo "setup: the deploy checks need kubectl (or Go, to install kustomize): neither is installed" >&2
    exit 1
  fi
fi

# Apache Kafka for npm start, the tests, the soak and the benchmarks (a warm cache stays offline).
bash tools/kafka/fetch.sh >/dev/null
