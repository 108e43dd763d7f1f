package audit

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// Target is one engine for `dockterm audit`, as the dial function returns
// it. main.go wires dial to backend/endpoints.
type Target struct {
	Name       string
	Client     Client
	Connection Connection
	// Err is set when this engine could not be reached; it is reported and
	// makes the exit status 2, the other engines are still audited.
	Err error
	// Close releases the client; may be nil.
	Close func() error
}

// Exit statuses of RunCLI.
const (
	ExitOK       = 0 // no open finding at or above --min-severity
	ExitFindings = 1 // open findings at or above --min-severity
	ExitError    = 2 // bad usage, an engine could not be audited, unreadable accept file
)

const cliUsage = `Usage: dockterm audit [flags]

Audits Docker engines (and the docker client files of this user) for risky
configuration and prints the findings. Exit status: 0 when no open finding
is at or above --min-severity, 1 when some are, 2 on error (an error wins
over findings). Accepted findings are shown but never fail the run.

Flags:
`

// RunCLI is `dockterm audit`. args are the arguments after "audit". dial
// resolves --engine: "" for the default engine, "all" for every known
// engine, else one engine by name; it returns one Target per engine.
func RunCLI(ctx context.Context, args []string, stdout, stderr io.Writer, dial func(engine string) ([]Target, error)) int {
	fs := flag.NewFlagSet("dockterm audit", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, cliUsage)
		fs.PrintDefaults()
	}
	format := fs.String("format", "table", "output format: "+strings.Join(Formats, "|"))
	minSev := fs.String("min-severity", "low", "show findings at or above `SEVERITY` (critical|high|medium|low|info); exit 1 if any is open")
	engine := fs.String("engine", "", "engine `NAME` to audit, or \"all\" (default: the current engine)")
	acceptPath := fs.String("accepted", "", "accepted findings `FILE` (default $XDG_CONFIG_HOME/dockterm/accepted.json)")
	withClient := fs.Bool("client", true, "also check this user's docker contexts, config.json and docker-machine store")
	dockerConfig := fs.String("docker-config", "", "docker client config `DIR` (default $DOCKER_CONFIG or ~/.docker)")
	machineStorage := fs.String("machine-storage", "", "docker-machine store `DIR` (default $MACHINE_STORAGE_PATH or ~/.docker/machine)")
	timeout := fs.Duration("timeout", 2*time.Minute, "give up on an engine after `D`")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		return ExitError
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "dockterm audit: unexpected argument %q\n", fs.Arg(0))
		return ExitError
	}
	min, err := ParseSeverity(*minSev)
	if err != nil {
		fmt.Fprintf(stderr, "dockterm audit: --min-severity: %v\n", err)
		return ExitError
	}
	if !validFormat(*format) {
		fmt.Fprintf(stderr, "dockterm audit: --format %q: want %s\n", *format, strings.Join(Formats, ", "))
		return ExitError
	}
	status := ExitOK

	path := *acceptPath
	if path == "" {
		if path, err = DefaultAcceptPath(); err != nil {
			fmt.Fprintf(stderr, "dockterm audit: %v\n", err)
			status = ExitError
		}
	}
	var store *AcceptStore
	if path != "" {
		store, err = OpenAcceptStore(path)
		if err != nil {
			fmt.Fprintf(stderr, "dockterm audit: %v\n", err)
			status = ExitError
		}
	}
	opts := Options{}
	if store != nil {
		opts.Accepted = store
	}

	targets, err := dial(*engine)
	if err != nil {
		fmt.Fprintf(stderr, "dockterm audit: %v\n", err)
		return ExitError
	}
	doc := Document{Tool: "dockterm", Generated: time.Now().UTC()}
	for _, t := range targets {
		if t.Err != nil || t.Client == nil {
			msg := "no client"
			if t.Err != nil {
				msg = t.Err.Error()
			}
			fmt.Fprintf(stderr, "dockterm audit: engine %s: %s\n", t.Name, msg)
			doc.Engines = append(doc.Engines, Report{Engine: t.Name, Host: t.Connection.Host, Error: msg}.sanitizedHeader())
			status = ExitError
			continue
		}
		tctx, cancel := context.WithTimeout(ctx, *timeout)
		r, err := Audit(tctx, t.Client, WithName(t.Name), WithConnection(t.Connection), WithOptions(opts))
		cancel()
		if t.Close != nil {
			_ = t.Close()
		}
		if err != nil {
			fmt.Fprintf(stderr, "dockterm audit: engine %s: %v\n", t.Name, err)
			status = ExitError
		}
		doc.Engines = append(doc.Engines, r.sanitizedHeader())
	}
	if *withClient {
		getenv := os.Getenv
		paths := DefaultClientPaths(getenv)
		if *dockerConfig != "" {
			paths.DockerConfigDir = *dockerConfig
		}
		if *machineStorage != "" {
			paths.MachineStorage = *machineStorage
		}
		in, errs := LoadClient(paths, getenv)
		for _, e := range errs {
			fmt.Fprintf(stderr, "dockterm audit: client files: %v\n", e)
		}
		doc.Client = applyAcceptances(ClientFindings(in), opts.Accepted)
	}

	out := doc.Filtered(min)
	if err := Write(stdout, *format, out); err != nil {
		fmt.Fprintf(stderr, "dockterm audit: %v\n", err)
		return ExitError
	}
	if status == ExitOK && doc.OpenAtOrAbove(min) > 0 {
		status = ExitFindings
	}
	return status
}

func validFormat(f string) bool {
	for _, x := range Formats {
		if f == x {
			return true
		}
	}
	return f == "md"
}
