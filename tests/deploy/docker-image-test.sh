#!/usr/bin/env bash
# `npm run test:docker`: really builds deploy/docker/Dockerfile and runs the image.
#
#   1. prerequisites: Debian's docker.io (+ debootstrap, docker-compose) installed with apt-get when missing
#   2. a Docker daemon: started by hand (`dockerd`) when none answers; stopped again at the end if we started it
#   3. the Dockerfile's base image: when it is not present (no registry access here), a local stand-in is built
#      with tests/deploy/standin-base-image.sh and imported under the same tag
#   4. docker build (legacy builder, DOCKER_BUILDKIT=0) of the real Dockerfile
#   5. docker run (read-only root filesystem, no capabilities, like the Helm chart) with the port published on
#      127.0.0.1 only; wait for /v2/health/ready and for Docker's HEALTHCHECK to say healthy
#   6. checks: non-root user, tini as PID 1, `node --version` inside (the base's Node, 24), enterprise plugin
#      loaded, a sentiment inference says "positive", the ocr pipeline reads the sample receipt, the web console and the enterprise pages are served
#   7. docker stop (SIGTERM): exit code 0 and "shutdown complete" in the logs; then a new container on the
#      same volumes with SLUICE_LICENSE_KEY set: data kept (same API key works), inference fine, exit 0
#   8. the compose file on the same volumes as the `docker run` steps: `docker-compose config`, then up, the first
#      run's API key still works (moving to compose keeps the data), inference, down
#
# Any step that cannot run prints which one and why, and the script exits non-zero: it never passes silently.
# Environment: SLUICE_TEST_IMAGE (default sluice:test), SLUICE_TEST_KEEP_DAEMON=1 keeps a dockerd it started,
# SLUICE_TEST_SKIP_COMPOSE=1 skips step 8 (reported as skipped, not as passed).
set -uo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DOCKERFILE="$REPO/deploy/docker/Dockerfile"
COMPOSE_FILE="$REPO/deploy/compose/docker-compose.yml"
IMAGE="${SLUICE_TEST_IMAGE:-sluice:test}"
RUN_ID="$$"
CONTAINER="sluice-docker-test-$RUN_ID"
MODELS_VOLUME="sluice-docker-test-models-$RUN_ID"
DATA_VOLUME="sluice-docker-test-data-$RUN_ID"
COMPOSE_PROJECT="sluicetest$RUN_ID"
WORK="$(mktemp -d /tmp/sluice-docker-test-XXXXXX)"
export DOCKER_BUILDKIT=0 COMPOSE_DOCKER_CLI_BUILD=0
STARTED_DOCKERD_PID=""
CURRENT_STEP="start"
TIMINGS=()
T0=$(date +%s)

log() { echo "[test:docker] $*"; }
fail() {
  echo "[test:docker] FAILED at step \"$CURRENT_STEP\": $*" >&2
  exit 1
}
step() { CURRENT_STEP="$1"; STEP_T0=$(date +%s.%N); log "--- $1"; }
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" -v f="$2" 'BEGIN { printf f, b - a }'; }
step_done() { local s; s=$(elapsed "$STEP_T0" '%.1f'); TIMINGS+=("$(printf '%-34s %7ss' "$CURRENT_STEP" "$s")"); log "    ok ($s s)"; }

cleanup() {
  local rc=$?
  if [ -n "${DOCKER:-}" ] && $DOCKER info >/dev/null 2>&1; then
    if [ "$rc" != 0 ] && $DOCKER inspect "$CONTAINER" >/dev/null 2>&1; then
      echo "[test:docker] last container logs:" >&2
      $DOCKER logs --tail 40 "$CONTAINER" 2>&1 | sed 's/^/    /' >&2
    fi
    $DOCKER rm -f -v "$CONTAINER" "$CONTAINER-restart" >/dev/null 2>&1
    $DOCKER volume rm "$MODELS_VOLUME" "$DATA_VOLUME" >/dev/null 2>&1
    if [ -n "${COMPOSE:-}" ]; then
      SLUICE_IMAGE="$IMAGE" $COMPOSE -f "$COMPOSE_FILE" -p "$COMPOSE_PROJECT" down -v >/dev/null 2>&1
    fi
  fi
  if [ -n "$STARTED_DOCKERD_PID" ] && [ "${SLUICE_TEST_KEEP_DAEMON:-0}" != 1 ]; then
    kill "$STARTED_DOCKERD_PID" 2>/dev/null && wait "$STARTED_DOCKERD_PID" 2>/dev/null
  fi
  rm -rf "$WORK"
  if [ "$rc" = 0 ]; then
    log "timings:"; for t in "${TIMINGS[@]}"; do log "    $t"; done
    log "PASSED in $(( $(date +%s) - T0 )) s"
  fi
}
trap cleanup EXIT

