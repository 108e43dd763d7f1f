package audit

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"net"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/docker/docker/api/types/swarm"
)

// MinSupportedEngineMajor is the oldest engine major version DKT-DMN-01
// accepts without a finding. Docker supports the last few majors; 25.0
// (January 2024) is the oldest still shipped by the main distributions'
// current releases as of this writing.
const MinSupportedEngineMajor = 25

// runcFixed is the first runc release with the fix for CVE-2024-21626
// (leaked fd / working-directory container escape).
const runcFixed = "1.1.12"

// engineRule is one check over the whole engine.
type engineRule func(e *EngineInput, f *Facts, obj Object) []Finding

var engineRules = []engineRule{
	ruleRootless, ruleICC, ruleDebug, ruleInsecureRegistries, ruleAufs, ruleDevicemapper,
	ruleTCPTLS, ruleUserns, ruleBaseDevice, ruleAuthz, ruleLogDriver, ruleDaemonNNP,
	ruleLiveRestore, ruleUserlandProxy, ruleDaemonSeccomp, ruleExperimental, ruleLegacyRegistry,
	ruleSwarmEnabled, ruleImageSprawl, ruleContainerSprawl,
	ruleSwarmManagers, ruleOverlayEncrypted, ruleServiceEnvSecrets, ruleAutolock, ruleNodeCertExpiry, ruleRootCAAge,
	ruleSwarmServicePrivileges, ruleSwarmIngress, ruleJoinTokens, ruleSwarmConfigSecrets,
	ruleEngineVersion, ruleCORS, ruleEngineWarnings, ruleNoLSM, ruleCgroupV1, ruleSandboxRuntimes,
	ruleContainerizedDaemon, rulePlugins, ruleDefaultBind, ruleGatewayMode, ruleVolumeCredentials,
}

// EngineFindings runs every engine-level rule.
func EngineFindings(e *EngineInput, f *Facts) []Finding {
	obj := Object{Kind: KindEngine, Name: e.Name, ID: e.Info.ID, Engine: e.Name}
	var out []Finding
	for _, r := range engineRules {
		out = append(out, r(e, f, obj)...)
	}
	return out
}

func one(fs ...Finding) []Finding { return fs }

func hasTCP(e *EngineInput, f *Facts) bool {
	return len(f.TCPPlain) > 0 || len(f.TCPNoVerify) > 0 || strings.HasPrefix(e.Connection.Host, "tcp://")
}

// CIS-2.1
func ruleRootless(e *EngineInput, f *Facts, obj Object) []Finding {
	if f.Rootless || len(e.Info.SecurityOptions) == 0 && e.Info.ServerVersion == "" {
		return nil
	}
	sev := SevInfo
	ev := "Info.SecurityOptions has no name=rootless"
	if hasTCP(e, f) {
		sev = SevLow
		ev += " and the API listens on TCP"
	}
	return one(newFinding("CIS-2.1", obj, sev, ev))
}

// CIS-2.2
func ruleICC(e *EngineInput, f *Facts, obj Object) []Finding {
	if e.Bridge == nil || !f.ICC {
		return nil
	}
	attached := len(e.Bridge.Containers)
	for _, c := range e.Containers {
		if c.Inspect.NetworkSettings != nil && c.Inspect.NetworkSettings.Networks["bridge"] != nil {
			attached = max(attached, 1)
		}
	}
	sev := SevMedium
	v, set := e.Bridge.Options["com.docker.network.bridge.enable_icc"]
	ev := fmt.Sprintf("network bridge Options[com.docker.network.bridge.enable_icc]=%q", v)
	if !set {
		ev = "network bridge has no com.docker.network.bridge.enable_icc option (default true)"
	}
	if attached == 0 {
		// icc only affects docker0: nothing attached, nothing exposed today.
		sev = SevInfo
		ev += "; no container is attached to docker0"
	}
	return one(newFinding("CIS-2.2", obj, sev, ev))
}

// CIS-2.3 (partially decidable: only debug mode is visible)
func ruleDebug(e *EngineInput, _ *Facts, obj Object) []Finding {
	if !e.Info.Debug {
		return nil
	}
	return one(newFinding("CIS-2.3", obj, SevLow, "Info.Debug=true"))
}

