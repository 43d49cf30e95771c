#!/usr/bin/env bash
# Fetches the pinned Apache Kafka runtime (tools/kafka/pom.xml) from Maven Central into a cache
# directory and prints that directory; its libs/ is the broker's classpath. A warm cache (same pom)
# is used as it is, without Maven and without the network.
# Cache: $FENX_KAFKA_CACHE, default ${XDG_CACHE_HOME:-~/.cache}/fenx-pipeline/kafka.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
pom="$here/pom.xml"
version="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$pom")"
digest="$(sha256sum "$pom" | cut -c1-12)"
cache_root="${FENX_KAFKA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/fenx-pipeline/kafka}"
dir="$cache_root/$version-$digest"

if [ -f "$dir/.complete" ]; then
  echo "$dir"
  exit 0
fi

if ! command -v java >/dev/null || ! command -v mvn >/dev/null; then
  echo "kafka: java and mvn are needed to fetch Apache Kafka $version (Debian: apt-get install -y openjdk-17-jre-headless maven)" >&2
  exit 1
fi

echo "kafka: fetching Apache Kafka $version from Maven Central into $dir" >&2
rm -rf "$dir.tmp"
mkdir -p "$dir.tmp"
log="$dir.tmp/maven.log"
if ! mvn -B -q -f "$pom" dependency:copy-dependencies -DincludeScope=runtime \
  -DoutputDirectory="$dir.tmp/libs" >"$log" 2>&1; then
  echo "kafka: the Maven fetch of Apache Kafka $version failed (pom $pom); Maven's output:" >&2
  tail -n 30 "$log" >&2
  exit 1
fi
for jar in kafka_2.13 connect-runtime connect-file; do
  if ! ls "$dir.tmp/libs/$jar-$version.jar" >/dev/null 2>&1; then
    echo "kafka: Maven finished but $jar-$version.jar is not in $dir.tmp/libs" >&2
    exit 1
  fi
done
echo "$version" >"$dir.tmp/.complete"
rm -rf "$dir"
mv "$dir.tmp" "$dir"
echo "$dir"