# A tiny HTTP client (node is guaranteed here; curl is not). Prints "<status> <body>".
http() { # method url [json-body] [bearer]
  node -e '
    const [method, url, body, token] = process.argv.slice(1);
    const headers = {};
    if (body) headers["content-type"] = "application/json";
    if (token) headers.authorization = `Bearer ${token}`;
    fetch(url, { method, headers, body: body || undefined, signal: AbortSignal.timeout(10000) })
      .then(async (r) => console.log(r.status, await r.text()), (e) => console.log(0, e.message));
  ' "$@"
}

# ---- 1. prerequisites -------------------------------------------------------------------------------------
step "prerequisites (apt-get)"
command -v node >/dev/null || fail "node is not on PATH"
need_pkgs=()
command -v dockerd >/dev/null || need_pkgs+=(docker.io)
command -v debootstrap >/dev/null || need_pkgs+=(debootstrap)
[ "${SLUICE_TEST_SKIP_COMPOSE:-0}" = 1 ] || command -v docker-compose >/dev/null || need_pkgs+=(docker-compose)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || fail "missing ${need_pkgs[*]} and not root, so apt-get cannot install them"
  command -v apt-get >/dev/null || fail "missing ${need_pkgs[*]} and this machine has no apt-get"
  log "installing ${need_pkgs[*]} with apt-get"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}"; } \
    >"$WORK/apt.log" 2>&1 || { tail -15 "$WORK/apt.log" >&2; fail "apt-get install ${need_pkgs[*]} failed"; }
fi
# Debian's client matches Debian's daemon; another `docker` earlier on PATH may be a different release.
if [ -x /usr/bin/docker ]; then DOCKER=/usr/bin/docker; else DOCKER="$(command -v docker)" || fail "no docker client"; fi
COMPOSE=""
[ "${SLUICE_TEST_SKIP_COMPOSE:-0}" = 1 ] || COMPOSE="$(command -v docker-compose)" || fail "no docker-compose"
step_done

# ---- 2. daemon --------------------------------------------------------------------------------------------
step "docker daemon"
if ! $DOCKER info >/dev/null 2>&1; then
  [ "$(id -u)" = 0 ] || fail "no Docker daemon answers and only root can start dockerd"
  log "no daemon answers; starting dockerd (log: /tmp/sluice-test-dockerd.log)"
  dockerd >/tmp/sluice-test-dockerd.log 2>&1 &
  STARTED_DOCKERD_PID=$!
  for _ in $(seq 1 60); do $DOCKER info >/dev/null 2>&1 && break; kill -0 "$STARTED_DOCKERD_PID" 2>/dev/null || break; sleep 0.5; done
  $DOCKER info >/dev/null 2>&1 || { tail -15 /tmp/sluice-test-dockerd.log >&2; fail "dockerd did not start (see /tmp/sluice-test-dockerd.log)"; }
fi
log "daemon $($DOCKER version --format '{{.Server.Version}}' 2>/dev/null), storage driver $($DOCKER info --format '{{.Driver}}' 2>/dev/null)"
step_done

