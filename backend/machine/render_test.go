package machine

import (
	"strings"
	"testing"
)

func loadFixtureHost(t *testing.T, machine, file string) *Host {
	t.Helper()
	s := newStore(t, map[string][]byte{machine: fixture(t, file)})
	h, err := s.Load(machine)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// swarmMaster is a synthetic v3 machine (no fixture is a swarm master).
const swarmMaster = `{"ConfigVersion":3,"Driver":{"IPAddress":"10.0.0.9","MachineName":"sm","SSHUser":"docker","SSHPort":22,"StorePath":"/s"},"DriverName":"generic","HostOptions":{"SwarmOptions":{"IsSwarm":true,"Master":true,"Host":"tcp://0.0.0.0:3376"}},"Name":"sm"}`

func TestRenderEnv(t *testing.T) {
	h := loadFixtureHost(t, "foobar", "04-v1-format-docker-machine-fixture.config.json")
	s := newStore(t, map[string][]byte{"sm": []byte(swarmMaster)})
	sm, err := s.Load("sm")
	if err != nil {
		t.Fatal(err)
	}
	dir := h.Dir
	tests := []struct {
		name string
		host *Host
		opt  EnvOptions
		want string
	}{
		{
			name: "bash", host: h, opt: EnvOptions{Shell: "bash"},
			want: `export DOCKER_TLS_VERIFY="1"
export DOCKER_HOST="tcp://192.168.99.100:2376"
export DOCKER_CERT_PATH="` + dir + `"
export DOCKER_MACHINE_NAME="foobar"
# Run this command to configure your shell: 
# eval $(docker-machine env foobar)
`,
		},
		{
			name: "fish", host: h, opt: EnvOptions{Shell: "fish"},
			want: `set -gx DOCKER_TLS_VERIFY "1";
set -gx DOCKER_HOST "tcp://192.168.99.100:2376";
set -gx DOCKER_CERT_PATH "` + dir + `";
set -gx DOCKER_MACHINE_NAME "foobar";
# Run this command to configure your shell: 
# eval (docker-machine env --shell fish foobar)
`,
		},
		{
			name: "powershell", host: h, opt: EnvOptions{Shell: "powershell"},
			want: `$Env:DOCKER_TLS_VERIFY = "1"
$Env:DOCKER_HOST = "tcp://192.168.99.100:2376"
$Env:DOCKER_CERT_PATH = "` + dir + `"
$Env:DOCKER_MACHINE_NAME = "foobar"
# Run this command to configure your shell: 
# & docker-machine env --shell powershell foobar | Invoke-Expression
`,
		},
		{
			name: "cmd on windows", host: h, opt: EnvOptions{Shell: "cmd", Windows: true},
			want: "SET DOCKER_TLS_VERIFY=1\nSET DOCKER_HOST=tcp://192.168.99.100:2376\nSET DOCKER_CERT_PATH=" + dir +
				"\nSET DOCKER_MACHINE_NAME=foobar\nSET COMPOSE_CONVERT_WINDOWS_PATHS=true\n" +
				"REM Run this command to configure your shell: \nREM \t@FOR /f \"tokens=*\" %i IN ('docker-machine env --shell cmd foobar') DO @%i\n",
		},
		{
			name: "tcsh", host: h, opt: EnvOptions{Shell: "tcsh"},
			want: `setenv DOCKER_TLS_VERIFY "1";
setenv DOCKER_HOST "tcp://192.168.99.100:2376";
setenv DOCKER_CERT_PATH "` + dir + `";
setenv DOCKER_MACHINE_NAME "foobar";
: Run this command to configure your shell: 
: eval ` + "`docker-machine env --shell tcsh foobar`" + `
`,
		},
		{
			name: "emacs", host: h, opt: EnvOptions{Shell: "emacs"},
			want: `(setenv "DOCKER_TLS_VERIFY" "1")
(setenv "DOCKER_HOST" "tcp://192.168.99.100:2376")
(setenv "DOCKER_CERT_PATH" "` + dir + `")
(setenv "DOCKER_MACHINE_NAME" "foobar")
;; Run this command to configure your shell: 
;; (with-temp-buffer (shell-command "docker-machine env --shell emacs foobar" (current-buffer)) (eval-buffer))
`,
		},
		{
			name: "no-proxy appends to an existing no_proxy", host: h,
			opt: EnvOptions{Shell: "bash", NoProxy: true, NoProxyLower: "192.168.59.1", NoProxyUpper: "ignored"},
			want: `export DOCKER_TLS_VERIFY="1"
export DOCKER_HOST="tcp://192.168.99.100:2376"
export DOCKER_CERT_PATH="` + dir + `"
export DOCKER_MACHINE_NAME="foobar"
export no_proxy="192.168.59.1,192.168.99.100"
# Run this command to configure your shell: 
# eval $(docker-machine env --no-proxy foobar)
`,
		},
		{
			name: "no-proxy with the IP already listed", host: h,
			opt: EnvOptions{Shell: "zsh", NoProxy: true, NoProxyUpper: "localhost,192.168.99.100"},
			want: `export DOCKER_TLS_VERIFY="1"
export DOCKER_HOST="tcp://192.168.99.100:2376"
export DOCKER_CERT_PATH="` + dir + `"
export DOCKER_MACHINE_NAME="foobar"
export NO_PROXY="localhost,192.168.99.100"
# Run this command to configure your shell: 
# eval $(docker-machine env --no-proxy foobar)
`,
		},
		{
			name: "swarm master", host: sm, opt: EnvOptions{Shell: "bash", Swarm: true},
			want: `export DOCKER_TLS_VERIFY="1"
export DOCKER_HOST="tcp://10.0.0.9:3376"
export DOCKER_CERT_PATH="` + sm.Dir + `"
export DOCKER_MACHINE_NAME="sm"
# Run this command to configure your shell: 
# eval $(docker-machine env --swarm sm)
`,
		},
		{
			name: "hint quotes a program path with spaces", host: h,
			opt: EnvOptions{Shell: "bash", Args: []string{`C:\Program Files\docker-machine.exe`, "env", "foobar"}},
			want: `export DOCKER_TLS_VERIFY="1"
export DOCKER_HOST="tcp://192.168.99.100:2376"
export DOCKER_CERT_PATH="` + dir + `"
export DOCKER_MACHINE_NAME="foobar"
# Run this command to configure your shell: 
# eval $("C:\Program Files\docker-machine.exe" env foobar)
`,
		},
		{
			name: "unset bash", opt: EnvOptions{Unset: true},
			want: "unset DOCKER_TLS_VERIFY\nunset DOCKER_HOST\nunset DOCKER_CERT_PATH\nunset DOCKER_MACHINE_NAME\n" +
				"# Run this command to configure your shell: \n# eval $(docker-machine env -u)\n",
		},
		{
			// docker-machine's template bug: the current value is glued on.
			name: "unset with no-proxy", opt: EnvOptions{Unset: true, NoProxy: true, NoProxyUpper: "10.0.0.1"},
			want: "unset DOCKER_TLS_VERIFY\nunset DOCKER_HOST\nunset DOCKER_CERT_PATH\nunset DOCKER_MACHINE_NAME\nunset NO_PROXY10.0.0.1\n" +
				"# Run this command to configure your shell: \n# eval $(docker-machine env --no-proxy -u)\n",
		},
		{
			name: "unset fish", opt: EnvOptions{Unset: true, Shell: "fish"},
			want: "set -e DOCKER_TLS_VERIFY;\nset -e DOCKER_HOST;\nset -e DOCKER_CERT_PATH;\nset -e DOCKER_MACHINE_NAME;\n" +
				"# Run this command to configure your shell: \n# eval (docker-machine env --shell fish -u)\n",
		},
		{
			name: "unset powershell", opt: EnvOptions{Unset: true, Shell: "powershell"},
			want: `Remove-Item Env:\\DOCKER_TLS_VERIFY` + "\n" + `Remove-Item Env:\\DOCKER_HOST` + "\n" +
				`Remove-Item Env:\\DOCKER_CERT_PATH` + "\n" + `Remove-Item Env:\\DOCKER_MACHINE_NAME` + "\n" +
				"# Run this command to configure your shell: \n# & docker-machine env --shell powershell -u | Invoke-Expression\n",
		},
		{
			name: "unset cmd", opt: EnvOptions{Unset: true, Shell: "cmd"},
			want: "SET DOCKER_TLS_VERIFY=\nSET DOCKER_HOST=\nSET DOCKER_CERT_PATH=\nSET DOCKER_MACHINE_NAME=\n" +
				"REM Run this command to configure your shell: \nREM \t@FOR /f \"tokens=*\" %i IN ('docker-machine env --shell cmd -u') DO @%i\n",
		},
		{
			name: "unset tcsh", opt: EnvOptions{Unset: true, Shell: "tcsh"},
			want: "unsetenv DOCKER_TLS_VERIFY;\nunsetenv DOCKER_HOST;\nunsetenv DOCKER_CERT_PATH;\nunsetenv DOCKER_MACHINE_NAME;\n" +
				": Run this command to configure your shell: \n: eval `docker-machine env --shell tcsh -u`\n",
		},
		{
			name: "unset emacs", opt: EnvOptions{Unset: true, Shell: "emacs"},
			want: "(setenv \"DOCKER_TLS_VERIFY\" nil)\n(setenv \"DOCKER_HOST\" nil)\n(setenv \"DOCKER_CERT_PATH\" nil)\n(setenv \"DOCKER_MACHINE_NAME\" nil)\n" +
				";; Run this command to configure your shell: \n;; (with-temp-buffer (shell-command \"docker-machine env --shell emacs -u\" (current-buffer)) (eval-buffer))\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b strings.Builder
			if err := RenderEnv(&b, tc.host, tc.opt); err != nil {
				t.Fatal(err)
			}
			if b.String() != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", b.String(), tc.want)
			}
		})
	}
}

