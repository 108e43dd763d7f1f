package audit

import (
	"slices"
	"strings"
	"testing"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/go-connections/nat"
)

// nginxLike is a root container that drops to a worker user, publishes
// port 80 on every interface and writes pid and cache files.
func nginxLike() *ContainerInput {
	img := cleanImage()
	img.Inspect.Config.User = ""
	img.Inspect.RepoTags = []string{"nginx:1.27"}
	img.Inspect.RepoDigests = []string{"nginx@" + testImageDig}
	img.Inspect.Config.Cmd = []string{"nginx", "-g", "daemon off;"}
	img.Inspect.Config.ExposedPorts = map[string]struct{}{"80/tcp": {}}
	img.Inspect.Config.Healthcheck = nil
	return &ContainerInput{
		Inspect: container.InspectResponse{
			ContainerJSONBase: &container.ContainerJSONBase{ID: "n1", Name: "/edge", Image: testImageID,
				State: &container.State{Status: "running", Running: true},
				HostConfig: &container.HostConfig{NetworkMode: "default", CgroupnsMode: "host",
					RestartPolicy: container.RestartPolicy{Name: "on-failure"}}},
			Config: &container.Config{Image: "nginx:1.27", Cmd: []string{"nginx", "-g", "daemon off;"},
				ExposedPorts: nat.PortSet{"80/tcp": {}}, Env: []string{"NGINX_VERSION=1.27", "UPSTREAM=app:8080"}},
			NetworkSettings: &container.NetworkSettings{
				NetworkSettingsBase: container.NetworkSettingsBase{Ports: nat.PortMap{"80/tcp": {{HostIP: "0.0.0.0", HostPort: "80"}, {HostIP: "::", HostPort: "80"}}}},
				Networks:            map[string]*network.EndpointSettings{"bridge": {}}},
		},
		Image: img,
		Top: &container.TopResponse{Titles: []string{"UID", "PID", "CMD"}, Processes: [][]string{
			{"root", "10", "nginx: master process nginx -g daemon off;"}, {"101", "11", "nginx: worker process"}, {"101", "12", "nginx: worker process"}}},
		Diff:     changes("C /run", "A /run/nginx.pid", "C /var/cache/nginx", "A /var/cache/nginx/client_temp", "C /etc/nginx/conf.d/default.conf"),
		MemUsage: 40 << 20,
	}
}

func argPairs(args []string) map[string][]string {
	m := map[string][]string{}
	for i := 0; i < len(args)-1; i++ {
		if strings.HasPrefix(args[i], "-") {
			m[args[i]] = append(m[args[i]], args[i+1])
		}
	}
	return m
}

