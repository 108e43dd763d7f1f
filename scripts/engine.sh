#!/usr/bin/env bash
# Makes sure a Docker engine answers, and that the tools the tests need are
# installed. Idempotent: call it as often as you like.
#
#   1. Installs what is missing, with one `apt-get update` at most:
#      docker.io (dockerd + docker CLI), busybox-static (the fixture image's
#      shell) and tmux (end-to-end tests).
#   2. If `docker info` answers, uses that engine and stops there.
#   3. Else, if a dockerd is already running (say, still starting), waits for it.
#   4. Else starts a throwaway dockerd in the background (root, no systemd
#      needed), logging to $DOCKTERM_ENGINE_DIR/dockerd.log with its pidfile
#      beside it, and waits up to $DOCKTERM_ENGINE_WAIT seconds for it.
#
# Usage: scripts/engine.sh          ensure tools + engine
#        scripts/engine.sh --stop   stop the dockerd that this script started
#
# Env:   DOCKTERM_ENGINE_DIR    state dir (default ${TMPDIR:-/tmp}/dockterm-engine)
#        DOCKTERM_ENGINE_WAIT   seconds to wait for the engine (default 60)
#        DOCKTERM_DOCKERD_ARGS  extra dockerd arguments (word-split)
#        DOCKER_HOST            a unix:// socket here makes the throwaway dockerd
#                               listen there (give it its own --data-root,
#                               --exec-root and bridge via DOCKTERM_DOCKERD_ARGS)
set -euo pipefail

state_dir=${DOCKTERM_ENGINE_DIR:-${TMPDIR:-/tmp}/dockterm-engine}
wait_secs=${DOCKTERM_ENGINE_WAIT:-60}
extra_args=${DOCKTERM_DOCKERD_ARGS:-}
pidfile=$state_dir/dockerd.pid
logfile=$state_dir/dockerd.log

say() { printf 'engine: %s\n' "$*"; }
die() { printf 'engine: ERROR: %s\n' "$*" >&2; exit 1; }
is_root() { [[ $(id -u) == 0 ]]; }

mkdir -p "$state_dir"
# One instance at a time (parallel `make` targets, several shells).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$state_dir/lock"
  flock -w 900 9 || die "another scripts/engine.sh has held $state_dir/lock for 15 minutes"
fi

# engine_up reports whether `docker info` answers within 15 s.
engine_up() { timeout 15 docker info >/dev/null 2>&1; }

pid_alive() { [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null; }

our_pid() {
  local pid
  pid=$(cat "$pidfile" 2>/dev/null || true)
  if pid_alive "$pid" && [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == dockerd ]]; then
    echo "$pid"
  fi
}

stop_ours() {
  local pid
  pid=$(our_pid)
  if [[ -z "$pid" ]]; then
    say "no dockerd started by this script is running (pidfile $pidfile)"
    return 0
  fi
  say "stopping dockerd pid $pid"
  kill -TERM "$pid"
  for _ in $(seq 1 30); do
    pid_alive "$pid" || { say "dockerd pid $pid stopped"; return 0; }
    sleep 1
  done
  die "dockerd pid $pid did not stop within 30 s (log: $logfile)"
}

if [[ "${1:-}" == --stop ]]; then
  stop_ours
  exit 0
