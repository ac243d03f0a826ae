#!/usr/bin/env bash
# Builds mediasoup-worker (Release) for the installed `mediasoup` npm package
# against Debian bookworm system libraries, with no network access, and puts it
# where mediasoup looks by default:
#   node_modules/mediasoup/worker/out/Release/mediasoup-worker
# The result is cached per (mediasoup version, shim files, this script) in
#   $MEDIASOUP_WORKER_CACHE_DIR, else $XDG_CACHE_HOME/mediasoup-worker,
#   else ~/.cache/mediasoup-worker.
# Env: MEDIASOUP_WORKER_FORCE_BUILD=1 rebuilds; MEDIASOUP_WORKER_SKIP_APT=1
# never calls apt-get.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [ -z "${MEDIASOUP_WORKER_SKIP_APT:-}" ]; then
  bash "$HERE/install-deps.sh"
fi

MS_DIR="$(node -e "const p=require('path');console.log(p.resolve(p.dirname(require.resolve('mediasoup')),'..','..'))")"
MS_VERSION="$(node -p "require(process.argv[1]).version" "$MS_DIR/package.json")"
DEST="$MS_DIR/worker/out/Release/mediasoup-worker"
SHIM_HASH="$(cd "$HERE" && { find subprojects -type f; echo build-worker.sh; } | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-12)"
KEY="$MS_VERSION-$SHIM_HASH"
if [ -n "${MEDIASOUP_WORKER_CACHE_DIR:-}" ]; then CACHE="$MEDIASOUP_WORKER_CACHE_DIR"
elif [ -n "${XDG_CACHE_HOME:-}" ]; then CACHE="$XDG_CACHE_HOME/mediasoup-worker"
elif [ -n "${HOME:-}" ]; then CACHE="$HOME/.cache/mediasoup-worker"
else CACHE="$PWD/node_modules/.cache/mediasoup-worker"; fi
CACHED="$CACHE/$KEY/mediasoup-worker"

# A good binary exits with code 41 when run without MEDIASOUP_VERSION set.
check_bin() { local rc=0; env -i "$1" >/dev/null 2>&1 || rc=$?; [ "$rc" = 41 ]; }

install_bin() {
  mkdir -p "$(dirname "$DEST")"
  cp "$CACHED" "$DEST.tmp" && mv -f "$DEST.tmp" "$DEST"
  echo "mediasoup-worker $MS_VERSION -> $DEST"
}

if [ -z "${MEDIASOUP_WORKER_FORCE_BUILD:-}" ] && [ -x "$CACHED" ] && check_bin "$CACHED"; then
  echo "mediasoup-worker: using cached build $KEY"
  install_bin
  exit 0
fi

start=$(date +%s)
WORK="$CACHE/$KEY.build"
rm -rf "$WORK"
mkdir -p "$WORK"
cp -a "$MS_DIR/worker" "$WORK/worker"
cd "$WORK/worker"

# Every wrap downloads; the shim subprojects over Debian's libraries replace the ones built here.
rm -f subprojects/*.wrap
cp -a "$HERE/subprojects/." subprojects/

# Required fix for any OpenSSL built with KTLS (Debian's is): mediasoup's BIO
# write-spy callback returns 1 in the BIO_CB_CTRL|BIO_CB_RETURN phase, so
# libssl's BIO_get_ktls_send() on the memory BIO answers "yes", libssl skips
# allocating its DTLS write buffer and the worker SIGSEGVs on the first DTLS
# handshake (both DTLS roles). Pass the real return value through instead.
sed -i 's/(operationType == BIO_CB_RETURN)/(operationType \& BIO_CB_RETURN)/' src/RTC/DtlsTransport.cpp
grep -q '(operationType & BIO_CB_RETURN)' src/RTC/DtlsTransport.cpp \
  || { echo "mediasoup-worker: DtlsTransport.cpp patch did not apply" >&2; exit 1; }

meson setup build --buildtype release -Db_ndebug=true --wrap-mode=nodownload
# The generated FBS/*.h headers must exist before any C++ file compiles.
meson compile -C build flatbuffers-generator
meson compile -C build -j "$(nproc)" mediasoup-worker

check_bin build/mediasoup-worker || { echo "mediasoup-worker: built binary fails its self-check" >&2; exit 1; }
mkdir -p "$CACHE/$KEY"
cp build/mediasoup-worker "$CACHED.tmp" && mv -f "$CACHED.tmp" "$CACHED"
cd /
rm -rf "$WORK"
install_bin
echo "mediasoup-worker: built in $(( $(date +%s) - start ))s"
