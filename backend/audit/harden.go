package audit

import (
	"fmt"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/docker/docker/api/types/container"
)

// HardenedCommand is a `docker run` line for a container derived from what
// it actually needs: its diff (which directories it writes), its
// capabilities, its processes (docker top) and its ports. Notes say what
// the operator must check before using it; the command is a starting
// point, not a guarantee that the service still works.
type HardenedCommand struct {
	Args  []string `json:"args"`
	Notes []string `json:"notes,omitempty"`
}

// String renders the command as one shell-quoted line.
func (h HardenedCommand) String() string {
	q := make([]string, len(h.Args))
	for i, a := range h.Args {
		q[i] = shellQuote(a)
	}
	return strings.Join(q, " ")
}

func shellQuote(s string) string {
	if s == "" {
		return "''"
	}
	safe := true
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=@,+%", r)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// ephemeralRoots are directories whose content need not survive a restart:
// they become tmpfs mounts.
var ephemeralRoots = []string{"/tmp", "/var/tmp", "/run", "/var/run", "/dev/shm"}

// tmpfsOpts: temp dirs lose exec and setuid (drop-and-execute staging).
var tmpfsOpts = map[string]string{"/tmp": "rw,noexec,nosuid", "/var/tmp": "rw,noexec,nosuid", "/dev/shm": "rw,noexec,nosuid"}

// writablePlan turns a diff into the mounts a read-only container needs:
// tmpfs for ephemeral and cache directories, volumes for directories where
// it creates data, and notes for files it modifies in place (a tmpfs there
// would hide the image's own files) or that are drift.
func writablePlan(diff []container.FilesystemChange, mounts []container.MountPoint) (tmpfs, volumes, notes []string) {
	tset, vset := map[string]bool{}, map[string]bool{}
	modified := []string{}
	for _, c := range leafChanges(diff) {
		p := c.Path
		if dir := ephemeralDir(p); dir != "" {
			tset[dir] = true
			continue
		}
		if driftPath(c) {
			notes = append(notes, fmt.Sprintf("%s is drift (see the DKT-DRIFT findings): it is not given a mount", c))
			continue
		}
		if c.Kind == "C" {
			modified = append(modified, p)
			continue
		}
		vset[dataDir(p)] = true
	}
	for _, m := range mounts {
		delete(tset, m.Destination)
		delete(vset, m.Destination)
	}
	tmpfs, volumes = collapseDirs(tset), collapseDirs(vset)
	if len(modified) > 0 {
		notes = append(notes, "it modifies image files in place ("+joinLimit(modified, 3)+"): render them at build time or mount them, --read-only will refuse these writes")
	}
	return tmpfs, volumes, notes
}

// ephemeralDir maps a path to the tmpfs that should hold it, or "".
func ephemeralDir(p string) string {
	for _, d := range ephemeralRoots {
		if under(p, d) {
			return d
		}
	}
	parts := strings.Split(strings.Trim(p, "/"), "/")
	switch {
	case len(parts) >= 3 && parts[0] == "var" && (parts[1] == "cache" || parts[1] == "log"):
		return "/" + path.Join(parts[:3]...)
	case len(parts) >= 3 && parts[0] == "root" && parts[1] == ".cache":
		return "/root/.cache"
	case len(parts) >= 4 && parts[0] == "home" && parts[2] == ".cache":
		return "/" + path.Join(parts[:3]...)
	}
	return ""
}

// dataDir picks the directory to mount a volume on for an added path: the
// first two levels (/var/lib/postgresql, /data/x -> /data/x), so one
// volume covers a data directory rather than one file.
func dataDir(p string) string {
	parts := strings.Split(strings.Trim(p, "/"), "/")
	switch {
	case len(parts) >= 3 && parts[0] == "var" && parts[1] == "lib":
		return "/" + path.Join(parts[:3]...)
	case len(parts) >= 2:
		return "/" + path.Join(parts[:2]...)
	}
	return path.Dir(p)
}

func driftPath(c Change) bool {
	for _, r := range driftRules {
		if r.id == "DKT-DRIFT-13" || r.id == "DKT-DRIFT-11" {
			continue // temp dirs become tmpfs; history files are harmless to lose
		}
		if strings.Contains(r.kinds, c.Kind) && r.match(c.Path) {
			return true
		}
	}
	return false
}

// collapseDirs sorts dirs and drops those inside another one.
func collapseDirs(set map[string]bool) []string {
	all := sortedKeys(set)
	var out []string
	for _, d := range all {
		if len(out) > 0 && under(d, out[len(out)-1]) {
			continue
		}
		out = append(out, d)
	}
	return out
}

// Harden derives the hardened run command of one container.
func Harden(f *Facts, in *ContainerInput) HardenedCommand {
	x := newCtr(&EngineInput{}, f, in)
	var h HardenedCommand
	add := func(a ...string) { h.Args = append(h.Args, a...) }
	note := func(format string, a ...any) { h.Notes = append(h.Notes, fmt.Sprintf(format, a...)) }

	add("docker", "run", "-d")
	if x.obj.Name != "" {
		add("--name", x.obj.Name)
	}

	// Filesystem.
	add("--read-only")
	if in.Diff == nil {
		add("--tmpfs", "/tmp:rw,noexec,nosuid", "--tmpfs", "/run")
		note("no docker diff available (container not running): /tmp and /run are a guess")
	} else {
		tmpfs, volumes, notes := writablePlan(in.Diff, x.c.Mounts)
		for _, d := range tmpfs {
			if o := tmpfsOpts[d]; o != "" {
				add("--tmpfs", d+":"+o)
			} else {
				add("--tmpfs", d)
			}
		}
		for _, d := range volumes {
			add("-v", volumeName(x.obj.Name, d)+":"+d)
		}
		if len(volumes) > 0 {
			note("it creates files in %s: kept on named volumes", strings.Join(volumes, ", "))
		}
		if slices.Contains(tmpfs, "/tmp") {
			note("/tmp is noexec: drop noexec if the service runs programs from /tmp (some JVM libraries do)")
		}
		h.Notes = append(h.Notes, notes...)
	}
	for _, m := range x.c.Mounts {
		if m.Type == "tmpfs" {
			continue
		}
		src := m.Source
		if m.Type == "volume" && m.Name != "" {
			src = m.Name
		}
		if src == "" {
			continue
		}
		spec := src + ":" + m.Destination
		if !m.RW {
			spec += ":ro"
		}
		add("-v", spec)
		if isRuntimeSocket(m.Source) || isRuntimeSocketDir(m.Source) {
			note("%s is kept because the container uses it, but it is root on the host: prefer a filtering socket proxy", m.Source)
		}
	}
	for _, d := range sortedKeys(x.hc.Tmpfs) {
		if o := x.hc.Tmpfs[d]; o != "" {
			add("--tmpfs", d+":"+o)
		} else {
			add("--tmpfs", d)
		}
	}

	// Privileges.
	add("--cap-drop", "ALL")
	for _, c := range neededCaps(x, &h) {
		add("--cap-add", c)
	}
	add("--security-opt", "no-new-privileges")
	for _, o := range x.hc.SecurityOpt {
		k, v, ok := strings.Cut(o, "=")
		if !ok {
			k, v, _ = strings.Cut(o, ":")
		}
		switch {
		case v == "unconfined" || k == "label" && v == "disable" || k == "no-new-privileges":
			// dropped: an opt-out of a default protection, or already added
		default:
			add("--security-opt", o)
		}
	}
	if x.hc.Privileged {
		note("--privileged dropped: add back only the --cap-add / --device it really uses")
	}
	if x.hc.PidMode.IsHost() || x.hc.IpcMode.IsHost() || x.hc.UTSMode.IsHost() || x.hc.UsernsMode.IsHost() {
		note("host pid/ipc/uts/userns namespaces dropped")
	}
	if _, ok := x.hasSecurityOpt(func(k, v string) bool { return v == "unconfined" }); ok {
		note("unconfined seccomp/AppArmor/systempaths dropped: the default profiles apply")
	}
	if x.hc.CgroupnsMode.IsHost() {
		add("--cgroupns", "private")
	}
	hardenUser(x, &h)

	// Limits.
	add("--memory", memoryFlag(x, &h))
	add("--pids-limit", pidsFlag(x, &h))
	add("--cpus", cpusFlag(x, &h))

	// Devices stay, flagged.
	for _, d := range x.hc.Devices {
		spec := d.PathOnHost + ":" + d.PathInContainer
		if d.CgroupPermissions != "" && d.CgroupPermissions != "rwm" {
			spec += ":" + d.CgroupPermissions
		}
		add("--device", spec)
		note("device %s kept: remove it unless the service needs it", d.PathOnHost)
	}

	// Network and ports.
	switch nm := x.hc.NetworkMode; {
	case nm == "host":
		note("--network host dropped: publish the ports it listens on (see docker top / ss) with -p 127.0.0.1:PORT:PORT")
	case nm == "default" || nm == "bridge" || nm == "":
		note("it uses the default bridge: put it on a user-defined network (docker network create app-net; --network app-net)")
	default:
		add("--network", string(nm))
	}
	rewrote := false
	seen := map[string]bool{}
	for _, p := range x.published() {
		ip := p.hostIP
		if x.wildcard(p) {
			ip, rewrote = "127.0.0.1", true
		}
		if strings.Contains(ip, ":") {
			ip = "[" + ip + "]"
		}
		spec := ip + ":" + p.hostPort + ":" + strconv.Itoa(p.port.Int())
		if p.port.Proto() != "tcp" {
			spec += "/" + p.port.Proto()
		}
		if !seen[spec] {
			seen[spec] = true
			add("-p", spec)
		}
	}
	if rewrote {
		note("ports published on all interfaces are bound to 127.0.0.1: use a specific interface IP or a reverse proxy if it must be reachable from outside")
	}
	if x.hc.PublishAllPorts && len(seen) == 0 {
		note("-P dropped: publish the ports it needs explicitly")
	}

	// Operations.
	switch rp := x.hc.RestartPolicy; rp.Name {
	case "on-failure":
		n := rp.MaximumRetryCount
		if n == 0 || n > 5 {
			n = 5
		}
		add("--restart", fmt.Sprintf("on-failure:%d", n))
	case "always", "unless-stopped":
		add("--restart", string(rp.Name))
	}
	if noHealthcheck(x.cfg.Healthcheck) && (x.img == nil || x.img.Inspect.Config == nil || noHealthcheck(x.img.Inspect.Config.Healthcheck)) {
		note("no healthcheck: add --health-cmd with a probe of the service")
	}
	if x.hc.Init != nil && *x.hc.Init {
		add("--init")
	}
	if n := runtimeEnvCount(x); n > 0 {
		note("plus its %d run-time environment variables (values not shown; pass them with --env-file)", n)
	}

	// Image and command.
	add(pinnedImage(x, &h))
	add(commandArgs(x, &h)...)
	return h
}

func volumeName(container, dir string) string {
	base := strings.ReplaceAll(strings.Trim(dir, "/"), "/", "-")
	if container == "" {
		return base
	}
	return container + "-" + base
}

// neededCaps: what it was given minus the capabilities that are host root,
// plus what its ports and privilege-dropping entrypoint plausibly need.
func neededCaps(x *ctr, h *HardenedCommand) []string {
	set := map[string]bool{}
	var dropped []string
	for _, c := range x.hc.CapAdd {
		n := capName(c)
		if capsCritical[n] {
			dropped = append(dropped, n)
			continue
		}
		set[n] = true
	}
	if len(dropped) > 0 {
		h.Notes = append(h.Notes, "capabilities "+strings.Join(dropped, ", ")+" dropped: they amount to host root; add back one only with a reason")
	}
	for _, p := range containerPorts(x) {
		if p < 1024 {
			set["NET_BIND_SERVICE"] = true
			break
		}
	}
	if isRootUser(x.cfg.User) {
		if x.top != nil && len(x.top.users()) > 1 {
			set["SETUID"], set["SETGID"] = true, true // it switches users itself (see hardenUser's note)
		} else {
			h.Notes = append(h.Notes, "it runs as root: if it fails with EPERM, add back what it needs among CHOWN, DAC_OVERRIDE, FOWNER, SETUID, SETGID")
		}
	}
	out := sortedKeys(set)
	sort.Strings(out)
	return out
}

// containerPorts are the ports the service listens on inside (exposed or
// published).
func containerPorts(x *ctr) []int {
	seen := map[int]bool{}
	var out []int
	for p := range x.cfg.ExposedPorts {
		if n := p.Int(); n > 0 && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	for _, p := range x.published() {
		if n := p.port.Int(); n > 0 && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	sort.Ints(out)
	return out
}

// hardenUser keeps a non-root user, restores the image's non-root user
// when the run overrode it, or proposes the UID the workload already drops
// to. It never invents a user the image may not have.
func hardenUser(x *ctr, h *HardenedCommand) {
	u := x.cfg.User
	if !isRootUser(u) {
		h.Args = append(h.Args, "--user", u)
		return
	}
	if x.img != nil && x.img.Inspect.Config != nil && !isRootUser(x.img.Inspect.Config.User) {
		h.Args = append(h.Args, "--user", x.img.Inspect.Config.User)
		h.Notes = append(h.Notes, "--user "+x.img.Inspect.Config.User+" is the image's own user, which this container overrode with root")
		return
	}
	if x.top != nil && len(x.top.procs) > 0 && len(x.top.rootProcs()) == 0 {
		// The gosu/su-exec pattern: the entrypoint starts as root, sets up
		// and execs the service as one unprivileged UID.
		var numeric []string
		for _, uid := range x.top.users() {
			if _, err := strconv.Atoi(uid); err == nil {
				numeric = append(numeric, uid)
			}
		}
		if len(numeric) == 1 {
			h.Args = append(h.Args, "--user", numeric[0])
			h.Notes = append(h.Notes, "--user "+numeric[0]+" is the UID its processes already run as; its entrypoint may need root for set-up (chown of data dirs), so test it")
			return
		}
	}
	if x.top != nil && len(x.top.users()) > 1 {
		h.Notes = append(h.Notes, "it starts as root and drops to "+strings.Join(x.top.users(), ", ")+" itself: kept as root with SETUID/SETGID; --user works only if the image supports starting unprivileged")
		return
	}
	h.Notes = append(h.Notes, "it runs as root and the image names no other user: add one in the Dockerfile (RUN useradd -r -u 10001 app; USER 10001) and run with --user 10001")
}

const mib = 1 << 20

func memoryFlag(x *ctr, h *HardenedCommand) string {
	if x.hc.Memory > 0 {
		return bytesFlag(x.hc.Memory)
	}
	if x.in.MemUsage > 0 {
		m := 2 * x.in.MemUsage
		m = (m + 64*mib - 1) / (64 * mib) * (64 * mib)
		h.Notes = append(h.Notes, "--memory is twice its observed usage")
		return bytesFlag(m)
	}
	h.Notes = append(h.Notes, "--memory 512m is a placeholder: size it from docker stats")
	return "512m"
}

func bytesFlag(b int64) string {
	switch {
	case b%(1<<30) == 0:
		return strconv.FormatInt(b>>30, 10) + "g"
	case b%mib == 0:
		return strconv.FormatInt(b/mib, 10) + "m"
	case b%1024 == 0:
		return strconv.FormatInt(b/1024, 10) + "k"
	}
	return strconv.FormatInt(b, 10)
}

func pidsFlag(x *ctr, h *HardenedCommand) string {
	if x.hc.PidsLimit != nil && *x.hc.PidsLimit > 0 {
		return strconv.FormatInt(*x.hc.PidsLimit, 10)
	}
	if x.top != nil && len(x.top.procs) > 0 {
		n := max(64, 4*len(x.top.procs))
		h.Notes = append(h.Notes, fmt.Sprintf("--pids-limit %d is four times its %d processes", n, len(x.top.procs)))
		return strconv.Itoa(n)
	}
	return "200"
}

func cpusFlag(x *ctr, h *HardenedCommand) string {
	switch {
	case x.hc.NanoCPUs > 0:
		return strconv.FormatFloat(float64(x.hc.NanoCPUs)/1e9, 'f', -1, 64)
	case x.hc.CPUQuota > 0 && x.hc.CPUPeriod > 0:
		return strconv.FormatFloat(float64(x.hc.CPUQuota)/float64(x.hc.CPUPeriod), 'f', 2, 64)
	}
	h.Notes = append(h.Notes, "--cpus 1 is a placeholder: size it from docker stats")
	return "1"
}

func runtimeEnvCount(x *ctr) int {
	imageEnv := map[string]bool{}
	if x.img != nil && x.img.Inspect.Config != nil {
		for _, kv := range x.img.Inspect.Config.Env {
			imageEnv[kv] = true
		}
	}
	n := 0
	for _, kv := range x.cfg.Env {
		if !imageEnv[kv] {
			n++
		}
	}
	return n
}

// pinnedImage keeps a digest reference, or pins the running image by the
// repo digest the engine recorded when it was pulled.
func pinnedImage(x *ctr, h *HardenedCommand) string {
	ref := x.cfg.Image
	if isPinnedRef(ref) || x.img == nil {
		return ref
	}
	repo := ref
	if i := strings.LastIndex(repo, ":"); i > strings.LastIndex(repo, "/") {
		repo = repo[:i]
	}
	for _, d := range x.img.Inspect.RepoDigests {
		name, digest, ok := strings.Cut(d, "@")
		if ok && (name == repo || normalizeRef(name+":x") == normalizeRef(repo+":x")) {
			h.Notes = append(h.Notes, "image pinned to the digest it runs ("+ref+")")
			return repo + "@" + digest
		}
	}
	h.Notes = append(h.Notes, "image "+ref+" has no registry digest (built or loaded locally): push it and pin image@sha256:...")
	return ref
}

// commandArgs keeps the container's entrypoint and command when they differ
// from the image's.
func commandArgs(x *ctr, h *HardenedCommand) []string {
	var imgEP, imgCmd []string
	if x.img != nil && x.img.Inspect.Config != nil {
		imgEP, imgCmd = x.img.Inspect.Config.Entrypoint, x.img.Inspect.Config.Cmd
	}
	var out []string
	ep := []string(x.cfg.Entrypoint)
	if x.img != nil && !slices.Equal(ep, imgEP) && len(ep) > 0 {
		// --entrypoint takes one word; the rest goes before the command.
		h.Args = append(h.Args[:len(h.Args)-1], "--entrypoint", ep[0], h.Args[len(h.Args)-1])
		out = append(out, ep[1:]...)
		out = append(out, x.cfg.Cmd...)
		return out
	}
	if x.img == nil || !slices.Equal([]string(x.cfg.Cmd), imgCmd) {
		out = append(out, x.cfg.Cmd...)
	}
	return out
}