func TestRenderEnvErrors(t *testing.T) {
	v2 := loadFixtureHost(t, "default", "06b-v2-format-docker-machine-fixture.config.json") // no IP
	foobar := loadFixtureHost(t, "foobar", "04-v1-format-docker-machine-fixture.config.json")
	tests := []struct {
		name string
		host *Host
		opt  EnvOptions
		want string
	}{
		{"no IP", v2, EnvOptions{}, "IP address is not set"},
		{"swarm on a non-master", foobar, EnvOptions{Swarm: true}, "not a swarm master"},
		{"no host", nil, EnvOptions{}, "No machine name"},
	}
	for _, tc := range tests {
		var b strings.Builder
		err := RenderEnv(&b, tc.host, tc.opt)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
		}
		if b.Len() != 0 {
			t.Errorf("%s: wrote %q on error", tc.name, b.String())
		}
	}
}

func TestRenderConfigURLIP(t *testing.T) {
	h := loadFixtureHost(t, "foobar", "04-v1-format-docker-machine-fixture.config.json")
	var b strings.Builder
	if err := RenderConfig(&b, h, false); err != nil {
		t.Fatal(err)
	}
	want := "--tlsverify\n--tlscacert=\"" + h.Dir + "/ca.pem\"\n--tlscert=\"" + h.Dir + "/cert.pem\"\n--tlskey=\"" + h.Dir + "/key.pem\"\n-H=tcp://192.168.99.100:2376\n"
	if b.String() != want {
		t.Errorf("config:\n%s\nwant:\n%s", b.String(), want)
	}

	// %q doubles the backslashes of a store copied from Windows.
	win := &Host{Name: "default", Dir: `C:\Users\me\.docker\machine\machines\default`, DriverName: "hyperv",
		Driver: Driver{IPAddress: "172.17.0.5"}}
	b.Reset()
	if err := RenderConfig(&b, win, false); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.String(), "--tlsverify\n--tlscacert=\"C:\\\\Users\\\\me\\\\.docker\\\\machine\\\\machines\\\\default/ca.pem\"\n") {
		t.Errorf("windows config: %q", b.String())
	}

	b.Reset()
	if err := RenderURL(&b, h); err != nil || b.String() != "tcp://192.168.99.100:2376\n" {
		t.Errorf("url = %q, %v", b.String(), err)
	}
	b.Reset()
	if err := RenderIP(&b, h); err != nil || b.String() != "192.168.99.100\n" {
		t.Errorf("ip = %q, %v", b.String(), err)
	}
	v2 := loadFixtureHost(t, "default", "06b-v2-format-docker-machine-fixture.config.json")
	for name, render := range map[string]func() error{
		"config": func() error { return RenderConfig(&b, v2, false) },
		"url":    func() error { return RenderURL(&b, v2) },
		"ip":     func() error { return RenderIP(&b, v2) },
	} {
		b.Reset()
		if err := render(); err == nil || b.Len() != 0 {
			t.Errorf("%s without an IP: %q, %v", name, b.String(), err)
		}
	}
}

func TestDetectShell(t *testing.T) {
	tests := []struct {
		env, want string
		err       bool
	}{
		{"/bin/bash", "bash", false},
		{"/usr/local/bin/fish", "fish", false},
		{"/bin/tcsh", "tcsh", false},
		{"", "", true},
	}
	for _, tc := range tests {
		got, err := DetectShell(tc.env)
		if got != tc.want || (err != nil) != tc.err {
			t.Errorf("DetectShell(%q) = %q, %v", tc.env, got, err)
		}
	}
}
