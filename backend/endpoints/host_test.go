package endpoints

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseHost(t *testing.T) {
	tests := []struct {
		raw     string
		want    string
		tls     bool
		ssh     *SSHConfig
		wantErr string
	}{
		{raw: "tcp://1.2.3.4:2376", want: "tcp://1.2.3.4:2376"},
		{raw: "tcp://1.2.3.4", want: "tcp://1.2.3.4:2375"},
		{raw: "1.2.3.4", want: "tcp://1.2.3.4:2375"},
		{raw: "Build.Example.COM:2376", want: "tcp://build.example.com:2376"},
		{raw: "tcp://:2376", want: "tcp://localhost:2376"},
		{raw: "tcp://[2001:db8::1]:2376", want: "tcp://[2001:db8::1]:2376"},
		{raw: "  tcp://h:1/  ", want: "tcp://h:1"},
		{raw: "https://someswarmserver.example.com", want: "tcp://someswarmserver.example.com:443", tls: true},
		{raw: "http://h:8080", want: "tcp://h:8080"},
		{raw: "unix:///var/run/docker.sock", want: "unix:///var/run/docker.sock"},
		{raw: "unix://", want: "unix:///var/run/docker.sock"},
		{raw: "unix:///run/user/1000//docker.sock", want: "unix:///run/user/1000/docker.sock"},
		{raw: "npipe:////./pipe/docker_engine", want: "npipe:////./pipe/docker_engine"},
		{raw: "ssh://someserver", want: "ssh://op@someserver:22/var/run/docker.sock",
			ssh: &SSHConfig{User: "op", Host: "someserver", Port: 22, Socket: "/var/run/docker.sock"}},
		{raw: "ssh://ops@10.0.0.5:2222/run/user/1000/docker.sock", want: "ssh://ops@10.0.0.5:2222/run/user/1000/docker.sock",
			ssh: &SSHConfig{User: "ops", Host: "10.0.0.5", Port: 2222, Socket: "/run/user/1000/docker.sock"}},
		{raw: "ssh://root@[::1]:22", want: "ssh://root@[::1]:22/var/run/docker.sock",
			ssh: &SSHConfig{User: "root", Host: "::1", Port: 22, Socket: "/var/run/docker.sock"}},
		{raw: "", wantErr: "empty"},
		{raw: "ssh://me:hunter2@h", wantErr: "plain-text password"},
		{raw: "ssh://h?x=1", wantErr: "query"},
		{raw: "ssh://", wantErr: "hostname is empty"},
		{raw: "tcp://h:99999", wantErr: "bad port"},
		{raw: "tcp://u@h:1", wantErr: "not allowed"},
		{raw: "unix://relative.sock", wantErr: "absolute"},
		{raw: "fd://", wantErr: "fd://"},
		{raw: "gopher://h", wantErr: "unsupported scheme"},
	}
	for _, tc := range tests {
		got, err := ParseHost(tc.raw, "op")
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("ParseHost(%q) err = %v, want %q", tc.raw, err, tc.wantErr)
			}
			if strings.Contains(tc.raw, "hunter2") && err != nil && strings.Contains(err.Error(), "hunter2") {
				t.Errorf("ParseHost(%q) leaks the password: %v", tc.raw, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseHost(%q): %v", tc.raw, err)
			continue
		}
		if got.Host != tc.want || got.TLS != tc.tls {
			t.Errorf("ParseHost(%q) = %q tls=%v, want %q tls=%v", tc.raw, got.Host, got.TLS, tc.want, tc.tls)
		}
		if (got.SSH == nil) != (tc.ssh == nil) || (got.SSH != nil && !reflect.DeepEqual(*got.SSH, *tc.ssh)) {
			t.Errorf("ParseHost(%q).SSH = %+v, want %+v", tc.raw, got.SSH, tc.ssh)
		}
	}
}

func TestInsecure(t *testing.T) {
	tests := []struct {
		name string
		ep   Endpoint
		want []string // fragments, one per reason
	}{
		{"unix", Endpoint{Host: "unix:///var/run/docker.sock"}, nil},
		{"plain tcp", Endpoint{Host: "tcp://10.0.0.1:2375"}, []string{"plain TCP"}},
		{"tls verified", Endpoint{Host: "tcp://10.0.0.1:2376", TLS: &TLSConfig{CA: "ca"}}, nil},
		{"tls skip verify", Endpoint{Host: "tcp://10.0.0.1:2376", TLS: &TLSConfig{SkipVerify: true}}, []string{"NOT verified"}},
		{"ssh verified", Endpoint{Host: "ssh://a@h:22/s", SSH: &SSHConfig{Host: "h"}}, nil},
		{"ssh insecure", Endpoint{Host: "ssh://a@h:22/s", SSH: &SSHConfig{Host: "h", InsecureIgnoreHostKey: true}}, []string{"host key is NOT verified"}},
	}
	for _, tc := range tests {
		got := tc.ep.Insecure()
		if len(got) != len(tc.want) {
			t.Errorf("%s: Insecure() = %q, want %d reasons", tc.name, got, len(tc.want))
			continue
		}
		for i := range got {
			if !strings.Contains(got[i], tc.want[i]) {
				t.Errorf("%s: reason %q, want it to mention %q", tc.name, got[i], tc.want[i])
			}
		}
	}
}

func TestViaSSH(t *testing.T) {
	ep := Endpoint{Name: "dev", Source: SourceMachine, Host: "tcp://192.168.99.100:2376", TLS: &TLSConfig{CA: "x"}, Current: true,
		SSH: &SSHConfig{User: "docker", Host: "127.0.0.1", Port: 64477, IdentityFiles: []string{"/k/id_rsa"}}}
	got, err := ep.ViaSSH()
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "dev (ssh)" || got.Host != "ssh://docker@127.0.0.1:64477/var/run/docker.sock" || got.TLS != nil ||
		got.Current || got.SSH.Socket != DefaultSocket || got.SSH.IdentityFiles[0] != "/k/id_rsa" {
		t.Errorf("ViaSSH = %+v ssh=%+v", got, got.SSH)
	}
	if ep.SSH.Socket != "" {
		t.Errorf("ViaSSH modified its receiver's SSH config")
	}
	if _, err := (Endpoint{Name: "x", Host: "tcp://h:1"}).ViaSSH(); err == nil {
		t.Error("ViaSSH without SSH config succeeded")
	}
}
