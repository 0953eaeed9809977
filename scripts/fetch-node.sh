#!/usr/bin/env bash
# Fetches a Node.js release through the npm registry (the only registry CI reaches: no nodejs.org download)
# and prints the folder it unpacked to. The npm package `node-linux-<arch>@<major>` ships bin/node and the
# headers (include/node), so native modules compile against it offline with npm_config_nodedir=<folder>.
#
# Usage: scripts/fetch-node.sh [major]        (default 24; prints e.g. /repo/.cache/node/v24.22.3-linux-x64)
# The download is kept in .cache/node/ (git-ignored) and reused; SLUICE_NODE_REFRESH=1 asks the registry for
# the newest release of that major line again.
set -euo pipefail

MAJOR="${1:-24}"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="$REPO/.cache/node"
case "$(uname -m)" in
  x86_64) ARCH=x64 ;;
  aarch64) ARCH=arm64 ;;
  *) echo "fetch-node: no node-linux-* npm package for $(uname -m)" >&2; exit 1 ;;
esac
PACKAGE="node-linux-$ARCH"
mkdir -p "$CACHE"

# Reuse the newest release of this major already unpacked, unless asked to refresh.
if [ "${SLUICE_NODE_REFRESH:-0}" != 1 ]; then
  found="$(find "$CACHE" -mindepth 1 -maxdepth 1 -type d -name "v$MAJOR.*-linux-$ARCH" | sort -V | tail -1)"
  if [ -n "$found" ] && [ -x "$found/bin/node" ] && [ -f "$found/include/node/node_api.h" ]; then
    echo "$found"
    exit 0
  fi
fi

echo "fetch-node: npm pack $PACKAGE@$MAJOR" >&2
scratch="$(mktemp -d "$CACHE/.fetch-XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
(cd "$scratch" && npm pack --silent "$PACKAGE@$MAJOR" >/dev/null)
tarball="$(find "$scratch" -maxdepth 1 -name "$PACKAGE-*.tgz" | head -1)"
[ -n "$tarball" ] || { echo "fetch-node: npm pack $PACKAGE@$MAJOR produced no tarball" >&2; exit 1; }
mkdir "$scratch/unpacked"
tar -xzf "$tarball" -C "$scratch/unpacked" --strip-components=1
version="$("$scratch/unpacked/bin/node" --version)"
[[ "$version" == "v$MAJOR."* ]] || { echo "fetch-node: $PACKAGE@$MAJOR holds node $version" >&2; exit 1; }
[ -f "$scratch/unpacked/include/node/node_api.h" ] || { echo "fetch-node: $PACKAGE has no include/node headers" >&2; exit 1; }
target="$CACHE/$version-linux-$ARCH"
rm -rf "$target"
mv "$scratch/unpacked" "$target"
echo "fetch-node: node $version in ${target#"$REPO"/}" >&2
echo "$target"