# ---- 3. base image ----------------------------------------------------------------------------------------
step "base image"
BASE="$(awk 'toupper($1) == "FROM" { print $2; exit }' "$DOCKERFILE")"
[ -n "$BASE" ] || fail "cannot read the base image (first FROM line) from $DOCKERFILE"
[ "$(awk 'toupper($1) == "FROM" { print $2 }' "$DOCKERFILE" | sort -u | wc -l)" = 1 ] || fail "the Dockerfile's stages use different bases"
if $DOCKER image inspect "$BASE" >/dev/null 2>&1; then
  log "$BASE present ($($DOCKER image inspect -f '{{if index .Config.Labels "org.sluice.standin"}}local stand-in{{else}}not a stand-in{{end}}' "$BASE"))"
else
  log "$BASE absent and cannot be pulled here: building the local stand-in"
  DOCKER="$DOCKER" bash "$REPO/tests/deploy/standin-base-image.sh" "$BASE" || fail "could not build the stand-in base image $BASE"
fi
step_done

# ---- 4. build ---------------------------------------------------------------------------------------------
step "docker build"
( cd "$REPO" && $DOCKER build --force-rm -f deploy/docker/Dockerfile -t "$IMAGE" . ) >"$WORK/build.log" 2>&1 \
  || { cp "$WORK/build.log" /tmp/sluice-docker-build.log; tail -40 "$WORK/build.log" >&2; fail "docker build failed (last 40 lines above; full log: /tmp/sluice-docker-build.log)"; }
SIZE_BYTES="$($DOCKER image inspect -f '{{.Size}}' "$IMAGE")"
log "built $IMAGE: $((SIZE_BYTES / 1000000)) MB ($($DOCKER image inspect -f '{{.Size}}' "$BASE" | awk '{printf "%d", $1/1000000}') MB of it is the base)"
step_done

# ---- 5. image configuration -------------------------------------------------------------------------------
step "image configuration"
USER_CFG="$($DOCKER image inspect -f '{{.Config.User}}' "$IMAGE")"
case "$USER_CFG" in ""|0|0:*|root|root:*) fail "the image runs as root (USER is \"$USER_CFG\")";; esac
[[ "$USER_CFG" =~ ^[0-9]+(:[0-9]+)?$ ]] || fail "USER \"$USER_CFG\" is not numeric (Kubernetes runAsNonRoot cannot verify it)"
HC="$($DOCKER image inspect -f '{{if .Config.Healthcheck}}{{join .Config.Healthcheck.Test " "}}{{end}}' "$IMAGE")"
[[ "$HC" == *"/v2/health/ready"* ]] || fail "no HEALTHCHECK on /v2/health/ready (got \"$HC\")"
ENVS="$($DOCKER image inspect -f '{{join .Config.Env "\n"}}' "$IMAGE")"
for want in SLUICE_HOST=0.0.0.0 SLUICE_PLUGINS=@sluice/enterprise SLUICE_MODELS=/models SLUICE_DATA=/data; do
  grep -qx "$want" <<<"$ENVS" || fail "image environment lacks $want"
done
VOLS="$($DOCKER image inspect -f '{{range $k, $v := .Config.Volumes}}{{$k}} {{end}}' "$IMAGE")"
[[ "$VOLS" == *"/models"* && "$VOLS" == *"/data"* ]] || fail "image volumes are \"$VOLS\", expected /models and /data"
log "user $USER_CFG, volumes: $VOLS"
step_done

# ---- 6. run -----------------------------------------------------------------------------------------------
step "docker run + ready"
PORT="$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')"
BASE_URL="http://127.0.0.1:$PORT"
# Hardened like the Helm chart's securityContext: read-only root filesystem (+ /tmp), no capabilities, no
# privilege escalation. Named volumes, so a second container can reuse them (step "restart ...").
HARDENED=(--read-only --tmpfs /tmp --cap-drop ALL --security-opt no-new-privileges)
VOLUMES=(-v "$MODELS_VOLUME:/models" -v "$DATA_VOLUME:/data")
wait_ready() { # container url
  local status=""
  for _ in $(seq 1 120); do
    [ "$($DOCKER inspect -f '{{.State.Running}}' "$1")" = true ] || fail "the container stopped (exit code $($DOCKER inspect -f '{{.State.ExitCode}}' "$1"))"
    read -r status _ < <(http GET "$2/v2/health/ready")
    [ "$status" = 200 ] && return 0
    sleep 0.5
  done
  fail "GET /v2/health/ready did not answer 200 within 60 s (last status $status)"
}
$DOCKER run -d --name "$CONTAINER" -p "127.0.0.1:$PORT:8080" "${HARDENED[@]}" "${VOLUMES[@]}" "$IMAGE" >/dev/null || fail "docker run failed"
wait_ready "$CONTAINER" "$BASE_URL"
log "ready: $BASE_URL (read-only root filesystem, all capabilities dropped)"
step_done

