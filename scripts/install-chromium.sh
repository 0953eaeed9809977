#!/usr/bin/env bash
# Installs the browser the console's browser tests drive (`npm run test:browser`): Debian's chromium, and
# fonts-dejavu-core so pages render text (screenshots, layout) the same on every machine. Uses apt-get, and only
# only for what is missing (/usr/bin/chromium, DejaVu Sans): idempotent, a second run does nothing. Playwright's own browser download
# cannot work here (no network beyond npm and Debian), so playwright-core drives this Chromium instead.
# Fails loudly: any apt step that fails, or a chromium that does not start, exits non-zero with the reason.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
FONT=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
log() { echo "[install-chromium] $*" >&2; }

MISSING=()
[ -x "$CHROMIUM" ] || MISSING+=(chromium)
[ -f "$FONT" ] || MISSING+=(fonts-dejavu-core)

if [ ${#MISSING[@]} -eq 0 ]; then
  log "$CHROMIUM and DejaVu fonts are present: nothing to install"
else
  command -v apt-get >/dev/null 2>&1 || { log "apt-get not found: install Debian's chromium by hand"; exit 1; }
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { log "not root and no sudo: cannot run apt-get"; exit 1; }
    SUDO="sudo"
  fi
  log "installing ${MISSING[*]} with apt-get"
  $SUDO apt-get update -qq || { log "apt-get update failed"; exit 1; }
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${MISSING[@]}" \
    || { log "apt-get install ${MISSING[*]} failed"; exit 1; }
  [ -x "$CHROMIUM" ] || { log "apt-get finished but $CHROMIUM is still missing"; exit 1; }
  [ -f "$FONT" ] || { log "apt-get finished but $FONT is still missing"; exit 1; }
fi

# The binary must really start (missing shared libraries show up here, not in the middle of a test).
VERSION="$("$CHROMIUM" --version 2>/dev/null)" || { log "$CHROMIUM --version failed"; exit 1; }
log "using $VERSION"
