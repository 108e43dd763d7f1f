package audit

import (
	"fmt"
	"net"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/go-connections/nat"
)

// ctr is what a container rule sees: the normalized inspect, the engine
// facts and the engine-wide lists it may look things up in.
type ctr struct {
	in  *ContainerInput
	c   container.InspectResponse
	hc  *container.HostConfig
	cfg *container.Config
	f   *Facts
	e   *EngineInput
	obj Object
	img *ImageInput
	top *topView
}

type containerRule func(x *ctr) []Finding

var containerRules = []containerRule{
	ruleRunsAsRoot, ruleAppArmor, ruleSELinux, ruleCaps, rulePrivileged, ruleSensitiveMounts, ruleSSHD,
	rulePrivilegedPorts, rulePublishedPorts, ruleHostNetwork, ruleMemory, ruleCPU, ruleReadOnlyRoot,
	ruleWildcardBind, ruleRestartPolicy, ruleHostPID, ruleHostIPC, ruleDevices, ruleUlimits, rulePropagation,
	ruleHostUTS, ruleSeccompOff, ruleExecPrivileged, ruleExecRoot, ruleCgroupParent, ruleNoNewPrivs,
	ruleHealthcheck, ruleImagePinned, rulePidsLimit, ruleDefaultBridge, ruleHostUserns, ruleSocketMount,
	ruleContainerLogDriver, ruleEnvSecrets, ruleSystemPaths, ruleSysctls, ruleHostCgroupns, ruleDangerousPorts,
	ruleSocketAndPorts, ruleEffectiveUser, ruleOneProcess, ruleCredentialMounts, ruleIPv6Exposure, ruleUnhealthy,
}

// ContainerFindings runs every container rule (not the drift rules, see
// DriftFindings) on one container.
func ContainerFindings(e *EngineInput, f *Facts, in *ContainerInput) []Finding {
	x := newCtr(e, f, in)
	var out []Finding
	for _, r := range containerRules {
		out = append(out, r(x)...)
	}
	return out
}

func newCtr(e *EngineInput, f *Facts, in *ContainerInput) *ctr {
	c := normalized(in.Inspect)
	name := containerName(&c)
	x := &ctr{
		in: in, c: c, hc: c.HostConfig, cfg: c.Config, f: f, e: e, img: in.Image,
		obj: Object{Kind: KindContainer, Name: name, ID: c.ID, Engine: e.Name},
	}
	if in.Top != nil {
		x.top = parseTop(in.Top)
	}
	return x
}

func (x *ctr) finding(id string, sev Severity, evidence string, details ...string) Finding {
	return newFinding(id, x.obj, sev, evidence, details...)
}

func (x *ctr) running() bool { return x.c.State.Running || x.c.State.Paused || x.c.State.Restarting }

func (x *ctr) hasSecurityOpt(pred func(k, v string) bool) (string, bool) {
	for _, o := range x.hc.SecurityOpt {
		// Docker accepts both key=value and the legacy key:value.
		k, v, ok := strings.Cut(o, "=")
		if !ok {
			k, v, _ = strings.Cut(o, ":")
		}
		if pred(strings.TrimSpace(k), strings.TrimSpace(v)) {
			return o, true
		}
	}
	return "", false
}

// ---- docker top ----

type proc struct {
	uid, pid, cmd string
}

type topView struct {
	procs []proc
}

func parseTop(t *container.TopResponse) *topView {
	col := func(names ...string) int {
		for i, title := range t.Titles {
			for _, n := range names {
				if strings.EqualFold(title, n) {
					return i
				}
			}
		}
		return -1
	}
	iu, ip, ic := col("UID", "USER"), col("PID"), col("CMD", "COMMAND")
	tv := &topView{}
	for _, row := range t.Processes {
		get := func(i int) string {
			if i >= 0 && i < len(row) {
				return row[i]
			}
			return ""
		}
		tv.procs = append(tv.procs, proc{uid: get(iu), pid: get(ip), cmd: get(ic)})
	}
	return tv
}

func isRootUID(u string) bool { return u == "root" || u == "0" }

// rootProcs and userProcs split processes by effective user.
func (t *topView) rootProcs() []proc {
	var out []proc
	for _, p := range t.procs {
		if isRootUID(p.uid) {
			out = append(out, p)
		}
	}
	return out
}

func (t *topView) users() []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range t.procs {
		if p.uid != "" && !seen[p.uid] {
			seen[p.uid] = true
			out = append(out, p.uid)
		}
	}
	return out
}

// ---- ports ----

type pubPort struct {
	port     nat.Port // container port, "80/tcp"
	hostIP   string
	hostPort string
}

func (p pubPort) String() string {
	ip := p.hostIP
	if strings.Contains(ip, ":") {
		ip = "[" + ip + "]"
	}
	if ip == "" {
		ip = "*"
	}
	hp := p.hostPort
	if hp == "" {
		hp = "random"
	}
	return ip + ":" + hp + "->" + string(p.port)
}

// published returns the container's published ports: the live bindings
// when running (they show the real host IP and port), else what was asked
// for at create time.
func (x *ctr) published() []pubPort {
	src := x.c.NetworkSettings.Ports
	if !x.running() || len(src) == 0 {
		src = x.hc.PortBindings
	}
	var out []pubPort
	for _, port := range sortedPorts(src) {
		for _, b := range src[port] {
			out = append(out, pubPort{port: port, hostIP: b.HostIP, hostPort: b.HostPort})
		}
	}
	return out
}

