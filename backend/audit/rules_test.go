package audit

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/api/types/mount"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/api/types/registry"
	"github.com/docker/docker/api/types/swarm"
	"github.com/docker/docker/api/types/system"
	"github.com/docker/docker/api/types/volume"
	"github.com/docker/go-connections/nat"
)

// ruleCase mutates a clean world. A fail case expects a finding of rule id
// (with severity sev, evidence containing ev, on an object of kind, when
// set); a pass case expects none of that rule. Every rule of the catalog
// has at least one of each (TestEveryRuleHasPassAndFail).
type ruleCase struct {
	id   string
	name string
	fail bool
	sev  Severity
	ev   string
	kind ObjectKind
	mut  func(w *world)
}

func fail(id, name string, sev Severity, ev string, mut func(w *world)) ruleCase {
	return ruleCase{id: id, name: name, fail: true, sev: sev, ev: ev, mut: mut}
}

func pass(id, name string, mut func(w *world)) ruleCase {
	return ruleCase{id: id, name: name, mut: mut}
}

func (c ruleCase) on(k ObjectKind) ruleCase { c.kind = k; return c }

func noUserns(w *world) { w.withoutSecOpt("name=rootless"); w.withoutSecOpt("name=userns") }

// asRoot makes the container run as user u with a root process, on a
// daemon without user remapping.
func asRoot(u string) func(w *world) {
	return func(w *world) {
		noUserns(w)
		w.cfg().User = u
		w.top(procRow("root", "4242", "/app/server"))
	}
}

