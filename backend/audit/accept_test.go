package audit

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func newStore(t *testing.T, path string) *AcceptStore {
	t.Helper()
	s, err := OpenAcceptStore(path)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	s.now = func() time.Time { return testNow }
	return s
}

func privFinding() Finding {
	return Finding{ID: "CIS-5.5", Severity: SevCritical, Object: Object{Kind: KindContainer, Name: "web", ID: "abc", Engine: "prod"}}
}

func TestAcceptStoreRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dockterm", "accepted.json")
	s := newStore(t, path)
	f := privFinding()
	if _, ok := s.Lookup(f.Key()); ok {
		t.Fatal("empty store knows the finding")
	}
	a, err := s.Accept(f, "  GPU lab host, isolated VLAN  ", "alice")
	if err != nil {
		t.Fatal(err)
	}
	if a.Reason != "GPU lab host, isolated VLAN" || !a.At.Equal(testNow) || a.By != "alice" {
		t.Errorf("acceptance = %+v", a)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("file mode %o, want 600", st.Mode().Perm())
	}
	// A fresh store reads it back; the key survives the container being
	// recreated with another ID.
	s2 := newStore(t, path)
	f.Object.ID = "recreated"
	got, ok := s2.Lookup(f.Key())
	if !ok || got.Reason != "GPU lab host, isolated VLAN" {
		t.Fatalf("lookup after reopen = %+v, %v", got, ok)
	}
	// Another engine, object or rule is a different key.
	for _, other := range []Finding{
		{ID: "CIS-5.5", Object: Object{Kind: KindContainer, Name: "web", Engine: "staging"}},
		{ID: "CIS-5.5", Object: Object{Kind: KindContainer, Name: "db", Engine: "prod"}},
		{ID: "CIS-5.4", Object: Object{Kind: KindContainer, Name: "web", Engine: "prod"}},
		{ID: "CIS-5.5", Object: Object{Kind: KindImage, Name: "web", Engine: "prod"}},
	} {
		if _, ok := s2.Lookup(other.Key()); ok {
			t.Errorf("%s on %s/%s accepted by mistake", other.ID, other.Object.Engine, other.Object)
		}
	}
	if err := s2.Revoke(f); err != nil {
		t.Fatal(err)
	}
	if _, ok := newStore(t, path).Lookup(f.Key()); ok {
		t.Error("revoked acceptance still on disk")
	}
}

func TestAcceptRequiresReason(t *testing.T) {
	s := newStore(t, filepath.Join(t.TempDir(), "a.json"))
	if _, err := s.Accept(privFinding(), "   ", ""); err == nil {
		t.Error("accepted without a reason")
	}
	if _, err := s.Accept(privFinding(), strings.Repeat("x", MaxReasonLen+1), ""); err == nil {
		t.Error("accepted an oversized reason")
	}
}

func TestAcceptStoreBrokenFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "accepted.json")
	garbage := []byte(`{"version":1,"accepted":[{"engine":"prod",` + "\x00\xff")
	if err := os.WriteFile(path, garbage, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := OpenAcceptStore(path)
	if !errors.Is(err, ErrBrokenStore) {
		t.Fatalf("err = %v, want ErrBrokenStore", err)
	}
	if s == nil || len(s.List()) != 0 {
		t.Fatal("a broken file must still give a usable, empty store")
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("error does not name the file: %v", err)
	}
	// Opening does not touch the file.
	if b, _ := os.ReadFile(path); string(b) != string(garbage) {
		t.Fatal("opening changed the broken file")
	}
	// Accepting moves it aside intact, then writes a valid store.
	s.now = func() time.Time { return testNow }
	if _, err := s.Accept(privFinding(), "reason", ""); err != nil {
		t.Fatal(err)
	}
	aside, _ := filepath.Glob(path + ".broken-*")
	if len(aside) != 1 {
		t.Fatalf("broken file not kept aside: %v", aside)
	}
	if b, _ := os.ReadFile(aside[0]); string(b) != string(garbage) {
		t.Error("the kept copy differs from the broken file")
	}
	if _, ok := newStore(t, path).Lookup(privFinding().Key()); !ok {
		t.Error("new store lacks the acceptance")
	}
}

func TestAcceptStoreNewerVersion(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.json")
	os.WriteFile(path, []byte(`{"version": 9, "accepted": []}`), 0o600)
	if _, err := OpenAcceptStore(path); !errors.Is(err, ErrBrokenStore) {
		t.Errorf("err = %v, want ErrBrokenStore for a newer format", err)
	}
}

// Two processes accepting different findings must not lose each other's.
func TestAcceptStoreMergesConcurrentWriters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.json")
	a, b := newStore(t, path), newStore(t, path)
	f1, f2 := privFinding(), privFinding()
	f2.ID = "CIS-5.10"
	if _, err := a.Accept(f1, "one", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Accept(f2, "two", ""); err != nil {
		t.Fatal(err)
	}
	c := newStore(t, path)
	for _, f := range []Finding{f1, f2} {
		if _, ok := c.Lookup(f.Key()); !ok {
			t.Errorf("%s lost", f.ID)
		}
	}
	if len(c.List()) != 2 {
		t.Errorf("List = %+v", c.List())
	}
}

func TestAcceptedFindingsStayVisible(t *testing.T) {
	w := cleanWorld()
	w.hc().Privileged = true
	path := filepath.Join(t.TempDir(), "a.json")
	s := newStore(t, path)
	var priv Finding
	for _, f := range Evaluate(w.e, Options{}).Findings {
		if f.ID == "CIS-5.5" {
			priv = f
		}
	}
	if _, err := s.Accept(priv, "break-glass debug container", ""); err != nil {
		t.Fatal(err)
	}
	r := Evaluate(w.e, Options{Accepted: s})
	var got *Finding
	for i, f := range r.Findings {
		if f.ID == "CIS-5.5" {
			got = &r.Findings[i]
		}
	}
	if got == nil || !got.IsAccepted() || got.Accepted.Reason != "break-glass debug container" {
		t.Fatalf("accepted finding hidden or unmarked: %+v", got)
	}
	if r.Counts.Critical != 0 || r.Counts.Accepted != 1 {
		t.Errorf("counts = %+v", r.Counts)
	}
	if r.Containers[0].Worst == SevCritical {
		t.Error("accepted finding still drives the container's worst severity")
	}
}

func TestDefaultAcceptPath(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", "/cfg")
	p, err := DefaultAcceptPath()
	if err != nil || p != "/cfg/dockterm/accepted.json" {
		t.Errorf("DefaultAcceptPath = %q, %v", p, err)
	}
}