func sortedPorts(m nat.PortMap) []nat.Port {
	out := make([]nat.Port, 0, len(m))
	for p := range m {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Int() != out[j].Int() {
			return out[i].Int() < out[j].Int()
		}
		return out[i].Proto() < out[j].Proto()
	})
	return out
}

func (x *ctr) wildcard(p pubPort) bool {
	def := x.f.DefaultBindIP
	if !x.f.BridgeKnown {
		def = ""
	}
	return allInterfaces(p.hostIP, def)
}

// ---- mounts ----

// runtimeSockets are the sockets that hand out a container runtime's API.
var runtimeSockets = map[string]bool{
	"docker.sock": true, "containerd.sock": true, "podman.sock": true, "crio.sock": true,
	"cri-dockerd.sock": true, "dockershim.sock": true, "buildkitd.sock": true,
}

func isRuntimeSocket(p string) bool { return p != "" && runtimeSockets[path.Base(p)] }

// isRuntimeSocketDir: a bind of /run or /var/run (or the docker/containerd
// directories in them) carries the socket along.
func isRuntimeSocketDir(p string) bool {
	switch path.Clean(p) {
	case "/run", "/var/run", "/run/docker", "/var/run/docker", "/run/containerd", "/var/run/containerd", "/run/podman", "/var/run/podman":
		return true
	}
	return false
}

// ---- rules ----

// CIS-4.1: the container's effective user (Config.User already carries the
// image's USER when --user was not given).
func ruleRunsAsRoot(x *ctr) []Finding {
	if !isRootUser(x.cfg.User) {
		return nil
	}
	ev := fmt.Sprintf("Config.User=%q", x.cfg.User)
	if x.cfg.User == "" {
		ev = `Config.User="" (image and run set no user: root)`
	}
	sev := SevMedium
	switch {
	case (x.f.Userns && !x.hc.UsernsMode.IsHost()) || x.f.Rootless:
		sev = SevLow
		ev += "; the daemon remaps root (userns/rootless)"
	case x.top != nil && len(x.top.procs) > 0 && len(x.top.rootProcs()) == 0:
		// gosu/su-exec pattern: the entrypoint starts as root and drops.
		sev = SevLow
		ev += "; docker top: workload runs as " + strings.Join(x.top.users(), ",")
	}
	return one(x.finding("CIS-4.1", sev, ev))
}

// CIS-5.2: only where AppArmor exists (docker-bench warns on every
// non-AppArmor host, #320).
func ruleAppArmor(x *ctr) []Finding {
	if !x.f.AppArmor {
		return nil
	}
	if o, ok := x.hasSecurityOpt(func(k, v string) bool { return k == "apparmor" && v == "unconfined" }); ok {
		return one(x.finding("CIS-5.2", SevHigh, "HostConfig.SecurityOpt="+o))
	}
	switch {
	case x.hc.Privileged:
		return one(x.finding("CIS-5.2", SevHigh, "HostConfig.Privileged=true (AppArmor unconfined)"))
	case x.c.AppArmorProfile == "unconfined":
		return one(x.finding("CIS-5.2", SevHigh, "AppArmorProfile=unconfined"))
	case x.c.AppArmorProfile == "" && x.running():
		return one(x.finding("CIS-5.2", SevMedium, `AppArmorProfile="" on an AppArmor host`))
	}
	return nil
}

// CIS-5.3: only where SELinux is enabled.
func ruleSELinux(x *ctr) []Finding {
	if !x.f.SELinux {
		return nil
	}
	if o, ok := x.hasSecurityOpt(func(k, v string) bool { return k == "label" && (v == "disable" || strings.Contains(v, "spc_t")) }); ok {
		return one(x.finding("CIS-5.3", SevHigh, "HostConfig.SecurityOpt="+o))
	}
	switch {
	case x.hc.Privileged:
		return one(x.finding("CIS-5.3", SevHigh, "HostConfig.Privileged=true (SELinux label spc_t)"))
	case strings.Contains(x.c.ProcessLabel, "spc_t"):
		return one(x.finding("CIS-5.3", SevHigh, "ProcessLabel="+x.c.ProcessLabel))
	case x.c.ProcessLabel == "" && x.running():
		return one(x.finding("CIS-5.3", SevHigh, `ProcessLabel="" on an SELinux host`))
	}
	return nil
}

// CIS-5.4 (+ docker-bench C.5.3.1-4)
func ruleCaps(x *ctr) []Finding {
	if x.hc.Privileged {
		return nil // CIS-5.5 says it all
	}
	sev := SevInfo
	var caps, dbs []string
	for _, c := range x.hc.CapAdd {
		n := capName(c)
		s, bad := capSeverity(n)
		if !bad {
			continue
		}
		caps = append(caps, n)
		sev = maxSev(sev, s)
		if a, ok := dbsAlias[n]; ok {
			dbs = append(dbs, a+" "+n)
		}
		if n == "ALL" {
			for _, k := range sortedKeys(dbsAlias) {
				dbs = append(dbs, dbsAlias[k]+" "+k+" (via ALL)")
			}
		}
	}
	if len(caps) == 0 {
		return nil
	}
	f := x.finding("CIS-5.4", sev, "HostConfig.CapAdd=["+strings.Join(caps, " ")+"]", dbs...)
	f.Remediation = "docker run --cap-drop=ALL and add back only what is needed instead of --cap-add " + strings.Join(caps, " --cap-add ")
	return one(f)
}