step "HEALTHCHECK reports healthy"
health=""
for _ in $(seq 1 40); do
  health="$($DOCKER inspect -f '{{.State.Health.Status}}' "$CONTAINER")"
  [ "$health" = healthy ] && break
  [ "$health" = unhealthy ] && fail "Docker marked the container unhealthy: $($DOCKER inspect -f '{{json .State.Health.Log}}' "$CONTAINER")"
  sleep 1
done
[ "$health" = healthy ] || fail "Docker health status is \"$health\" after 40 s"
step_done

step "process checks"
uid="$($DOCKER exec "$CONTAINER" id -u)" || fail "docker exec id failed"
[ "$uid" != 0 ] || fail "the server runs as root inside the container"
pid1="$($DOCKER exec "$CONTAINER" sh -c 'tr "\0" " " </proc/1/cmdline')"
[[ "$pid1" == *tini* ]] || fail "PID 1 is \"$pid1\", expected tini (so SIGTERM reaches node)"
grep -q <<<"$($DOCKER logs "$CONTAINER" 2>&1)" '"plugin":"@sluice/enterprise".*"msg":"plugin loaded"' \
  || fail "the logs do not show the @sluice/enterprise plugin loaded"
# The image runs the Node its base tag names (node:24-... -> v24.x), the one its native modules were built for.
node_version="$($DOCKER exec "$CONTAINER" node --version)" || fail "docker exec node --version failed"
log "node --version inside the container: $node_version"
want_major="$(awk 'toupper($1) == "FROM" { print $2; exit }' "$DOCKERFILE" | sed -nE 's/^node:([0-9]+)-.*/\1/p')"
[[ "$node_version" == "v$want_major."* ]] || fail "the container runs node $node_version, the Dockerfile's base says node $want_major"
log "uid $uid, PID 1: $pid1, enterprise plugin loaded (inert without a license)"
step_done

# (Logs are grepped from a copy: `docker logs | grep -q` would SIGPIPE docker logs, and pipefail fails on that.)
# ---- auth (small on purpose): the first start prints an admin key once on stderr; otherwise create one -----
admin_token() {
  local token
  token="$(grep -oE 'sk_sluice_[0-9a-f]{12}_[A-Za-z0-9_-]{43}' <<<"$($DOCKER logs "$1" 2>&1)" | head -1)"
  if [ -z "$token" ] && grep -q 'sluice keys' <<<"$($DOCKER exec "$1" sluice --help 2>/dev/null)"; then
    token="$($DOCKER exec "$1" sluice keys create --name docker-test --admin --json 2>/dev/null \
      | node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s).token ?? ""))')"
  fi
  echo "$token"
}
# ------------------------------------------------------------------------------------------------------------

INFER_BODY='{"inputs":[{"name":"text","shape":[1],"datatype":"BYTES","data":["I love this"]}]}'
TOKEN=""
infer_positive() { # container base-url  (uses/sets TOKEN)
  local status body
  read -r status body < <(http POST "$2/v2/models/sentiment/infer" "$INFER_BODY" "$TOKEN")
  if { [ "$status" = 401 ] || [ "$status" = 403 ]; } && [ -z "$TOKEN" ]; then
    TOKEN="$(admin_token "$1")"
    [ -n "$TOKEN" ] || fail "inference answered $status and no admin key was found in the logs or made with 'sluice keys create'"
    log "auth is on: using an admin key (${TOKEN:0:22}...)"
    read -r status body < <(http POST "$2/v2/models/sentiment/infer" "$INFER_BODY" "$TOKEN")
  fi
  [ "$status" = 200 ] || fail "inference answered $status: $body"
  node -e '
    const out = JSON.parse(process.argv[1]).outputs.find((o) => o.name === "label");
    if (!out || out.data[0] !== "positive") { console.error("label is", out && out.data); process.exit(1); }
  ' "$body" || fail "sentiment of \"I love this\" is not positive: $body"
  log "inference: label positive"
}

