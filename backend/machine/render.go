package machine

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/template"
)

// envTmpl is docker-machine's commands/env.go template, unchanged.
const envTmpl = `{{ .Prefix }}DOCKER_TLS_VERIFY{{ .Delimiter }}{{ .DockerTLSVerify }}{{ .Suffix }}{{ .Prefix }}DOCKER_HOST{{ .Delimiter }}{{ .DockerHost }}{{ .Suffix }}{{ .Prefix }}DOCKER_CERT_PATH{{ .Delimiter }}{{ .DockerCertPath }}{{ .Suffix }}{{ .Prefix }}DOCKER_MACHINE_NAME{{ .Delimiter }}{{ .MachineName }}{{ .Suffix }}{{ if .ComposePathsVar }}{{ .Prefix }}COMPOSE_CONVERT_WINDOWS_PATHS{{ .Delimiter }}true{{ .Suffix }}{{end}}{{ if .NoProxyVar }}{{ .Prefix }}{{ .NoProxyVar }}{{ .Delimiter }}{{ .NoProxyValue }}{{ .Suffix }}{{end}}{{ .UsageHint }}`

// A parsed template is immutable and safe for concurrent use.
var envTemplate = template.Must(template.New("envConfig").Parse(envTmpl))

type shellConfig struct {
	Prefix          string
	Delimiter       string
	Suffix          string
	DockerCertPath  string
	DockerHost      string
	DockerTLSVerify string
	UsageHint       string
	MachineName     string
	NoProxyVar      string
	NoProxyValue    string
	ComposePathsVar bool
}

// EnvOptions are the flags of `docker-machine env`, plus the environment
// values that command would read, passed in rather than read here.
type EnvOptions struct {
	// Shell is fish, powershell, cmd, tcsh or emacs; anything else (bash,
	// zsh, sh, "") gets POSIX export lines, as in docker-machine.
	Shell   string
	Swarm   bool // --swarm
	NoProxy bool // --no-proxy
	Unset   bool // --unset / -u

	// The current values of no_proxy and NO_PROXY, for --no-proxy.
	NoProxyLower, NoProxyUpper string

	// Windows adds COMPOSE_CONVERT_WINDOWS_PATHS, as docker-machine's Windows
	// build does.
	Windows bool

	// Args is the command line the usage hint repeats (docker-machine uses
	// os.Args). Nil means "docker-machine env [flags] <name>".
	Args []string
}

// RenderEnv writes what `docker-machine env` prints for h. With Unset, h may
// be nil. Unlike docker-machine it does not first dial the engine to check the
// certificates; use the transport package for that.
func RenderEnv(w io.Writer, h *Host, opt EnvOptions) error {
	args := opt.Args
	if args == nil {
		args = defaultEnvArgs(h, opt)
	}
	cfg := shellConfig{UsageHint: usageHint(opt.Shell, args)}

	if opt.Unset {
		if opt.NoProxy {
			cfg.NoProxyVar, cfg.NoProxyValue = noProxyFromEnv(opt)
		}
		switch opt.Shell {
		case "fish":
			cfg.Prefix, cfg.Suffix, cfg.Delimiter = "set -e ", ";\n", ""
		case "powershell":
			cfg.Prefix, cfg.Suffix, cfg.Delimiter = `Remove-Item Env:\\`, "\n", ""
		case "cmd":
			cfg.Prefix, cfg.Suffix, cfg.Delimiter = "SET ", "\n", "="
		case "emacs":
			cfg.Prefix, cfg.Suffix, cfg.Delimiter = "(setenv \"", ")\n", "\" nil"
		case "tcsh":
			cfg.Prefix, cfg.Suffix, cfg.Delimiter = "unsetenv ", ";\n", ""
		default:
			cfg.Prefix, cfg.Suffix, cfg.Delimiter = "unset ", "\n", ""
		}
		return envTemplate.Execute(w, cfg)
	}

	if h == nil {
		return errors.New("Error: No machine name(s) specified")
	}
	dockerHost, err := h.URL()
	if err != nil {
		return fmt.Errorf("Error checking TLS connection: Error getting driver URL: %w", err)
	}
	if opt.Swarm {
		if dockerHost, err = h.SwarmURL(); err != nil {
			return fmt.Errorf("Error checking TLS connection: Error parsing swarm: %w", err)
		}
	}
	cfg.DockerCertPath = h.Dir
	cfg.DockerHost = dockerHost
	cfg.DockerTLSVerify = "1"
	cfg.MachineName = h.Name

	if opt.NoProxy {
		ip, err := h.IP()
		if err != nil {
			return fmt.Errorf("Error getting host IP: %w", err)
		}
		v, val := noProxyFromEnv(opt)
		switch {
		case val == "":
			val = ip
		case strings.Contains(val, ip):
			// Already listed (docker-machine's substring test, kept as is).
		default:
			val = val + "," + ip
		}
		cfg.NoProxyVar, cfg.NoProxyValue = v, val
	}
	cfg.ComposePathsVar = opt.Windows

	switch opt.Shell {
	case "fish":
		cfg.Prefix, cfg.Suffix, cfg.Delimiter = "set -gx ", "\";\n", " \""
	case "powershell":
		cfg.Prefix, cfg.Suffix, cfg.Delimiter = "$Env:", "\"\n", " = \""
	case "cmd":
		cfg.Prefix, cfg.Suffix, cfg.Delimiter = "SET ", "\n", "="
	case "tcsh":
		cfg.Prefix, cfg.Suffix, cfg.Delimiter = "setenv ", "\";\n", " \""
	case "emacs":
		cfg.Prefix, cfg.Suffix, cfg.Delimiter = "(setenv \"", "\")\n", "\" \""
	default:
		cfg.Prefix, cfg.Suffix, cfg.Delimiter = "export ", "\"\n", "=\""
	}
	return envTemplate.Execute(w, cfg)
}

