#!/usr/bin/env bash
# Installs the Debian packages the test suite drives for real: Chromium (end-to-end tests through
# playwright-core), a CJK font so zh-CN pages render in screenshots, redis-server (the Redis
# store and multi-node tests start their own on a free port), and iproute2 and iptables (the
# weak-link test and benchmark shape a browser's link with network namespaces, tc and iptables),
# and coturn (the blocked-network test starts its own turnserver; the package's service is not used).
# Idempotent: does nothing (and needs no network) when everything is present.
set -euo pipefail

PKGS=(chromium fonts-noto-cjk redis-server iproute2 iptables coturn)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
  echo "yishi: the tests need Debian packages: ${missing[*]}; install them as root (apt-get install ${missing[*]})" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
