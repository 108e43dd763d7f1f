#!/usr/bin/env bash
# Regenerates screenshots/*.png from the real program on the demo workload:
# dockterm runs in a tmux pane, capture-pane -e keeps its colours, and
# freeze (charmbracelet/freeze) renders the ANSI text to PNG.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin:$(go env GOPATH)/bin"

command -v freeze >/dev/null || { echo "installing freeze"; GOFLAGS= go install github.com/charmbracelet/freeze@v0.2.2; }
command -v tmux >/dev/null || { echo "tmux missing: run scripts/engine.sh first" >&2; exit 1; }

bash scripts/demo-seed.sh >/dev/null
go build -o bin/dockterm .

sock="dkt-shots-$$"
session=shots
W=${W:-132} H=${H:-34}
cleanup() { tmux -L "$sock" kill-server 2>/dev/null || true; }
trap cleanup EXIT

tmux -L "$sock" new-session -d -s "$session" -x "$W" -y "$H" "env TERM=xterm-256color COLORTERM=truecolor ./bin/dockterm"

wait_for() { # text, timeout seconds
	local deadline=$((SECONDS + ${2:-20}))
	until tmux -L "$sock" capture-pane -p -t "$session" | grep -qF -- "$1"; do
		((SECONDS < deadline)) || { echo "screenshots: timed out waiting for '$1'" >&2; tmux -L "$sock" capture-pane -p -t "$session" >&2; exit 1; }
		sleep 0.2
	done
}
keys() { for k in "$@"; do tmux -L "$sock" send-keys -t "$session" "$k"; sleep 0.25; done; }
shot() { # name
	# freeze ignores the "default colour" codes (39, 49) that tmux emits
	# after a reset, and would carry the previous colour on: spell the
	# defaults out as explicit colours of freeze's theme.
	tmux -L "$sock" capture-pane -e -p -t "$session" |
		sed -e 's/\x1b\[39m/\x1b[38;2;221;221;221m/g' -e 's/\x1b\[49m/\x1b[48;2;23;23;23m/g' > "screenshots/$1.ansi"
	freeze --language ansi --window=false --padding 10 --font.size 14 -o "screenshots/$1.png" < "screenshots/$1.ansi" >/dev/null
	rm -f "screenshots/$1.ansi"
	echo "screenshots/$1.png"
}

wait_for "shop-web"
sleep 4 # two stats samples, so CPU figures show
keys P
sleep 1
shot containers
keys P
# The detail of the web service: logs, then inspect and env.
keys / ; tmux -L "$sock" send-keys -t "$session" -l "shop-web"; keys Enter
keys l
wait_for "› logs"
sleep 1.5
shot logs
keys i
wait_for "› inspect"
sleep 0.5
shot detail-inspect
keys Tab
wait_for "› env"
shot detail-env
keys Escape Escape
keys Escape # clear the filter
# The security tab and one finding's detail.
keys 5
wait_for "score"
sleep 2
shot security
keys / ; tmux -L "$sock" send-keys -t "$session" -l "ops-agent"; keys Enter
wait_for "CIS-5.32"
keys Enter
wait_for "Hardened run command"
shot security-finding
keys Escape Escape Escape 1 ?
wait_for "Logs and documents"
shot help