func selfSignedCA(notBefore time.Time) string {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "swarm-ca"},
		NotBefore: notBefore, NotAfter: notBefore.Add(20 * 365 * 24 * time.Hour), IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		panic(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

func manager(w *world) {
	w.e.Info.Swarm = swarm.Info{LocalNodeState: swarm.LocalNodeStateActive, ControlAvailable: true, Managers: 3, Nodes: 3}
	w.e.Info.LiveRestoreEnabled = false
	w.e.Swarm = &swarm.Swarm{}
	w.e.Swarm.Spec.EncryptionConfig.AutoLockManagers = true
	w.e.Swarm.Spec.CAConfig.NodeCertExpiry = 2160 * time.Hour
	w.e.Services = []swarm.Service{{ID: "svc1", Spec: swarm.ServiceSpec{Annotations: swarm.Annotations{Name: "api"},
		TaskTemplate: swarm.TaskSpec{ContainerSpec: &swarm.ContainerSpec{Image: "api:1"}}}}}
}

func service(w *world) *swarm.Service { return &w.e.Services[0] }

var ruleCases = []ruleCase{
	// ---- CIS 2 ----
	fail("CIS-2.1", "rootful", SevInfo, "no name=rootless", func(w *world) { w.withoutSecOpt("name=rootless") }),
	fail("CIS-2.1", "rootful with TCP", SevLow, "listens on TCP", func(w *world) {
		w.withoutSecOpt("name=rootless")
		w.e.Info.Warnings = []string{"API is accessible on http://0.0.0.0:2375 without encryption."}
	}),
	pass("CIS-2.1", "rootless", func(w *world) {}),

	fail("CIS-2.2", "icc on with containers on docker0", SevMedium, "enable_icc", func(w *world) {
		w.e.Bridge.Options["com.docker.network.bridge.enable_icc"] = "true"
		w.e.Bridge.Containers = map[string]network.EndpointResource{"x": {Name: "x"}}
	}),
	fail("CIS-2.2", "icc on, docker0 unused", SevInfo, "no container is attached", func(w *world) {
		w.e.Bridge.Options["com.docker.network.bridge.enable_icc"] = "true"
	}),
	pass("CIS-2.2", "icc off", func(w *world) {}),

	fail("CIS-2.3", "debug", SevLow, "Info.Debug=true", func(w *world) { w.e.Info.Debug = true }),
	pass("CIS-2.3", "no debug", func(w *world) {}),

	fail("CIS-2.5", "insecure CIDR", SevHigh, "10.0.0.0/8", func(w *world) {
		w.e.Info.RegistryConfig.InsecureRegistryCIDRs = append(w.e.Info.RegistryConfig.InsecureRegistryCIDRs, cidr("10.0.0.0/8"))
	}),
	fail("CIS-2.5", "insecure hostname", SevHigh, "IndexConfigs[reg.local:5000].Secure=false", func(w *world) {
		w.e.Info.RegistryConfig.IndexConfigs["reg.local:5000"] = &registry.IndexInfo{Name: "reg.local:5000"}
	}),
	fail("CIS-2.5", "http mirror", SevHigh, "http://mirror", func(w *world) {
		w.e.Info.RegistryConfig.Mirrors = []string{"http://mirror.local"}
	}),
	pass("CIS-2.5", "only the built-in loopback CIDRs (docker-bench #529)", func(w *world) {}),

	fail("CIS-2.6", "aufs", SevLow, "aufs", func(w *world) { w.e.Info.Driver = "aufs" }),
	pass("CIS-2.6", "overlay2", func(w *world) {}),

	fail("CIS1.8-2.7", "devicemapper", SevLow, "devicemapper", func(w *world) { w.e.Info.Driver = "devicemapper" }),
	fail("CIS1.8-2.7", "loop-lvm", SevHigh, "loop-lvm", func(w *world) {
		w.e.Info.Driver = "devicemapper"
		w.e.Info.DriverStatus = [][2]string{{"Data loop file", "/var/lib/docker/devicemapper/data"}}
	}),
	pass("CIS1.8-2.7", "overlay2", func(w *world) {}),

	fail("CIS-2.7", "plain TCP warning", SevCritical, "http://0.0.0.0:2375 without encryption", func(w *world) {
		w.e.Info.Warnings = []string{"API is accessible on http://0.0.0.0:2375 without encryption.\n         Access to the remote API is equivalent to root access on the host."}
	}),
	fail("CIS-2.7", "TLS without client verification (new engines)", SevHigh, "without TLS client verification", func(w *world) {
		w.e.Info.Warnings = []string{"[DEPRECATION NOTICE]: API is accessible on https://0.0.0.0:2376 without TLS client verification. This is insecure."}
	}),
	fail("CIS-2.7", "dockterm itself over plain tcp", SevCritical, "without TLS", func(w *world) {
		w.e.Connection = Connection{Host: "tcp://10.0.0.5:2375"}
	}),
	fail("CIS-2.7", "dockterm skips verification", SevHigh, "verification skipped", func(w *world) {
		w.e.Connection = Connection{Host: "tcp://10.0.0.5:2376", TLS: true, SkipVerify: true}
	}),
	pass("CIS-2.7", "unix socket only", func(w *world) {}),
	pass("CIS-2.7", "verified TLS", func(w *world) { w.e.Connection = Connection{Host: "tcp://10.0.0.5:2376", TLS: true} }),

	fail("CIS-2.9", "no userns", SevMedium, "neither name=userns", noUserns),
	pass("CIS-2.9", "userns without rootless", func(w *world) { w.withoutSecOpt("name=rootless") }),

	fail("CIS-2.11", "changed base size", SevInfo, "20GB", func(w *world) {
		w.e.Info.Driver = "devicemapper"
		w.e.Info.DriverStatus = [][2]string{{"Base Device Size", "20GB"}}
	}),
	pass("CIS-2.11", "default base size", func(w *world) {
		w.e.Info.Driver = "devicemapper"
		w.e.Info.DriverStatus = [][2]string{{"Base Device Size", "10.74 GB"}}
	}),

	fail("CIS-2.12", "no authz, TCP", SevMedium, "listens on TCP", func(w *world) {
		w.e.Info.Plugins.Authorization = nil
		w.e.Info.Warnings = []string{"API is accessible on http://0.0.0.0:2375 without encryption."}
	}),
	fail("CIS-2.12", "no authz, unix only", SevInfo, "unix/ssh only", func(w *world) { w.e.Info.Plugins.Authorization = nil }),
	pass("CIS-2.12", "authz plugin", func(w *world) {}),

	fail("CIS-2.13", "json-file", SevLow, "json-file", func(w *world) { w.e.Info.LoggingDriver = "json-file" }).on(KindEngine),
	fail("CIS-2.13", "container logging off", SevLow, "LogConfig.Type=none", func(w *world) { w.hc().LogConfig.Type = "none" }).on(KindContainer),
	pass("CIS-2.13", "journald", func(w *world) {}),

	fail("CIS-2.14", "engine 28 without daemon NNP", SevMedium, "no name=no-new-privileges", func(w *world) { w.withoutSecOpt("name=no-new-privileges") }),
	pass("CIS-2.14", "engine 20.10 cannot report it (unknown, not WARN)", func(w *world) {
		w.withoutSecOpt("name=no-new-privileges")
		w.e.Info.ServerVersion, w.e.Version.Version = "20.10.24", "20.10.24"
	}),

	fail("CIS-2.15", "live restore off", SevLow, "LiveRestoreEnabled=false", func(w *world) { w.e.Info.LiveRestoreEnabled = false }),
	pass("CIS-2.15", "swarm active (incompatible)", func(w *world) {
		w.e.Info.LiveRestoreEnabled = false
		w.e.Info.Swarm.LocalNodeState = swarm.LocalNodeStateActive
	}),

	fail("CIS-2.16", "userland proxy on (Engine 29.5+)", SevLow, "EnableUserlandProxy=true", func(w *world) {
		w.e.Info.FirewallBackend = &system.FirewallInfo{Driver: "iptables", Info: [][2]string{{"EnableUserlandProxy", "true"}}}
	}),
	pass("CIS-2.16", "older engine does not report it", func(w *world) {}),

	fail("CIS-2.17", "unconfined", SevCritical, "profile=unconfined", func(w *world) {
		w.withoutSecOpt("name=seccomp")
		w.e.Info.SecurityOptions = append(w.e.Info.SecurityOptions, "name=seccomp,profile=unconfined")
	}),
	fail("CIS-2.17", "no seccomp", SevHigh, "no name=seccomp", func(w *world) { w.withoutSecOpt("name=seccomp") }),
	fail("CIS-2.17", "custom profile", SevInfo, "custom profile", func(w *world) {
		w.withoutSecOpt("name=seccomp")
		w.e.Info.SecurityOptions = append(w.e.Info.SecurityOptions, "name=seccomp,profile=/etc/docker/seccomp.json")
	}),
	pass("CIS-2.17", "builtin is the default (Engine >= 23)", func(w *world) {}),
	pass("CIS-2.17", "default (Engine < 23)", func(w *world) {
		w.withoutSecOpt("name=seccomp")
		w.e.Info.SecurityOptions = append(w.e.Info.SecurityOptions, "name=seccomp,profile=default")
	}),

	fail("CIS-2.18", "experimental", SevLow, "ExperimentalBuild=true", func(w *world) { w.e.Info.ExperimentalBuild = true }),
	pass("CIS-2.18", "not experimental", func(w *world) {}),

	fail("DBS-C.2", "17.06", SevInfo, "17.06", func(w *world) { w.e.Info.ServerVersion, w.e.Version.Version = "17.06.2-ce", "17.06.2-ce" }),
	pass("DBS-C.2", "17.12", func(w *world) { w.e.Info.ServerVersion, w.e.Version.Version = "17.12.0-ce", "17.12.0-ce" }),

	// ---- CIS 5.1, 6, 7 and swarm ----
	fail("CIS-5.1", "swarm worker", SevInfo, "LocalNodeState=active", func(w *world) {
		w.e.Info.Swarm.LocalNodeState = swarm.LocalNodeStateActive
	}),
	fail("CIS-5.1", "manager without services", SevLow, "no services", func(w *world) { manager(w); w.e.Services = []swarm.Service{} }),
	pass("CIS-5.1", "swarm inactive", func(w *world) {}),

	fail("CIS-6.1", "most images unused", SevLow, "3 not used", func(w *world) {
		w.e.Images = append(w.e.Images, image.Summary{ID: "sha256:a", RepoTags: []string{"a:1"}},
			image.Summary{ID: "sha256:b", RepoTags: []string{"b:1"}}, image.Summary{ID: "sha256:c", RepoTags: []string{"<none>:<none>"}})
	}),
	pass("CIS-6.1", "every image used", func(w *world) {}),

	fail("CIS-6.2", "many stopped", SevLow, "ContainersStopped=40", func(w *world) { w.e.Info.ContainersStopped = 40 }),
	fail("CIS-6.2", "exited long ago", SevLow, "30 days", func(w *world) {
		old := cleanContainer(w.img)
		old.Inspect.ID, old.Inspect.Name = "4444", "/old"
		old.Inspect.State = &container.State{Status: "exited", FinishedAt: testNow.Add(-40 * 24 * time.Hour).Format(time.RFC3339Nano)}
		w.e.Containers = append(w.e.Containers, old)
		w.e.Info.ContainersStopped = 1
	}),
	pass("CIS-6.2", "nothing stopped", func(w *world) {}),

	fail("CIS-7.1", "even managers", SevLow, "Managers=2", func(w *world) { manager(w); w.e.Info.Swarm.Managers = 2 }),
	fail("CIS-7.1", "one manager, many nodes", SevInfo, "Managers=1", func(w *world) { manager(w); w.e.Info.Swarm.Managers = 1 }),
	pass("CIS-7.1", "three managers", manager),

	fail("CIS-7.3", "overlay in clear", SevMedium, "without Options[encrypted]", func(w *world) {
		manager(w)
		w.e.Networks = append(w.e.Networks, network.Inspect{Name: "backend", Driver: "overlay", Options: map[string]string{}})
	}).on(KindNetwork),
	fail("CIS-7.3", "ingress", SevInfo, "ingress", func(w *world) {
		manager(w)
		w.e.Networks = append(w.e.Networks, network.Inspect{Name: "ingress", Driver: "overlay", Ingress: true})
	}),
	pass("CIS-7.3", "encrypted overlay", func(w *world) {
		manager(w)
		w.e.Networks = append(w.e.Networks, network.Inspect{Name: "backend", Driver: "overlay", Options: map[string]string{"encrypted": ""}})
	}),

	fail("CIS-7.4", "password in service env", SevMedium, "DB_PASSWORD=<masked>", func(w *world) {
		manager(w)
		service(w).Spec.TaskTemplate.ContainerSpec.Env = []string{"DB_PASSWORD=hunter2"}
	}).on(KindService),
	pass("CIS-7.4", "_FILE convention", func(w *world) {
		manager(w)
		service(w).Spec.TaskTemplate.ContainerSpec.Env = []string{"DB_PASSWORD_FILE=/run/secrets/db"}
	}),

	fail("CIS-7.5", "no autolock", SevMedium, "AutoLockManagers=false", func(w *world) {
		manager(w)
		w.e.Swarm.Spec.EncryptionConfig.AutoLockManagers = false
	}),
	pass("CIS-7.5", "autolock", manager),

	fail("CIS-7.7", "one year certificates", SevLow, "NodeCertExpiry", func(w *world) {
		manager(w)
		w.e.Swarm.Spec.CAConfig.NodeCertExpiry = 365 * 24 * time.Hour
	}),
	pass("CIS-7.7", "default 90 days", manager),

	fail("CIS-7.8", "two-year-old root CA", SevLow, "days old", func(w *world) {
		manager(w)
		w.e.Swarm.TLSInfo.TrustRoot = selfSignedCA(testNow.Add(-2 * 365 * 24 * time.Hour))
	}),
	pass("CIS-7.8", "fresh root CA", func(w *world) {
		manager(w)
		w.e.Swarm.TLSInfo.TrustRoot = selfSignedCA(testNow.Add(-30 * 24 * time.Hour))
	}),

	fail("DKT-SWM-01", "socket in a service", SevCritical, "runtime socket", func(w *world) {
		manager(w)
		service(w).Spec.TaskTemplate.ContainerSpec.Mounts = []mount.Mount{{Type: mount.TypeBind, Source: "/var/run/docker.sock", Target: "/var/run/docker.sock"}}
	}),
	fail("DKT-SWM-01", "unconfined seccomp", SevHigh, "Seccomp.Mode=unconfined", func(w *world) {
		manager(w)
		service(w).Spec.TaskTemplate.ContainerSpec.Privileges = &swarm.Privileges{Seccomp: &swarm.SeccompOpts{Mode: swarm.SeccompModeUnconfined}}
	}),
	pass("DKT-SWM-01", "plain service", manager),

	fail("DKT-SWM-02", "ingress port", SevMedium, "8080->80", func(w *world) {
		manager(w)
		service(w).Endpoint.Ports = []swarm.PortConfig{{Protocol: "tcp", TargetPort: 80, PublishedPort: 8080, PublishMode: swarm.PortConfigPublishModeIngress}}
	}),
	pass("DKT-SWM-02", "host-mode port", func(w *world) {
		manager(w)
		service(w).Endpoint.Ports = []swarm.PortConfig{{Protocol: "tcp", TargetPort: 80, PublishedPort: 8080, PublishMode: swarm.PortConfigPublishModeHost}}
	}),

	fail("DKT-SWM-03", "tokens visible", SevInfo, "JoinTokens", func(w *world) {
		manager(w)
		w.e.Swarm.JoinTokens = swarm.JoinTokens{Worker: "SWMTKN-1-w", Manager: "SWMTKN-1-m"}
	}),
	pass("DKT-SWM-03", "not a manager", func(w *world) {}),

	fail("DKT-SWM-04", "private key in a config", SevMedium, "private key", func(w *world) {
		manager(w)
		w.e.Configs = []swarm.Config{{ID: "cfg1", Spec: swarm.ConfigSpec{Annotations: swarm.Annotations{Name: "tls"},
			Data: []byte("-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n")}}}
	}).on(KindConfig),
	pass("DKT-SWM-04", "plain config", func(w *world) {
		manager(w)
		w.e.Configs = []swarm.Config{{ID: "cfg1", Spec: swarm.ConfigSpec{Annotations: swarm.Annotations{Name: "nginx"}, Data: []byte("listen 80;\n")}}}
	}),

	// ---- dockterm engine ----
	fail("DKT-DMN-01", "engine 20.10", SevMedium, "older than", func(w *world) {
		w.e.Info.ServerVersion, w.e.Version.Version = "20.10.24", "20.10.24"
	}),
	fail("DKT-DMN-01", "upstream runc before the CVE-2024-21626 fix", SevHigh, "CVE-2024-21626", func(w *world) {
		w.e.Version.Components[1].Version = "1.1.11"
	}),
	fail("DKT-DMN-01", "distribution runc with backports", SevMedium, "backported", func(w *world) {
		w.e.Version.Components[1].Version = "1.1.5+ds1"
	}),
	pass("DKT-DMN-01", "current engine and runc", func(w *world) {}),

	fail("DKT-DMN-02", "CORS", SevHigh, "CORS", func(w *world) {
		w.e.Info.Warnings = []string{"API CORS header is set (api-cors-header: *), the API is reachable from any web page"}
	}),
	pass("DKT-DMN-02", "no CORS", func(w *world) {}),

	fail("DKT-DMN-03", "swap limit warning", SevLow, "No swap limit support", func(w *world) {
		w.e.Info.Warnings = []string{"WARNING: No swap limit support"}
	}),
	fail("DKT-DMN-03", "memory limits not enforced", SevMedium, "No memory limit support", func(w *world) {
		w.e.Info.Warnings = []string{"WARNING: No memory limit support"}
	}),
	pass("DKT-DMN-03", "TCP warning is CIS-2.7's, not repeated", func(w *world) {
		w.e.Info.Warnings = []string{"API is accessible on http://0.0.0.0:2375 without encryption."}
	}),

	fail("DKT-DMN-04", "no LSM", SevMedium, "neither name=apparmor", func(w *world) { w.withoutSecOpt("name=apparmor") }),
	pass("DKT-DMN-04", "SELinux instead", func(w *world) {
		w.withoutSecOpt("name=apparmor")
		w.e.Info.SecurityOptions = append(w.e.Info.SecurityOptions, "name=selinux")
	}),

	fail("DKT-DMN-05", "cgroup v1", SevLow, "CgroupVersion=1", func(w *world) { w.e.Info.CgroupVersion = "1" }),
	pass("DKT-DMN-05", "cgroup v2", func(w *world) {}),

	fail("DKT-DMN-06", "gVisor", SevInfo, "runsc", func(w *world) {
		w.e.Info.Runtimes["runsc"] = system.RuntimeWithStatus{Runtime: system.Runtime{Path: "/usr/bin/runsc"}}
	}),
	pass("DKT-DMN-06", "runc only", func(w *world) {}),

	fail("DKT-DMN-07", "DinD", SevMedium, "(containerized)", func(w *world) { w.e.Info.OperatingSystem = "Alpine Linux v3.20 (containerized)" }),
	pass("DKT-DMN-07", "host daemon", func(w *world) {}),

	fail("DKT-DMN-08", "plugin with SYS_ADMIN", SevHigh, "SYS_ADMIN", func(w *world) {
		p := &types.Plugin{Name: "vieux/sshfs:latest", ID: "p1", Enabled: true}
		p.Config.Linux.Capabilities = []string{"CAP_SYS_ADMIN"}
		w.e.Plugins = []*types.Plugin{p}
	}).on(KindPlugin),
	pass("DKT-DMN-08", "disabled plugin", func(w *world) {
		p := &types.Plugin{Name: "vieux/sshfs:latest", ID: "p1", Enabled: false}
		p.Config.Linux.Capabilities = []string{"CAP_SYS_ADMIN"}
		w.e.Plugins = []*types.Plugin{p}
	}),

	fail("DKT-DMN-09", "wildcard default bind", SevInfo, `host_binding_ipv4]="0.0.0.0"`, func(w *world) {
		w.e.Bridge.Options["com.docker.network.bridge.host_binding_ipv4"] = "0.0.0.0"
	}),
	pass("DKT-DMN-09", "loopback default bind", func(w *world) {}),

	fail("DKT-CTR-13", "routed gateway", SevMedium, "gateway_mode_ipv4]=routed", func(w *world) {
		w.e.Networks[1].Options = map[string]string{"com.docker.network.bridge.gateway_mode_ipv4": "routed"}
	}).on(KindNetwork),
	pass("DKT-CTR-13", "nat gateway", func(w *world) {
		w.e.Networks[1].Options = map[string]string{"com.docker.network.bridge.gateway_mode_ipv4": "nat"}
	}),

	fail("DKT-CTR-11", "cifs password", SevMedium, "password=<masked>", func(w *world) {
		w.e.Volumes = []*volume.Volume{{Name: "share", Driver: "local", Options: map[string]string{"type": "cifs", "device": "//srv/share", "o": "addr=10.0.0.9,username=u,password=s3cret"}}}
	}).on(KindVolume),
	pass("DKT-CTR-11", "nfs without credentials", func(w *world) {
		w.e.Volumes = []*volume.Volume{{Name: "nfs", Driver: "local", Options: map[string]string{"type": "nfs", "o": "addr=10.0.0.9,vers=4"}}}
	}),

	// ---- containers: CIS 4.1 and 5 ----
	fail("CIS-4.1", "empty user", SevMedium, `Config.User=""`, asRoot("")).on(KindContainer),
	fail("CIS-4.1", "0", SevMedium, `"0"`, asRoot("0")).on(KindContainer),
	fail("CIS-4.1", "0:0", SevMedium, `"0:0"`, asRoot("0:0")).on(KindContainer),
	fail("CIS-4.1", "root:root", SevMedium, `"root:root"`, asRoot("root:root")).on(KindContainer),
	fail("CIS-4.1", "root:staff", SevMedium, `"root:staff"`, asRoot("root:staff")).on(KindContainer),
	fail("CIS-4.1", "0:staff", SevMedium, `"0:staff"`, asRoot("0:staff")).on(KindContainer),
	fail("CIS-4.1", "root on a userns daemon", SevLow, "remaps root", func(w *world) { w.cfg().User = "0" }).on(KindContainer),
	fail("CIS-4.1", "root dropping to a user (gosu)", SevLow, "workload runs as 999", func(w *world) {
		noUserns(w)
		w.cfg().User = ""
		w.top(procRow("999", "100", "postgres"))
	}).on(KindContainer),
	fail("CIS-4.1", "image without USER", SevMedium, "no USER", func(w *world) {
		w.img.Inspect.Config.User = ""
		w.cfg().User = ""
	}).on(KindImage),
	fail("CIS-4.1", "root image run with --user is advisory", SevInfo, "non-root --user", func(w *world) { w.img.Inspect.Config.User = "root" }).on(KindImage),
	pass("CIS-4.1", "uid 10001", func(w *world) {}),
	pass("CIS-4.1", "uid 1000 with group 0 is not root", func(w *world) { w.cfg().User = "1000:0" }),

	fail("CIS-5.2", "apparmor=unconfined", SevHigh, "apparmor=unconfined", func(w *world) { w.secOpt("apparmor=unconfined") }),
	fail("CIS-5.2", "no profile on an AppArmor host", SevMedium, `AppArmorProfile=""`, func(w *world) { w.c.Inspect.AppArmorProfile = "" }),
	pass("CIS-5.2", "docker-default", func(w *world) {}),
	pass("CIS-5.2", "host without AppArmor (docker-bench #320)", func(w *world) {
		w.withoutSecOpt("name=apparmor")
		w.c.Inspect.AppArmorProfile = ""
	}),

	fail("CIS-5.3", "label disabled", SevHigh, "label=disable", func(w *world) {
		w.e.Info.SecurityOptions = append(w.e.Info.SecurityOptions, "name=selinux")
		w.c.Inspect.ProcessLabel = "system_u:system_r:container_t:s0:c1,c2"
		w.secOpt("label=disable")
	}),
	pass("CIS-5.3", "confined label", func(w *world) {
		w.e.Info.SecurityOptions = append(w.e.Info.SecurityOptions, "name=selinux")
		w.c.Inspect.ProcessLabel = "system_u:system_r:container_t:s0:c1,c2"
	}),
	pass("CIS-5.3", "host without SELinux (docker-bench #320)", func(w *world) {}),

	fail("CIS-5.4", "SYS_ADMIN", SevCritical, "SYS_ADMIN", func(w *world) { w.hc().CapAdd = []string{"SYS_ADMIN"} }),
	fail("CIS-5.4", "CAP_NET_ADMIN spelling", SevHigh, "NET_ADMIN", func(w *world) { w.hc().CapAdd = []string{"CAP_NET_ADMIN"} }),
	fail("CIS-5.4", "other capability", SevLow, "AUDIT_CONTROL", func(w *world) { w.hc().CapAdd = []string{"audit_control"} }),
	pass("CIS-5.4", "re-adding a default capability", func(w *world) { w.hc().CapAdd = []string{"NET_BIND_SERVICE"} }),

	fail("CIS-5.5", "privileged", SevCritical, "Privileged=true", func(w *world) { w.hc().Privileged = true }),
	pass("CIS-5.5", "unprivileged", func(w *world) {}),

	fail("CIS-5.6", "/ read-only", SevCritical, "/ -> /host (ro)", func(w *world) { w.mount("bind", "/", "/host", false) }),
	fail("CIS-5.6", "/etc writable", SevCritical, "/etc -> /host-etc (rw)", func(w *world) { w.mount("bind", "/etc", "/host-etc", true) }),
	fail("CIS-5.6", "/etc/nginx read-only (sub-path, docker-bench #212)", SevHigh, "/etc/nginx", func(w *world) { w.mount("bind", "/etc/nginx", "/etc/nginx", false) }),
	fail("CIS-5.6", "/var/log", SevHigh, "/var/log", func(w *world) { w.mount("bind", "/var/log", "/logs", false) }),
	pass("CIS-5.6", "read-only time zone", func(w *world) { w.mount("bind", "/etc/localtime", "/etc/localtime", false) }),
	pass("CIS-5.6", "application directory", func(w *world) { w.mount("bind", "/srv/app/data", "/data", true) }),
	pass("CIS-5.6", "destination matches, source does not", func(w *world) { w.mount("bind", "/srv/app/etc", "/etc", true) }),

	fail("CIS-5.7", "sshd process", SevMedium, "sshd", func(w *world) {
		w.top(procRow("10001", "1", "/app/server"), procRow("root", "2", "/usr/sbin/sshd -D"))
	}),
	fail("CIS-5.7", "port 22 exposed", SevMedium, "22/tcp", func(w *world) { w.cfg().ExposedPorts = nat.PortSet{"22/tcp": {}} }),
	pass("CIS-5.7", "no sshd", func(w *world) {}),

	fail("CIS-5.8", "port 80", SevLow, "127.0.0.1:80->80/tcp", func(w *world) { w.publish("80/tcp", "127.0.0.1", "80") }),
	fail("CIS-5.8", "port 1023", SevLow, ":1023->", func(w *world) { w.publish("8080/tcp", "127.0.0.1", "1023") }),
	pass("CIS-5.8", "port 1024 is not privileged (docker-bench off-by-one)", func(w *world) { w.publish("8080/tcp", "127.0.0.1", "1024") }),

	fail("CIS-5.9", "-P", SevLow, "PublishAllPorts", func(w *world) { w.hc().PublishAllPorts = true }),
	fail("CIS-5.9", "undeclared port", SevLow, "not declared", func(w *world) { w.publish("9090/tcp", "127.0.0.1", "9090") }),
	fail("CIS-5.9", "declared port", SevInfo, "published:", func(w *world) { w.publish("8080/tcp", "127.0.0.1", "8080") }),
	pass("CIS-5.9", "nothing published", func(w *world) {}),

	fail("CIS-5.10", "host network", SevHigh, "NetworkMode=host", func(w *world) { w.hc().NetworkMode = "host" }),
	pass("CIS-5.10", "user network", func(w *world) {}),

	fail("CIS-5.11", "no memory limit", SevMedium, "Memory=0", func(w *world) { w.hc().Memory = 0 }),
	fail("CIS-5.11", "OOM killer off without limit (DKT-CTR-09)", SevHigh, "OomKillDisable=true", func(w *world) {
		w.hc().Memory = 0
		w.hc().OomKillDisable = bptr(true)
	}),
	pass("CIS-5.11", "OOM killer off with a limit", func(w *world) { w.hc().OomKillDisable = bptr(true) }),

	fail("CIS-5.12", "no CPU setting", SevLow, "NanoCpus=0", func(w *world) { w.hc().NanoCPUs = 0 }),
	pass("CIS-5.12", "cpu shares", func(w *world) { w.hc().NanoCPUs = 0; w.hc().CPUShares = 512 }),
	pass("CIS-5.12", "cpuset", func(w *world) { w.hc().NanoCPUs = 0; w.hc().CpusetCpus = "0-1" }),

	fail("CIS-5.13", "writable rootfs", SevMedium, "ReadonlyRootfs=false", func(w *world) {
		w.hc().ReadonlyRootfs = false
		w.diff("C /run", "A /run/nginx.pid", "A /var/cache/nginx/client_temp")
	}),
	pass("CIS-5.13", "read-only", func(w *world) {}),

	fail("CIS-5.14", "0.0.0.0", SevMedium, "0.0.0.0:8080->8080/tcp", func(w *world) { w.publish("8080/tcp", "0.0.0.0", "8080") }),
	fail("CIS-5.14", ":: is every interface too", SevMedium, "[::]:8080", func(w *world) { w.publish("8080/tcp", "::", "8080") }),
	fail("CIS-5.14", `"" with the default 0.0.0.0 bind`, SevMedium, "*:8080", func(w *world) {
		w.e.Bridge.Options["com.docker.network.bridge.host_binding_ipv4"] = "0.0.0.0"
		w.c.Inspect.State.Running = false
		w.hc().PortBindings = nat.PortMap{"8080/tcp": {{HostIP: "", HostPort: "8080"}}}
	}),
	pass("CIS-5.14", "loopback", func(w *world) { w.publish("8080/tcp", "127.0.0.1", "8080") }),
	pass("CIS-5.14", `"" with daemon "ip": "127.0.0.1"`, func(w *world) {
		w.c.Inspect.State.Running = false
		w.hc().PortBindings = nat.PortMap{"8080/tcp": {{HostIP: "", HostPort: "8080"}}}
	}),

	fail("CIS-5.15", "on-failure unlimited", SevLow, "MaximumRetryCount=0", func(w *world) {
		w.hc().RestartPolicy = container.RestartPolicy{Name: "on-failure"}
	}),
	fail("CIS-5.15", "on-failure:10", SevLow, "on-failure:10", func(w *world) {
		w.hc().RestartPolicy = container.RestartPolicy{Name: "on-failure", MaximumRetryCount: 10}
	}),
	pass("CIS-5.15", "on-failure:5", func(w *world) {
		w.hc().RestartPolicy = container.RestartPolicy{Name: "on-failure", MaximumRetryCount: 5}
	}),
	pass("CIS-5.15", "always (MaximumRetryCount is 0 by design, moby #10809)", func(w *world) { w.hc().RestartPolicy = container.RestartPolicy{Name: "always"} }),

	fail("CIS-5.16", "pid host", SevHigh, "PidMode=host", func(w *world) { w.hc().PidMode = "host" }),
	fail("CIS-5.16", "pid host with ptrace", SevCritical, "SYS_PTRACE", func(w *world) {
		w.hc().PidMode = "host"
		w.hc().CapAdd = []string{"SYS_PTRACE"}
	}),
	pass("CIS-5.16", "private", func(w *world) {}),

	fail("CIS-5.17", "ipc host", SevHigh, "IpcMode=host", func(w *world) { w.hc().IpcMode = "host" }),
	pass("CIS-5.17", "shareable is not host", func(w *world) { w.hc().IpcMode = "shareable" }),

	fail("CIS-5.18", "block device", SevHigh, "/dev/sda", func(w *world) {
		w.hc().Devices = []container.DeviceMapping{{PathOnHost: "/dev/sda", PathInContainer: "/dev/sda", CgroupPermissions: "rwm"}}
	}),
	fail("CIS-5.18", "fuse", SevMedium, "/dev/fuse", func(w *world) {
		w.hc().Devices = []container.DeviceMapping{{PathOnHost: "/dev/fuse", PathInContainer: "/dev/fuse", CgroupPermissions: "rwm"}}
	}),
	fail("CIS-5.18", "every device allowed", SevHigh, "a *:* rwm", func(w *world) { w.hc().DeviceCgroupRules = []string{"a *:* rwm"} }),
	pass("CIS-5.18", "no devices", func(w *world) {}),

	fail("CIS-5.19", "ulimit override", SevInfo, "nofile=1024:2048", func(w *world) {
		w.hc().Ulimits = []*container.Ulimit{{Name: "nofile", Soft: 1024, Hard: 2048}}
	}),
	pass("CIS-5.19", "no override is fine (docker-bench #21)", func(w *world) {}),

	fail("CIS-5.20", "rshared", SevMedium, "rshared", func(w *world) {
		w.c.Inspect.Mounts = []container.MountPoint{{Type: "bind", Source: "/srv/x", Destination: "/x", RW: true, Propagation: "rshared"}}
	}),
	pass("CIS-5.20", "rprivate", func(w *world) {
		w.c.Inspect.Mounts = []container.MountPoint{{Type: "bind", Source: "/srv/x", Destination: "/x", RW: true, Propagation: "rprivate"}}
	}),

	fail("CIS-5.21", "uts host", SevMedium, "UTSMode=host", func(w *world) { w.hc().UTSMode = "host" }),
	pass("CIS-5.21", "private", func(w *world) {}),

	fail("CIS-5.22", "seccomp=unconfined", SevHigh, "seccomp=unconfined", func(w *world) { w.secOpt("seccomp=unconfined") }),
	fail("CIS-5.22", "legacy seccomp:unconfined", SevHigh, "seccomp:unconfined", func(w *world) { w.secOpt("seccomp:unconfined") }),
	fail("CIS-5.22", "privileged disables seccomp", SevHigh, "disables seccomp", func(w *world) { w.hc().Privileged = true }),
	pass("CIS-5.22", "custom profile", func(w *world) { w.secOpt("seccomp=/etc/docker/app-seccomp.json") }),

	fail("CIS-5.23", "privileged exec", SevHigh, "privileged=true", func(w *world) {
		w.c.Execs = []ExecObservation{{ID: "e1", Privileged: true, Command: "sh"}}
	}),
	pass("CIS-5.23", "plain exec", func(w *world) { w.c.Execs = []ExecObservation{{ID: "e1", Command: "sh"}} }),

	fail("CIS-5.24", "exec -u root", SevMedium, "user=root", func(w *world) {
		w.c.Execs = []ExecObservation{{ID: "e1", User: "root", Command: "sh"}}
	}),
	fail("CIS-5.24", "exec -u 0:0", SevMedium, "user=0:0", func(w *world) {
		w.c.Execs = []ExecObservation{{ID: "e1", User: "0:0", Command: "sh"}}
	}),
	pass("CIS-5.24", "exec as the container user", func(w *world) { w.c.Execs = []ExecObservation{{ID: "e1", Command: "sh"}} }),

	fail("CIS-5.25", "cgroup parent", SevLow, "CgroupParent=/custom", func(w *world) { w.hc().CgroupParent = "/custom" }),
	pass("CIS-5.25", "default", func(w *world) {}),

	fail("CIS-5.26", "no NNP, daemon does not set it", SevMedium, "daemon does not set it", func(w *world) {
		w.hc().SecurityOpt = nil
		w.withoutSecOpt("name=no-new-privileges")
	}),
	fail("CIS-5.26", "explicit opt-out beats the daemon", SevMedium, "no-new-privileges=false", func(w *world) {
		w.hc().SecurityOpt = []string{"no-new-privileges=false"}
	}),
	fail("CIS-5.26", "Engine < 24: unknown, information only", SevInfo, "check daemon.json", func(w *world) {
		w.hc().SecurityOpt = nil
		w.withoutSecOpt("name=no-new-privileges")
		w.e.Info.ServerVersion, w.e.Version.Version = "20.10.24", "20.10.24"
	}),
	pass("CIS-5.26", "no-new-privileges:true", func(w *world) { w.hc().SecurityOpt = []string{"no-new-privileges:true"} }),
	pass("CIS-5.26", "daemon-wide (docker-bench #492)", func(w *world) { w.hc().SecurityOpt = nil }),

	fail("CIS-5.27", "no healthcheck", SevLow, "not set", func(w *world) {
		w.cfg().Healthcheck = nil
		w.c.Inspect.State.Health = nil
	}),
	fail("CIS-5.27", "healthcheck NONE", SevLow, "[NONE]", func(w *world) {
		w.cfg().Healthcheck = &container.HealthConfig{Test: []string{"NONE"}}
		w.c.Inspect.State.Health = nil
	}),
	pass("CIS-5.27", "healthcheck configured, not started yet", func(w *world) { w.c.Inspect.State.Health = nil }),

	fail("CIS-5.28", "latest", SevInfo, "latest", func(w *world) { w.cfg().Image = "app:latest" }),
	fail("CIS-5.28", "tag, not digest", SevInfo, "not pinned", func(w *world) { w.cfg().Image = "app:1.0" }),
	fail("CIS-5.28", "stale: the tag moved (DKT-IMG-02)", SevLow, "now points to", func(w *world) {
		w.cfg().Image = "docker.io/library/app:1.0"
		w.e.Images[0].RepoTags = nil
		w.e.Images = append(w.e.Images, image.Summary{ID: "sha256:9999999999999999", RepoTags: []string{"app:1.0"}})
	}),
	pass("CIS-5.28", "digest", func(w *world) {}),
	pass("CIS-5.28", "image ID", func(w *world) { w.cfg().Image = testImageID }),

	fail("CIS-5.29", "no pids limit", SevMedium, "PidsLimit=null", func(w *world) { w.hc().PidsLimit = nil }),
	fail("CIS-5.29", "-1", SevMedium, "PidsLimit=-1", func(w *world) { w.hc().PidsLimit = i64(-1) }),
	pass("CIS-5.29", "100", func(w *world) {}),

	fail("CIS-5.30", "default bridge", SevLow, "default bridge", func(w *world) {
		w.hc().NetworkMode = "default"
		w.c.Inspect.NetworkSettings.Networks = map[string]*network.EndpointSettings{"bridge": {}}
	}),
	fail("CIS-5.30", "default bridge with icc", SevMedium, "icc enabled", func(w *world) {
		w.e.Bridge.Options["com.docker.network.bridge.enable_icc"] = "true"
		w.hc().NetworkMode = "bridge"
	}),
	pass("CIS-5.30", "user-defined network", func(w *world) {}),
	pass("CIS-5.30", "no network", func(w *world) { w.hc().NetworkMode = "none"; w.c.Inspect.NetworkSettings.Networks = nil }),

	fail("CIS-5.31", "userns host on a remapping daemon", SevMedium, "userns-remap daemon", func(w *world) { w.hc().UsernsMode = "host" }),
	pass("CIS-5.31", "default", func(w *world) {}),

	fail("CIS-5.32", "docker.sock read-only is still critical", SevCritical, "docker.sock (ro)", func(w *world) {
		w.mount("bind", "/var/run/docker.sock", "/var/run/docker.sock", false)
	}),
	fail("CIS-5.32", "/run directory", SevCritical, "/run -> /host-run", func(w *world) { w.mount("bind", "/run", "/host-run", false) }),
	fail("CIS-5.32", "containerd socket", SevCritical, "containerd.sock", func(w *world) {
		w.mount("bind", "/run/containerd/containerd.sock", "/c.sock", true)
	}),
	fail("CIS-5.32", "DOCKER_HOST", SevHigh, "DOCKER_HOST=tcp://dind:2375", func(w *world) {
		w.cfg().Env = append(w.cfg().Env, "DOCKER_HOST=tcp://dind:2375")
	}),
	pass("CIS-5.32", "no socket", func(w *world) {}),

	// ---- dockterm containers ----
	fail("DKT-CTR-01", "token in env, masked", SevHigh, "API_TOKEN=<masked>", func(w *world) {
		w.cfg().Env = append(w.cfg().Env, "API_TOKEN=abcdef123456")
	}),
	fail("DKT-CTR-01", "weak default password is still a credential", SevHigh, "POSTGRES_PASSWORD=<masked>", func(w *world) {
		w.cfg().Env = append(w.cfg().Env, "POSTGRES_PASSWORD=password")
	}),
	pass("DKT-CTR-01", "references and flags", func(w *world) {
		w.cfg().Env = append(w.cfg().Env, "DB_PASSWORD_FILE=/run/secrets/db", "MYSQL_ALLOW_EMPTY_PASSWORD=yes", "GPG_KEY=ABCDEF", "PWD=/app", "TOKEN_URL=https://x")
	}),
	pass("DKT-CTR-01", "secret inherited from the image is the image's finding", func(w *world) {
		w.img.Inspect.Config.Env = append(w.img.Inspect.Config.Env, "API_KEY=fromimage")
		w.cfg().Env = append(w.cfg().Env, "API_KEY=fromimage")
	}),

	fail("DKT-CTR-02", "systempaths=unconfined", SevHigh, "systempaths=unconfined", func(w *world) { w.secOpt("systempaths=unconfined") }),
	pass("DKT-CTR-02", "masks kept", func(w *world) {}),

	fail("DKT-CTR-03", "net sysctl on host network", SevMedium, "NetworkMode=host", func(w *world) {
		w.hc().NetworkMode = "host"
		w.hc().Sysctls = map[string]string{"net.ipv4.ip_forward": "1"}
	}),
	fail("DKT-CTR-03", "IPC sysctl on host IPC", SevMedium, "IpcMode=host", func(w *world) {
		w.hc().IpcMode = "host"
		w.hc().Sysctls = map[string]string{"kernel.shmmax": "68719476736"}
	}),
	pass("DKT-CTR-03", "namespaced sysctls on private namespaces", func(w *world) {
		w.hc().Sysctls = map[string]string{"net.ipv4.ip_unprivileged_port_start": "0", "kernel.shmmax": "68719476736"}
	}),

	fail("DKT-CTR-04", "host cgroupns", SevMedium, "CgroupnsMode=host", func(w *world) { w.hc().CgroupnsMode = "host" }),
	pass("DKT-CTR-04", "private cgroupns", func(w *world) {}),

	fail("DKT-CTR-05", "postgres on all interfaces", SevHigh, "PostgreSQL", func(w *world) { w.publish("5432/tcp", "0.0.0.0", "5432") }),
	fail("DKT-CTR-05", "docker API on all interfaces", SevCritical, "Docker API (plain)", func(w *world) { w.publish("2375/tcp", "0.0.0.0", "2375") }),
	pass("DKT-CTR-05", "postgres on loopback", func(w *world) { w.publish("5432/tcp", "127.0.0.1", "5432") }),

	fail("DKT-CTR-06", "socket and a port", SevCritical, "and ports", func(w *world) {
		w.mount("bind", "/var/run/docker.sock", "/var/run/docker.sock", false)
		w.publish("9000/tcp", "127.0.0.1", "9000")
	}),
	pass("DKT-CTR-06", "socket, no network exposure", func(w *world) {
		w.mount("bind", "/var/run/docker.sock", "/var/run/docker.sock", false)
	}),

	fail("DKT-CTR-07", "non-root user, root processes", SevMedium, "runs as root", func(w *world) {
		noUserns(w)
		w.top(procRow("root", "42", "/usr/bin/setuid-helper"))
	}),
	pass("DKT-CTR-07", "UID 0 seen from the host of a remapping daemon is not host root", func(w *world) {
		w.top(procRow("root", "42", "/usr/bin/setuid-helper"))
	}),
	pass("DKT-CTR-07", "processes as the configured user", func(w *world) {}),

	fail("DKT-CTR-08", "supervisord", SevInfo, "supervisord", func(w *world) {
		w.cfg().Entrypoint = []string{"/usr/bin/supervisord"}
	}),
	fail("DKT-CTR-08", "systemd as init", SevMedium, "/sbin/init", func(w *world) { w.cfg().Cmd = []string{"/sbin/init"} }),
	fail("DKT-CTR-08", "three programs", SevInfo, "3 different programs", func(w *world) {
		w.top(procRow("10001", "1", "/app/server"), procRow("10001", "2", "nginx: master process"), procRow("10001", "3", "/usr/bin/redis-server"))
	}),
	pass("DKT-CTR-08", "one program with workers", func(w *world) {
		w.top(procRow("10001", "1", "nginx: master process"), procRow("10001", "2", "nginx: worker process"), procRow("10001", "3", "/bin/sh -c x"))
	}),

	fail("DKT-CTR-10", "~/.aws", SevHigh, ".aws", func(w *world) { w.mount("bind", "/home/ops/.aws", "/root/.aws", false) }),
	pass("DKT-CTR-10", "app config", func(w *world) { w.mount("bind", "/srv/app/config", "/config", false) }),

	fail("DKT-CTR-12", "routed global IPv6", SevMedium, "2001:db8::5", func(w *world) {
		w.c.Inspect.NetworkSettings.Networks["app"].GlobalIPv6Address = "2001:db8::5"
		w.e.Networks[1].Options = map[string]string{"com.docker.network.bridge.gateway_mode_ipv6": "routed"}
	}),
	fail("DKT-CTR-12", "global IPv6 on an old engine", SevMedium, "unfiltered", func(w *world) {
		w.c.Inspect.NetworkSettings.Networks["app"].GlobalIPv6Address = "2001:db8::5"
		w.e.Info.ServerVersion, w.e.Version.Version = "26.1.0", "26.1.0"
	}),
	pass("DKT-CTR-12", "ULA", func(w *world) {
		w.c.Inspect.NetworkSettings.Networks["app"].GlobalIPv6Address = "fd00:1::5"
		w.e.Networks[1].Options = map[string]string{"com.docker.network.bridge.gateway_mode_ipv6": "routed"}
	}),
	pass("DKT-CTR-12", "global IPv6 behind NAT (Engine 28)", func(w *world) {
		w.c.Inspect.NetworkSettings.Networks["app"].GlobalIPv6Address = "2001:db8::5"
	}),

	fail("DKT-CTR-14", "unhealthy", SevInfo, "unhealthy", func(w *world) {
		w.c.Inspect.State.Health = &container.Health{Status: "unhealthy", FailingStreak: 4}
	}),
	fail("DKT-CTR-14", "restart loop", SevInfo, "RestartCount=12", func(w *world) { w.c.Inspect.RestartCount = 12 }),
	pass("DKT-CTR-14", "healthy", func(w *world) {}),

	// ---- images ----
	fail("CIS-4.6", "no healthcheck", SevLow, "not set", func(w *world) { w.img.Inspect.Config.Healthcheck = nil }).on(KindImage),
	fail("CIS-4.6", "HEALTHCHECK NONE", SevLow, "[NONE]", func(w *world) {
		w.img.Inspect.Config.Healthcheck = &container.HealthConfig{Test: []string{"NONE"}}
	}),
	pass("CIS-4.6", "healthcheck", func(w *world) {}),

	fail("CIS-4.7", "apt-get update alone", SevLow, "apt-get update", func(w *world) {
		w.history("RUN /bin/sh -c apt-get update # buildkit", "RUN /bin/sh -c apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* # buildkit")
	}),
	fail("CIS-4.7", "classic builder apk update alone", SevLow, "apk update", func(w *world) { w.history("/bin/sh -c apk update") }),
	pass("CIS-4.7", "update && install", func(w *world) {}),
	pass("CIS-4.7", "the word update elsewhere (docker-bench #302)", func(w *world) { w.history("/bin/sh -c ./scripts/update-assets.sh") }),

	fail("CIS-4.9", "ADD of a local file", SevLow, "ADD file:", func(w *world) {
		w.history("/bin/sh -c #(nop) ADD file:0123456789abcdef in /app/ ")
	}),
	fail("CIS-4.9", "ADD of a URL", SevMedium, "https://", func(w *world) { w.history("ADD https://example.com/tool.tgz /opt/ # buildkit") }),
	pass("CIS-4.9", "base image rootfs ADD is skipped (dockle #217)", func(w *world) {}),

	fail("CIS-4.10", "secret in image Env", SevHigh, "AWS_SECRET_ACCESS_KEY=<masked>", func(w *world) {
		w.img.Inspect.Config.Env = append(w.img.Inspect.Config.Env, "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI")
	}).on(KindImage),
	fail("CIS-4.10", "secret in a history ENV", SevHigh, "history ENV GITHUB_TOKEN", func(w *world) { w.history("ENV GITHUB_TOKEN=ghp_123") }),
	fail("CIS-4.10", "ARG default", SevHigh, "history ARG NPM_TOKEN", func(w *world) { w.history("ARG NPM_TOKEN=abc123") }),
	pass("CIS-4.10", "GPG_KEY and _FILE are not secrets (dockle #130)", func(w *world) {
		w.img.Inspect.Config.Env = append(w.img.Inspect.Config.Env, "GPG_KEY=B42F6819007F00F88E364FD4036A9C25BF357DD4", "DB_PASSWORD_FILE=/run/secrets/db")
	}),
	pass("CIS-4.10", "pinned apk version is not ENV (dockle #250)", func(w *world) { w.history("RUN /bin/sh -c apk add --no-cache curl=8.5.0-r0 # buildkit") }),

	fail("CIS-4.11", "curl | sh", SevMedium, "curl", func(w *world) { w.history("RUN /bin/sh -c curl -fsSL https://get.example.com | sh # buildkit") }),
	fail("CIS-4.11", "nogpgcheck", SevMedium, "--nogpgcheck", func(w *world) {
		w.history("RUN /bin/sh -c yum install -y --nogpgcheck foo && yum clean all # buildkit")
	}),
	pass("CIS-4.11", "download and verify", func(w *world) {
		w.history("RUN /bin/sh -c curl -fsSLo /tmp/t.tgz https://example.com/t.tgz && echo 'abc  /tmp/t.tgz' | sha256sum -c - # buildkit")
	}),

	fail("DKL-DI-0001", "sudo", SevLow, "sudo", func(w *world) { w.history("RUN /bin/sh -c sudo make install # buildkit") }),
	pass("DKL-DI-0001", "the word sudo as an argument (dockle #278)", func(w *world) {
		w.history("RUN /bin/sh -c find / -name sudo -delete # buildkit")
	}),

	fail("DKL-DI-0002", "VOLUME /sys", SevHigh, "/sys", func(w *world) { w.img.Inspect.Config.Volumes = map[string]struct{}{"/sys": {}} }),
	pass("DKL-DI-0002", "VOLUME /data", func(w *world) { w.img.Inspect.Config.Volumes = map[string]struct{}{"/data": {}} }),

	fail("DKL-DI-0003", "dist-upgrade", SevInfo, "dist-upgrade", func(w *world) {
		w.history("RUN /bin/sh -c apt-get update && apt-get dist-upgrade -y && rm -rf /var/lib/apt/lists/* # buildkit")
	}),
	pass("DKL-DI-0003", "plain install", func(w *world) {}),

	fail("DKL-DI-0004", "apk add without --no-cache", SevInfo, "apk add", func(w *world) { w.history("RUN /bin/sh -c apk add curl # buildkit") }),
	pass("DKL-DI-0004", "apk add --no-cache", func(w *world) { w.history("RUN /bin/sh -c apk add --no-cache curl # buildkit") }),

	fail("DKL-DI-0005", "apt lists left", SevInfo, "apt-get install", func(w *world) {
		w.history("RUN /bin/sh -c apt-get update && apt-get install -y --no-install-recommends curl # buildkit")
	}),
	pass("DKL-DI-0005", "apt-get dist-clean (dockle #282)", func(w *world) {
		w.history("RUN /bin/sh -c apt-get update && apt-get install -y --no-install-recommends curl && apt-get dist-clean # buildkit")
	}),
	pass("DKL-DI-0005", "alpine has no apt lists (dockle #151)", func(w *world) { w.history("RUN /bin/sh -c apk add --no-cache curl # buildkit") }),

	fail("DKL-DI-0006", "latest tag", SevLow, "app:latest", func(w *world) { w.img.Inspect.RepoTags = []string{"app:latest"} }),
	pass("DKL-DI-0006", "version tag", func(w *world) {}),

	fail("DS-0004", "EXPOSE 22", SevMedium, "22/tcp", func(w *world) { w.img.Inspect.Config.ExposedPorts["22/tcp"] = struct{}{} }).on(KindImage),
	pass("DS-0004", "EXPOSE 8080", func(w *world) {}),

	fail("DS-0008", "port out of range", SevInfo, "70000/tcp", func(w *world) { w.img.Inspect.Config.ExposedPorts["70000/tcp"] = struct{}{} }),
	pass("DS-0008", "port in range", func(w *world) {}),

	fail("DS-0009", "relative WORKDIR", SevInfo, "WORKDIR app", func(w *world) { w.history("WORKDIR app") }),
	pass("DS-0009", "absolute WORKDIR", func(w *world) {}),

	fail("DS-0013", "RUN cd", SevInfo, "cd /src", func(w *world) { w.history("RUN /bin/sh -c cd /src && make # buildkit") }),
	pass("DS-0013", "make -C", func(w *world) { w.history("RUN /bin/sh -c make -C /src # buildkit") }),

	fail("DS-0014", "curl and wget", SevInfo, "both curl and wget", func(w *world) {
		w.history("RUN /bin/sh -c curl -o /a https://x/a # buildkit", "RUN /bin/sh -c wget -O /b https://x/b # buildkit")
	}),
	pass("DS-0014", "curl only", func(w *world) { w.history("RUN /bin/sh -c curl -o /a https://x/a # buildkit") }),

	fail("DS-0015", "yum without clean", SevInfo, "yum install", func(w *world) { w.history("RUN /bin/sh -c yum install -y nginx # buildkit") }),
	pass("DS-0015", "yum clean all", func(w *world) { w.history("RUN /bin/sh -c yum install -y nginx && yum clean all # buildkit") }),
	fail("DS-0019", "dnf without clean", SevInfo, "dnf install", func(w *world) { w.history("RUN /bin/sh -c dnf install -y nginx # buildkit") }),
	pass("DS-0019", "dnf clean all", func(w *world) { w.history("RUN /bin/sh -c dnf install -y nginx && dnf clean all # buildkit") }),
	fail("DS-0020", "zypper without clean", SevInfo, "zypper", func(w *world) { w.history("RUN /bin/sh -c zypper -n install nginx # buildkit") }),
	pass("DS-0020", "zypper clean", func(w *world) { w.history("RUN /bin/sh -c zypper -n install nginx && zypper clean # buildkit") }),
	fail("DS-0027", "microdnf without clean", SevInfo, "microdnf", func(w *world) { w.history("RUN /bin/sh -c microdnf install nginx # buildkit") }),
	pass("DS-0027", "microdnf clean all", func(w *world) { w.history("RUN /bin/sh -c microdnf install nginx && microdnf clean all # buildkit") }),

	fail("DS-0021", "apt-get without -y", SevInfo, "apt-get install curl", func(w *world) {
		w.history("RUN /bin/sh -c apt-get update && apt-get install curl && rm -rf /var/lib/apt/lists/* # buildkit")
	}),
	pass("DS-0021", "-qy", func(w *world) {
		w.history("RUN /bin/sh -c apt-get update && apt-get install -qy --no-install-recommends curl && rm -rf /var/lib/apt/lists/* # buildkit")
	}),

	fail("DS-0022", "MAINTAINER", SevInfo, "MAINTAINER", func(w *world) { w.history("/bin/sh -c #(nop)  MAINTAINER ops@example.com") }),
	pass("DS-0022", "no MAINTAINER", func(w *world) {}),

	fail("DS-0023", "two HEALTHCHECKs", SevInfo, "2 HEALTHCHECK", func(w *world) { w.history("HEALTHCHECK &{a}", "HEALTHCHECK &{b}") }),
	pass("DS-0023", "one HEALTHCHECK", func(w *world) {}),

	fail("DS-0029", "recommends", SevInfo, "apt-get install -y curl", func(w *world) {
		w.history("RUN /bin/sh -c apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/* # buildkit")
	}),
	pass("DS-0029", "--no-install-recommends", func(w *world) {}),

	fail("DS-0030", "WORKDIR /proc", SevMedium, "/proc/app", func(w *world) { w.img.Inspect.Config.WorkingDir = "/proc/app" }),
	pass("DS-0030", "WORKDIR /app", func(w *world) {}),

	fail("DKT-IMG-01", "build-arg token", SevHigh, "NPM_TOKEN=<masked>", func(w *world) {
		w.history("RUN |2 NPM_TOKEN=abc123 VERSION=1.2 /bin/sh -c npm ci # buildkit")
	}),
	fail("DKT-IMG-01", "classic builder build-arg", SevHigh, "DEPLOY_KEY", func(w *world) {
		w.history("|1 DEPLOY_KEY=zzz /bin/sh -c ./deploy.sh")
	}),
	pass("DKT-IMG-01", "harmless build-arg", func(w *world) { w.history("RUN |1 VERSION=1.2 /bin/sh -c make # buildkit") }),

	// ---- drift ----
	fail("DKT-DRIFT-01", "ld.so.preload", SevCritical, "A /etc/ld.so.preload", func(w *world) { w.diff("C /etc", "A /etc/ld.so.preload") }),
	pass("DKT-DRIFT-01", "other /etc file", func(w *world) { w.diff("A /etc/motd") }),
	fail("DKT-DRIFT-02", "passwd", SevHigh, "C /etc/passwd", func(w *world) { w.diff("C /etc/passwd", "A /etc/passwd-") }),
	fail("DKT-DRIFT-02", "sudoers.d", SevHigh, "/etc/sudoers.d/x", func(w *world) { w.diff("A /etc/sudoers.d/x") }),
	pass("DKT-DRIFT-02", "motd", func(w *world) { w.diff("C /etc/motd") }),
	fail("DKT-DRIFT-03", "authorized_keys", SevHigh, "authorized_keys", func(w *world) { w.diff("A /root/.ssh", "A /root/.ssh/authorized_keys") }),
	pass("DKT-DRIFT-03", "known_hosts", func(w *world) { w.diff("A /root/.ssh/known_hosts") }),
	fail("DKT-DRIFT-04", "cron.d", SevHigh, "/etc/cron.d/x", func(w *world) { w.diff("A /etc/cron.d/x") }),
	fail("DKT-DRIFT-04", "busybox crontabs", SevHigh, "/etc/crontabs/root", func(w *world) { w.diff("C /etc/crontabs/root") }),
	pass("DKT-DRIFT-04", "mail spool", func(w *world) { w.diff("A /var/spool/mail/x") }),
	fail("DKT-DRIFT-05", "new binary", SevHigh, "A /usr/local/bin/helper", func(w *world) { w.diff("A /usr/local/bin/helper") }),
	fail("DKT-DRIFT-05", "deleted binary", SevHigh, "D /bin/ls", func(w *world) { w.diff("D /bin/ls") }),
	pass("DKT-DRIFT-05", "data file", func(w *world) { w.diff("A /usr/local/lib/app/data.txt") }),
	fail("DKT-DRIFT-06", "library", SevHigh, "libevil.so.1", func(w *world) { w.diff("A /usr/lib/x86_64-linux-gnu/libevil.so.1") }),
	pass("DKT-DRIFT-06", "python source", func(w *world) { w.diff("A /usr/lib/python3/dist/foo.py") }),
	fail("DKT-DRIFT-07", "dpkg status", SevMedium, "/var/lib/dpkg/status", func(w *world) { w.diff("C /var/lib/dpkg/status") }),
	pass("DKT-DRIFT-07", "dpkg lock", func(w *world) { w.diff("A /var/lib/dpkg/lock-frontend") }),
	fail("DKT-DRIFT-08", "apt lists", SevLow, "/var/lib/apt/lists", func(w *world) { w.diff("A /var/lib/apt/lists/deb.debian.org_dists") }),
	pass("DKT-DRIFT-08", "apt lists removed", func(w *world) { w.diff("D /var/lib/apt/lists/deb.debian.org_dists") }),
	fail("DKT-DRIFT-09", "sources.list", SevHigh, "sources.list", func(w *world) { w.diff("C /etc/apt/sources.list") }),
	pass("DKT-DRIFT-09", "apt.conf.d", func(w *world) { w.diff("A /etc/apt/apt.conf.d/99x") }),
	fail("DKT-DRIFT-10", "bashrc", SevMedium, "/root/.bashrc", func(w *world) { w.diff("C /root/.bashrc") }),
	pass("DKT-DRIFT-10", "app config in home", func(w *world) { w.diff("A /root/.config/app.toml") }),
	fail("DKT-DRIFT-11", "ash history", SevLow, ".ash_history", func(w *world) { w.diff("A /root/.ash_history") }),
	pass("DKT-DRIFT-11", "history.txt", func(w *world) { w.diff("A /root/history.txt") }),
	fail("DKT-DRIFT-12", "miner in /tmp", SevCritical, "xmrig", func(w *world) { w.diff("A /tmp/xmrig") }),
	fail("DKT-DRIFT-12", "netcat in /usr/bin", SevCritical, "/usr/bin/nc", func(w *world) { w.diff("A /usr/bin/nc") }),
	pass("DKT-DRIFT-12", "package docs named like a tool", func(w *world) { w.diff("A /usr/share/doc/curl") }),
	fail("DKT-DRIFT-13", "executable in /tmp", SevHigh, "A /tmp/payload", func(w *world) {
		w.diff("A /tmp/payload")
		w.c.Modes = map[string]os.FileMode{"/tmp/payload": 0o755}
	}),
	fail("DKT-DRIFT-13", "mode unknown", SevMedium, "A /var/tmp/x", func(w *world) { w.diff("A /var/tmp/x") }),
	pass("DKT-DRIFT-13", "data file in /tmp", func(w *world) {
		w.diff("A /tmp/data.json")
		w.c.Modes = map[string]os.FileMode{"/tmp/data.json": 0o644}
	}),
	pass("DKT-DRIFT-13", "JVM perf data", func(w *world) { w.diff("A /tmp/hsperfdata_root", "A /tmp/hsperfdata_root/1") }),
	fail("DKT-DRIFT-14", "init.d", SevMedium, "/etc/init.d/evil", func(w *world) { w.diff("A /etc/init.d/evil") }),
	pass("DKT-DRIFT-14", "/etc/default", func(w *world) { w.diff("A /etc/default/x") }),
	fail("DKT-DRIFT-15", "pam", SevHigh, "/etc/pam.d/common-auth", func(w *world) { w.diff("C /etc/pam.d/common-auth") }),
	pass("DKT-DRIFT-15", "limits.conf", func(w *world) { w.diff("C /etc/security/limits.conf") }),
	fail("DKT-DRIFT-16", "php in web root", SevHigh, "shell.php", func(w *world) { w.diff("A /var/www/html/shell.php") }),
	pass("DKT-DRIFT-16", "html in web root", func(w *world) { w.diff("A /var/www/html/index.html") }),
	fail("DKT-DRIFT-17", "log deleted", SevMedium, "D /var/log/auth.log", func(w *world) { w.diff("D /var/log/auth.log") }),
	pass("DKT-DRIFT-17", "log written", func(w *world) { w.diff("A /var/log/app.log") }),
	fail("DKT-DRIFT-18", "CA added", SevMedium, "evil.crt", func(w *world) { w.diff("A /usr/local/share/ca-certificates/evil.crt") }),
	pass("DKT-DRIFT-18", "doc added", func(w *world) { w.diff("A /usr/local/share/doc/x") }),
	fail("DKT-DRIFT-19", "kernel module", SevHigh, "evil.ko", func(w *world) { w.diff("A /lib/modules/6.1.0/evil.ko") }),
	pass("DKT-DRIFT-19", "firmware", func(w *world) { w.diff("A /lib/firmware/x.bin") }),

	// ---- client files ----
	fail("DKT-CLI-01", "tcp context without TLS", SevCritical, "tcp://10.0.0.5:2375", func(w *world) {
		w.client.Contexts = []ContextMeta{{Name: "prod", Host: "tcp://10.0.0.5:2375"}}
	}).on(KindContext),
	fail("DKT-CLI-01", "DOCKER_HOST without verification", SevCritical, "without DOCKER_TLS_VERIFY", func(w *world) {
		w.client.Env = ClientEnv{DockerHost: "tcp://10.0.0.5:2375"}
	}),
	pass("DKT-CLI-01", "ssh context", func(w *world) { w.client.Contexts = []ContextMeta{{Name: "prod", Host: "ssh://ops@prod"}} }),
	pass("DKT-CLI-01", "tcp context with TLS", func(w *world) {
		w.client.Contexts = []ContextMeta{{Name: "prod", Host: "tcp://10.0.0.5:2376", HasTLS: true}}
	}),
	pass("DKT-CLI-01", "DOCKER_HOST with DOCKER_TLS_VERIFY", func(w *world) {
		w.client.Env = ClientEnv{DockerHost: "tcp://10.0.0.5:2376", DockerTLSVerify: "1"}
	}),

	fail("DKT-CLI-02", "skip-tls-verify", SevHigh, "SkipTLSVerify=true", func(w *world) {
		w.client.Contexts = []ContextMeta{{Name: "prod", Host: "tcp://10.0.0.5:2376", SkipTLSVerify: true, HasTLS: true}}
	}),
	pass("DKT-CLI-02", "verified", func(w *world) {
		w.client.Contexts = []ContextMeta{{Name: "prod", Host: "tcp://10.0.0.5:2376", HasTLS: true}}
	}),

	fail("DKT-CLI-03", "client key 0644", SevHigh, "0644", func(w *world) {
		w.client.Keys = []KeyFile{{Path: "/home/ops/.docker/machine/machines/m1/key.pem", Mode: 0o644, Kind: KindMachine, Owner: "m1"}}
	}).on(KindMachine),
	fail("DKT-CLI-03", "machine CA key group-readable", SevCritical, "every machine", func(w *world) {
		w.client.Keys = []KeyFile{{Path: "/home/ops/.docker/machine/certs/ca-key.pem", Mode: 0o640, Kind: KindMachine, Owner: "machine store CA", MachineCA: true}}
	}),
	pass("DKT-CLI-03", "0600", func(w *world) {
		w.client.Keys = []KeyFile{{Path: "/home/ops/.docker/machine/certs/ca-key.pem", Mode: 0o600, Kind: KindMachine, MachineCA: true}}
	}),

	fail("DKT-CLI-04", "plaintext auths", SevMedium, "no credsStore", func(w *world) {
		w.client.Config = &DockerConfig{Path: "/home/ops/.docker/config.json", Auths: map[string]AuthEntry{"https://index.docker.io/v1/": {HasAuth: true, AuthIsUserPass: true}}}
	}).on(KindClient),
	fail("DKT-CLI-04", "stale plaintext next to a helper", SevLow, "stale", func(w *world) {
		w.client.Config = &DockerConfig{Path: "c.json", CredsStore: "pass", Auths: map[string]AuthEntry{"ghcr.io": {HasAuth: true}}}
	}),
	pass("DKT-CLI-04", "credential helper", func(w *world) {
		w.client.Config = &DockerConfig{Path: "c.json", CredsStore: "desktop", Auths: map[string]AuthEntry{"https://index.docker.io/v1/": {}}}
	}),

	fail("DKT-CLI-05", "insecure registry provisioned", SevHigh, "InsecureRegistry=[10.96.0.0/12]", func(w *world) {
		w.client.Machines = []MachineConfig{{Name: "p1", InsecureRegistry: []string{"10.96.0.0/12"}, TLSVerify: bptr(true)}}
	}).on(KindMachine),
	fail("DKT-CLI-05", "TlsVerify false", SevMedium, "TlsVerify=false", func(w *world) {
		w.client.Machines = []MachineConfig{{Name: "dev", TLSVerify: bptr(false)}}
	}),
	fail("DKT-CLI-05", "risky engine flag", SevMedium, "--icc=true", func(w *world) {
		w.client.Machines = []MachineConfig{{Name: "dev", TLSVerify: bptr(true), ArbitraryFlags: []string{"icc=true"}}}
	}),
	pass("DKT-CLI-05", "defaults", func(w *world) {
		w.client.Machines = []MachineConfig{{Name: "foobar", TLSVerify: bptr(true), ArbitraryFlags: []string{}}}
	}),
}

func TestRules(t *testing.T) {
	for _, tc := range ruleCases {
		verdict := "pass"
		if tc.fail {
			verdict = "fail"
		}
		t.Run(tc.id+"/"+verdict+"/"+tc.name, func(t *testing.T) {
			w := cleanWorld()
			tc.mut(w)
			fs := w.findings()
			var got []Finding
			for _, f := range fs {
				if f.ID == tc.id && (tc.kind == "" || f.Object.Kind == tc.kind) {
					got = append(got, f)
				}
			}
			if !tc.fail {
				for _, f := range got {
					t.Errorf("unexpected %s %s on %s: %s", f.ID, f.Severity, f.Object, f.Evidence)
				}
				return
			}
			if len(got) == 0 {
				t.Fatalf("no %s finding; got %s", tc.id, summary(fs))
			}
			ok := false
			for _, f := range got {
				if f.Severity == tc.sev && (strings.Contains(f.Evidence, tc.ev) || containsAny(f.Details, tc.ev)) {
					ok = true
				}
			}
			if !ok {
				t.Errorf("want %s %s with evidence containing %q, got %s", tc.id, tc.sev, tc.ev, summary(got))
			}
			for _, f := range got {
				if f.Why == "" || f.Remediation == "" || f.Title == "" || f.Evidence == "" {
					t.Errorf("%s is missing title, why, remediation or evidence: %+v", f.ID, f)
				}
			}
		})
	}
}

func containsAny(list []string, sub string) bool {
	for _, s := range list {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

func summary(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString("\n\t" + f.ID + " " + f.Severity.String() + " " + f.Object.String() + ": " + f.Evidence)
	}
	if b.Len() == 0 {
		return "(none)"
	}
	return b.String()
}

// TestEveryRuleHasPassAndFail keeps the table honest: a rule without a
// failing case could be dead code, one without a passing case could fire
// on everything.
func TestEveryRuleHasPassAndFail(t *testing.T) {
	failing, passing := map[string]bool{}, map[string]bool{}
	for _, tc := range ruleCases {
		if _, ok := RuleByID(tc.id); !ok {
			t.Errorf("case %q names unknown rule %s", tc.name, tc.id)
		}
		if tc.fail {
			failing[tc.id] = true
		} else {
			passing[tc.id] = true
		}
	}
	for _, r := range Rules() {
		if !failing[r.ID] {
			t.Errorf("rule %s has no failing case", r.ID)
		}
		if !passing[r.ID] {
			t.Errorf("rule %s has no passing case", r.ID)
		}
	}
}

// TestCleanWorldHasNoFindings is the hardened baseline every case starts
// from: if it had findings, a pass case could pass for the wrong reason.
func TestCleanWorldHasNoFindings(t *testing.T) {
	fs := cleanWorld().findings()
	if len(fs) != 0 {
		t.Fatalf("clean world has findings: %s", summary(fs))
	}
}
