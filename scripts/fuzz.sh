#!/usr/bin/env bash
# Runs every fuzz target of the repository for a short while (default 10s
# each). Targets are found by grep, so a new `func FuzzX(f *testing.F)` in any
# *_test.go is picked up without editing this script.
#
# Usage: scripts/fuzz.sh [FUZZTIME]     e.g. scripts/fuzz.sh 30s
set -euo pipefail

fuzztime=${1:-${FUZZTIME:-10s}}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

mapfile -t files < <(grep -rlE --include='*_test.go' '^func Fuzz[A-Za-z0-9_]*\(' . 2>/dev/null |
  grep -vE '/(testdata|vendor|\.git)/' | LC_ALL=C sort)
if ((${#files[@]} == 0)); then
  echo "fuzz: no fuzz targets found"
  exit 0
fi

n=0
failed=()
for f in "${files[@]}"; do
  dir=$(dirname "$f")
  mapfile -t names < <(sed -nE 's/^func (Fuzz[A-Za-z0-9_]*)\(.*/\1/p' "$f")
  for name in "${names[@]}"; do
    n=$((n + 1))
    echo "fuzz: $name in $dir for $fuzztime"
    if ! go test -run='^$' -fuzz="^${name}\$" -fuzztime="$fuzztime" "$dir"; then
      failed+=("$dir $name")
    fi
  done
done
if ((${#failed[@]})); then
  printf 'fuzz: FAILED: %s\n' "${failed[@]}"
  echo "fuzz: failing inputs are saved under <package>/testdata/fuzz/<target>/; commit them as regression cases once fixed"
  exit 1
fi
echo "fuzz: all $n targets passed"