// CIS-2.5
func ruleInsecureRegistries(e *EngineInput, _ *Facts, obj Object) []Finding {
	rc := e.Info.RegistryConfig
	if rc == nil {
		return nil
	}
	var details []string
	for _, n := range rc.InsecureRegistryCIDRs {
		if n == nil {
			continue
		}
		s := (*net.IPNet)(n).String()
		if s == "127.0.0.0/8" || s == "::1/128" {
			continue // built-in loopback entries, not a configuration choice (docker-bench #529)
		}
		details = append(details, "InsecureRegistryCIDRs: "+s)
	}
	for _, name := range sortedKeys(rc.IndexConfigs) {
		ic := rc.IndexConfigs[name]
		if ic != nil && !ic.Secure {
			details = append(details, fmt.Sprintf("IndexConfigs[%s].Secure=false", name))
		}
		if ic != nil {
			for _, m := range ic.Mirrors {
				if strings.HasPrefix(strings.ToLower(m), "http://") {
					details = append(details, fmt.Sprintf("IndexConfigs[%s].Mirrors: %s", name, m))
				}
			}
		}
	}
	for _, m := range rc.Mirrors {
		if strings.HasPrefix(strings.ToLower(m), "http://") {
			details = append(details, "Mirrors: "+m)
		}
	}
	if len(details) == 0 {
		return nil
	}
	return one(newFinding("CIS-2.5", obj, SevHigh, "Info.RegistryConfig "+joinLimit(details, 3), details...))
}

// CIS-2.6
func ruleAufs(e *EngineInput, _ *Facts, obj Object) []Finding {
	if e.Info.Driver != "aufs" {
		return nil
	}
	return one(newFinding("CIS-2.6", obj, SevLow, "Info.Driver=aufs"))
}

// CIS 1.8 2.7
func ruleDevicemapper(e *EngineInput, _ *Facts, obj Object) []Finding {
	if e.Info.Driver != "devicemapper" {
		return nil
	}
	sev, ev := SevLow, "Info.Driver=devicemapper"
	for _, kv := range e.Info.DriverStatus {
		if kv[0] == "Data loop file" {
			sev, ev = SevHigh, ev+" in loop-lvm mode (DriverStatus \"Data loop file\"="+kv[1]+")"
		}
	}
	return one(newFinding("CIS1.8-2.7", obj, sev, ev))
}

// CIS-2.7: the daemon itself says when a TCP listener lacks TLS; dockterm
// also knows how it connected.
func ruleTCPTLS(e *EngineInput, f *Facts, obj Object) []Finding {
	var details []string
	sev := SevInfo
	for _, a := range f.TCPPlain {
		details = append(details, "Info.Warnings: API is accessible on "+a+" without encryption")
		sev = SevCritical
	}
	for _, a := range f.TCPNoVerify {
		details = append(details, "Info.Warnings: API is accessible on "+a+" without TLS client verification")
		sev = maxSev(sev, SevHigh)
	}
	if strings.HasPrefix(e.Connection.Host, "tcp://") {
		switch {
		case !e.Connection.TLS:
			details = append(details, "dockterm connects to "+e.Connection.Host+" without TLS")
			sev = SevCritical
		case e.Connection.SkipVerify:
			details = append(details, "dockterm connects to "+e.Connection.Host+" with TLS verification skipped")
			sev = maxSev(sev, SevHigh)
		}
	}
	if len(details) == 0 {
		return nil
	}
	return one(newFinding("CIS-2.7", obj, sev, joinLimit(details, 2), details...))
}

// CIS-2.9
func ruleUserns(e *EngineInput, f *Facts, obj Object) []Finding {
	if f.Userns || f.Rootless || e.Info.OSType == "windows" || len(e.Info.SecurityOptions) == 0 && e.Info.ServerVersion == "" {
		return nil
	}
	return one(newFinding("CIS-2.9", obj, SevMedium, "Info.SecurityOptions has neither name=userns nor name=rootless"))
}