elif [[ $# -gt 0 ]]; then
  case "$1" in
    -h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument $1 (usage: $0 [--stop])" ;;
  esac
fi

# --- 1. tools -----------------------------------------------------------------
have_static_busybox() {
  local bb
  for bb in "$(command -v busybox 2>/dev/null || true)" /bin/busybox /usr/bin/busybox; do
    [[ -n "$bb" && -x "$bb" ]] || continue
    # A dynamically linked busybox (Debian's "busybox" package) cannot run in
    # the fixture image, which has no libc.
    if command -v dpkg-query >/dev/null 2>&1; then
      [[ "$(dpkg-query -W -f='${Status}' busybox-static 2>/dev/null || true)" == "install ok installed" ]] && return 0
    elif ! LC_ALL=C grep -q 'ld-linux' "$bb"; then
      return 0
    fi
  done
  return 1
}

missing=()
if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1; then
  # Only needed when no engine answers already (e.g. a remote DOCKER_HOST).
  if ! command -v docker >/dev/null 2>&1 || ! engine_up; then
    missing+=(docker.io)
  fi
fi
have_static_busybox || missing+=(busybox-static)
command -v tmux >/dev/null 2>&1 || missing+=(tmux)

if ((${#missing[@]})); then
  is_root || die "missing ${missing[*]}: install them (as root: apt-get install -y ${missing[*]}) or rerun this script as root"
  command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} and no apt-get here: install them by hand"
  apt_log=$state_dir/apt.log
  say "installing ${missing[*]} with apt-get (log: $apt_log)"
  export DEBIAN_FRONTEND=noninteractive NEEDRESTART_MODE=l NEEDRESTART_SUSPEND=1
  # 9>&-: a service that a package's postinst may start must not inherit the lock.
  if ! apt-get -o DPkg::Lock::Timeout=300 update >"$apt_log" 2>&1 9>&-; then
    tail -n 20 "$apt_log" >&2
    die "apt-get update failed (log: $apt_log)"
  fi
  if ! apt-get -o DPkg::Lock::Timeout=300 install -y "${missing[@]}" >>"$apt_log" 2>&1 9>&-; then
    tail -n 30 "$apt_log" >&2
    die "apt-get install ${missing[*]} failed (log: $apt_log)"
  fi
  say "installed ${missing[*]}"
else
  say "tools present: docker CLI, dockerd, busybox-static, tmux"
fi

# --- 2. an engine that already answers ----------------------------------------
describe() {
  docker version -f 'server {{.Server.Version}}, API {{.Server.APIVersion}}' 2>/dev/null || echo "server ?"
}
target=${DOCKER_HOST:-unix:///var/run/docker.sock}

if engine_up; then
  how="already running"
  [[ -n "$(our_pid)" ]] && how="started earlier by this script, log $logfile"
  say "engine answers at $target ($(describe); $how)"
  exit 0
fi

# --- 3./4. start one, or wait for one that is starting -------------------------
case "$target" in
  unix://*) ;;
  *) die "DOCKER_HOST=$target does not answer, and this script only starts local engines on unix sockets" ;;
esac
if [[ -z "${DOCKER_HOST:-}" ]] && ctx=$(docker context show 2>/dev/null) && [[ -n "$ctx" && "$ctx" != default ]]; then
  die "docker context '$ctx' does not answer; run 'docker context use default' or fix that context"
fi

wait_engine() { # $1: pid to watch (may be empty)
  local i
  for ((i = 0; i < wait_secs; i++)); do
    engine_up && return 0
    if [[ -n "${1:-}" ]] && ! pid_alive "$1"; then
      return 1
    fi
    sleep 1
  done
  engine_up
}

pid=$(our_pid)
if [[ -z "$pid" && -z "${DOCKER_HOST:-}" ]]; then
  # A dockerd we did not start (an init script after apt-get install, a
  # colleague's) may be starting up: never start a second one on the same
  # data root.
  pid=$(pgrep -x dockerd | head -n 1 || true)
fi
if [[ -z "$pid" && -n "${DOCKER_HOST:-}" && " $extra_args " != *" --data-root"* ]] &&
  other=$(pgrep -x dockerd | head -n 1) && [[ -n "$other" ]]; then
  # Two daemons on one data root corrupt each other's state.
  die "dockerd pid $other already runs; a second one for DOCKER_HOST=$DOCKER_HOST needs its own" \
    "--data-root, --exec-root and bridge in DOCKTERM_DOCKERD_ARGS"
fi
if [[ -n "$pid" ]]; then
  say "dockerd pid $pid is running but not answering yet: waiting up to ${wait_secs}s"
  if wait_engine "$pid"; then
    say "engine answers at $target ($(describe); dockerd pid $pid)"
    exit 0
  fi
  die "dockerd pid $pid does not answer at $target after ${wait_secs}s (our log, if ours: $logfile)"
fi

is_root || die "no engine answers at $target and starting dockerd needs root: rerun as root"
command -v dockerd >/dev/null 2>&1 || die "dockerd not found after install"

# Without systemd nobody may have mounted cgroups; Debian's cgroupfs-mount does.
if [[ ! -e /sys/fs/cgroup/cgroup.controllers && ! -d /sys/fs/cgroup/memory ]] &&
  command -v cgroupfs-mount >/dev/null 2>&1; then
  say "mounting cgroups (cgroupfs-mount)"
  cgroupfs-mount 9>&- || say "cgroupfs-mount failed; dockerd may not start"
fi

args=(--pidfile "$pidfile")
[[ -n "${DOCKER_HOST:-}" ]] && args+=(--host "$DOCKER_HOST")
# shellcheck disable=SC2206 # word splitting of the extra arguments is intended
args+=($extra_args)
rm -f "$pidfile"
say "starting a throwaway dockerd: dockerd ${args[*]}"
say "  log: $logfile"
# setsid: the daemon outlives this script and ignores Ctrl-C in the caller's
# terminal; stdin from /dev/null for CI, which has none.
# 9>&-: the daemon must not inherit (and hold forever) this script's lock.
setsid dockerd "${args[@]}" >"$logfile" 2>&1 </dev/null 9>&- &
started=$!
if ! wait_engine "$started"; then
  printf 'engine: last lines of %s:\n' "$logfile" >&2
  tail -n 30 "$logfile" >&2 || true
  if pid_alive "$started"; then kill -TERM "$started" 2>/dev/null || true; fi
  die "the dockerd started by this script did not answer within ${wait_secs}s"
fi
pid=$(our_pid)
say "engine answers at $target ($(describe); started by this script: pid ${pid:-$started}, log $logfile; stop it with scripts/engine.sh --stop)"
