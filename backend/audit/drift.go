package audit

import (
	"fmt"
	"os"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/docker/docker/api/types/container"
)

// Drift: `docker diff` lists what a container changed in its writable layer
// (volumes, bind mounts and tmpfs are not in it). Changes to binaries,
// libraries, accounts, cron, SSH keys or package databases after start are
// evidence of ad-hoc installs or of compromise. The rules below match paths;
// a per-image Baseline removes the churn every container of the image shows
// (e.g. a pid file), so that expected changes do not alarm.

// changeLetter is docker diff's one-letter kind.
func changeLetter(k container.ChangeType) string {
	switch k {
	case container.ChangeModify:
		return "C"
	case container.ChangeAdd:
		return "A"
	case container.ChangeDelete:
		return "D"
	}
	return "?"
}

// Change is one docker diff entry as rules and reports show it.
type Change struct {
	Kind string `json:"kind"` // A, C, D
	Path string `json:"path"`
}

func (c Change) String() string { return c.Kind + " " + c.Path }

// leafChanges converts a diff to Changes and drops "C" entries that are
// only parents of other changes (a directory's mtime changes whenever
// something inside it does), keeping the paths the operator must look at.
func leafChanges(diff []container.FilesystemChange) []Change {
	paths := make([]string, 0, len(diff))
	for _, d := range diff {
		paths = append(paths, path.Clean(d.Path))
	}
	sort.Strings(paths)
	isParent := map[string]bool{}
	for i, p := range paths {
		if i+1 < len(paths) && strings.HasPrefix(paths[i+1], p+"/") || p == "/" {
			isParent[p] = true
		}
	}
	out := make([]Change, 0, len(diff))
	for _, d := range diff {
		p := path.Clean(d.Path)
		l := changeLetter(d.Kind)
		if l == "C" && isParent[p] {
			continue
		}
		out = append(out, Change{Kind: l, Path: p})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// ---- baseline ----

// MinBaselineContainers is how many containers of one image must agree on a
// change before it is learned as expected churn. With one container the
// intersection would be its whole diff, so a single compromised container
// would baseline itself.
const MinBaselineContainers = 2

// Baseline is the expected churn of one image: paths (with their change
// kinds) that every container of the image changes.
type Baseline struct {
	ImageID string `json:"image"`
	// Paths maps a path to the change kinds expected for it ("C", "A", "AC").
	Paths map[string]string `json:"paths"`
	// Learned is how many containers the learned part came from (0: stored
	// only).
	Learned int `json:"learned"`
}

// Expected reports whether a change is part of the baseline.
func (b *Baseline) Expected(c Change) bool {
	if b == nil {
		return false
	}
	return strings.Contains(b.Paths[c.Path], c.Kind)
}

// BuildBaseline learns the expected churn of one image from the diffs of
// several of its containers (the changes all of them share) and merges an
// optional stored baseline (the operator's acknowledged paths). It is a
// pure function: storing the result is the caller's business.
func BuildBaseline(imageID string, diffs [][]container.FilesystemChange, stored *Baseline) Baseline {
	b := Baseline{ImageID: imageID, Paths: map[string]string{}}
	if len(diffs) >= MinBaselineContainers {
		count := map[Change]int{}
		for _, d := range diffs {
			seen := map[Change]bool{}
			for _, c := range leafChanges(d) {
				if !seen[c] {
					seen[c] = true
					count[c]++
				}
			}
		}
		for c, n := range count {
			if n == len(diffs) {
				b.Paths[c.Path] = mergeKinds(b.Paths[c.Path], c.Kind)
			}
		}
		b.Learned = len(diffs)
	}
	if stored != nil {
		for p, k := range stored.Paths {
			b.Paths[p] = mergeKinds(b.Paths[p], k)
		}
	}
	return b
}

// mergeKinds unions two kind sets, in the canonical order A, C, D.
func mergeKinds(a, b string) string {
	out := ""
	for _, k := range "ACD" {
		if strings.ContainsRune(a, k) || strings.ContainsRune(b, k) {
			out += string(k)
		}
	}
	return out
}

// defaultChurn are paths that runtimes write everywhere (JVM perf data).
var defaultChurn = regexp.MustCompile(`^/tmp/hsperfdata_[^/]+(/.*)?$`)

// ---- rules ----

type driftRule struct {
	id    string
	kinds string // which of A, C, D apply
	match func(p string) bool
}

func anyOf(ps ...string) func(string) bool {
	return func(p string) bool {
		for _, x := range ps {
			if p == x {
				return true
			}
		}
		return false
	}
}

// below matches paths strictly under one of dirs (not the dir itself).
func below(dirs ...string) func(string) bool {
	return func(p string) bool {
		for _, d := range dirs {
			if strings.HasPrefix(p, d+"/") {
				return true
			}
		}
		return false
	}
}

func re(expr string) func(string) bool {
	r := regexp.MustCompile(expr)
	return r.MatchString
}

func or(fs ...func(string) bool) func(string) bool {
	return func(p string) bool {
		for _, f := range fs {
			if f(p) {
				return true
			}
		}
		return false
	}
}

var binDirs = []string{"/bin", "/sbin", "/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin"}
var tempDirs = []string{"/tmp", "/var/tmp", "/dev/shm"}

// Tools whose appearance after start suggests an attacker at work; looked
// for where executables are run from, since directories such as
// /usr/share/doc/curl appear with a package install too.
var toolNames = regexp.MustCompile(`^(docker|kubectl|nc|ncat|netcat|socat|nmap|masscan|zmap|zgrab2?|curl|wget|python[0-9.]*|perl|busybox|tor|proxychains4?|chisel|frpc|ngrok)$`)

// Names that are an indicator anywhere.
var minerNames = regexp.MustCompile(`(?i)(xmrig|kdevtmpfsi|kinsing|xmr-stak|minerd|cpuminer|ccminer|\.xmr|kthreaddi|dbused|solrd)`)

// execLocation: a directory programs are run from (bin dirs, temp dirs,
// /, /root, a home directory).
func execLocation(p string) bool {
	dir := path.Dir(p)
	for _, d := range binDirs {
		if dir == d {
			return true
		}
	}
	for _, d := range tempDirs {
		if dir == d || strings.HasPrefix(dir, d+"/") {
			return true
		}
	}
	return dir == "/" || dir == "/root" || strings.HasPrefix(dir, "/home/") && strings.Count(dir, "/") == 2
}

var webShell = regexp.MustCompile(`\.(php[0-9]?|phtml|jsp|jspx|asp|aspx)$`)

var driftRules = []driftRule{
	{"DKT-DRIFT-01", "AC", anyOf("/etc/ld.so.preload")},
	{"DKT-DRIFT-02", "AC", or(anyOf("/etc/passwd", "/etc/shadow", "/etc/group", "/etc/gshadow",
		"/etc/passwd-", "/etc/shadow-", "/etc/group-", "/etc/gshadow-", "/etc/sudoers"), below("/etc/sudoers.d"))},
	{"DKT-DRIFT-03", "AC", or(re(`^/(root|home/[^/]+)/\.ssh/authorized_keys2?$`), anyOf("/etc/ssh/sshd_config"),
		below("/etc/ssh/sshd_config.d"), re(`^/etc/ssh/ssh_host_`))},
	{"DKT-DRIFT-04", "AC", or(anyOf("/etc/crontab"), below("/etc/crontabs", "/etc/cron.d", "/etc/cron.hourly", "/etc/cron.daily",
		"/etc/cron.weekly", "/etc/cron.monthly", "/var/spool/cron", "/etc/periodic"))},
	{"DKT-DRIFT-05", "ACD", below(binDirs...)},
	{"DKT-DRIFT-06", "AC", or(re(`^/(usr/(local/)?)?lib(32|64|x32)?/.*\.so(\.[0-9.]+)?$`), anyOf("/etc/ld.so.conf"), below("/etc/ld.so.conf.d"))},
	{"DKT-DRIFT-07", "AC", or(anyOf("/var/lib/dpkg/status", "/lib/apk/db/installed", "/etc/apk/world"),
		re(`^/var/lib/dpkg/info/[^/]+\.list$`), re(`^/var/cache/apt/archives/[^/]+\.deb$`),
		below("/var/lib/rpm", "/usr/lib/sysimage/rpm", "/var/lib/dnf", "/var/lib/pacman/local"),
		re(`/site-packages/[^/]+\.dist-info$`), re(`^/usr/local/lib/node_modules/[^/]+$`))},
	{"DKT-DRIFT-08", "AC", below("/var/lib/apt/lists", "/var/cache/apk", "/var/cache/yum", "/var/cache/dnf")},
	{"DKT-DRIFT-09", "AC", or(anyOf("/etc/apt/sources.list", "/etc/apk/repositories", "/etc/apt/trusted.gpg"),
		below("/etc/apt/sources.list.d", "/etc/yum.repos.d", "/etc/apt/trusted.gpg.d", "/etc/apt/keyrings"))},
	{"DKT-DRIFT-10", "AC", or(anyOf("/etc/profile", "/etc/bash.bashrc", "/etc/bashrc", "/etc/environment"),
		below("/etc/profile.d"), re(`^/(root|home/[^/]+)/\.(bashrc|profile|bash_profile|zshrc)$`))},
	{"DKT-DRIFT-11", "AC", re(`^/(root|home/[^/]+)/\.[a-z]*_history$`)},
	{"DKT-DRIFT-12", "A", func(p string) bool {
		b := path.Base(p)
		return minerNames.MatchString(b) || toolNames.MatchString(b) && execLocation(p)
	}},
	{"DKT-DRIFT-13", "A", below(tempDirs...)},
	{"DKT-DRIFT-14", "AC", or(anyOf("/etc/rc.local", "/etc/supervisord.conf"), below("/etc/init.d", "/etc/systemd/system", "/etc/supervisor/conf.d"))},
	{"DKT-DRIFT-15", "AC", or(below("/etc/pam.d"), re(`/security/pam_[^/]*\.so$`))},
	{"DKT-DRIFT-16", "A", func(p string) bool {
		return below("/var/www", "/usr/share/nginx/html", "/usr/local/tomcat/webapps", "/usr/local/apache2/htdocs", "/srv/www")(p) &&
			webShell.MatchString(p)
	}},
	{"DKT-DRIFT-17", "D", or(below("/var/log"), re(`/\.[a-z]*_history$`))},
	{"DKT-DRIFT-18", "AC", below("/etc/ssl/certs", "/usr/local/share/ca-certificates", "/etc/pki/ca-trust")},
	{"DKT-DRIFT-19", "A", below("/lib/modules", "/usr/lib/modules")},
}

// maxDriftDetails bounds the paths one finding lists.
const maxDriftDetails = 50

// DriftFindings matches a container's diff against the drift rules, after
// removing the image's expected churn. modes are optional file modes of
// added paths (ContainerStatPath): with them, DKT-DRIFT-13 reports only
// executables; without them, every added file in a temp dir is reported at
// medium severity, mode unknown.
func DriftFindings(obj Object, diff []container.FilesystemChange, modes map[string]os.FileMode, baseline *Baseline) []Finding {
	changes := leafChanges(diff)
	expected := 0
	var live []Change
	for _, c := range changes {
		if baseline.Expected(c) || defaultChurn.MatchString(c.Path) {
			expected++
			continue
		}
		live = append(live, c)
	}
	var out []Finding
	for _, r := range driftRules {
		sev := SevInfo
		rule, _ := RuleByID(r.id)
		var hits []string
		for _, c := range live {
			if !strings.Contains(r.kinds, c.Kind) || !r.match(c.Path) {
				continue
			}
			s := rule.Severity
			if r.id == "DKT-DRIFT-13" {
				var ok bool
				if s, ok = tempExecSeverity(c.Path, modes); !ok {
					continue
				}
			}
			sev = maxSev(sev, s)
			hits = append(hits, c.String())
		}
		if len(hits) == 0 {
			continue
		}
		ev := "docker diff: " + joinLimit(hits, 3)
		if expected > 0 {
			ev += fmt.Sprintf(" (%d expected paths of the image baseline ignored)", expected)
		}
		details := hits
		if len(details) > maxDriftDetails {
			details = append(details[:maxDriftDetails:maxDriftDetails], fmt.Sprintf("… %d more", len(hits)-maxDriftDetails))
		}
		out = append(out, newFinding(r.id, obj, sev, ev, details...))
	}
	return out
}

// tempExecSeverity: with a known mode, only executable regular files count;
// without one the finding is medium and says the mode is unknown.
func tempExecSeverity(p string, modes map[string]os.FileMode) (Severity, bool) {
	m, known := modes[p]
	if !known {
		return SevMedium, true
	}
	if m.IsDir() || m&0o111 == 0 {
		return SevInfo, false
	}
	return SevHigh, true
}

// TempCandidates lists the added paths in temp dirs whose mode the
// collector should fetch (ContainerStatPath) for DKT-DRIFT-13, at most n.
func TempCandidates(diff []container.FilesystemChange, n int) []string {
	var out []string
	for _, c := range leafChanges(diff) {
		if c.Kind == "A" && below(tempDirs...)(c.Path) && !defaultChurn.MatchString(c.Path) {
			out = append(out, c.Path)
			if len(out) == n {
				break
			}
		}
	}
	return out
}