// CIS-2.11
func ruleBaseDevice(e *EngineInput, _ *Facts, obj Object) []Finding {
	if e.Info.Driver != "devicemapper" {
		return nil
	}
	for _, kv := range e.Info.DriverStatus {
		if kv[0] == "Base Device Size" && strings.ReplaceAll(kv[1], " ", "") != "10.74GB" {
			return one(newFinding("CIS-2.11", obj, SevInfo, fmt.Sprintf("Info.DriverStatus[\"Base Device Size\"]=%q (default 10.74GB)", kv[1])))
		}
	}
	return nil
}

// CIS-2.12
func ruleAuthz(e *EngineInput, f *Facts, obj Object) []Finding {
	if len(e.Info.Plugins.Authorization) > 0 || e.Info.ServerVersion == "" {
		return nil
	}
	sev, ev := SevInfo, "Info.Plugins.Authorization is empty (API reachable on unix/ssh only)"
	if hasTCP(e, f) {
		sev, ev = SevMedium, "Info.Plugins.Authorization is empty and the API listens on TCP"
	}
	return one(newFinding("CIS-2.12", obj, sev, ev))
}

// CIS-2.13 (engine part; the per-container part is in rules_container.go)
func ruleLogDriver(e *EngineInput, _ *Facts, obj Object) []Finding {
	switch e.Info.LoggingDriver {
	case "json-file", "local", "none":
		return one(newFinding("CIS-2.13", obj, SevLow, "Info.LoggingDriver="+e.Info.LoggingDriver))
	}
	return nil
}

// CIS-2.14: decidable only from Engine 24 (moby #45320); older engines do
// not report it, and then CIS-5.26 judges each container.
func ruleDaemonNNP(_ *EngineInput, f *Facts, obj Object) []Finding {
	if !f.NNPVisible || f.DaemonNNP {
		return nil
	}
	return one(newFinding("CIS-2.14", obj, SevMedium, "Info.SecurityOptions has no name=no-new-privileges (Engine "+f.Version+")"))
}

// CIS-2.15
func ruleLiveRestore(e *EngineInput, _ *Facts, obj Object) []Finding {
	if e.Info.LiveRestoreEnabled || e.Info.ServerVersion == "" || e.Info.Swarm.LocalNodeState == swarm.LocalNodeStateActive {
		return nil
	}
	return one(newFinding("CIS-2.15", obj, SevLow, "Info.LiveRestoreEnabled=false"))
}

// CIS-2.16: only Engine >= 29.5 reports the userland proxy.
func ruleUserlandProxy(e *EngineInput, _ *Facts, obj Object) []Finding {
	if e.Info.FirewallBackend == nil {
		return nil
	}
	for _, kv := range e.Info.FirewallBackend.Info {
		if kv[0] == "EnableUserlandProxy" && kv[1] == "true" {
			return one(newFinding("CIS-2.16", obj, SevLow, "Info.FirewallBackend.Info EnableUserlandProxy=true"))
		}
	}
	return nil
}

// CIS-2.17: "builtin" (Engine >= 23) and "default" (older) are the default
// profile; docker-bench only accepts "default" and so never passes on
// current engines.
func ruleDaemonSeccomp(e *EngineInput, f *Facts, obj Object) []Finding {
	if e.Info.OSType != "" && e.Info.OSType != "linux" || e.Info.ServerVersion == "" {
		return nil
	}
	switch {
	case !f.HasSeccomp:
		return one(newFinding("CIS-2.17", obj, SevHigh, "Info.SecurityOptions has no name=seccomp entry (kernel or build without seccomp)"))
	case f.Seccomp == "unconfined":
		return one(newFinding("CIS-2.17", obj, SevCritical, "Info.SecurityOptions name=seccomp,profile=unconfined"))
	case f.Seccomp == "builtin" || f.Seccomp == "default":
		return nil
	}
	return one(newFinding("CIS-2.17", obj, SevInfo, "Info.SecurityOptions name=seccomp,profile="+f.Seccomp+" (custom profile: review it)"))
}

// CIS-2.18
func ruleExperimental(e *EngineInput, _ *Facts, obj Object) []Finding {
	switch {
	case e.Info.ExperimentalBuild:
		return one(newFinding("CIS-2.18", obj, SevLow, "Info.ExperimentalBuild=true"))
	case e.Version != nil && e.Version.Experimental:
		return one(newFinding("CIS-2.18", obj, SevLow, "Version.Experimental=true"))
	}
	return nil
}

