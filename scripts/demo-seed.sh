#!/usr/bin/env bash
# Seeds a demo workload for dockterm on the current engine, from the fixture
# image only (nothing is pulled). Everything carries the label dockterm.demo=1;
# the "shop" services also carry docker compose's labels, as if
# `docker compose -p shop up` had made them.
#
#   shop (compose project)   network shop-net, volume shop-data
#     web        healthy, HTTP published on 127.0.0.1:18080, health check
#     api        healthy, uses shop-data, secret-looking environment
#     worker     periodic work (-work) and a bit of CPU
#     cache      --memory 64m, holding 40 MiB
#     payments   crash loop: --restart always, exits 1 after 3 s
#     search     health check fails: unhealthy
#     reports    --memory 32m and growing memory: OOM-killed
#     uploader   rewrites files: docker diff drifts
#     migrate    one-off job, exited 0
#     mailer     paused
#   standalone, configured dangerously
#     ops-agent        /var/run/docker.sock mounted
#     netdebug         --net host --pid host, NET_ADMIN
#     legacy-app       SYS_ADMIN, seccomp=unconfined, port 80 (or the next free one
#                      below 1024) published on 0.0.0.0, cloud credentials in env
#     root-shell       --privileged (created only: this engine cannot start it)
#     hostile-logger   prints escape sequences, invalid UTF-8 (local log
#                      driver keeps the raw bytes), a 200 KiB line
#
# Usage: scripts/demo-seed.sh           clean, seed, wait and show each state
#        scripts/demo-seed.sh --clean   remove everything labelled dockterm.demo=1
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
image=dockterm-fixture:test
label=dockterm.demo=1
project=shop

say() { printf 'demo: %s\n' "$*"; }
die() { printf 'demo: ERROR: %s\n' "$*" >&2; exit 1; }

command -v docker >/dev/null 2>&1 || die "docker CLI not found: run scripts/engine.sh (or make demo)"
timeout 15 docker info >/dev/null 2>&1 || die "no Docker engine answers: run scripts/engine.sh (or make demo)"

case "${1:-}" in
  --clean)
    bash "$root/scripts/clean-label.sh" "$label"
    exit 0
    ;;
  "") ;;
  -h|--help) sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) die "unknown argument $1 (usage: $0 [--clean])" ;;
esac

if ! docker image inspect "$image" >/dev/null 2>&1; then
  say "$image is missing: building it"
  bash "$root/scripts/fixture-image.sh" >/dev/null
fi

say "removing the previous demo workload, if any"
bash "$root/scripts/clean-label.sh" "$label" | sed 's/^/  /'

compose_labels() { # service -> --label args as docker compose v2 sets them
  printf -- '--label\n%s\n' \
    "com.docker.compose.project=$project" \
    "com.docker.compose.service=$1" \
    "com.docker.compose.container-number=1" \
    "com.docker.compose.oneoff=False" \
    "com.docker.compose.project.working_dir=/srv/$project" \
    "com.docker.compose.project.config_files=/srv/$project/compose.yaml" \
    "com.docker.compose.version=2.20.2"
}

