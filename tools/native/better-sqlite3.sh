#!/usr/bin/env bash
# Installs better-sqlite3's native addon, built from source once and then reused from a cache
# outside the clone. Its own install script (denied in package.json's allowScripts) would try a
# GitHub download that fails here and then compile for ~1.5 min on every fresh `npm install`.
# Cache key: package version, Node ABI and machine, in
#   $YISHI_NATIVE_CACHE_DIR, else $XDG_CACHE_HOME/yishi-native, else ~/.cache/yishi-native.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIR="$(cd "$ROOT" && node -e "
  const { createRequire } = require('module');
  const req = createRequire(require('path').join(process.cwd(), 'signaling', 'package.json'));
  console.log(require('path').dirname(req.resolve('better-sqlite3/package.json')));")"
VERSION="$(node -p "require('$DIR/package.json').version")"
KEY="$VERSION-node$(node -p process.versions.modules)-$(uname -m)"
if [ -n "${YISHI_NATIVE_CACHE_DIR:-}" ]; then CACHE="$YISHI_NATIVE_CACHE_DIR"
elif [ -n "${XDG_CACHE_HOME:-}" ]; then CACHE="$XDG_CACHE_HOME/yishi-native"
elif [ -n "${HOME:-}" ]; then CACHE="$HOME/.cache/yishi-native"
else CACHE="$ROOT/node_modules/.cache/yishi-native"; fi
CACHED="$CACHE/better-sqlite3/$KEY/better_sqlite3.node"
DEST="$DIR/build/Release/better_sqlite3.node"

works() { (cd "$ROOT" && node -e "new (require('$DIR'))(':memory:').prepare('select 1').get()") >/dev/null 2>&1; }

if [ -f "$CACHED" ]; then
  mkdir -p "$(dirname "$DEST")"
  cp "$CACHED" "$DEST.tmp" && mv -f "$DEST.tmp" "$DEST"
  if works; then echo "better-sqlite3 $VERSION: using cached build $KEY"; exit 0; fi
  echo "better-sqlite3: cached build does not load; rebuilding" >&2
fi

start=$(date +%s)
GYP="${npm_config_node_gyp:-$(dirname "$(command -v npm)")/../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js}"
# Build against the installed Node's headers (npm's `nodedir`), never a download.
NODEDIR="${npm_config_nodedir:-$(npm config get nodedir 2>/dev/null || true)}"
ARGS=(rebuild --release)
if [ -n "$NODEDIR" ] && [ "$NODEDIR" != "undefined" ]; then ARGS+=(--nodedir="$NODEDIR"); fi
LOG="$(mktemp)"
(cd "$DIR" && node "$GYP" "${ARGS[@]}" >"$LOG" 2>&1) || { cat "$LOG" >&2; rm -f "$LOG"; exit 1; }
rm -f "$LOG"
works || { echo "better-sqlite3: the built addon does not load" >&2; exit 1; }
mkdir -p "$(dirname "$CACHED")"
cp "$DEST" "$CACHED.tmp" && mv -f "$CACHED.tmp" "$CACHED"
echo "better-sqlite3 $VERSION: built in $(( $(date +%s) - start ))s"