func TestHarden(t *testing.T) {
	f := DeriveFacts(defaultEngine())
	tests := []struct {
		name      string
		in        func() *ContainerInput
		want      map[string][]string // flag -> values that must be among its values
		wantFlags []string            // flags that must be present
		notFlags  []string            // flags that must not be present
		tail      []string            // image and command at the end
		notes     []string            // substrings of some note
	}{
		{
			name: "nginx-like root container",
			in:   nginxLike,
			want: map[string][]string{
				"--tmpfs":        {"/run", "/var/cache/nginx"},
				"--cap-drop":     {"ALL"},
				"--cap-add":      {"NET_BIND_SERVICE", "SETGID", "SETUID"},
				"--security-opt": {"no-new-privileges"},
				"-p":             {"127.0.0.1:80:80"},
				"--memory":       {"128m"},
				"--pids-limit":   {"64"},
				"--cpus":         {"1"},
				"--restart":      {"on-failure:5"},
				"--cgroupns":     {"private"},
			},
			wantFlags: []string{"--read-only"},
			notFlags:  []string{"--user", "--network"},
			tail:      []string{"nginx@" + testImageDig},
			notes: []string{"modifies image files in place (/etc/nginx/conf.d/default.conf)", "bound to 127.0.0.1",
				"drops to root, 101", "default bridge", "2 run-time environment variables", "no healthcheck"},
		},
		{
			name: "hardened container keeps its settings",
			in:   func() *ContainerInput { return cleanContainer(cleanImage()) },
			want: map[string][]string{
				"--user": {"10001:10001"}, "--memory": {"256m"}, "--pids-limit": {"100"}, "--cpus": {"0.5"},
				"--network": {"app"}, "--tmpfs": {"/tmp:rw,noexec,nosuid"},
			},
			wantFlags: []string{"--read-only"},
			notFlags:  []string{"--cap-add", "-p"},
			tail:      []string{"app@" + testImageDig},
		},
		{
			name: "privileged, host network, SYS_ADMIN and the socket",
			in: func() *ContainerInput {
				c := nginxLike()
				c.Inspect.HostConfig.Privileged = true
				c.Inspect.HostConfig.NetworkMode = "host"
				c.Inspect.HostConfig.CapAdd = []string{"SYS_ADMIN", "NET_ADMIN"}
				c.Inspect.HostConfig.SecurityOpt = []string{"seccomp=unconfined", "label=disable"}
				c.Inspect.Mounts = []container.MountPoint{{Type: "bind", Source: "/var/run/docker.sock", Destination: "/var/run/docker.sock"}}
				return c
			},
			want:     map[string][]string{"--cap-add": {"NET_ADMIN"}, "-v": {"/var/run/docker.sock:/var/run/docker.sock:ro"}},
			notFlags: []string{"--privileged", "--network"},
			notes:    []string{"--privileged dropped", "SYS_ADMIN dropped", "--network host dropped", "root on the host", "unconfined seccomp"},
		},
		{
			name: "created container without a diff",
			in: func() *ContainerInput {
				c := nginxLike()
				c.Inspect.State = &container.State{Status: "created"}
				c.Diff, c.Top, c.MemUsage = nil, nil, 0
				return c
			},
			want:  map[string][]string{"--tmpfs": {"/tmp:rw,noexec,nosuid", "/run"}, "--memory": {"512m"}, "--pids-limit": {"200"}},
			notes: []string{"no docker diff available", "placeholder", "EPERM"},
		},
		{
			name: "gosu pattern: every process already runs as 999",
			in: func() *ContainerInput {
				c := nginxLike()
				c.Top = &container.TopResponse{Titles: []string{"UID", "PID", "CMD"}, Processes: [][]string{{"999", "1", "postgres"}, {"999", "30", "postgres: checkpointer"}}}
				c.Diff = changes("A /var/lib/postgresql/data/PG_VERSION", "A /var/lib/postgresql/data/base/1")
				return c
			},
			want:  map[string][]string{"--user": {"999"}, "-v": {"edge-var-lib-postgresql:/var/lib/postgresql"}},
			notes: []string{"already run as", "named volumes"},
		},
		{
			name: "entrypoint override",
			in: func() *ContainerInput {
				c := cleanContainer(cleanImage())
				c.Inspect.Config.Entrypoint = []string{"/bin/sh", "-c"}
				c.Inspect.Config.Cmd = []string{"exec /app/server --debug"}
				return c
			},
			want: map[string][]string{"--entrypoint": {"/bin/sh"}},
			tail: []string{"app@" + testImageDig, "-c", "exec /app/server --debug"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := Harden(&f, tc.in())
			if h.Args[0] != "docker" || h.Args[1] != "run" {
				t.Fatalf("args start %v", h.Args[:2])
			}
			pairs := argPairs(h.Args)
			for flag, vals := range tc.want {
				for _, v := range vals {
					if !slices.Contains(pairs[flag], v) {
						t.Errorf("%s %s missing; %s has %v\n%s", flag, v, flag, pairs[flag], h)
					}
				}
			}
			for _, flag := range tc.wantFlags {
				if !slices.Contains(h.Args, flag) {
					t.Errorf("%s missing:\n%s", flag, h)
				}
			}
			for _, flag := range tc.notFlags {
				if slices.Contains(h.Args, flag) {
					t.Errorf("%s present:\n%s", flag, h)
				}
			}
			if tc.tail != nil {
				got := h.Args[len(h.Args)-len(tc.tail):]
				if !slices.Equal(got, tc.tail) {
					t.Errorf("command ends %q, want %q", got, tc.tail)
				}
			}
			for _, n := range tc.notes {
				if !containsAny(h.Notes, n) {
					t.Errorf("no note containing %q in %q", n, h.Notes)
				}
			}
		})
	}
}

func TestHardenedCommandString(t *testing.T) {
	h := HardenedCommand{Args: []string{"docker", "run", "--name", "web", "-e", "A=it's", "img", "sh", "-c", "echo $HOME"}}
	want := `docker run --name web -e 'A=it'\''s' img sh -c 'echo $HOME'`
	if got := h.String(); got != want {
		t.Errorf("String() = %s\nwant        %s", got, want)
	}
}

func TestWritablePlan(t *testing.T) {
	tmpfs, volumes, notes := writablePlan(changes("A /tmp/x", "A /tmp/y/z", "A /data/db/1", "A /data/db/2", "A /var/log/app/a.log",
		"C /etc/app.conf", "A /usr/bin/evil", "A /home/u/.cache/pip/x"), []container.MountPoint{{Destination: "/data/db"}})
	if want := []string{"/home/u/.cache", "/tmp", "/var/log/app"}; !slices.Equal(tmpfs, want) {
		t.Errorf("tmpfs = %v, want %v", tmpfs, want)
	}
	if len(volumes) != 0 {
		t.Errorf("volumes = %v: /data/db is already a mount", volumes)
	}
	if !containsAny(notes, "/etc/app.conf") || !containsAny(notes, "A /usr/bin/evil is drift") {
		t.Errorf("notes = %q", notes)
	}
}