// CIS-5.5
func rulePrivileged(x *ctr) []Finding {
	if !x.hc.Privileged {
		return nil
	}
	return one(x.finding("CIS-5.5", SevCritical, "HostConfig.Privileged=true"))
}

// Host paths whose write access is host root (critical), read access a
// leak (high).
var sensitiveDirs = []string{"/etc", "/root", "/boot", "/var/lib/docker", "/var/lib/containerd", "/proc", "/sys", "/dev", "/usr", "/lib", "/lib64", "/bin", "/sbin"}

// Host paths that are sensitive whatever the mode.
var sensitiveAnyMode = []string{"/run", "/var/run", "/var/log"}

// Common, harmless binds inside sensitive dirs: the syslog socket, the
// null/random devices, and read-only time zone files.
var benignMounts = map[string]bool{"/dev/log": true, "/dev/null": true, "/dev/zero": true, "/dev/random": true, "/dev/urandom": true}
var benignReadOnly = []string{"/etc/localtime", "/etc/timezone", "/usr/share/zoneinfo", "/etc/hosts", "/etc/resolv.conf", "/etc/machine-id"}

// CIS-5.6: prefix match on the host side (docker-bench matched whole tokens
// and so missed sub-paths and read-only mounts, #212).
func ruleSensitiveMounts(x *ctr) []Finding {
	sev := SevInfo
	var details []string
	for _, m := range x.c.Mounts {
		if m.Type != "" && m.Type != "bind" {
			continue
		}
		src := path.Clean(m.Source)
		if m.Source == "" || isRuntimeSocket(src) || isRuntimeSocketDir(src) || benignMounts[src] {
			continue // CIS-5.32 covers runtime sockets
		}
		mode := "ro"
		if m.RW {
			mode = "rw"
		}
		line := fmt.Sprintf("%s -> %s (%s)", src, m.Destination, mode)
		if src == "/" {
			details = append(details, line)
			sev = SevCritical
			continue
		}
		matched := false
		for _, d := range sensitiveDirs {
			if under(src, d) {
				matched = true
				break
			}
		}
		if !matched {
			for _, d := range sensitiveAnyMode {
				if under(src, d) {
					details = append(details, line)
					sev = maxSev(sev, SevHigh)
					break
				}
			}
			if isHomeSSH(src) {
				details = append(details, line)
				sev = maxSev(sev, SevHigh)
			}
			continue
		}
		if !m.RW {
			benign := false
			for _, b := range benignReadOnly {
				if under(src, b) {
					benign = true
				}
			}
			if benign {
				continue
			}
			details = append(details, line)
			sev = maxSev(sev, SevHigh)
			continue
		}
		details = append(details, line)
		sev = SevCritical
	}
	if len(details) == 0 {
		return nil
	}
	return one(x.finding("CIS-5.6", sev, "Mounts: "+joinLimit(details, 2), details...))
}

func isHomeSSH(p string) bool {
	parts := strings.Split(strings.Trim(p, "/"), "/")
	for i, s := range parts {
		if s == ".ssh" && i >= 1 {
			return true
		}
	}
	return false
}

// CIS-5.7: from processes (docker top, no exec: docker-bench's `exec ps`
// fails on images without ps, #126) and port 22.
func ruleSSHD(x *ctr) []Finding {
	if x.top != nil {
		for _, p := range x.top.procs {
			base := path.Base(strings.Fields(p.cmd + " x")[0])
			if base == "sshd" || strings.HasPrefix(base, "sshd:") || base == "dropbear" {
				return one(x.finding("CIS-5.7", SevMedium, fmt.Sprintf("docker top: PID %s %s", p.pid, p.cmd)))
			}
		}
	}
	if _, ok := x.cfg.ExposedPorts["22/tcp"]; ok {
		return one(x.finding("CIS-5.7", SevMedium, "Config.ExposedPorts has 22/tcp"))
	}
	for _, p := range x.published() {
		if p.port == "22/tcp" {
			return one(x.finding("CIS-5.7", SevMedium, "port published: "+p.String()))
		}
	}
	return nil
}

