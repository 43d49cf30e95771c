#!/usr/bin/env bash
# Builds the dev broker binary (dist/dev-broker/dev-broker) from dev-broker.c against Debian's librdkafka.
# Installs librdkafka-dev when it is missing and we run as root; otherwise says what to install.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/dist/dev-broker/dev-broker"
src="$here/dev-broker.c"

if [ -x "$out" ] && [ "$out" -nt "$src" ] && [ "$out" -nt "$0" ]; then
  exit 0
fi

if [ ! -f /usr/include/librdkafka/rdkafka_mock.h ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "dev-broker: installing librdkafka-dev (Debian) ..." >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq librdkafka-dev >&2
  else
    echo "dev-broker: <librdkafka/rdkafka_mock.h> is missing. Install it first:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y librdkafka-dev" >&2
    exit 1
  fi
fi

cc_bin="${CC:-cc}"
if ! command -v "$cc_bin" >/dev/null; then
  echo "dev-broker: no C compiler ($cc_bin) found; install gcc (Debian: apt-get install -y gcc)" >&2
  exit 1
fi
mkdir -p "$(dirname "$out")"
"$cc_bin" -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -Wall -Wextra -Werror -o "$out.tmp" "$src" -lrdkafka
mv "$out.tmp" "$out"
echo "dev-broker: built $out" >&2
