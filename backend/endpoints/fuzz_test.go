package endpoints

import "testing"

// FuzzParseHost: never panics, and a normalized host normalizes to itself.
func FuzzParseHost(f *testing.F) {
	for _, s := range []string{"tcp://1.2.3.4:2376", "1.2.3.4", "unix://", "ssh://u@h:22/s", "https://h",
		"ssh://[::1]:2/x", "npipe:////./pipe/x", "tcp://[fe80::1%25eth0]:1", "ssh://u:p@h"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		p, err := ParseHost(raw, "op")
		if err != nil {
			return
		}
		again, err := ParseHost(p.Host, "op")
		if err != nil {
			t.Fatalf("ParseHost(%q) = %q, which does not parse: %v", raw, p.Host, err)
		}
		if again.Host != p.Host {
			t.Fatalf("not idempotent: %q -> %q -> %q", raw, p.Host, again.Host)
		}
	})
}

// FuzzSSHConfigLine: splitting never panics and keys are lower-case.
func FuzzSSHConfigLine(f *testing.F) {
	for _, s := range []string{"Host a b", "  User=ops", "IdentityFile \"~/x y\"", "#c", "Port = 22", "="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		k, _ := splitSSHLine(line)
		for _, r := range k {
			if r >= 'A' && r <= 'Z' {
				t.Fatalf("key %q not lower-case", k)
			}
		}
	})
}
