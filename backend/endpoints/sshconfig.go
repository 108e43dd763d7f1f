package endpoints

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// The docker CLI runs the ssh binary, which reads ~/.ssh/config; dockterm's
// SSH client (x/crypto) does not. So that an ssh://alias context reaches the
// same host, discovery reads the part of ssh_config(5) that says where and as
// whom to connect: Host blocks, HostName, User, Port, IdentityFile and
// Include. Match blocks are skipped; ProxyJump and ProxyCommand cannot be
// honoured and are reported on the endpoint.

// sshDirective is one "Key value" line with the Host patterns it is under.
type sshDirective struct {
	patterns []string // nil under a Match block: never applies
	key      string   // lower-case
	value    string
	file     string
	line     int
}

type sshConfigFile struct {
	directives []sshDirective
}

// maxIncludeDepth bounds Include recursion (OpenSSH uses 16).
const maxIncludeDepth = 16

// SSHConfigPath is the OpenSSH client config: Env.SSHConfigFile, else
// ~/.ssh/config.
func SSHConfigPath(env Env) string {
	if env.SSHConfigFile != "" {
		return env.SSHConfigFile
	}
	return filepath.Join(env.Home, ".ssh", "config")
}

// readSSHConfig reads the file; a missing file is an empty config.
func readSSHConfig(p, home string) (*sshConfigFile, error) {
	c := &sshConfigFile{}
	if err := c.read(p, home, []string{"*"}, 0); err != nil {
		return c, err
	}
	return c, nil
}

func (c *sshConfigFile) read(p, home string, patterns []string, depth int) error {
	if depth > maxIncludeDepth {
		return fmt.Errorf("ssh config %s: Include nested more than %d deep", p, maxIncludeDepth)
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) && depth == 0 {
		return nil
	}
	if err != nil {
		return fmt.Errorf("ssh config: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		key, value := splitSSHLine(sc.Text())
		switch key {
		case "":
			continue
		case "host":
			patterns = strings.Fields(value)
			continue
		case "match":
			patterns = nil // conditions we do not evaluate: ignore the block
			continue
		case "include":
			for _, inc := range strings.Fields(value) {
				inc = expandTilde(inc, home)
				if !filepath.IsAbs(inc) {
					inc = filepath.Join(home, ".ssh", inc)
				}
				matches, err := filepath.Glob(inc)
				if err != nil {
					return fmt.Errorf("ssh config %s:%d: Include %s: %w", p, n, inc, err)
				}
				sort.Strings(matches)
				for _, m := range matches {
					if err := c.read(m, home, patterns, depth+1); err != nil {
						return err
					}
				}
			}
			continue
		}
		c.directives = append(c.directives, sshDirective{patterns: patterns, key: key, value: value, file: p, line: n})
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("ssh config %s: %w", p, err)
	}
	return nil
}

// splitSSHLine splits "Key value", "Key=value" or "Key = value"; comments
// and blank lines give "".
func splitSSHLine(line string) (key, value string) {
	line = strings.TrimSpace(line)
	if line == "" || strings.HasPrefix(line, "#") {
		return "", ""
	}
	i := strings.IndexAny(line, " \t=")
	if i < 0 {
		return strings.ToLower(line), ""
	}
	key = strings.ToLower(line[:i])
	value = strings.TrimSpace(line[i:])
	value = strings.TrimSpace(strings.TrimPrefix(value, "="))
	if len(value) >= 2 && value[0] == '"' && value[len(value)-1] == '"' {
		value = value[1 : len(value)-1]
	}
	return key, value
}

// sshSettings is what ssh_config says for one host alias.
type sshSettings struct {
	hostName      string
	user          string
	port          int
	identityFiles []string
	proxy         string // ProxyJump or ProxyCommand, unsupported
}

// resolve applies OpenSSH's rule: for each key the first value that applies
// wins, except IdentityFile, which accumulates.
func (c *sshConfigFile) resolve(alias, localUser, home string) (sshSettings, error) {
	var s sshSettings
	seen := map[string]bool{}
	for _, d := range c.directives {
		if !hostMatches(d.patterns, alias) {
			continue
		}
		if d.key != "identityfile" {
			if seen[d.key] {
				continue
			}
			seen[d.key] = true
		}
		switch d.key {
		case "hostname":
			s.hostName = strings.ReplaceAll(strings.ReplaceAll(d.value, "%h", alias), "%%", "%")
		case "user":
			s.user = d.value
		case "port":
			n, err := strconv.Atoi(d.value)
			if err != nil || n <= 0 || n > 65535 {
				return s, fmt.Errorf("ssh config %s:%d: bad Port %q", d.file, d.line, d.value)
			}
			s.port = n
		case "identityfile":
			if strings.EqualFold(d.value, "none") {
				continue
			}
			s.identityFiles = append(s.identityFiles, d.value)
		case "proxyjump", "proxycommand":
			if !strings.EqualFold(d.value, "none") {
				s.proxy = d.key + " " + d.value
			}
		}
	}
	host := alias
	if s.hostName != "" {
		host = s.hostName
	}
	for i, f := range s.identityFiles {
		f = strings.NewReplacer("%d", home, "%u", localUser, "%h", host, "%r", s.user, "%%", "%").Replace(f)
		f = expandTilde(f, home)
		if !filepath.IsAbs(f) {
			f = filepath.Join(home, f)
		}
		s.identityFiles[i] = f
	}
	return s, nil
}

// hostMatches is ssh_config's Host rule: some pattern matches and no
// negated pattern does.
func hostMatches(patterns []string, host string) bool {
	matched := false
	for _, p := range patterns {
		neg := strings.HasPrefix(p, "!")
		p = strings.TrimPrefix(p, "!")
		ok, err := path.Match(strings.ToLower(p), strings.ToLower(host))
		if err != nil || !ok {
			continue
		}
		if neg {
			return false
		}
		matched = true
	}
	return matched
}

func expandTilde(p, home string) string {
	if p == "~" {
		return home
	}
	if strings.HasPrefix(p, "~/") {
		return filepath.Join(home, p[2:])
	}
	return p
}

// applySSHConfig resolves an ssh:// endpoint through ssh_config: the URL's
// own user and port win, as -l and -p do for ssh; the host becomes its
// HostName; IdentityFiles are added after the endpoint's own.
func applySSHConfig(ep *Endpoint, ph ParsedHost, cfg *sshConfigFile, env Env) error {
	if ep.SSH == nil || cfg == nil || len(cfg.directives) == 0 {
		return nil
	}
	alias := ep.SSH.Host
	s, err := cfg.resolve(alias, env.Get("USER"), env.Home)
	if err != nil {
		return err
	}
	if s.hostName != "" {
		ep.SSH.Host = s.hostName
	}
	if !ph.ExplicitUser && s.user != "" {
		ep.SSH.User = s.user
	}
	if !ph.ExplicitPort && s.port != 0 {
		ep.SSH.Port = s.port
	}
	ep.SSH.IdentityFiles = append(ep.SSH.IdentityFiles, s.identityFiles...)
	if s.proxy != "" {
		ep.Warnings = append(ep.Warnings, fmt.Sprintf("~/.ssh/config sets %s for %s; dockterm connects directly and will fail if the host is only reachable through it", s.proxy, alias))
	}
	if ep.SSH.Host != alias || s.user != "" || s.port != 0 {
		ep.Description = strings.TrimSpace(ep.Description + " (ssh alias " + alias + ")")
	}
	ep.Host = sshURL(*ep.SSH)
	return nil
}
