#!/usr/bin/env bash
# Installs the speech synthesizer the voice activity tests speak with (tests/audio/, the `vad` pipeline):
# Debian's espeak-ng. Uses apt-get, and only when /usr/bin/espeak-ng is missing: idempotent, a second run does
# nothing. Fails loudly: an apt step that fails, or an espeak-ng that cannot write a WAV, exits non-zero with the
# reason.
set -euo pipefail

ESPEAK=/usr/bin/espeak-ng
log() { echo "[install-espeak-ng] $*" >&2; }

if [ -x "$ESPEAK" ]; then
  log "$ESPEAK is present: nothing to install"
else
  command -v apt-get >/dev/null 2>&1 || { log "apt-get not found: install Debian's espeak-ng by hand"; exit 1; }
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { log "not root and no sudo: cannot run apt-get"; exit 1; }
    SUDO="sudo"
  fi
  log "installing espeak-ng with apt-get"
  $SUDO apt-get update -qq || { log "apt-get update failed"; exit 1; }
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends espeak-ng \
    || { log "apt-get install espeak-ng failed"; exit 1; }
  [ -x "$ESPEAK" ] || { log "apt-get finished but $ESPEAK is still missing"; exit 1; }
fi

# It must really speak (a missing voice data package shows up here, not in the middle of a test).
PROBE="$(mktemp --suffix=.wav)"
trap 'rm -f "$PROBE"' EXIT
"$ESPEAK" -w "$PROBE" "test" 2>/dev/null || { log "$ESPEAK could not synthesize a test word"; exit 1; }
[ -s "$PROBE" ] || { log "$ESPEAK wrote an empty WAV"; exit 1; }
log "using $("$ESPEAK" --version)"