// DBS-C.2: v1 registry support was removed in Engine 17.12.
func ruleLegacyRegistry(_ *EngineInput, f *Facts, obj Object) []Finding {
	if f.Major == 0 || f.Major > 17 || f.Major == 17 && f.Minor >= 12 {
		return nil
	}
	return one(newFinding("DBS-C.2", obj, SevInfo, "Engine "+f.Version+" predates 17.12"))
}

// CIS-5.1
func ruleSwarmEnabled(e *EngineInput, _ *Facts, obj Object) []Finding {
	if e.Info.Swarm.LocalNodeState != swarm.LocalNodeStateActive {
		return nil
	}
	sev, ev := SevInfo, "Info.Swarm.LocalNodeState=active"
	if e.Info.Swarm.ControlAvailable && e.Services != nil && len(e.Services) == 0 {
		sev, ev = SevLow, ev+" with no services"
	}
	return one(newFinding("CIS-5.1", obj, sev, ev))
}

// CIS-6.1
func ruleImageSprawl(e *EngineInput, _ *Facts, obj Object) []Finding {
	if e.Images == nil || len(e.Images) == 0 {
		return nil
	}
	used := map[string]bool{}
	for _, c := range e.Containers {
		used[c.Inspect.Image] = true
	}
	unused, dangling := 0, 0
	for _, im := range e.Images {
		if !used[im.ID] && im.Containers <= 0 {
			unused++
		}
		if len(im.RepoTags) == 0 || len(im.RepoTags) == 1 && im.RepoTags[0] == "<none>:<none>" {
			dangling++
		}
	}
	if unused == 0 && dangling == 0 {
		return nil
	}
	sev := SevInfo
	if unused*2 > len(e.Images) || dangling >= 10 {
		sev = SevLow
	}
	return one(newFinding("CIS-6.1", obj, sev, fmt.Sprintf("%d images, %d not used by any container, %d dangling", len(e.Images), unused, dangling)))
}

// CIS-6.2
func ruleContainerSprawl(e *EngineInput, _ *Facts, obj Object) []Finding {
	stopped, running := e.Info.ContainersStopped, e.Info.ContainersRunning
	var old []string
	if !e.At.IsZero() {
		for _, c := range e.Containers {
			ci := normalized(c.Inspect)
			if ci.State.Status != "exited" && ci.State.Status != "dead" && ci.State.Status != "created" {
				continue
			}
			t, err := time.Parse(time.RFC3339Nano, ci.State.FinishedAt)
			if err != nil || t.IsZero() || t.Year() < 2000 {
				continue
			}
			if e.At.Sub(t) > 30*24*time.Hour {
				old = append(old, containerName(&ci))
			}
		}
	}
	if stopped == 0 && len(old) == 0 {
		return nil
	}
	sev := SevInfo
	ev := fmt.Sprintf("Info.ContainersStopped=%d, ContainersRunning=%d", stopped, running)
	if stopped-running > 25 {
		sev = SevLow
	}
	if len(old) > 0 {
		sort.Strings(old)
		sev = SevLow
		ev += fmt.Sprintf("; %d exited more than 30 days ago", len(old))
	}
	return one(newFinding("CIS-6.2", obj, sev, ev, old...))
}

// ---- CIS section 7 and swarm extras: only on a manager with Swarm set ----

func isManager(e *EngineInput) bool {
	return e.Info.Swarm.LocalNodeState == swarm.LocalNodeStateActive && e.Info.Swarm.ControlAvailable
}

// CIS-7.1: docker-bench counts "Leader" lines and always passes.
func ruleSwarmManagers(e *EngineInput, _ *Facts, obj Object) []Finding {
	if !isManager(e) {
		return nil
	}
	m, n := e.Info.Swarm.Managers, e.Info.Swarm.Nodes
	switch {
	case m > 7 || m > 1 && m%2 == 0:
		return one(newFinding("CIS-7.1", obj, SevLow, fmt.Sprintf("Info.Swarm.Managers=%d (want an odd number up to 7)", m)))
	case m == 1 && n > 1:
		return one(newFinding("CIS-7.1", obj, SevInfo, fmt.Sprintf("Info.Swarm.Managers=1 for %d nodes (no manager fault tolerance)", n)))
	}
	return nil
}

