package audit

import (
	"fmt"
	"path"
	"sort"
	"strings"
)

// ---- users ----

// isRootUser reports whether a Config.User value runs the process as root:
// "" (the image default when nothing is set), "root", "0", and any of those
// with a group: "0:0", "root:root", "root:*", "0:*". A non-root user with
// the root group ("1000:0") is not root.
func isRootUser(u string) bool {
	u = strings.TrimSpace(u)
	user, _, _ := strings.Cut(u, ":")
	return user == "" || user == "root" || user == "0"
}

// ---- secrets in KEY=VALUE ----

// secretNames are well-known secret variables whose names the token rules
// below would miss or that deserve certainty.
var secretNames = map[string]bool{
	"AWS_SECRET_ACCESS_KEY": true, "AWS_SESSION_TOKEN": true, "GITHUB_TOKEN": true, "GH_TOKEN": true,
	"GITLAB_TOKEN": true, "OPENAI_API_KEY": true, "ANTHROPIC_API_KEY": true, "HF_TOKEN": true,
	"HUGGING_FACE_HUB_TOKEN": true, "NPM_TOKEN": true, "SLACK_TOKEN": true, "STRIPE_SECRET_KEY": true,
	"DOCKER_AUTH_CONFIG": true, "GOOGLE_APPLICATION_CREDENTIALS_JSON": true, "AZURE_CLIENT_SECRET": true,
	"DATABASE_URL_PASSWORD": true, "VAULT_TOKEN": true, "CONSUL_HTTP_TOKEN": true, "SENTRY_AUTH_TOKEN": true,
}

// isSecretKey decides from a variable name whether its value is probably a
// secret. It works on the name's tokens (split at _ - .), so DB_PASSWORD and
// MYSQL_ROOT_PASSWORD match while PASSWORD_FILE (a path, the recommended
// practice), GPG_KEY (a public key id, dockle's allow-list) and PWD (the
// shell's working directory) do not.
func isSecretKey(name string) bool {
	up := strings.ToUpper(strings.TrimSpace(name))
	if up == "" {
		return false
	}
	if secretNames[up] {
		return true
	}
	switch up {
	case "PWD", "OLDPWD", "GPG_KEY", "GPG_KEYS":
		return false
	}
	toks := strings.FieldsFunc(up, func(r rune) bool { return r == '_' || r == '-' || r == '.' })
	if len(toks) == 0 {
		return false
	}
	switch toks[len(toks)-1] {
	case "FILE", "PATH", "DIR", "FILENAME", "LOCATION", "ID", "NAME", "USER", "USERNAME", "LENGTH", "POLICY",
		"URL", "URI", "ENDPOINT", "HOST", "PORT", "TYPE", "TTL", "EXPIRY", "EXPIRES", "TIMEOUT", "HEADER", "ENABLED", "MODE":
		// a reference to a secret, not the secret
		return false
	}
	for _, t := range toks {
		if strings.Contains(t, "PUBLIC") || t == "GPG" {
			return false
		}
	}
	for i, t := range toks {
		switch t {
		case "PASSWORD", "PASSWD", "PASS", "PWD", "SECRET", "SECRETS", "TOKEN", "CREDENTIALS", "CREDENTIAL", "APIKEY", "PASSPHRASE":
			return true
		case "KEY":
			if i > 0 {
				switch toks[i-1] {
				case "API", "ACCESS", "PRIVATE", "SECRET", "SIGNING", "ENCRYPTION", "MASTER", "LICENSE", "AUTH", "CLIENT", "DEPLOY", "SSH", "SERVICE", "ACCOUNT":
					return true
				}
			}
		}
	}
	return false
}

// isPlaceholder reports values that are not secrets even under a secret
// name: empty, flags (MYSQL_ALLOW_EMPTY_PASSWORD=yes), references (${X},
// $X, <x>), and obvious fillers.
func isPlaceholder(v string) bool {
	v = strings.TrimSpace(strings.Trim(strings.TrimSpace(v), `"'`))
	switch strings.ToLower(v) {
	case "", "yes", "no", "true", "false", "0", "1", "on", "off", "none", "null", "nil", "empty",
		"xxx", "xxxx", "redacted", "placeholder":
		// A weak default such as "changeme" or "password" is deliberately
		// not here: it is a working credential.
		return true
	}
	if strings.HasPrefix(v, "$") || (strings.HasPrefix(v, "<") && strings.HasSuffix(v, ">")) {
		return true
	}
	if strings.Trim(v, "*x.-") == "" {
		return true
	}
	return false
}