// noProxyFromEnv prefers a non-empty no_proxy, else NO_PROXY (docker-machine's
// findNoProxyFromEnv).
func noProxyFromEnv(opt EnvOptions) (name, value string) {
	if opt.NoProxyLower != "" {
		return "no_proxy", opt.NoProxyLower
	}
	return "NO_PROXY", opt.NoProxyUpper
}

func defaultEnvArgs(h *Host, opt EnvOptions) []string {
	args := []string{"docker-machine", "env"}
	if opt.Swarm {
		args = append(args, "--swarm")
	}
	switch opt.Shell {
	case "fish", "powershell", "cmd", "tcsh", "emacs":
		args = append(args, "--shell", opt.Shell)
	}
	if opt.NoProxy {
		args = append(args, "--no-proxy")
	}
	if opt.Unset {
		return append(args, "-u")
	}
	if h != nil {
		args = append(args, h.Name)
	}
	return args
}

// usageHint is docker-machine's EnvUsageHintGenerator, including the trailing
// space after "shell:".
func usageHint(shell string, args []string) string {
	args = append([]string(nil), args...)
	if len(args) > 0 && (strings.Contains(args[0], " ") || strings.Contains(args[0], `\`)) {
		args[0] = fmt.Sprintf("\"%s\"", args[0])
	}
	commandLine := strings.Join(args, " ")
	comment, cmd := "#", ""
	switch shell {
	case "fish":
		cmd = fmt.Sprintf("eval (%s)", commandLine)
	case "powershell":
		cmd = fmt.Sprintf("& %s | Invoke-Expression", commandLine)
	case "cmd":
		cmd = fmt.Sprintf("\t@FOR /f \"tokens=*\" %%i IN ('%s') DO @%%i", commandLine)
		comment = "REM"
	case "emacs":
		cmd = fmt.Sprintf("(with-temp-buffer (shell-command \"%s\" (current-buffer)) (eval-buffer))", commandLine)
		comment = ";;"
	case "tcsh":
		cmd = fmt.Sprintf("eval `%s`", commandLine)
		comment = ":"
	default:
		cmd = fmt.Sprintf("eval $(%s)", commandLine)
	}
	return fmt.Sprintf("%s Run this command to configure your shell: \n%s %s\n", comment, comment, cmd)
}

// ErrUnknownShell is docker-machine's error when $SHELL is empty.
var ErrUnknownShell = errors.New("Error: Unknown shell")

// DetectShell is docker-machine's Unix shell detection: the base name of
// $SHELL (passed in). csh is not tcsh, so it gets POSIX lines, as in
// docker-machine.
func DetectShell(shellEnv string) (string, error) {
	if shellEnv == "" {
		return "", ErrUnknownShell
	}
	return filepath.Base(shellEnv), nil
}

// RenderConfig writes what `docker-machine config` prints: the docker CLI
// flags for the machine, with the per-machine certificate copies, Go-quoted.
func RenderConfig(w io.Writer, h *Host, swarm bool) error {
	dockerHost, err := h.URL()
	if err != nil {
		return fmt.Errorf("Error running connection boilerplate: Error getting driver URL: %w", err)
	}
	if swarm {
		if dockerHost, err = h.SwarmURL(); err != nil {
			return fmt.Errorf("Error running connection boilerplate: Error parsing swarm: %w", err)
		}
	}
	c := h.CertPaths()
	_, err = fmt.Fprintf(w, "--tlsverify\n--tlscacert=%q\n--tlscert=%q\n--tlskey=%q\n-H=%s\n", c.CA, c.Cert, c.Key, dockerHost)
	return err
}

// RenderURL writes what `docker-machine url` prints.
func RenderURL(w io.Writer, h *Host) error {
	u, err := h.URL()
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(w, u)
	return err
}

// RenderIP writes what `docker-machine ip` prints for one machine.
func RenderIP(w io.Writer, h *Host) error {
	ip, err := h.IP()
	if err != nil {
		return fmt.Errorf("Error getting IP address: %w", err)
	}
	_, err = fmt.Fprintln(w, ip)
	return err
}