// CIS-7.3
func ruleOverlayEncrypted(e *EngineInput, _ *Facts, _ Object) []Finding {
	var out []Finding
	for _, n := range e.Networks {
		if n.Driver != "overlay" {
			continue
		}
		if _, ok := n.Options["encrypted"]; ok {
			continue
		}
		obj := Object{Kind: KindNetwork, Name: n.Name, ID: n.ID, Engine: e.Name}
		sev := SevMedium
		ev := "network " + n.Name + " driver=overlay without Options[encrypted]"
		if n.Ingress {
			sev, ev = SevInfo, ev+" (ingress: re-create it to encrypt)"
		}
		out = append(out, newFinding("CIS-7.3", obj, sev, ev))
	}
	return out
}

// CIS-7.4
func ruleServiceEnvSecrets(e *EngineInput, _ *Facts, _ Object) []Finding {
	var out []Finding
	for _, s := range e.Services {
		cs := s.Spec.TaskTemplate.ContainerSpec
		if cs == nil {
			continue
		}
		if names := secretEnv(cs.Env); len(names) > 0 {
			obj := Object{Kind: KindService, Name: s.Spec.Name, ID: s.ID, Engine: e.Name}
			out = append(out, newFinding("CIS-7.4", obj, SevMedium, "ContainerSpec.Env "+maskedEnv(names)))
		}
	}
	return out
}

// CIS-7.5
func ruleAutolock(e *EngineInput, _ *Facts, obj Object) []Finding {
	if e.Swarm == nil || e.Swarm.Spec.EncryptionConfig.AutoLockManagers {
		return nil
	}
	return one(newFinding("CIS-7.5", obj, SevMedium, "Swarm.Spec.EncryptionConfig.AutoLockManagers=false"))
}

// CIS-7.7: the default 2160h (90 days) passes.
func ruleNodeCertExpiry(e *EngineInput, _ *Facts, obj Object) []Finding {
	if e.Swarm == nil {
		return nil
	}
	exp := e.Swarm.Spec.CAConfig.NodeCertExpiry
	if exp <= 90*24*time.Hour {
		return nil
	}
	return one(newFinding("CIS-7.7", obj, SevLow, fmt.Sprintf("Swarm.Spec.CAConfig.NodeCertExpiry=%s (> 90 days)", exp)))
}

// CIS-7.8
func ruleRootCAAge(e *EngineInput, _ *Facts, obj Object) []Finding {
	if e.Swarm == nil || e.At.IsZero() || e.Swarm.TLSInfo.TrustRoot == "" {
		return nil
	}
	block, _ := pem.Decode([]byte(e.Swarm.TLSInfo.TrustRoot))
	if block == nil {
		return nil
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil
	}
	age := e.At.Sub(cert.NotBefore)
	if age <= 365*24*time.Hour || e.Swarm.RootRotationInProgress {
		return nil
	}
	return one(newFinding("CIS-7.8", obj, SevLow, fmt.Sprintf("Swarm.TLSInfo.TrustRoot NotBefore=%s (%d days old)", cert.NotBefore.UTC().Format("2006-01-02"), int(age.Hours()/24))))
}

// DKT-SWM-01: the dangerous subset of the CIS 5 rules, per service.
func ruleSwarmServicePrivileges(e *EngineInput, _ *Facts, _ Object) []Finding {
	var out []Finding
	for _, s := range e.Services {
		cs := s.Spec.TaskTemplate.ContainerSpec
		if cs == nil {
			continue
		}
		sev := SevInfo
		var details []string
		if p := cs.Privileges; p != nil {
			if p.Seccomp != nil && p.Seccomp.Mode == swarm.SeccompModeUnconfined {
				details = append(details, "Privileges.Seccomp.Mode=unconfined")
				sev = maxSev(sev, SevHigh)
			}
			if p.AppArmor != nil && p.AppArmor.Mode == swarm.AppArmorModeDisabled {
				details = append(details, "Privileges.AppArmor.Mode=disabled")
				sev = maxSev(sev, SevHigh)
			}
		}
		for _, c := range cs.CapabilityAdd {
			if s, bad := capSeverity(capName(c)); bad && s >= SevHigh {
				details = append(details, "CapabilityAdd "+capName(c))
				sev = maxSev(sev, s)
			}
		}
		for _, m := range cs.Mounts {
			if isRuntimeSocket(m.Source) || isRuntimeSocketDir(m.Source) {
				details = append(details, "Mounts "+m.Source+" -> "+m.Target+" (runtime socket)")
				sev = SevCritical
			} else if m.Source == "/" {
				details = append(details, "Mounts / -> "+m.Target)
				sev = SevCritical
			}
		}
		if len(details) == 0 {
			continue
		}
		obj := Object{Kind: KindService, Name: s.Spec.Name, ID: s.ID, Engine: e.Name}
		out = append(out, newFinding("DKT-SWM-01", obj, sev, "ContainerSpec "+joinLimit(details, 3), details...))
	}
	return out
}

