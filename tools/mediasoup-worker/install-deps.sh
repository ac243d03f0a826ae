#!/usr/bin/env bash
# Installs the Debian bookworm packages needed to build mediasoup-worker.
# Idempotent: does nothing (and needs no network) when everything is present.
set -euo pipefail

PKGS=(g++ pkg-config ninja-build libssl-dev libuv1-dev libsrtp2-dev libabsl-dev
      libflatbuffers-dev flatbuffers-compiler)

meson_ok() {
  command -v meson >/dev/null 2>&1 || return 1
  python3 - "$(meson --version)" <<'PY'
import sys
v = tuple(int(x) for x in sys.argv[1].split('.')[:2])
sys.exit(0 if v >= (1, 1) else 1)
PY
}

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ] && meson_ok; then
  exit 0
fi

if [ "$(id -u)" != 0 ]; then
  echo "mediasoup-worker: missing build deps (${missing[*]:-meson>=1.1}); run this script as root" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive

# meson >= 1.1 is required by mediasoup's meson.build; bookworm has 1.0.1,
# bookworm-backports has 1.7.0. Add the backports suite (same mirror as the
# system's bookworm entry). Backports are pinned low by default, so nothing
# else gets upgraded from there.
if ! meson_ok && ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  uri="$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)"
  [ -n "$uri" ] || uri="$(awk '$1=="deb"{print $2; exit}' /etc/apt/sources.list)"
  cat > /etc/apt/sources.list.d/bookworm-backports.sources <<SRC
Types: deb
URIs: $uri
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi

apt-get update -qq
apt-get install -y -qq --no-install-recommends "${PKGS[@]}"
if ! meson_ok; then
  apt-get install -y -qq --no-install-recommends -t bookworm-backports meson
fi
meson_ok