step "inference"
infer_positive "$CONTAINER" "$BASE_URL"
step_done

# The headline demo: the ocr pipeline reads the sample receipt, uploaded as a multipart file (sharp decodes it).
step "ocr pipeline"
ocr_text="$(node -e '
  const [url, file, token] = process.argv.slice(1);
  const form = new FormData();
  form.append("image", new Blob([require("fs").readFileSync(file)]), "receipt.png");
  fetch(url, { method: "POST", body: form, headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(60000) })
    .then(async (r) => { const body = await r.json(); if (r.status !== 200) throw new Error(`${r.status} ${JSON.stringify(body)}`);
      console.log(body.outputs.find((o) => o.name === "text").data.join(" | ")); })
    .catch((e) => { console.error(e.message); process.exit(1); });
' "$BASE_URL/v2/models/ocr/infer/multipart" "$REPO/demo/images/sample-receipt.png" "$TOKEN")" || fail "the ocr pipeline failed: $ocr_text"
grep -q "TOTAL EUR 10.80" <<<"$ocr_text" || fail "the ocr pipeline did not read the receipt's total: $ocr_text"
log "ocr: $ocr_text"
step_done

# The image ships the pre-built web console and the enterprise plugin's pages (no network needed to build them).
step "web console"
read -r status body < <(http GET "$BASE_URL/console/")
# (read takes the first line: the page's doctype.)
[ "$status" = 200 ] && grep -qi '^<!doctype html>' <<<"$body" || fail "GET /console/ answered $status: ${body:0:200}"
read -r status body < <(http GET "$BASE_URL/console/manifest.json")
[ "$status" = 200 ] && grep -q '"/console/ext/license/license.js"' <<<"$body" || fail "the console manifest lacks the enterprise pages ($status): ${body:0:300}"
log "GET /console/ 200; the manifest lists the enterprise pages"
step_done

# ---- 7. graceful stop -------------------------------------------------------------------------------------
step "docker stop (SIGTERM)"
stop_t0=$(date +%s.%N)
$DOCKER stop -t 30 "$CONTAINER" >/dev/null || fail "docker stop failed"
stop_s=$(elapsed "$stop_t0" '%.2f')
code="$($DOCKER inspect -f '{{.State.ExitCode}}' "$CONTAINER")"
[ "$code" = 0 ] || fail "the container exited with code $code after SIGTERM (137 would mean SIGKILL after the timeout)"
grep -q <<<"$($DOCKER logs "$CONTAINER" 2>&1)" '"signal":"SIGTERM"' || fail "the logs do not show SIGTERM reaching the server"
grep -q <<<"$($DOCKER logs "$CONTAINER" 2>&1)" '"msg":"shutdown complete"' || fail "the logs do not show \"shutdown complete\""
log "exit code 0 after SIGTERM, stopped in $stop_s s, logs show a graceful shutdown"
step_done

# ---- 7b. the upgrade path: same volumes, a license key set, no migration step ---------------------------------
step "restart: same volumes + license env"
# A new container on the same volumes, as when a user adds SLUICE_LICENSE_KEY. The key here is not a valid
# license (none can be issued in this test): the server must still start, keep its data (the API key from
# the first run still works, no new first-start key) and serve inference; a license never stops inference.
CONTAINER2="$CONTAINER-restart"
$DOCKER run -d --name "$CONTAINER2" -p "127.0.0.1:$PORT:8080" "${HARDENED[@]}" "${VOLUMES[@]}" \
  -e SLUICE_LICENSE_KEY=not-a-valid-license-key "$IMAGE" >/dev/null || fail "docker run (restart) failed"