// DKT-SWM-02
func ruleSwarmIngress(e *EngineInput, _ *Facts, _ Object) []Finding {
	var out []Finding
	for _, s := range e.Services {
		var ports []string
		for _, p := range s.Endpoint.Ports {
			if p.PublishMode == swarm.PortConfigPublishModeIngress && p.PublishedPort != 0 {
				ports = append(ports, fmt.Sprintf("%d->%d/%s", p.PublishedPort, p.TargetPort, p.Protocol))
			}
		}
		if len(ports) > 0 {
			obj := Object{Kind: KindService, Name: s.Spec.Name, ID: s.ID, Engine: e.Name}
			out = append(out, newFinding("DKT-SWM-02", obj, SevMedium, "Endpoint.Ports PublishMode=ingress "+joinLimit(ports, 4)))
		}
	}
	return out
}

// DKT-SWM-03
func ruleJoinTokens(e *EngineInput, _ *Facts, obj Object) []Finding {
	if e.Swarm == nil || e.Swarm.JoinTokens.Manager == "" && e.Swarm.JoinTokens.Worker == "" {
		return nil
	}
	return one(newFinding("DKT-SWM-03", obj, SevInfo, "SwarmInspect().JoinTokens returns the manager and worker tokens to API callers"))
}

// secretContent matches data that is a credential whatever its name.
var secretContent = regexp.MustCompile(`-----BEGIN (RSA |EC |OPENSSH |DSA |ENCRYPTED )?PRIVATE KEY-----|AKIA[0-9A-Z]{16}|(?i)(password|passwd|secret|api[_-]?key|token)\s*[:=]\s*\S+`)

// DKT-SWM-04
func ruleSwarmConfigSecrets(e *EngineInput, _ *Facts, _ Object) []Finding {
	var out []Finding
	for _, c := range e.Configs {
		data := c.Spec.Data
		if dec, err := base64.StdEncoding.DecodeString(string(data)); err == nil && len(dec) > 0 {
			// The API returns Data as bytes (base64 in JSON, raw once
			// decoded); tolerate a double encoding.
			data = dec
		}
		if m := secretContent.Find(data); m != nil {
			kind := "credential pattern"
			if strings.HasPrefix(string(m), "-----BEGIN") {
				kind = "private key"
			} else if strings.HasPrefix(string(m), "AKIA") {
				kind = "AWS access key id"
			}
			obj := Object{Kind: KindConfig, Name: c.Spec.Name, ID: c.ID, Engine: e.Name}
			out = append(out, newFinding("DKT-SWM-04", obj, SevMedium, "Config.Spec.Data contains a "+kind))
		}
	}
	return out
}

// ---- dockterm engine checks ----

// isDistroBuild recognises distribution package versions (1.1.5+ds1,
// 1.1.12-0ubuntu1, 1.1.5-1.el9), which often carry backported fixes.
func isDistroBuild(v string) bool {
	v = strings.ToLower(v)
	return strings.Contains(v, "+ds") || strings.Contains(v, "ubuntu") || strings.Contains(v, "deb") ||
		strings.Contains(v, ".el") || strings.Contains(v, "fc") || strings.Contains(v, "suse") || strings.Contains(v, "-")
}