# run NAME [docker run options...] -- [fixture args...]
run() {
  local name=$1
  shift
  local opts=() args=()
  while [[ $# -gt 0 && $1 != -- ]]; do opts+=("$1"); shift; done
  [[ $# -gt 0 ]] && shift
  args=("$@")
  docker run -d --name "$name" --label "$label" "${opts[@]}" "$image" "${args[@]}" >/dev/null ||
    die "could not start $name"
  say "started $name"
}

# service NAME [docker run options...] -- [fixture args...]: a shop container
service() {
  local svc=$1
  shift
  local labels
  mapfile -t labels < <(compose_labels "$svc")
  run "$project-$svc-1" "${labels[@]}" --network shop-net --network-alias "$svc" "$@"
}

# first_free_port P...: the first TCP port nobody listens on (ss from iproute2).
first_free_port() {
  local p
  for p in "$@"; do
    if ! command -v ss >/dev/null 2>&1 || [[ -z "$(ss -ltnH "sport = :$p" 2>/dev/null)" ]]; then
      echo "$p"
      return
    fi
  done
  die "none of the ports $* is free"
}

health=(--health-cmd '/fixture health' --health-interval 2s --health-timeout 2s --health-retries 2)

docker network create \
  --label "$label" --label "com.docker.compose.project=$project" \
  --label com.docker.compose.network=shop-net --label com.docker.compose.version=2.20.2 \
  shop-net >/dev/null
say "created network shop-net"
docker volume create \
  --label "$label" --label "com.docker.compose.project=$project" \
  --label com.docker.compose.volume=data --label com.docker.compose.version=2.20.2 \
  shop-data >/dev/null
say "created volume shop-data"

service web "${health[@]}" -p 127.0.0.1:18080:8080 --restart unless-stopped -- \
  -listen :8080 -health-file /tmp/healthy -log-every 2s -work
service api "${health[@]}" -v shop-data:/data --restart unless-stopped \
  -e DB_HOST=db -e DB_PASSWORD=hunter2 -e API_TOKEN=tok_live_51Hx -e LOG_LEVEL=info -- \
  -listen :9000 -health-file /tmp/healthy -log-every 3s -write /data/api-state.txt -write-every 10s
service worker --restart unless-stopped -- -work -cpu 0.1 -log-every 5s
service cache "${health[@]}" --memory 64m --restart unless-stopped -- \
  -mem 40 -health-file /tmp/healthy
service payments --restart always -- -log-every 1s -exit-after 3s -exit-code 1
service search "${health[@]}" -- -health-file /tmp/healthy -unhealthy -log-every 4s
service reports --memory 32m -- -mem-grow
service uploader -v shop-data:/srv/uploads -- \
  -write /var/lib/uploader/queue/batch.json -write-every 2s -log-every 10s
service migrate -- -log-burst 20 -exit-after 1s
service mailer -- -log-every 10s
docker pause "$project-mailer-1" >/dev/null
say "paused $project-mailer-1"

run ops-agent -v /var/run/docker.sock:/var/run/docker.sock --restart unless-stopped -- -log-every 30s
run netdebug --net host --pid host --cap-add NET_ADMIN -- -work
port=$(first_free_port 80 81 88 443 444 888)
run legacy-app --cap-add SYS_ADMIN --security-opt seccomp=unconfined -p "0.0.0.0:$port:8080" \
  -e AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE -e AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY -- \
  -listen :8080 -log-every 5s
docker create --name root-shell --label "$label" --privileged "$image" >/dev/null
say "created root-shell (--privileged: created, not started; this engine refuses to start it)"
run hostile-logger --log-driver local -- -hostile -log-every 2s

# --- wait for the intended states and show them ------------------------------
state() { docker inspect -f "$2" "$1" 2>/dev/null || echo "?"; }
checks=(
  "$project-web-1|{{.State.Health.Status}}|healthy"
  "$project-api-1|{{.State.Health.Status}}|healthy"
  "$project-cache-1|{{.State.Health.Status}}|healthy"
  "$project-search-1|{{.State.Health.Status}}|unhealthy"
  "$project-reports-1|{{.State.Status}} oom={{.State.OOMKilled}} exit={{.State.ExitCode}}|exited oom=true exit=137"
  "$project-payments-1|{{if ge .RestartCount 1}}restarting{{else}}first run{{end}}|restarting"
  "$project-migrate-1|{{.State.Status}} exit={{.State.ExitCode}}|exited exit=0"
  "$project-mailer-1|{{.State.Status}}|paused"
  "root-shell|{{.State.Status}} privileged={{.HostConfig.Privileged}}|created privileged=true"
)
say "waiting (up to 60 s) for health checks, the OOM kill and the crash loop"
deadline=$((SECONDS + 60))
pending=("${checks[@]}")
while ((${#pending[@]})) && ((SECONDS < deadline)); do
  sleep 1
  left=()
  for c in "${pending[@]}"; do
    IFS='|' read -r name fmt want <<<"$c"
    [[ "$(state "$name" "$fmt")" == "$want" ]] || left+=("$c")
  done
  pending=("${left[@]+"${left[@]}"}")
done
bad=0
for c in "${checks[@]}"; do
  IFS='|' read -r name fmt want <<<"$c"
  got=$(state "$name" "$fmt")
  if [[ "$got" == "$want" ]]; then
    say "  ok    $name: $got"
  else
    say "  WARN  $name: $got (expected $want)"
    bad=1
  fi
done
docker ps -a --filter "label=$label" --format 'table {{.Names}}\t{{.Status}}\t{{.Ports}}'
if ((bad)); then
  say "seeded, but some containers are not (yet) in their intended state (see WARN above)"
else
  say "seeded: every container is in its intended state; remove it all with scripts/demo-seed.sh --clean"
fi