wait_ready "$CONTAINER2" "$BASE_URL"
if grep -qE 'sk_sluice_[0-9a-f]{12}_' <<<"$($DOCKER logs "$CONTAINER2" 2>&1)"; then fail "the restarted server created a new first admin key: the data volume did not keep the database"; fi
infer_positive "$CONTAINER2" "$BASE_URL"
$DOCKER stop -t 30 "$CONTAINER2" >/dev/null || fail "docker stop (restart) failed"
code="$($DOCKER inspect -f '{{.State.ExitCode}}' "$CONTAINER2")"
[ "$code" = 0 ] || fail "the restarted container exited with code $code after SIGTERM"
log "same volumes: data kept${TOKEN:+ (the API key of the first run still works)}, inference fine, exit 0"
step_done

# ---- 8. compose -------------------------------------------------------------------------------------------
if [ -z "$COMPOSE" ]; then
  log "--- compose: SKIPPED (SLUICE_TEST_SKIP_COMPOSE=1), not tested"
  TIMINGS+=("compose                             SKIPPED")
else
  step "compose on the docker run volumes + inference + down"
  CPORT="$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')"
  # Moving from `docker run` to compose keeps the data: the compose file uses the same named volumes as the
  # README's `docker run` (sluice-models, sluice-data; here this run's test volumes), so the API key of the
  # docker run steps must still work and no new first admin key may appear.
  export SLUICE_IMAGE="$IMAGE" SLUICE_HOST_PORT="$CPORT" SLUICE_BIND=127.0.0.1 \
    SLUICE_MODELS_VOLUME="$MODELS_VOLUME" SLUICE_DATA_VOLUME="$DATA_VOLUME"
  $COMPOSE -f "$COMPOSE_FILE" -p "$COMPOSE_PROJECT" config -q || fail "docker-compose config rejects $COMPOSE_FILE"
  # As deploy/README.md says: the docker run containers go first (both are stopped; their volumes stay).
  $DOCKER rm "$CONTAINER" "$CONTAINER2" >/dev/null || fail "docker rm of the stopped docker run containers failed"
  $COMPOSE -f "$COMPOSE_FILE" -p "$COMPOSE_PROJECT" up -d --no-build >"$WORK/compose.log" 2>&1 \
    || { cat "$WORK/compose.log" >&2; fail "docker-compose up failed"; }
  cid="$($COMPOSE -f "$COMPOSE_FILE" -p "$COMPOSE_PROJECT" ps -q sluice)"
  [ -n "$cid" ] || fail "docker-compose started no sluice container"
  wait_ready "$cid" "http://127.0.0.1:$CPORT"
  if grep -qE 'sk_sluice_[0-9a-f]{12}_' <<<"$($DOCKER logs "$cid" 2>&1)"; then fail "compose created a new first admin key: it did not use the docker run data volume"; fi
  [ "$($DOCKER inspect -f '{{range .Mounts}}{{if eq .Destination "/data"}}{{.Name}}{{end}}{{end}}' "$cid")" = "$DATA_VOLUME" ] \
    || fail "compose mounted another volume than $DATA_VOLUME on /data"
  infer_positive "$cid" "http://127.0.0.1:$CPORT"
  log "compose: same volumes as docker run, data kept${TOKEN:+ (the docker run API key still works)}"
  $COMPOSE -f "$COMPOSE_FILE" -p "$COMPOSE_PROJECT" stop >/dev/null 2>&1 || fail "docker-compose stop failed"
  code="$($DOCKER inspect -f '{{.State.ExitCode}}' "$cid")"
  [ "$code" = 0 ] || fail "the compose container exited with code $code on stop"
  $COMPOSE -f "$COMPOSE_FILE" -p "$COMPOSE_PROJECT" down -v >"$WORK/compose-down.log" 2>&1 \
    || { cat "$WORK/compose-down.log" >&2; fail "docker-compose down failed"; }
  step_done
fi
CURRENT_STEP="done"
