#!/usr/bin/env bash
# `npm install`'s own step: the native parts, each built once and cached outside the clone.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$HERE/mediasoup-worker/build-worker.sh"
bash "$HERE/native/better-sqlite3.sh"