// secretEnv returns the names of KEY=VALUE entries that look like secrets
// with a real value. Values never leave this function: findings show names
// only (DESIGN: secrets are masked).
func secretEnv(env []string) []string {
	var out []string
	for _, kv := range env {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			continue
		}
		if isSecretKey(k) && !isPlaceholder(v) {
			out = append(out, k)
		}
	}
	return out
}

// maskedEnv renders names as NAME=<masked> for evidence.
func maskedEnv(names []string) string {
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = n + "=<masked>"
	}
	return strings.Join(parts, " ")
}

// ---- capabilities ----

// capName normalises "cap_sys_admin", "CAP_SYS_ADMIN" and "SYS_ADMIN" to
// SYS_ADMIN.
func capName(c string) string {
	return strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(c)), "CAP_")
}

// defaultCaps is Docker's default capability set (moby oci/caps/defaults.go);
// re-adding one of them changes nothing.
var defaultCaps = map[string]bool{
	"CHOWN": true, "DAC_OVERRIDE": true, "FSETID": true, "FOWNER": true, "MKNOD": true, "NET_RAW": true,
	"SETGID": true, "SETUID": true, "SETFCAP": true, "SETPCAP": true, "NET_BIND_SERVICE": true,
	"SYS_CHROOT": true, "KILL": true, "AUDIT_WRITE": true,
}

// capsCritical lead straight to host root; capsHigh remove an important
// boundary (CIS 5.4 rule in security-checks.tsv plus the docker-bench
// community checks C.5.3.1-4).
var capsCritical = map[string]bool{
	"ALL": true, "SYS_ADMIN": true, "SYS_MODULE": true, "SYS_RAWIO": true, "DAC_READ_SEARCH": true,
	"BPF": true, "MAC_ADMIN": true,
}

var capsHigh = map[string]bool{
	"SYS_PTRACE": true, "NET_ADMIN": true, "PERFMON": true, "SYSLOG": true, "SYS_TIME": true,
	"SYS_BOOT": true, "LINUX_IMMUTABLE": true, "MAC_OVERRIDE": true,
}

// capSeverity is the CIS-5.4 severity of adding capability c.
func capSeverity(c string) (Severity, bool) {
	switch {
	case capsCritical[c]:
		return SevCritical, true
	case capsHigh[c]:
		return SevHigh, true
	case defaultCaps[c]:
		return SevInfo, false
	}
	return SevLow, true
}

// dbsAlias names the docker-bench community check a capability maps to.
var dbsAlias = map[string]string{
	"DAC_READ_SEARCH": "DBS-C.5.3.1", "SYS_MODULE": "DBS-C.5.3.2", "SYS_ADMIN": "DBS-C.5.3.3", "SYS_PTRACE": "DBS-C.5.3.4",
}

// ---- paths ----

// under reports whether p is dir or below it, on clean absolute paths.
func under(p, dir string) bool {
	p, dir = path.Clean(p), path.Clean(dir)
	if dir == "/" {
		return true
	}
	return p == dir || strings.HasPrefix(p, dir+"/")
}

// ---- IPs ----

// allInterfaces reports whether a published port's HostIp listens on every
// interface. "" means "the daemon default", resolved through the bridge's
// host_binding_ipv4 when known (Docker's default is 0.0.0.0).
func allInterfaces(hostIP, defaultBind string) bool {
	switch strings.Trim(hostIP, "[]") {
	case "0.0.0.0", "::", "0:0:0:0:0:0:0:0":
		return true
	case "":
		return defaultBind == "" || defaultBind == "0.0.0.0" || defaultBind == "::"
	}
	return false
}

// ---- small utilities ----

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func maxSev(a, b Severity) Severity {
	if a > b {
		return a
	}
	return b
}

// joinLimit joins up to n items and says how many were left out, so an
// evidence line stays one line.
func joinLimit(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s (+%d more)", strings.Join(items[:n], ", "), len(items)-n)
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
