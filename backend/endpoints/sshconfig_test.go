package endpoints

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const sshConfigText = `# the operator's ~/.ssh/config
Host someserver
    HostName 10.20.30.40
    User deploy
    Port 2222
    IdentityFile ~/.ssh/deploy_key

Host *.internal !bastion.internal
    User=ops
    IdentityFile "%d/.ssh/internal_%r"

Host jumpy
    ProxyJump bastion

Include config.d/*

Match host foo
    User ignored

Host *
    User fallback
    Port 22
    IdentityFile ~/.ssh/id_default
`

func TestSSHConfigAliases(t *testing.T) {
	te := newTestEnv(t)
	home := te.env.Home
	te.write(filepath.Join(".ssh", "config"), []byte(sshConfigText))
	te.write(filepath.Join(".ssh", "config.d", "extra"), []byte("Host extra\n  HostName extra.example.com\n"))
	def := filepath.Join(home, ".ssh", "id_default")

	tests := []struct {
		host    string
		want    string
		keys    []string
		warning string
	}{
		{"ssh://someserver", "ssh://deploy@10.20.30.40:2222/var/run/docker.sock", []string{filepath.Join(home, ".ssh", "deploy_key"), def}, ""},
		{"ssh://me@someserver:22", "ssh://me@10.20.30.40:22/var/run/docker.sock", []string{filepath.Join(home, ".ssh", "deploy_key"), def}, ""},
		{"ssh://db.internal/run/docker.sock", "ssh://ops@db.internal:22/run/docker.sock", []string{filepath.Join(home, ".ssh", "internal_ops"), def}, ""},
		{"ssh://bastion.internal", "ssh://fallback@bastion.internal:22/var/run/docker.sock", []string{def}, ""},
		{"ssh://jumpy", "ssh://fallback@jumpy:22/var/run/docker.sock", []string{def}, "proxyjump bastion"},
		{"ssh://extra", "ssh://fallback@extra.example.com:22/var/run/docker.sock", []string{def}, ""},
		{"ssh://foo", "ssh://fallback@foo:22/var/run/docker.sock", []string{def}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.host, func(t *testing.T) {
			env := te.env
			env.Hosts = []string{tc.host}
			eps, errs := Discover(env)
			if len(errs) != 0 || len(eps) != 1 {
				t.Fatalf("%+v %v", eps, errs)
			}
			ep := eps[0]
			if ep.Host != tc.want || !reflect.DeepEqual(ep.SSH.IdentityFiles, tc.keys) {
				t.Errorf("got %s keys %v, want %s keys %v", ep.Host, ep.SSH.IdentityFiles, tc.want, tc.keys)
			}
			w := strings.Join(ep.Warnings, "\n")
			if (tc.warning == "") != (w == "") || !strings.Contains(w, tc.warning) {
				t.Errorf("warnings %q, want %q", w, tc.warning)
			}
		})
	}
}

// The context fixture's ssh://someserver is an alias the docker CLI would
// resolve through ssh; so do we.
func TestSSHConfigAppliesToContexts(t *testing.T) {
	te := newTestEnv(t)
	te.write(filepath.Join(".ssh", "config"), []byte(sshConfigText))
	te.context("remote", readFixture(t, contextFixtures, "meta.json.remote-ssh.example"))
	eps, errs := Discover(te.env)
	if len(errs) != 0 || len(eps) != 1 {
		t.Fatalf("%+v %v", eps, errs)
	}
	if eps[0].Host != "ssh://deploy@10.20.30.40:2222/var/run/docker.sock" || !strings.Contains(eps[0].Description, "ssh alias someserver") {
		t.Errorf("remote = %+v", eps[0])
	}
}

func TestSSHConfigErrors(t *testing.T) {
	te := newTestEnv(t)
	te.write(filepath.Join(".ssh", "config"), []byte("Host bad\n  Port http\n"))
	te.env.Hosts = []string{"ssh://bad", "ssh://good"}
	eps, errs := Discover(te.env)
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), `bad Port "http"`) {
		t.Errorf("errors = %v", errs)
	}
	if len(eps) != 1 || eps[0].Name != "ssh://good" {
		t.Errorf("endpoints = %+v", eps)
	}
}
