#!/usr/bin/env bash
# Removes every container (forced, with anonymous volumes), network, volume
# and image that carries the label given as KEY=VALUE, e.g.
#   scripts/clean-label.sh dockterm.test=1
# Used by `make clean-test` and `scripts/demo-seed.sh --clean`.
set -euo pipefail

label=${1:-}
[[ "$label" == ?*=* ]] || { echo "usage: $0 KEY=VALUE" >&2; exit 2; }
filter=(--filter "label=$label")

say() { printf 'clean: %s\n' "$*"; }
command -v docker >/dev/null 2>&1 || { say "no docker CLI: nothing to clean"; exit 0; }
timeout 15 docker info >/dev/null 2>&1 || { say "no engine answers: nothing to clean"; exit 0; }

remove() { # kind, list command..., then "--" and the remove command
  local kind=$1 ids
  shift
  local list=() rm=()
  while [[ $1 != -- ]]; do list+=("$1"); shift; done
  shift
  rm=("$@")
  ids=$("${list[@]}")
  if [[ -z "$ids" ]]; then
    return 0
  fi
  say "removing $(wc -w <<<"$ids") $kind labelled $label"
  # shellcheck disable=SC2086 # one ID per word
  "${rm[@]}" $ids >/dev/null
}

remove containers docker ps -aq "${filter[@]}" -- docker rm -fv
remove networks docker network ls -q "${filter[@]}" -- docker network rm
remove volumes docker volume ls -q "${filter[@]}" -- docker volume rm -f
remove images docker image ls -q "${filter[@]}" -- docker image rm -f
say "nothing labelled $label is left"
