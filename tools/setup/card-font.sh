#!/usr/bin/env bash
# Installs the font the member's card (履职纪念卡) is drawn with: Noto Sans CJK SC, Debian's
# fonts-noto-cjk (/usr/share/fonts/opentype/noto/NotoSansCJK-{Regular,Bold}.ttc). Called by
# `npm install` (postinstall.sh). Idempotent: does nothing (and needs no network) when present.
# Not root: says what to install and goes on — the server runs, and its card routes answer 503
# UNAVAILABLE naming the package until it is installed.
set -euo pipefail

dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q 'install ok installed' && exit 0

if [ "$(id -u)" != 0 ]; then
  echo "yishi: the member's card needs the Debian package fonts-noto-cjk; install it as root (apt-get install fonts-noto-cjk)" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends fonts-noto-cjk