// DKT-DMN-01
func ruleEngineVersion(e *EngineInput, f *Facts, obj Object) []Finding {
	sev := SevInfo
	var details []string
	if f.Major > 0 && f.Major < MinSupportedEngineMajor {
		details = append(details, fmt.Sprintf("Engine %s (older than %d.0)", f.Version, MinSupportedEngineMajor))
		sev = SevMedium
	}
	runc := ""
	if e.Version != nil {
		for _, c := range e.Version.Components {
			if strings.EqualFold(c.Name, "runc") {
				runc = c.Version
			}
		}
	}
	if runc == "" {
		runc = strings.TrimPrefix(e.Info.RuncCommit.ID, "v")
		if !strings.Contains(runc, ".") {
			runc = ""
		}
	}
	if runc != "" && versionLess(runc, runcFixed) {
		if isDistroBuild(runc) {
			// Debian ships 1.1.5+ds1-1+deb12u1 with the CVE-2024-21626 fix
			// backported: the version number alone cannot decide it.
			details = append(details, "runc "+runc+" < "+runcFixed+" (distribution build: check that the CVE-2024-21626 fix is backported)")
			sev = maxSev(sev, SevMedium)
		} else {
			details = append(details, "runc "+runc+" < "+runcFixed+" (CVE-2024-21626 container escape)")
			sev = SevHigh
		}
	}
	if len(details) == 0 {
		return nil
	}
	return one(newFinding("DKT-DMN-01", obj, sev, joinLimit(details, 2), details...))
}

// DKT-DMN-02
func ruleCORS(e *EngineInput, _ *Facts, obj Object) []Finding {
	for _, w := range e.Info.Warnings {
		if strings.Contains(strings.ToLower(w), "cors") {
			return one(newFinding("DKT-DMN-02", obj, SevHigh, "Info.Warnings: "+w))
		}
	}
	return nil
}

// DKT-DMN-03 surfaces the warnings no other rule explains.
func ruleEngineWarnings(e *EngineInput, _ *Facts, obj Object) []Finding {
	sev := SevLow
	var rest []string
	for _, w := range e.Info.Warnings {
		lw := strings.ToLower(w)
		if strings.Contains(lw, "api is accessible on") || strings.Contains(lw, "cors") {
			continue // CIS-2.7, DKT-DMN-02
		}
		w = strings.TrimPrefix(strings.TrimSpace(w), "WARNING: ")
		if strings.Contains(lw, "no memory limit support") {
			sev = SevMedium // limits silently not enforced
		}
		rest = append(rest, w)
	}
	if len(rest) == 0 {
		return nil
	}
	return one(newFinding("DKT-DMN-03", obj, sev, "Info.Warnings: "+joinLimit(rest, 2), rest...))
}

// DKT-DMN-04
func ruleNoLSM(e *EngineInput, f *Facts, obj Object) []Finding {
	if f.AppArmor || f.SELinux || e.Info.OSType != "" && e.Info.OSType != "linux" || e.Info.ServerVersion == "" {
		return nil
	}
	return one(newFinding("DKT-DMN-04", obj, SevMedium, "Info.SecurityOptions has neither name=apparmor nor name=selinux"))
}

// DKT-DMN-05
func ruleCgroupV1(e *EngineInput, _ *Facts, obj Object) []Finding {
	if e.Info.CgroupVersion != "1" {
		return nil
	}
	return one(newFinding("DKT-DMN-05", obj, SevLow, "Info.CgroupVersion=1 (CgroupDriver="+e.Info.CgroupDriver+")"))
}

// DKT-DMN-06: a positive signal, reported as information.
func ruleSandboxRuntimes(e *EngineInput, _ *Facts, obj Object) []Finding {
	var sandboxes []string
	for _, name := range sortedKeys(e.Info.Runtimes) {
		ln := strings.ToLower(name + " " + e.Info.Runtimes[name].Path)
		if strings.Contains(ln, "runsc") || strings.Contains(ln, "gvisor") || strings.Contains(ln, "kata") || strings.Contains(ln, "sysbox") {
			sandboxes = append(sandboxes, name)
		}
	}
	if len(sandboxes) == 0 {
		return nil
	}
	return one(newFinding("DKT-DMN-06", obj, SevInfo, "Info.Runtimes has "+strings.Join(sandboxes, ", ")))
}

