package audit

import (
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// instr is one image history entry turned back into a Dockerfile
// instruction, the way trivy rebuilds a Dockerfile from image history.
type instr struct {
	cmd       string   // RUN, ADD, COPY, ENV, ARG, WORKDIR, CMD, HEALTHCHECK, MAINTAINER, USER... ("" unknown)
	args      string   // the rest of the line (for RUN: the shell command)
	buildArgs []string // KEY=VALUE pairs BuildKit/classic recorded for a RUN ("|2 A=1 B=2 ...")
	empty     bool     // no filesystem change (Size == 0), the approximation of empty_layer
	raw       string
}

// parseHistory turns ImageHistory (newest first) into instructions, oldest
// first.
func parseHistory(h []ImageHistoryItem) []instr {
	out := make([]instr, 0, len(h))
	for i := len(h) - 1; i >= 0; i-- {
		in := parseCreatedBy(h[i].CreatedBy)
		in.empty = h[i].Size == 0
		out = append(out, in)
	}
	return out
}

// ImageHistoryItem is the part of image.HistoryResponseItem the rules read.
type ImageHistoryItem struct {
	CreatedBy string
	Size      int64
}

var knownInstr = map[string]bool{
	"RUN": true, "ADD": true, "COPY": true, "ENV": true, "ARG": true, "WORKDIR": true, "CMD": true,
	"ENTRYPOINT": true, "HEALTHCHECK": true, "MAINTAINER": true, "USER": true, "EXPOSE": true,
	"LABEL": true, "VOLUME": true, "ONBUILD": true, "STOPSIGNAL": true, "SHELL": true,
}

func parseCreatedBy(s string) instr {
	in := instr{raw: s}
	s = strings.TrimSpace(s)
	s = strings.TrimSpace(strings.TrimSuffix(s, "# buildkit"))
	switch {
	case strings.HasPrefix(s, "/bin/sh -c #(nop)"):
		rest := strings.TrimSpace(strings.TrimPrefix(s, "/bin/sh -c #(nop)"))
		word, args, _ := strings.Cut(rest, " ")
		in.cmd, in.args = strings.ToUpper(word), strings.TrimSpace(args)
		return in
	case strings.HasPrefix(s, "|"):
		in.cmd = "RUN"
		in.buildArgs, s = splitBuildArgs(s)
		in.args = shellBody(s)
		return in
	case strings.HasPrefix(s, "/bin/sh -c "):
		in.cmd, in.args = "RUN", shellBody(s)
		return in
	}
	word, args, _ := strings.Cut(s, " ")
	if !knownInstr[strings.ToUpper(word)] {
		in.args = s
		return in
	}
	in.cmd, in.args = strings.ToUpper(word), strings.TrimSpace(args)
	if in.cmd == "RUN" {
		if strings.HasPrefix(in.args, "|") {
			in.buildArgs, in.args = splitBuildArgs(in.args)
		}
		in.args = shellBody(in.args)
	}
	return in
}

// splitBuildArgs reads "|2 A=1 B=2 rest" into [A=1 B=2] and "rest".
func splitBuildArgs(s string) ([]string, string) {
	numStr, rest, _ := strings.Cut(strings.TrimPrefix(s, "|"), " ")
	n, err := strconv.Atoi(numStr)
	if err != nil || n < 0 {
		return nil, s
	}
	var args []string
	for i := 0; i < n; i++ {
		var tok string
		tok, rest, _ = strings.Cut(strings.TrimLeft(rest, " "), " ")
		if !strings.Contains(tok, "=") {
			break
		}
		args = append(args, tok)
	}
	return args, strings.TrimSpace(rest)
}

func shellBody(s string) string {
	s = strings.TrimSpace(s)
	for _, p := range []string{"/bin/sh -c ", "/bin/bash -c ", "/bin/sh -o pipefail -c ", "/bin/bash -o pipefail -c "} {
		if strings.HasPrefix(s, p) {
			return strings.TrimSpace(s[len(p):])
		}
	}
	return s
}

// baseIndex guesses where the base image's history ends (trivy's
// GuessBaseImageIndex): skipping the trailing empty entries (this image's
// own CMD/ENTRYPOINT), the next empty CMD upwards is the base image's last
// instruction. -1 when no base is recognised.
func baseIndex(ins []instr) int {
	foundNonEmpty := false
	for i := len(ins) - 1; i >= 0; i-- {
		if !foundNonEmpty {
			if ins[i].empty {
				continue
			}
			foundNonEmpty = true
		}
		if ins[i].empty && ins[i].cmd == "CMD" {
			return i
		}
	}
	return -1
}

// img is what an image rule sees.
type img struct {
	in    *ImageInput
	all   []instr // oldest first
	own   []instr // after the base image
	obj   Object
	users []string // Config.User of containers running this image
}

type imageRule func(x *img) []Finding

var imageRules = []imageRule{
	ruleImageRoot, ruleImageHealthcheck, ruleUpdateAlone, ruleAdd, ruleImageSecrets, ruleUnverified,
	ruleSudo, ruleSensitiveVolume, ruleDistUpgrade, ruleApkNoCache, ruleAptLists, ruleLatestTag,
	rulePort22, rulePortRange, ruleWorkdirRelative, ruleRunCd, ruleCurlAndWget, rulePkgClean,
	ruleAptYes, ruleMaintainer, ruleHealthchecks, ruleAptRecommends, ruleWorkdirSystem, ruleBuildArgSecrets,
}

// ImageName is how findings name an image: its first tag, else its short ID.
func ImageName(in *ImageInput) string {
	for _, t := range in.Inspect.RepoTags {
		if t != "<none>:<none>" {
			return t
		}
	}
	return shortID(in.Inspect.ID)
}

// ImageFindings runs every image rule. users are the Config.User values of
// the containers that run the image (an image meant to be run with --user
// is advisory only, dockle #16 / minio#12800).
func ImageFindings(engine string, in *ImageInput, users []string) []Finding {
	hist := make([]ImageHistoryItem, len(in.History))
	for i, h := range in.History {
		hist[i] = ImageHistoryItem{CreatedBy: h.CreatedBy, Size: h.Size}
	}
	all := parseHistory(hist)
	x := &img{in: in, all: all, users: users,
		obj: Object{Kind: KindImage, Name: ImageName(in), ID: in.Inspect.ID, Engine: engine}}
	x.own = all[baseIndex(all)+1:]
	var out []Finding
	for _, r := range imageRules {
		out = append(out, r(x)...)
	}
	return out
}

func (x *img) finding(id string, sev Severity, evidence string, details ...string) Finding {
	return newFinding(id, x.obj, sev, evidence, details...)
}

func (x *img) runs() []instr {
	var out []instr
	for _, in := range x.own {
		if in.cmd == "RUN" {
			out = append(out, in)
		}
	}
	return out
}

// ---- shell parsing ----

var segSplit = regexp.MustCompile(`&&|\|\||;|\||\n`)

// segments splits a RUN's shell into simple commands, each as tokens,
// dropping leading VAR=value assignments.
func segments(run string) [][]string {
	var out [][]string
	for _, s := range segSplit.Split(strings.ReplaceAll(run, "\\\n", " "), -1) {
		toks := strings.Fields(s)
		for len(toks) > 0 && strings.Contains(toks[0], "=") && !strings.HasPrefix(toks[0], "-") {
			toks = toks[1:]
		}
		if len(toks) > 0 {
			out = append(out, toks)
		}
	}
	return out
}

// command reports the command word of a segment, skipping sudo/env
// wrappers unless keepSudo.
func command(seg []string) (string, []string) {
	for len(seg) > 0 && (seg[0] == "sudo" || seg[0] == "env" || seg[0] == "exec" || seg[0] == "command") {
		seg = seg[1:]
	}
	if len(seg) == 0 {
		return "", nil
	}
	return path.Base(seg[0]), seg[1:]
}

func hasWord(args []string, words ...string) bool {
	for _, a := range args {
		for _, w := range words {
			if a == w {
				return true
			}
		}
	}
	return false
}

// runHas reports whether any segment of run is `cmd <one of subs>`.
func runHas(run string, cmds []string, subs ...string) bool {
	for _, seg := range segments(run) {
		c, args := command(seg)
		if hasWord([]string{c}, cmds...) && (len(subs) == 0 || hasWord(args, subs...)) {
			return true
		}
	}
	return false
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func runLine(in instr) string { return "RUN " + clip(in.args, 160) }

// ---- rules ----

// CIS-4.1 for the image (dockle CIS-DI-0001, trivy DS-0002). Config.User
// overrides every USER in history (trivy PR #9050).
func ruleImageRoot(x *img) []Finding {
	if x.in.Inspect.Config == nil || !isRootUser(x.in.Inspect.Config.User) {
		return nil
	}
	ev := fmt.Sprintf("image Config.User=%q", x.in.Inspect.Config.User)
	if x.in.Inspect.Config.User == "" {
		ev = `image Config.User="" (no USER: root)`
	}
	sev := SevMedium
	if len(x.users) > 0 {
		allNonRoot := true
		for _, u := range x.users {
			if isRootUser(u) {
				allNonRoot = false
			}
		}
		if allNonRoot {
			sev = SevInfo
			ev += "; every container of it runs with a non-root --user"
		}
	}
	f := x.finding("CIS-4.1", sev, ev)
	f.Remediation = "Dockerfile: RUN useradd -r -u 10001 app && USER 10001:10001"
	return one(f)
}

// CIS-4.6 (CIS-DI-0006, DS-0026): a Test of ["NONE"] disables an inherited
// healthcheck and counts as missing.
func ruleImageHealthcheck(x *img) []Finding {
	if x.in.Inspect.Config != nil && !noHealthcheck(x.in.Inspect.Config.Healthcheck) {
		return nil
	}
	ev := "image Config.Healthcheck is not set"
	if x.in.Inspect.Config != nil && x.in.Inspect.Config.Healthcheck != nil && len(x.in.Inspect.Config.Healthcheck.Test) > 0 {
		ev = "image Config.Healthcheck.Test=[NONE]"
	}
	return one(x.finding("CIS-4.6", SevLow, ev))
}

// index refresh commands per package manager
var updateCmds = []struct {
	cmds    []string
	refresh []string
	install []string
}{
	{[]string{"apt-get", "apt"}, []string{"update"}, []string{"install", "upgrade", "dist-upgrade", "full-upgrade"}},
	{[]string{"apk"}, []string{"update"}, []string{"add", "upgrade"}},
	{[]string{"yum", "dnf", "microdnf"}, []string{"makecache"}, []string{"install", "upgrade", "update"}},
	{[]string{"zypper"}, []string{"refresh", "ref"}, []string{"install", "in", "update", "up", "dist-upgrade", "dup", "patch"}},
}

// CIS-4.7 (CIS-DI-0007, DS-0017): parse the RUN chain instead of grepping
// "update" anywhere (docker-bench #302).
func ruleUpdateAlone(x *img) []Finding {
	var bad []string
	for _, in := range x.runs() {
		for _, pm := range updateCmds {
			if runHas(in.args, pm.cmds, pm.refresh...) && !runHas(in.args, pm.cmds, pm.install...) {
				bad = append(bad, runLine(in))
				break
			}
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return one(x.finding("CIS-4.7", SevLow, "history: "+bad[0], bad...))
}

// CIS-4.9 (CIS-DI-0009, DS-0005): base-image layers are skipped, so the
// Debian/Ubuntu rootfs `ADD file:... in /` is not flagged (dockle #217,
// docker-bench #362).
func ruleAdd(x *img) []Finding {
	sev := SevInfo
	var bad []string
	offset := len(x.all) - len(x.own)
	for i, in := range x.own {
		if in.cmd != "ADD" {
			continue
		}
		if offset+i == 0 && strings.HasSuffix(strings.TrimSpace(in.args), " /") {
			continue // the earliest ADD is the rootfs tarball of a FROM scratch image
		}
		bad = append(bad, "ADD "+clip(in.args, 160))
		if strings.Contains(in.args, "http://") || strings.Contains(in.args, "https://") {
			sev = maxSev(sev, SevMedium)
		} else {
			sev = maxSev(sev, SevLow)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return one(x.finding("CIS-4.9", sev, "history: "+bad[0], bad...))
}

// envKeys reads the KEY=VALUE (or legacy "KEY VALUE") pairs of an ENV/ARG
// instruction.
func envPairs(cmd, args string) []string {
	if cmd == "ENV" && !strings.Contains(strings.SplitN(args, " ", 2)[0], "=") {
		k, v, _ := strings.Cut(args, " ")
		return []string{k + "=" + v}
	}
	var out []string
	for _, tok := range strings.Fields(args) {
		if strings.Contains(tok, "=") {
			out = append(out, tok)
		}
	}
	return out
}

// CIS-4.10 (CIS-DI-0010 history part, DS-0031): names only; values are
// masked.
func ruleImageSecrets(x *img) []Finding {
	seen := map[string]bool{}
	var names []string
	add := func(where string, ns []string) {
		for _, n := range ns {
			if !seen[n] {
				seen[n] = true
				names = append(names, where+" "+n+"=<masked>")
			}
		}
	}
	if x.in.Inspect.Config != nil {
		add("Config.Env", secretEnv(x.in.Inspect.Config.Env))
	}
	for _, in := range x.all {
		if in.cmd == "ENV" || in.cmd == "ARG" {
			add("history "+in.cmd, secretEnv(envPairs(in.cmd, in.args)))
		}
	}
	if len(names) == 0 {
		return nil
	}
	return one(x.finding("CIS-4.10", SevHigh, joinLimit(names, 3), names...))
}

var unverified = []*regexp.Regexp{
	regexp.MustCompile(`(curl|wget)\b[^|;&]*\|\s*(sudo\s+)?(-?\s*)?(ba|z|da|k)?sh\b`),
	regexp.MustCompile(`--nogpgcheck|--allow-unauthenticated|--allow-untrusted|--trusted-host|--no-check-certificate|strict-ssl\s+false|--insecure\b|\bcurl\b[^|;&]*\s-k\b`),
}

// CIS-4.11 (partially decidable from history): unverified install patterns.
func ruleUnverified(x *img) []Finding {
	var bad []string
	for _, in := range x.runs() {
		for _, re := range unverified {
			if re.MatchString(in.args) {
				bad = append(bad, runLine(in))
				break
			}
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return one(x.finding("CIS-4.11", SevMedium, "history: "+bad[0], bad...))
}

// DKL-DI-0001 (DS-0010): sudo as a command word, not anywhere in the text
// (dockle #278 flagged `find ... -name sudo`).
func ruleSudo(x *img) []Finding {
	for _, in := range x.runs() {
		for _, seg := range segments(in.args) {
			if seg[0] == "sudo" {
				return one(x.finding("DKL-DI-0001", SevLow, "history: "+runLine(in)))
			}
		}
	}
	return nil
}

// DKL-DI-0002
func ruleSensitiveVolume(x *img) []Finding {
	if x.in.Inspect.Config == nil {
		return nil
	}
	var bad []string
	for _, v := range sortedKeys(x.in.Inspect.Config.Volumes) {
		for _, d := range []string{"/sys", "/dev", "/proc"} {
			if under(v, d) {
				bad = append(bad, v)
			}
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return one(x.finding("DKL-DI-0002", SevHigh, "image Config.Volumes: "+strings.Join(bad, ", ")))
}

// DKL-DI-0003 (DS-0024)
func ruleDistUpgrade(x *img) []Finding {
	for _, in := range x.runs() {
		if runHas(in.args, []string{"apt-get", "apt"}, "dist-upgrade") {
			return one(x.finding("DKL-DI-0003", SevInfo, "history: "+runLine(in)))
		}
	}
	return nil
}

// DKL-DI-0004 (DS-0025)
func ruleApkNoCache(x *img) []Finding {
	for _, in := range x.runs() {
		for _, seg := range segments(in.args) {
			c, args := command(seg)
			if c == "apk" && hasWord(args, "add") && !hasWord(args, "--no-cache") && !strings.Contains(in.args, "/var/cache/apk") {
				return one(x.finding("DKL-DI-0004", SevInfo, "history: "+runLine(in)))
			}
		}
	}
	return nil
}

// DKL-DI-0005: only for apt (dockle #151); dist-clean accepted (#282).
func ruleAptLists(x *img) []Finding {
	for _, in := range x.runs() {
		if runHas(in.args, []string{"apt-get", "apt"}, "install", "update") &&
			!strings.Contains(in.args, "/var/lib/apt/lists") && !runHas(in.args, []string{"apt-get", "apt"}, "dist-clean") {
			return one(x.finding("DKL-DI-0005", SevInfo, "history: "+runLine(in)))
		}
	}
	return nil
}

// DKL-DI-0006
func ruleLatestTag(x *img) []Finding {
	for _, t := range x.in.Inspect.RepoTags {
		if strings.HasSuffix(t, ":latest") {
			return one(x.finding("DKL-DI-0006", SevLow, "RepoTags has "+t))
		}
	}
	return nil
}

// DS-0004
func rulePort22(x *img) []Finding {
	if x.in.Inspect.Config == nil {
		return nil
	}
	if _, ok := x.in.Inspect.Config.ExposedPorts["22/tcp"]; ok {
		return one(x.finding("DS-0004", SevMedium, "image Config.ExposedPorts has 22/tcp"))
	}
	return nil
}

// DS-0008
func rulePortRange(x *img) []Finding {
	if x.in.Inspect.Config == nil {
		return nil
	}
	var bad []string
	for _, p := range sortedKeys(x.in.Inspect.Config.ExposedPorts) {
		num, _, _ := strings.Cut(p, "/")
		if n, err := strconv.Atoi(num); err != nil || n < 0 || n > 65535 {
			bad = append(bad, p)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return one(x.finding("DS-0008", SevInfo, "image Config.ExposedPorts: "+strings.Join(bad, ", ")))
}

// DS-0009
func ruleWorkdirRelative(x *img) []Finding {
	for _, in := range x.own {
		if in.cmd == "WORKDIR" && in.args != "" && !strings.HasPrefix(in.args, "/") && !strings.HasPrefix(in.args, "$") {
			return one(x.finding("DS-0009", SevInfo, "history: WORKDIR "+in.args))
		}
	}
	return nil
}

// DS-0013
func ruleRunCd(x *img) []Finding {
	for _, in := range x.runs() {
		segs := segments(in.args)
		if len(segs) > 0 && segs[0][0] == "cd" {
			return one(x.finding("DS-0013", SevInfo, "history: "+runLine(in)))
		}
	}
	return nil
}

// DS-0014
func ruleCurlAndWget(x *img) []Finding {
	var curl, wget string
	for _, in := range x.runs() {
		for _, seg := range segments(in.args) {
			switch c, _ := command(seg); c {
			case "curl":
				curl = runLine(in)
			case "wget":
				wget = runLine(in)
			}
		}
	}
	if curl == "" || wget == "" {
		return nil
	}
	return one(x.finding("DS-0014", SevInfo, "history uses both curl and wget", curl, wget))
}

// DS-0015, DS-0019, DS-0020, DS-0027: package caches left behind.
func rulePkgClean(x *img) []Finding {
	checks := []struct {
		id      string
		cmd     string
		install []string
		clean   func(run string) bool
	}{
		{"DS-0015", "yum", []string{"install"}, func(r string) bool { return strings.Contains(r, "yum clean all") }},
		{"DS-0019", "dnf", []string{"install"}, func(r string) bool { return strings.Contains(r, "dnf clean all") }},
		{"DS-0020", "zypper", []string{"install", "in"}, func(r string) bool { return runHas(r, []string{"zypper"}, "clean", "cc") }},
		{"DS-0027", "microdnf", []string{"install"}, func(r string) bool { return strings.Contains(r, "microdnf clean all") }},
	}
	var out []Finding
	for _, c := range checks {
		for _, in := range x.runs() {
			if runHas(in.args, []string{c.cmd}, c.install...) && !c.clean(in.args) {
				out = append(out, x.finding(c.id, SevInfo, "history: "+runLine(in)))
				break
			}
		}
	}
	return out
}

// DS-0021
func ruleAptYes(x *img) []Finding {
	for _, in := range x.runs() {
		for _, seg := range segments(in.args) {
			c, args := command(seg)
			if c != "apt-get" || !hasWord(args, "install") {
				continue
			}
			yes := false
			for _, a := range args {
				if a == "--yes" || a == "--assume-yes" || a == "-y" || strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "--") && strings.Contains(a, "y") {
					yes = true
				}
			}
			if !yes {
				return one(x.finding("DS-0021", SevInfo, "history: "+runLine(in)))
			}
		}
	}
	return nil
}

// DS-0022
func ruleMaintainer(x *img) []Finding {
	for _, in := range x.own {
		if in.cmd == "MAINTAINER" {
			return one(x.finding("DS-0022", SevInfo, "history: MAINTAINER "+clip(in.args, 80)))
		}
	}
	return nil
}

// DS-0023
func ruleHealthchecks(x *img) []Finding {
	n := 0
	for _, in := range x.own {
		if in.cmd == "HEALTHCHECK" {
			n++
		}
	}
	if n < 2 {
		return nil
	}
	return one(x.finding("DS-0023", SevInfo, fmt.Sprintf("history has %d HEALTHCHECK instructions", n)))
}

// DS-0029
func ruleAptRecommends(x *img) []Finding {
	for _, in := range x.runs() {
		for _, seg := range segments(in.args) {
			c, args := command(seg)
			if c == "apt-get" && hasWord(args, "install") && !hasWord(args, "--no-install-recommends") &&
				!strings.Contains(in.args, "APT::Install-Recommends") {
				return one(x.finding("DS-0029", SevInfo, "history: "+runLine(in)))
			}
		}
	}
	return nil
}

// DS-0030
func ruleWorkdirSystem(x *img) []Finding {
	if x.in.Inspect.Config == nil || x.in.Inspect.Config.WorkingDir == "" {
		return nil
	}
	wd := x.in.Inspect.Config.WorkingDir
	for _, d := range []string{"/proc", "/boot", "/dev", "/initrd", "/lost+found"} {
		if under(wd, d) {
			return one(x.finding("DS-0030", SevMedium, "image Config.WorkingDir="+wd))
		}
	}
	return nil
}

// DKT-IMG-01: build args recorded with RUN. Checked over the whole
// history: a leaked value is leaked whichever stage recorded it.
func ruleBuildArgSecrets(x *img) []Finding {
	seen := map[string]bool{}
	var names []string
	for _, in := range x.all {
		for _, n := range secretEnv(in.buildArgs) {
			if !seen[n] {
				seen[n] = true
				names = append(names, n)
			}
		}
	}
	if len(names) == 0 {
		return nil
	}
	return one(x.finding("DKT-IMG-01", SevHigh, "history RUN |N "+maskedEnv(names)))
}
