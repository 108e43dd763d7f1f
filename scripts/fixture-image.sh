#!/usr/bin/env bash
# Builds the test image dockterm-fixture:test without any registry.
#
# The image is a root filesystem laid out in a temp dir and fed to
# `docker import`: /fixture (the static Go program in fixture/, the
# ENTRYPOINT), /bin/busybox with one symlink per applet (sh, ls, cat, ps, ...),
# /tmp (1777), /etc/passwd with root and nobody (65534), /etc/group.
#
# The image carries a label dockterm.fixture.hash with a hash of everything it
# is built from (fixture sources, this script, the Go version, busybox); the
# script rebuilds only when that hash changed (or with --force). It prints the
# image ID on stdout.
#
# Usage: scripts/fixture-image.sh [--force]
# Env:   DOCKTERM_FIXTURE_IMAGE  image name (default dockterm-fixture:test)
set -euo pipefail

image=${DOCKTERM_FIXTURE_IMAGE:-dockterm-fixture:test}
hash_label=dockterm.fixture.hash
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

log() { printf 'fixture-image: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

force=0
case "${1:-}" in
  --force) force=1 ;;
  "") ;;
  -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) die "unknown argument $1 (usage: $0 [--force])" ;;
esac

command -v go >/dev/null 2>&1 || die "go not found in PATH"
command -v docker >/dev/null 2>&1 || die "docker CLI not found: run scripts/engine.sh first"
docker info >/dev/null 2>&1 || die "no Docker engine answers (docker info failed): run scripts/engine.sh first"

busybox=""
for c in "$(command -v busybox 2>/dev/null || true)" /bin/busybox /usr/bin/busybox; do
  if [[ -n "$c" && -x "$c" ]]; then busybox=$c; break; fi
done
[[ -n "$busybox" ]] || die "busybox not found: install busybox-static (scripts/engine.sh does)"

# Serialise concurrent builds (several `make test` at once); best effort.
if command -v flock >/dev/null 2>&1; then
  exec 9>"${TMPDIR:-/tmp}/dockterm-fixture-image.lock"
  flock 9
fi

# Everything the image is built from goes into the hash.
sources=$(find fixture -type f -name '*.go' ! -name '*_test.go' | LC_ALL=C sort)
[[ -n "$sources" ]] || die "no Go sources under fixture/"
hash=$(
  {
    # shellcheck disable=SC2086 # one file name per word is intended
    sha256sum $sources scripts/fixture-image.sh
    go env GOVERSION GOARCH
    sha256sum <"$busybox"
  } | sha256sum | cut -c1-64
)

current=$(docker image inspect -f "{{ index .Config.Labels \"$hash_label\" }}" "$image" 2>/dev/null || true)
if [[ $force == 0 && "$current" == "$hash" ]]; then
  log "$image is up to date (hash ${hash:0:12})"
  docker image inspect -f '{{.Id}}' "$image"
  exit 0
fi
old_id=$(docker image inspect -f '{{.Id}}' "$image" 2>/dev/null || true)
if [[ "$current" == "$hash" ]]; then
  log "rebuilding $image (--force, hash ${hash:0:12})"
elif [[ -n "$current" ]]; then
  log "fixture source changed (${current:0:12} -> ${hash:0:12}): rebuilding $image"
else
  log "building $image (hash ${hash:0:12})"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dockterm-fixture.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
rootfs=$tmp/rootfs
mkdir -p "$rootfs"/{bin,etc,tmp,root,home,proc,sys,dev,var/log,usr}
chmod 1777 "$rootfs/tmp"
chmod 0700 "$rootfs/root"
ln -s bin "$rootfs/sbin"
ln -s ../bin "$rootfs/usr/bin"
ln -s ../bin "$rootfs/usr/sbin"

log "go build ./fixture (static)"
CGO_ENABLED=0 GOOS=linux go build -trimpath -buildvcs=false \
  -ldflags "-s -w -X main.version=${hash:0:12}" -o "$rootfs/fixture" ./fixture

cp "$busybox" "$rootfs/bin/busybox"
chmod 0755 "$rootfs/bin/busybox"
n=0
for applet in $("$busybox" --list); do
  [[ "$applet" == busybox || -e "$rootfs/bin/$applet" ]] && continue
  ln -s busybox "$rootfs/bin/$applet"
  n=$((n + 1))
done
log "busybox from $busybox with $n applet links"

cat >"$rootfs/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$rootfs/etc/group" <<'EOF'
root:x:0:
nogroup:x:65534:
EOF
cat >"$rootfs/etc/os-release" <<EOF
NAME="dockterm-fixture"
ID=dockterm-fixture
VERSION_ID=${hash:0:12}
PRETTY_NAME="dockterm fixture image"
EOF

tar -C "$rootfs" --numeric-owner --owner=0 --group=0 -cf - . |
  docker import \
    --change 'ENTRYPOINT ["/fixture"]' \
    --change 'ENV PATH=/bin' \
    --change 'WORKDIR /' \
    --change 'LABEL dockterm.fixture=1' \
    --change "LABEL $hash_label=$hash" \
    --message "dockterm fixture ${hash:0:12}" \
    - "$image" >/dev/null

# Smoke test: the shell and the program both run inside the image.
if ! out=$(docker run --rm --network none --label dockterm.test=1 --entrypoint /bin/sh "$image" \
  -c '/fixture version && echo shell-ok' 2>&1); then
  docker image rm "$image" >/dev/null 2>&1 || true
  die "smoke test of $image failed: $out"
fi
[[ "$out" == *"dockterm-fixture ${hash:0:12}"*"shell-ok"* ]] || die "unexpected smoke test output: $out"

new_id=$(docker image inspect -f '{{.Id}}' "$image")
# Earlier builds are now untagged; drop those that no container uses any more.
for id in $old_id $(docker image ls -q --no-trunc --filter dangling=true --filter label=dockterm.fixture=1); do
  [[ "$id" == "$new_id" ]] || docker image rm "$id" >/dev/null 2>&1 || true
done
log "built $image"
echo "$new_id"