// DKT-DMN-07
func ruleContainerizedDaemon(e *EngineInput, _ *Facts, obj Object) []Finding {
	if !strings.Contains(e.Info.OperatingSystem, "(containerized)") {
		return nil
	}
	return one(newFinding("DKT-DMN-07", obj, SevMedium, "Info.OperatingSystem="+e.Info.OperatingSystem))
}

// DKT-DMN-08
func rulePlugins(e *EngineInput, _ *Facts, _ Object) []Finding {
	var out []Finding
	for _, p := range e.Plugins {
		if p == nil || !p.Enabled {
			continue
		}
		var details []string
		for _, c := range p.Config.Linux.Capabilities {
			if capsCritical[capName(c)] {
				details = append(details, "Config.Linux.Capabilities "+capName(c))
			}
		}
		if p.Config.Linux.AllowAllDevices {
			details = append(details, "Config.Linux.AllowAllDevices=true")
		}
		if p.Config.Network.Type == "host" {
			details = append(details, "Config.Network.Type=host")
		}
		if len(details) == 0 {
			continue
		}
		obj := Object{Kind: KindPlugin, Name: p.Name, ID: p.ID, Engine: e.Name}
		out = append(out, newFinding("DKT-DMN-08", obj, SevHigh, "plugin "+p.Name+": "+joinLimit(details, 3), details...))
	}
	return out
}

// DKT-DMN-09
func ruleDefaultBind(e *EngineInput, f *Facts, obj Object) []Finding {
	if e.Bridge == nil || !allInterfaces("", f.DefaultBindIP) {
		return nil
	}
	ev := fmt.Sprintf("network bridge Options[com.docker.network.bridge.host_binding_ipv4]=%q", f.DefaultBindIP)
	if f.DefaultBindIP == "" {
		ev = "network bridge has no host_binding_ipv4 option (default 0.0.0.0)"
	}
	return one(newFinding("DKT-DMN-09", obj, SevInfo, ev))
}

// DKT-CTR-13 (reported on the network)
func ruleGatewayMode(e *EngineInput, _ *Facts, _ Object) []Finding {
	var out []Finding
	for _, n := range e.Networks {
		if n.Driver != "bridge" {
			continue
		}
		var details []string
		for _, k := range []string{"com.docker.network.bridge.gateway_mode_ipv4", "com.docker.network.bridge.gateway_mode_ipv6"} {
			if v := n.Options[k]; v == "nat-unprotected" || v == "routed" {
				details = append(details, fmt.Sprintf("Options[%s]=%s", k, v))
			}
		}
		if len(details) > 0 {
			obj := Object{Kind: KindNetwork, Name: n.Name, ID: n.ID, Engine: e.Name}
			out = append(out, newFinding("DKT-CTR-13", obj, SevMedium, "network "+n.Name+" "+strings.Join(details, ", ")))
		}
	}
	return out
}

// volumeSecretOpt finds credentials in volume driver options such as
// o=addr=1.2.3.4,username=u,password=p.
var volumeSecretOpt = regexp.MustCompile(`(?i)(^|[,\s])(password|pass|passwd|secret|token|key)=`)

// DKT-CTR-11 (reported on the volume)
func ruleVolumeCredentials(e *EngineInput, _ *Facts, _ Object) []Finding {
	var out []Finding
	for _, v := range e.Volumes {
		if v == nil {
			continue
		}
		var keys []string
		for _, k := range sortedKeys(v.Options) {
			if isSecretKey(k) && !isPlaceholder(v.Options[k]) {
				keys = append(keys, "Options["+k+"]=<masked>")
				continue
			}
			if m := volumeSecretOpt.FindStringSubmatch(v.Options[k]); m != nil {
				keys = append(keys, "Options["+k+"] contains "+strings.ToLower(m[2])+"=<masked>")
			}
		}
		if len(keys) > 0 {
			obj := Object{Kind: KindVolume, Name: v.Name, Engine: e.Name}
			out = append(out, newFinding("DKT-CTR-11", obj, SevMedium, "volume "+v.Name+" driver="+v.Driver+" "+strings.Join(keys, ", ")))
		}
	}
	return out
}