// CIS-5.8: CIS says below 1024; docker-bench's `-lt 1025` was off by one.
func rulePrivilegedPorts(x *ctr) []Finding {
	var bad []string
	for _, p := range x.published() {
		n, err := strconv.Atoi(p.hostPort)
		if err == nil && n > 0 && n < 1024 {
			bad = append(bad, p.String())
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return one(x.finding("CIS-5.8", SevLow, "host port < 1024: "+joinLimit(bad, 4), bad...))
}

// CIS-5.9
func rulePublishedPorts(x *ctr) []Finding {
	pubs := x.published()
	if x.hc.PublishAllPorts {
		return one(x.finding("CIS-5.9", SevLow, "HostConfig.PublishAllPorts=true (-P)"))
	}
	if len(pubs) == 0 {
		return nil
	}
	var undeclared, all []string
	for _, p := range pubs {
		all = append(all, p.String())
		if x.img != nil && x.img.Inspect.Config != nil {
			if _, ok := x.img.Inspect.Config.ExposedPorts[string(p.port)]; !ok {
				undeclared = append(undeclared, p.String())
			}
		}
	}
	if len(undeclared) > 0 {
		return one(x.finding("CIS-5.9", SevLow, "published but not declared by the image: "+joinLimit(undeclared, 4), all...))
	}
	return one(x.finding("CIS-5.9", SevInfo, "published: "+joinLimit(all, 4), all...))
}

// CIS-5.10
func ruleHostNetwork(x *ctr) []Finding {
	if x.hc.NetworkMode != "host" {
		return nil
	}
	return one(x.finding("CIS-5.10", SevHigh, "HostConfig.NetworkMode=host"))
}

// CIS-5.11 (+ DKT-CTR-09 OOM killer disabled without a limit)
func ruleMemory(x *ctr) []Finding {
	if x.hc.Memory > 0 {
		return nil
	}
	if x.hc.OomKillDisable != nil && *x.hc.OomKillDisable {
		return one(x.finding("CIS-5.11", SevHigh, "HostConfig.Memory=0 and HostConfig.OomKillDisable=true (DKT-CTR-09)"))
	}
	return one(x.finding("CIS-5.11", SevMedium, "HostConfig.Memory=0"))
}

// CIS-5.12: --cpus (NanoCpus), quotas and cpusets count too (docker-bench
// #510 missed NanoCpus).
func ruleCPU(x *ctr) []Finding {
	if x.hc.NanoCPUs > 0 || x.hc.CPUQuota > 0 || x.hc.CpusetCpus != "" || x.hc.CPUShares > 0 && x.hc.CPUShares != 1024 {
		return nil
	}
	return one(x.finding("CIS-5.12", SevLow, "HostConfig NanoCpus=0, CpuQuota=0, CpusetCpus=\"\", CpuShares default"))
}

// CIS-5.13, with the directories the container writes (from its diff).
func ruleReadOnlyRoot(x *ctr) []Finding {
	if x.hc.ReadonlyRootfs {
		return nil
	}
	f := x.finding("CIS-5.13", SevMedium, "HostConfig.ReadonlyRootfs=false")
	if x.in.Diff != nil {
		tmpfs, volumes, _ := writablePlan(x.in.Diff, x.c.Mounts)
		var flags []string
		for _, d := range tmpfs {
			flags = append(flags, "--tmpfs "+d)
		}
		for _, d := range volumes {
			flags = append(flags, "-v <volume>:"+d)
		}
		if len(flags) > 0 {
			f.Remediation = "docker run --read-only " + strings.Join(flags, " ") + " (from what docker diff shows it writes)"
			f.Details = []string{"writes seen in docker diff: " + joinLimit(append(tmpfs, volumes...), 6)}
		} else {
			f.Remediation = "docker run --read-only --tmpfs /tmp (docker diff shows no writes to the root filesystem)"
		}
	}
	return one(f)
}

// CIS-5.14: 0.0.0.0, :: and "" (the daemon default, itself 0.0.0.0 unless
// "ip" is set) all mean every interface; docker-bench ignored IPv6.
func ruleWildcardBind(x *ctr) []Finding {
	if x.hc.NetworkMode == "host" {
		return nil
	}
	var bad []string
	for _, p := range x.published() {
		if x.wildcard(p) {
			bad = append(bad, p.String())
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return one(x.finding("CIS-5.14", SevMedium, "published on all interfaces: "+joinLimit(bad, 4), bad...))
}

// CIS-5.15: judged by the policy name (MaximumRetryCount is 0 for every
// other policy, moby #10809; docker-bench #521/#538).
func ruleRestartPolicy(x *ctr) []Finding {
	rp := x.hc.RestartPolicy
	if rp.Name != "on-failure" {
		return nil
	}
	if rp.MaximumRetryCount == 0 {
		return one(x.finding("CIS-5.15", SevLow, "HostConfig.RestartPolicy=on-failure with MaximumRetryCount=0 (unlimited)"))
	}
	if rp.MaximumRetryCount > 5 {
		return one(x.finding("CIS-5.15", SevLow, fmt.Sprintf("HostConfig.RestartPolicy=on-failure:%d (> 5)", rp.MaximumRetryCount)))
	}
	return nil
}

func (x *ctr) hasCap(n string) bool {
	for _, c := range x.hc.CapAdd {
		if cn := capName(c); cn == n || cn == "ALL" {
			return true
		}
	}
	return x.hc.Privileged
}

// CIS-5.16
func ruleHostPID(x *ctr) []Finding {
	switch {
	case x.hc.PidMode.IsHost():
		if x.hasCap("SYS_PTRACE") {
			return one(x.finding("CIS-5.16", SevCritical, "HostConfig.PidMode=host with SYS_PTRACE"))
		}
		return one(x.finding("CIS-5.16", SevHigh, "HostConfig.PidMode=host"))
	case x.hc.PidMode.IsContainer():
		return one(x.finding("CIS-5.16", SevInfo, "HostConfig.PidMode="+string(x.hc.PidMode)))
	}
	return nil
}

// CIS-5.17: "shareable" only allows others to join and is the default on
// some daemons (default-ipc-mode), so it is not reported.
func ruleHostIPC(x *ctr) []Finding {
	switch {
	case x.hc.IpcMode.IsHost():
		return one(x.finding("CIS-5.17", SevHigh, "HostConfig.IpcMode=host"))
	case x.hc.IpcMode.IsContainer():
		return one(x.finding("CIS-5.17", SevInfo, "HostConfig.IpcMode="+string(x.hc.IpcMode)))
	}
	return nil
}

// rawDevice: block devices and kernel memory.
func rawDevice(p string) bool {
	b := path.Base(p)
	switch b {
	case "mem", "kmem", "port":
		return true
	}
	for _, pre := range []string{"sd", "nvme", "vd", "xvd", "hd", "dm-", "loop", "md", "mmcblk", "nbd"} {
		if strings.HasPrefix(b, pre) {
			return true
		}
	}
	return strings.HasPrefix(p, "/dev/mapper/") || strings.HasPrefix(p, "/dev/disk/")
}

// CIS-5.18
func ruleDevices(x *ctr) []Finding {
	if x.hc.Privileged {
		return nil // CIS-5.5 includes every device
	}
	sev := SevInfo
	var details []string
	for _, d := range x.hc.Devices {
		line := fmt.Sprintf("Devices %s -> %s (%s)", d.PathOnHost, d.PathInContainer, d.CgroupPermissions)
		details = append(details, line)
		if rawDevice(d.PathOnHost) {
			sev = maxSev(sev, SevHigh)
		} else {
			sev = maxSev(sev, SevMedium)
		}
	}
	for _, r := range x.hc.DeviceCgroupRules {
		details = append(details, "DeviceCgroupRules "+r)
		f := strings.Fields(r)
		if len(f) > 0 && (f[0] == "a" || len(f) > 1 && strings.HasPrefix(f[1], "*:*")) {
			sev = maxSev(sev, SevHigh)
		} else {
			sev = maxSev(sev, SevMedium)
		}
	}
	for _, r := range x.hc.DeviceRequests {
		details = append(details, fmt.Sprintf("DeviceRequests driver=%s count=%d caps=%v", r.Driver, r.Count, r.Capabilities))
	}
	if len(details) == 0 {
		return nil
	}
	return one(x.finding("CIS-5.18", sev, joinLimit(details, 2), details...))
}

// CIS-5.19: information only when overridden; an empty list is not a
// finding (docker-bench's inverted check, #21).
func ruleUlimits(x *ctr) []Finding {
	if len(x.hc.Ulimits) == 0 {
		return nil
	}
	var l []string
	for _, u := range x.hc.Ulimits {
		if u != nil {
			l = append(l, fmt.Sprintf("%s=%d:%d", u.Name, u.Soft, u.Hard))
		}
	}
	return one(x.finding("CIS-5.19", SevInfo, "HostConfig.Ulimits "+strings.Join(l, " ")))
}

// CIS-5.20
func rulePropagation(x *ctr) []Finding {
	var bad []string
	for _, m := range x.c.Mounts {
		if p := string(m.Propagation); p == "shared" || p == "rshared" {
			bad = append(bad, fmt.Sprintf("%s -> %s (%s)", m.Source, m.Destination, p))
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return one(x.finding("CIS-5.20", SevMedium, "Mounts propagation: "+joinLimit(bad, 2), bad...))
}

// CIS-5.21
func ruleHostUTS(x *ctr) []Finding {
	if !x.hc.UTSMode.IsHost() {
		return nil
	}
	return one(x.finding("CIS-5.21", SevMedium, "HostConfig.UTSMode=host"))
}

// CIS-5.22
func ruleSeccompOff(x *ctr) []Finding {
	if o, ok := x.hasSecurityOpt(func(k, v string) bool { return k == "seccomp" && v == "unconfined" }); ok {
		return one(x.finding("CIS-5.22", SevHigh, "HostConfig.SecurityOpt="+o))
	}
	if x.hc.Privileged {
		return one(x.finding("CIS-5.22", SevHigh, "HostConfig.Privileged=true (disables seccomp)"))
	}
	return nil
}

// CIS-5.23
func ruleExecPrivileged(x *ctr) []Finding {
	var l []string
	for _, ex := range x.in.Execs {
		if ex.Privileged {
			l = append(l, fmt.Sprintf("exec %s privileged=true %s", shortID(ex.ID), ex.Command))
		}
	}
	if len(l) == 0 {
		return nil
	}
	return one(x.finding("CIS-5.23", SevHigh, joinLimit(l, 2), l...))
}

// CIS-5.24: an exec with an explicit root user. An exec without -u into a
// container that already runs as root is CIS-4.1's finding, not this one.
func ruleExecRoot(x *ctr) []Finding {
	var l []string
	for _, ex := range x.in.Execs {
		if ex.User != "" && isRootUser(ex.User) {
			l = append(l, fmt.Sprintf("exec %s user=%s %s", shortID(ex.ID), ex.User, ex.Command))
		}
	}
	if len(l) == 0 {
		return nil
	}
	return one(x.finding("CIS-5.24", SevMedium, joinLimit(l, 2), l...))
}

// CIS-5.25
func ruleCgroupParent(x *ctr) []Finding {
	if x.hc.CgroupParent == "" {
		return nil
	}
	return one(x.finding("CIS-5.25", SevLow, "HostConfig.CgroupParent="+x.hc.CgroupParent))
}

// CIS-5.26: per container, unless the daemon sets it (Engine >= 24 tells);
// on older engines the daemon-wide setting is invisible, so the finding is
// information ("unknown"), not a warning (docker-bench #492).
func ruleNoNewPrivs(x *ctr) []Finding {
	if o, ok := x.hasSecurityOpt(func(k, v string) bool { return k == "no-new-privileges" && v == "false" }); ok {
		return one(x.finding("CIS-5.26", SevMedium, "HostConfig.SecurityOpt="+o+" (explicit opt-out)"))
	}
	if _, ok := x.hasSecurityOpt(func(k, v string) bool { return k == "no-new-privileges" && (v == "" || v == "true") }); ok {
		return nil
	}
	if x.f.DaemonNNP {
		return nil
	}
	if !x.f.NNPVisible {
		return one(x.finding("CIS-5.26", SevInfo, "HostConfig.SecurityOpt has no no-new-privileges; a daemon-wide setting is not reported by Engine "+orUnknown(x.f.Version)+" (< 24): check daemon.json"))
	}
	return one(x.finding("CIS-5.26", SevMedium, "HostConfig.SecurityOpt has no no-new-privileges and the daemon does not set it"))
}

func orUnknown(s string) string {
	if s == "" {
		return "(unknown version)"
	}
	return s
}

func noHealthcheck(h *container.HealthConfig) bool {
	return h == nil || len(h.Test) == 0 || h.Test[0] == "NONE"
}

// CIS-5.27
func ruleHealthcheck(x *ctr) []Finding {
	if x.c.State.Health != nil || !noHealthcheck(x.cfg.Healthcheck) {
		return nil
	}
	ev := "Config.Healthcheck is not set"
	if x.cfg.Healthcheck != nil && len(x.cfg.Healthcheck.Test) > 0 {
		ev = "Config.Healthcheck.Test=[NONE]"
	}
	return one(x.finding("CIS-5.27", SevLow, ev))
}

// normalizeRef turns an image reference into the form RepoTags use:
// "nginx" -> "nginx:latest", "docker.io/library/nginx:1" -> "nginx:1".
func normalizeRef(ref string) string {
	ref = strings.TrimPrefix(ref, "docker.io/")
	ref = strings.TrimPrefix(ref, "index.docker.io/")
	ref = strings.TrimPrefix(ref, "library/")
	if strings.Contains(ref, "@") {
		return ref
	}
	slash := strings.LastIndex(ref, "/")
	if !strings.Contains(ref[slash+1:], ":") {
		ref += ":latest"
	}
	return ref
}

func refTag(ref string) string {
	ref = normalizeRef(ref)
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		return ref[i+1:]
	}
	return ""
}

func isPinnedRef(ref string) bool {
	if strings.Contains(ref, "@sha256:") || strings.HasPrefix(ref, "sha256:") {
		return true
	}
	// A bare image ID is immutable too.
	if len(ref) >= 12 && len(ref) <= 64 && strings.Trim(ref, "0123456789abcdef") == "" {
		return true
	}
	return false
}

// CIS-5.28 (+ DKT-IMG-02 stale image)
func ruleImagePinned(x *ctr) []Finding {
	ref := x.cfg.Image
	if ref == "" || isPinnedRef(ref) {
		return nil
	}
	norm := normalizeRef(ref)
	for _, im := range x.e.Images {
		for _, t := range im.RepoTags {
			if t == norm && im.ID != x.c.Image && x.c.Image != "" {
				return one(x.finding("CIS-5.28", SevLow, fmt.Sprintf("Config.Image=%s now points to %s but the container runs %s (DKT-IMG-02)", ref, shortID(im.ID), shortID(x.c.Image))))
			}
		}
	}
	if refTag(ref) == "latest" {
		return one(x.finding("CIS-5.28", SevInfo, "Config.Image="+ref+" (latest, not pinned by digest)"))
	}
	return one(x.finding("CIS-5.28", SevInfo, "Config.Image="+ref+" (not pinned by digest)"))
}

// CIS-5.29: nil, 0 and -1 all mean unlimited.
func rulePidsLimit(x *ctr) []Finding {
	if x.hc.PidsLimit != nil && *x.hc.PidsLimit > 0 {
		return nil
	}
	v := "null"
	if x.hc.PidsLimit != nil {
		v = strconv.FormatInt(*x.hc.PidsLimit, 10)
	}
	return one(x.finding("CIS-5.29", SevMedium, "HostConfig.PidsLimit="+v))
}

// CIS-5.30
func ruleDefaultBridge(x *ctr) []Finding {
	_, onBridge := x.c.NetworkSettings.Networks["bridge"]
	if !onBridge && x.hc.NetworkMode != "default" && x.hc.NetworkMode != "bridge" {
		return nil
	}
	if x.hc.NetworkMode.IsNone() || x.hc.NetworkMode == "host" || x.hc.NetworkMode.IsContainer() {
		return nil
	}
	if x.f.ICC {
		return one(x.finding("CIS-5.30", SevMedium, "attached to the default bridge with icc enabled (CIS-2.2)"))
	}
	return one(x.finding("CIS-5.30", SevLow, "attached to the default bridge"))
}

// CIS-5.31
func ruleHostUserns(x *ctr) []Finding {
	if !x.hc.UsernsMode.IsHost() {
		return nil
	}
	if x.f.Userns {
		return one(x.finding("CIS-5.31", SevMedium, "HostConfig.UsernsMode=host on a userns-remap daemon"))
	}
	return one(x.finding("CIS-5.31", SevInfo, "HostConfig.UsernsMode=host (no effect: the daemon does not remap)"))
}

func (x *ctr) socketMounts() []string {
	var out []string
	for _, m := range x.c.Mounts {
		if isRuntimeSocket(m.Source) || isRuntimeSocket(m.Destination) || isRuntimeSocketDir(m.Source) {
			mode := "ro"
			if m.RW {
				mode = "rw"
			}
			out = append(out, fmt.Sprintf("%s -> %s (%s)", m.Source, m.Destination, mode))
		}
	}
	return out
}

// CIS-5.32: critical even with :ro, which does not restrict API calls.
func ruleSocketMount(x *ctr) []Finding {
	socks := x.socketMounts()
	var host string
	for _, kv := range x.cfg.Env {
		if k, v, _ := strings.Cut(kv, "="); k == "DOCKER_HOST" && v != "" {
			host = v
		}
	}
	switch {
	case len(socks) > 0:
		details := socks
		if host != "" {
			details = append(details, "Config.Env DOCKER_HOST="+host)
		}
		return one(x.finding("CIS-5.32", SevCritical, "Mounts: "+joinLimit(socks, 2), details...))
	case host != "":
		return one(x.finding("CIS-5.32", SevHigh, "Config.Env DOCKER_HOST="+host+" (the container drives a Docker engine)"))
	}
	return nil
}

// CIS-2.13, per container: logging turned off entirely.
func ruleContainerLogDriver(x *ctr) []Finding {
	if x.hc.LogConfig.Type != "none" {
		return nil
	}
	return one(x.finding("CIS-2.13", SevLow, "HostConfig.LogConfig.Type=none"))
}

// DKT-CTR-01: secrets set at run time. Env inherited unchanged from the
// image is the image's finding (CIS-4.10), not the container's.
func ruleEnvSecrets(x *ctr) []Finding {
	imageEnv := map[string]bool{}
	if x.img != nil && x.img.Inspect.Config != nil {
		for _, kv := range x.img.Inspect.Config.Env {
			imageEnv[kv] = true
		}
	}
	var own []string
	for _, kv := range x.cfg.Env {
		if !imageEnv[kv] {
			own = append(own, kv)
		}
	}
	names := secretEnv(own)
	if len(names) == 0 {
		return nil
	}
	return one(x.finding("DKT-CTR-01", SevHigh, "Config.Env "+maskedEnv(names)))
}

// DKT-CTR-02
func ruleSystemPaths(x *ctr) []Finding {
	if o, ok := x.hasSecurityOpt(func(k, v string) bool { return k == "systempaths" && v == "unconfined" }); ok {
		return one(x.finding("DKT-CTR-02", SevHigh, "HostConfig.SecurityOpt="+o))
	}
	return nil
}

// ipcSysctls are the IPC-namespaced kernel.* keys Docker accepts.
func ipcSysctl(k string) bool {
	switch k {
	case "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced":
		return true
	}
	return strings.HasPrefix(k, "fs.mqueue.")
}

// DKT-CTR-03: namespaced sysctls are harmless on a private namespace; on a
// namespace shared with the host they change the host.
func ruleSysctls(x *ctr) []Finding {
	var bad []string
	for _, k := range sortedKeys(x.hc.Sysctls) {
		v := x.hc.Sysctls[k]
		switch {
		case ipcSysctl(k) && x.hc.IpcMode.IsHost():
			bad = append(bad, fmt.Sprintf("%s=%s with IpcMode=host", k, v))
		case strings.HasPrefix(k, "kernel.") && !ipcSysctl(k):
			bad = append(bad, fmt.Sprintf("%s=%s (not namespaced)", k, v))
		case strings.HasPrefix(k, "net.") && x.hc.NetworkMode == "host":
			bad = append(bad, fmt.Sprintf("%s=%s with NetworkMode=host", k, v))
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return one(x.finding("DKT-CTR-03", SevMedium, "HostConfig.Sysctls "+joinLimit(bad, 2), bad...))
}

// DKT-CTR-04
func ruleHostCgroupns(x *ctr) []Finding {
	if !x.hc.CgroupnsMode.IsHost() {
		return nil
	}
	return one(x.finding("DKT-CTR-04", SevMedium, "HostConfig.CgroupnsMode=host"))
}

// dangerousPorts are admin, database and cache ports (DKT-CTR-05).
var dangerousPorts = map[int]string{
	2375: "Docker API (plain)", 2376: "Docker API (TLS)", 22: "SSH", 3306: "MySQL", 5432: "PostgreSQL",
	6379: "Redis", 27017: "MongoDB", 9200: "Elasticsearch", 11211: "memcached",
}

// DKT-CTR-05
func ruleDangerousPorts(x *ctr) []Finding {
	if x.hc.NetworkMode == "host" {
		return nil
	}
	sev := SevInfo
	var bad []string
	for _, p := range x.published() {
		if !x.wildcard(p) {
			continue
		}
		hp, _ := strconv.Atoi(p.hostPort)
		for _, n := range []int{p.port.Int(), hp} {
			if what, ok := dangerousPorts[n]; ok {
				bad = append(bad, p.String()+" "+what)
				if n == 2375 {
					sev = SevCritical
				} else {
					sev = maxSev(sev, SevHigh)
				}
				break
			}
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return one(x.finding("DKT-CTR-05", sev, joinLimit(bad, 3), bad...))
}

// DKT-CTR-06
func ruleSocketAndPorts(x *ctr) []Finding {
	socks := x.socketMounts()
	if len(socks) == 0 {
		return nil
	}
	var reach string
	switch {
	case x.hc.NetworkMode == "host":
		reach = "NetworkMode=host"
	case x.hc.PublishAllPorts:
		reach = "PublishAllPorts=true"
	default:
		var ports []string
		for _, p := range x.published() {
			ports = append(ports, p.String())
		}
		if len(ports) == 0 {
			return nil
		}
		reach = "ports " + joinLimit(ports, 3)
	}
	return one(x.finding("DKT-CTR-06", SevCritical, "socket "+socks[0]+" and "+reach))
}

// DKT-CTR-07: the configured user is not root but docker top shows UID 0.
func ruleEffectiveUser(x *ctr) []Finding {
	if x.top == nil || isRootUser(x.cfg.User) || x.f.Userns || x.f.Rootless {
		return nil
	}
	roots := x.top.rootProcs()
	if len(roots) == 0 {
		return nil
	}
	p := roots[0]
	return one(x.finding("DKT-CTR-07", SevMedium, fmt.Sprintf("Config.User=%q but docker top: PID %s runs as %s: %s", x.cfg.User, p.pid, p.uid, p.cmd)))
}

var initSystems = map[string]bool{"systemd": true, "init": true, "supervisord": true, "s6-svscan": true, "runsvdir": true, "/init": true, "runit": true}
var shellsAndReapers = map[string]bool{"sh": true, "bash": true, "ash": true, "dash": true, "zsh": true, "tini": true, "dumb-init": true, "docker-init": true, "catatonit": true, "sleep": true}

// DKT-CTR-08
func ruleOneProcess(x *ctr) []Finding {
	argv := append(append([]string{}, x.cfg.Entrypoint...), x.cfg.Cmd...)
	for i, a := range argv {
		if i > 1 {
			break
		}
		b := path.Base(a)
		if a == "/init" {
			b = "/init"
		}
		if b == "systemd" || a == "/sbin/init" || a == "/lib/systemd/systemd" {
			return one(x.finding("DKT-CTR-08", SevMedium, "entrypoint/cmd runs "+a+" (an init system usually needs privileges)"))
		}
		if initSystems[b] {
			return one(x.finding("DKT-CTR-08", SevInfo, "entrypoint/cmd runs "+a+" (process supervisor)"))
		}
	}
	if x.top == nil {
		return nil
	}
	names := map[string]bool{}
	for _, p := range x.top.procs {
		fields := strings.Fields(p.cmd)
		if len(fields) == 0 {
			continue
		}
		b := strings.TrimSuffix(path.Base(fields[0]), ":")
		if initSystems[b] {
			return one(x.finding("DKT-CTR-08", SevInfo, fmt.Sprintf("docker top: PID %s %s (process supervisor)", p.pid, p.cmd)))
		}
		if !shellsAndReapers[b] {
			names[b] = true
		}
	}
	if len(names) >= 3 {
		return one(x.finding("DKT-CTR-08", SevInfo, "docker top: "+strconv.Itoa(len(names))+" different programs: "+joinLimit(sortedKeys(names), 4)))
	}
	return nil
}

var credentialDirs = []string{".ssh", ".aws", ".kube", ".docker", ".gnupg", ".azure", ".config/gcloud"}

// DKT-CTR-10
func ruleCredentialMounts(x *ctr) []Finding {
	var bad []string
	for _, m := range x.c.Mounts {
		if m.Type != "" && m.Type != "bind" || isRuntimeSocket(m.Source) {
			continue
		}
		src := path.Clean(m.Source)
		hit := under(src, "/etc/ssl/private")
		for _, d := range credentialDirs {
			if strings.Contains(src+"/", "/"+d+"/") {
				hit = true
			}
		}
		if hit {
			bad = append(bad, fmt.Sprintf("%s -> %s", m.Source, m.Destination))
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return one(x.finding("DKT-CTR-10", SevHigh, "Mounts: "+joinLimit(bad, 2), bad...))
}

// DKT-CTR-12
func ruleIPv6Exposure(x *ctr) []Finding {
	nets := map[string]network.Inspect{}
	for _, n := range x.e.Networks {
		nets[n.Name] = n
	}
	var bad []string
	for _, name := range sortedKeys(x.c.NetworkSettings.Networks) {
		ep := x.c.NetworkSettings.Networks[name]
		if ep == nil || ep.GlobalIPv6Address == "" {
			continue
		}
		ip := net.ParseIP(ep.GlobalIPv6Address)
		if ip == nil || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLoopback() {
			continue // ULA (fc00::/7) and link-local are not routable from outside
		}
		mode := ""
		if n, ok := nets[name]; ok {
			mode = n.Options["com.docker.network.bridge.gateway_mode_ipv6"]
		}
		switch {
		case mode == "routed" || mode == "nat-unprotected":
			bad = append(bad, fmt.Sprintf("%s %s (gateway_mode_ipv6=%s)", name, ep.GlobalIPv6Address, mode))
		case mode == "" && x.f.Major > 0 && x.f.Major < 27:
			// Before Engine 27 ip6tables was off by default: a global
			// address was routed with no filtering.
			bad = append(bad, fmt.Sprintf("%s %s (Engine %s routes IPv6 unfiltered by default)", name, ep.GlobalIPv6Address, x.f.Version))
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return one(x.finding("DKT-CTR-12", SevMedium, "NetworkSettings.Networks "+joinLimit(bad, 2), bad...))
}

// DKT-CTR-14
func ruleUnhealthy(x *ctr) []Finding {
	var l []string
	if h := x.c.State.Health; h != nil && h.Status == "unhealthy" {
		l = append(l, fmt.Sprintf("State.Health.Status=unhealthy (FailingStreak=%d)", h.FailingStreak))
	}
	if x.c.State.Restarting || x.c.RestartCount >= 5 {
		l = append(l, fmt.Sprintf("RestartCount=%d, Restarting=%t", x.c.RestartCount, x.c.State.Restarting))
	}
	if len(l) == 0 {
		return nil
	}
	return one(x.finding("DKT-CTR-14", SevInfo, strings.Join(l, "; ")))
}
