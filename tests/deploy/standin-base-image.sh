#!/usr/bin/env bash
# Builds a LOCAL STAND-IN for the Dockerfile's base image (node:24-bookworm-slim) on machines that cannot pull
# from Docker Hub: a Debian bookworm minbase tree from debootstrap, plus the Node release the tag names — taken,
# like scripts/node24.sh does, from the npm registry's node-linux-<arch> package (binary and headers) through
# scripts/fetch-node.sh — this host's npm (plain JavaScript) and CA bundle, imported with `docker import` under
# the base's tag.
#
# It is not the official image: it has no yarn/corepack and no docker-entrypoint.sh, its npm is the host's, and
# it carries the host's CA bundle (NODE_EXTRA_CA_CERTS, needed where TLS is intercepted: without it npm fails with
# SELF_SIGNED_CERT_IN_CHAIN) and npm_config_nodedir=/usr (so better-sqlite3 compiles against the headers that
# came with that Node instead of downloading them). The image is labelled org.sluice.standin=true so nobody
# mistakes it for the real one.
#
# Usage: standin-base-image.sh [tag]     (default node:24-bookworm-slim; needs root, debootstrap, docker, npm)
set -euo pipefail

TAG="${1:-node:24-bookworm-slim}"
DOCKER="${DOCKER:-docker}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

fail() { echo "standin-base-image: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || fail "must run as root (debootstrap and chroot need it)"
command -v debootstrap >/dev/null || fail "debootstrap is not installed (apt-get install debootstrap)"
[[ "$TAG" =~ ^node:([0-9]+)-bookworm ]] || fail "cannot tell the Node major and Debian release from the tag $TAG (want node:<major>-bookworm...)"
NODE_MAJOR="${BASH_REMATCH[1]}"
NODE_DIR="$(bash "$REPO/scripts/fetch-node.sh" "$NODE_MAJOR")" || fail "could not fetch Node $NODE_MAJOR from the npm registry"
NODE_BIN="$NODE_DIR/bin/node"
HEADERS="$NODE_DIR/include/node"
[ -f "$HEADERS/node_api.h" ] && [ -f "$HEADERS/common.gypi" ] || fail "no node headers (include/node with common.gypi) in $NODE_DIR"
NPM_DIR="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"   # .../node_modules/npm
[ -f "$NPM_DIR/package.json" ] || fail "cannot locate npm's package directory (got $NPM_DIR)"
CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt
[ -f "$CA_BUNDLE" ] || fail "no CA bundle at $CA_BUNDLE"

ROOT="$(mktemp -d /tmp/sluice-standin-XXXXXX)"
trap 'rm -rf "$ROOT"' EXIT

echo "standin-base-image: debootstrap bookworm (minbase) from $MIRROR"
# libstdc++6 is not in minbase but node links against it.
debootstrap --variant=minbase --include=libstdc++6 bookworm "$ROOT" "$MIRROR" >"$ROOT.debootstrap.log" 2>&1 \
  || { tail -20 "$ROOT.debootstrap.log" >&2; fail "debootstrap failed (log: $ROOT.debootstrap.log)"; }
rm -f "$ROOT.debootstrap.log"

echo "standin-base-image: adding node $("$NODE_BIN" -v) (npm package, with its headers), npm $(node -p "require('$NPM_DIR/package.json').version"), CA bundle"
install -D -m 0755 "$NODE_BIN" "$ROOT/usr/local/bin/node"
mkdir -p "$ROOT/usr/local/lib/node_modules"
cp -a "$NPM_DIR" "$ROOT/usr/local/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$ROOT/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$ROOT/usr/local/bin/npx"
mkdir -p "$ROOT/usr/include" "$ROOT/usr/local/include"
cp -a "$HEADERS" "$ROOT/usr/include/node"
cp -a "$HEADERS" "$ROOT/usr/local/include/node"
install -D -m 0644 "$CA_BUNDLE" "$ROOT/etc/ssl/certs/ca-certificates.crt"
# Like the official image: a `node` user (uid/gid 1000).
chroot "$ROOT" groupadd --gid 1000 node
chroot "$ROOT" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
# Slim like the official image: no apt lists, caches, docs or man pages, and debian:*-slim's docker-clean.
rm -rf "$ROOT"/var/lib/apt/lists/* "$ROOT"/var/cache/apt/*.bin "$ROOT"/var/cache/apt/archives/*.deb "$ROOT"/usr/share/doc/* "$ROOT"/usr/share/man/*
cat >"$ROOT/etc/apt/apt.conf.d/docker-clean" <<'APT'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
APT

echo "standin-base-image: docker import as $TAG"
tar -C "$ROOT" --numeric-owner -c . | "$DOCKER" import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV NODE_VERSION=$("$NODE_BIN" -p 'process.versions.node')" \
  --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
  --change 'ENV npm_config_nodedir=/usr' \
  --change 'LABEL org.sluice.standin=true' \
  --change 'CMD ["node"]' \
  - "$TAG" >/dev/null
"$DOCKER" run --rm "$TAG" node -e 'console.log("standin-base-image: node", process.version, "runs inside", process.platform, process.arch)'
