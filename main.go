// Command dockterm is a terminal console for Docker engines, made for triage
// under pressure: which containers are restarting, unhealthy, OOM-killed or
// hungry, their logs, processes and changes, and safe actions on them.
//
// main only parses flags, wires the backend to the UI and runs it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/docker/docker/client"
	"golang.org/x/term"

	"github.com/dockterm/dockterm/backend"
	"github.com/dockterm/dockterm/backend/engine"
	"github.com/dockterm/dockterm/backend/execsh"
	"github.com/dockterm/dockterm/ui"
)

// version is set by the linker in release builds.
var version = "dev"

const usage = `dockterm: a terminal console for Docker engines.

Usage:
  dockterm [flags]          open the console on the local engine (or DOCKER_HOST)

Flags:
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("dockterm", flag.ContinueOnError)
	fs.SetOutput(stderr)
	readOnly := fs.Bool("read-only", false, "forbid every action that changes an engine (they are not even bound)")
	host := fs.String("H", "", "engine to connect to (unix:///path, tcp://host:port, ssh://user@host); default $DOCKER_HOST or the local socket")
	showVersion := fs.Bool("version", false, "print the version and exit")
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *showVersion {
		fmt.Fprintln(stdout, "dockterm", version)
		return 0
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "dockterm: unknown argument %q\n", fs.Arg(0))
		fs.Usage()
		return 2
	}
	if err := runUI(*host, *readOnly); err != nil {
		fmt.Fprintln(stderr, "dockterm:", err)
		return 1
	}
	return 0
}

func newClient(host string) (*client.Client, string, error) {
	opts := []client.Opt{client.FromEnv, client.WithAPIVersionNegotiation()}
	name := "local"
	if h := os.Getenv("DOCKER_HOST"); h != "" {
		name = h
	}
	if host != "" {
		opts = append(opts, client.WithHost(host))
		name = host
	}
	cli, err := client.NewClientWithOpts(opts...)
	if err != nil {
		return nil, "", fmt.Errorf("engine client: %w", err)
	}
	return cli, name, nil
}

// plainTerminal reports terminals that cannot draw box and block glyphs.
func plainTerminal(termName string) bool {
	switch termName {
	case "", "dumb", "linux", "vt100", "vt102", "vt220", "ansi":
		return true
	}
	return false
}

func runUI(host string, readOnly bool) error {
	if !term.IsTerminal(int(os.Stdout.Fd())) || !term.IsTerminal(int(os.Stdin.Fd())) {
		return errors.New("needs a terminal (run it in an interactive shell)")
	}
	cli, name, err := newClient(host)
	if err != nil {
		return err
	}
	defer cli.Close()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	eng := engine.New(backend.EngineID(name), name, cli, engine.Options{})
	eng.Start(ctx)

	termName := os.Getenv("TERM")
	_, noColor := os.LookupEnv("NO_COLOR")
	common := &ui.Common{Engine: eng, Ctx: ctx}
	app := ui.NewApp(common, ui.Options{
		ReadOnly: readOnly,
		Plain:    noColor || plainTerminal(termName),
		Exec: func(e ui.Engine, id string) tea.ExecCommand {
			return execsh.New(cli, id, nil, execsh.Options{})
		},
	})

	p := tea.NewProgram(app, tea.WithContext(ctx))
	go watchTerminal(ctx, p)
	_, err = p.Run()
	if errors.Is(err, tea.ErrProgramKilled) || errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// watchTerminal ends the program when its terminal goes away: on SIGHUP
// (the SSH session dropped, the tmux pane was killed), and, as a fallback
// for a lost terminal without a signal, when the terminal stops answering.
func watchTerminal(ctx context.Context, p *tea.Program) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	t := time.NewTicker(2 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			p.Kill()
			return
		case <-t.C:
			if _, _, err := term.GetSize(int(os.Stdout.Fd())); err != nil && !strings.Contains(err.Error(), "interrupted") {
				p.Kill()
				return
			}
		}
	}
}
