#!/usr/bin/env bash
# Runs a command — by default the whole test suite (`npm test`) — on Node.js 24 LTS, next to the machine's Node.
# `npm run test:node24` calls it; CI runs the suite through it as well as on the machine's Node.
#
#   1. Node 24 comes from the npm registry (scripts/fetch-node.sh: the node-linux-<arch> package), kept in
#      .cache/node/ (git-ignored).
#   2. better-sqlite3, the one module here with a Node-ABI-specific addon (onnxruntime-node, rolldown and
#      lightningcss use N-API, which every Node version loads), is compiled against Node 24's headers in a scratch
#      copy of its sources, never in node_modules. The addon is kept in .cache/node/addons/, one per better-sqlite3
#      version and Node ABI, so later runs skip the ~2 min compile.
#   3. For the run, node_modules/better-sqlite3 gets the Node 24 addon; on exit (also on failure or Ctrl-C) the
#      machine Node's addon goes back, so the checkout keeps working with the machine's Node afterwards. While the
#      command runs, the checkout's better-sqlite3 is Node 24's: do not run the machine's Node on it meanwhile.
#      (A run killed with SIGKILL leaves Node 24's addon behind: the next run of this script puts the right one back
#      first, or `npm rebuild better-sqlite3` does.)
#
# Usage: scripts/node24.sh [command ...]     e.g. scripts/node24.sh npx vitest run tests/smoke.test.ts
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
[ $# -gt 0 ] || set -- npm test

log() { echo "[node24] $*" >&2; }
fail() { log "$*"; exit 1; }

ADDONS="$REPO/.cache/node/addons"
BS3="$REPO/node_modules/better-sqlite3"
ADDON="$BS3/build/Release/better_sqlite3.node"
[ -f "$BS3/package.json" ] || fail "node_modules/better-sqlite3 is missing: run npm ci first"
mkdir -p "$ADDONS"

# One run at a time per checkout: two runs would swap the same addon under each other.
exec 9>"$REPO/.cache/node/node24.lock"
flock 9

MACHINE_NODE="$(command -v node)" || fail "no node on PATH"
NODE_DIR="$(bash "$REPO/scripts/fetch-node.sh" 24)"
BS3_VERSION="$(node -p "require('$BS3/package.json').version")"
addon_for() { # node-binary -> cache path of better-sqlite3's addon for that node's ABI
  echo "$ADDONS/better-sqlite3-$BS3_VERSION-node-abi$("$1" -p process.versions.modules)-$(uname -m).node"
}
loads_in() { # node-binary addon-file: does that node load this addon?
  "$1" -e 'process.dlopen({ exports: {} }, process.argv[1])' "$2" >/dev/null 2>&1
}
install_addon() { # file: atomic replace (a process still using the old addon keeps its mapping)
  cp "$1" "$ADDON.swap" && mv -f "$ADDON.swap" "$ADDON"
}
MACHINE_ADDON="$(addon_for "$MACHINE_NODE")"
NODE24_ADDON="$(addon_for "$NODE_DIR/bin/node")"

# The machine Node's addon: keep a copy to put back. If node_modules holds another ABI's addon (a run killed with
# SIGKILL), put the cached one back first, or rebuild it.
[ -f "$ADDON" ] || fail "$ADDON is missing: run npm rebuild better-sqlite3"
if loads_in "$MACHINE_NODE" "$ADDON"; then
  cp "$ADDON" "$MACHINE_ADDON.tmp" && mv -f "$MACHINE_ADDON.tmp" "$MACHINE_ADDON"
elif [ -f "$MACHINE_ADDON" ] && loads_in "$MACHINE_NODE" "$MACHINE_ADDON"; then
  log "node_modules held another Node's better-sqlite3 addon (an interrupted run?): restoring the machine's"
  install_addon "$MACHINE_ADDON"
else
  log "node_modules' better-sqlite3 addon does not load in $("$MACHINE_NODE" --version): npm rebuild better-sqlite3"
  npm rebuild better-sqlite3 >&2
  loads_in "$MACHINE_NODE" "$ADDON" || fail "better-sqlite3 still does not load in the machine's node after a rebuild"
  cp "$ADDON" "$MACHINE_ADDON"
fi

# Node 24's addon: compiled once in a scratch copy of better-sqlite3's sources (node_modules is not touched).
if ! { [ -f "$NODE24_ADDON" ] && loads_in "$NODE_DIR/bin/node" "$NODE24_ADDON"; }; then
  [ -d "$BS3/deps" ] && [ -d "$BS3/src" ] || fail "better-sqlite3's sources (deps/, src/) are missing: cannot compile it for Node 24"
  NODE_GYP="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")/node_modules/node-gyp/bin/node-gyp.js"
  [ -f "$NODE_GYP" ] || fail "cannot find npm's node-gyp (looked at $NODE_GYP)"
  scratch="$(mktemp -d "$REPO/.cache/node/.build-XXXXXX")"
  trap 'rm -rf "$scratch"' EXIT
  cp -a "$BS3/binding.gyp" "$BS3/deps" "$BS3/src" "$BS3/package.json" "$scratch/"
  log "compiling better-sqlite3 $BS3_VERSION for node $("$NODE_DIR/bin/node" --version) (about 2 minutes; log: .cache/node/better-sqlite3-build.log)"
  t0=$(date +%s)
  ( cd "$scratch" && PATH="$NODE_DIR/bin:$PATH" npm_config_nodedir="$NODE_DIR" \
      "$NODE_DIR/bin/node" "$NODE_GYP" rebuild --release --jobs="$(nproc)" ) >"$REPO/.cache/node/better-sqlite3-build.log" 2>&1 \
    || { tail -20 "$REPO/.cache/node/better-sqlite3-build.log" >&2; fail "compiling better-sqlite3 for Node 24 failed"; }
  loads_in "$NODE_DIR/bin/node" "$scratch/build/Release/better_sqlite3.node" || fail "the compiled addon does not load in Node 24"
  cp "$scratch/build/Release/better_sqlite3.node" "$NODE24_ADDON"
  rm -rf "$scratch"
  trap - EXIT
  log "compiled in $(( $(date +%s) - t0 )) s"
fi

restore() {
  install_addon "$MACHINE_ADDON" && loads_in "$MACHINE_NODE" "$ADDON" \
    && log "better-sqlite3 is back to the machine's node ($("$MACHINE_NODE" --version))" \
    || log "could not put back the machine's better-sqlite3 addon: run npm rebuild better-sqlite3"
}
install_addon "$NODE24_ADDON"
trap restore EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

export PATH="$NODE_DIR/bin:$PATH" npm_config_nodedir="$NODE_DIR"
log "node $(node --version) ($(command -v node)), npm $(npm --version): $*"
status=0
"$@" || status=$?
log "node $(node --version): \`$*\` exited $status"
exit "$status"
