package audit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// The accept store keeps the findings an operator accepted, with a reason,
// in a small JSON file under dockterm's config directory
// ($XDG_CONFIG_HOME/dockterm/accepted.json). It is keyed by engine, object
// (kind and name) and rule id.
//
// It never loses data: a file it cannot parse is left in place until the
// next save, which first moves it aside to accepted.json.broken-<time>;
// every save re-reads the file and merges, so two dockterm processes do not
// overwrite each other's acceptances.

// ErrBrokenStore reports an accept file that exists but cannot be read as
// an accept store. The store stays usable (empty) and the file is kept.
var ErrBrokenStore = errors.New("accepted findings file is not valid")

// MaxReasonLen bounds a reason (bytes).
const MaxReasonLen = 500

// AcceptEntry is one accepted finding as stored.
type AcceptEntry struct {
	Engine  string     `json:"engine"`
	Kind    ObjectKind `json:"kind"`
	Object  string     `json:"object"`
	Finding string     `json:"finding"`
	Reason  string     `json:"reason"`
	At      time.Time  `json:"at"`
	By      string     `json:"by,omitempty"`
}

func (e AcceptEntry) key() string { return findingKey(e.Engine, e.Kind, e.Object, e.Finding) }

type acceptFile struct {
	Version  int           `json:"version"`
	Accepted []AcceptEntry `json:"accepted"`
}

const acceptFileVersion = 1

// AcceptStore is the accepted findings of one file. Safe for concurrent use.
type AcceptStore struct {
	path string
	now  func() time.Time

	mu      sync.Mutex
	entries map[string]AcceptEntry
}

// DefaultAcceptPath is $XDG_CONFIG_HOME/dockterm/accepted.json (with the
// platform's config dir when XDG_CONFIG_HOME is unset).
func DefaultAcceptPath() (string, error) {
	dir := os.Getenv("XDG_CONFIG_HOME")
	if dir == "" {
		d, err := os.UserConfigDir()
		if err != nil {
			return "", fmt.Errorf("accept store: no config directory: %w", err)
		}
		dir = d
	}
	return filepath.Join(dir, "dockterm", "accepted.json"), nil
}

// OpenAcceptStore loads the store at path. A missing file is an empty
// store. A broken file gives a usable empty store and an error wrapping
// ErrBrokenStore that says what is wrong; the file is preserved.
func OpenAcceptStore(path string) (*AcceptStore, error) {
	s := &AcceptStore{path: path, now: time.Now, entries: map[string]AcceptEntry{}}
	entries, err := readAcceptFile(path)
	if err != nil {
		return s, err
	}
	s.entries = entries
	return s, nil
}

// Path is the file the store reads and writes.
func (s *AcceptStore) Path() string { return s.path }

func readAcceptFile(path string) (map[string]AcceptEntry, error) {
	entries := map[string]AcceptEntry{}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return entries, nil
	}
	if err != nil {
		return entries, fmt.Errorf("read accepted findings %s: %w", path, err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return entries, nil
	}
	var f acceptFile
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&f); err != nil {
		return entries, fmt.Errorf("%w: %s: %v (the file is kept; it will be moved aside on the next accept)", ErrBrokenStore, path, err)
	}
	if f.Version > acceptFileVersion {
		return entries, fmt.Errorf("%w: %s has version %d, this dockterm reads version %d", ErrBrokenStore, path, f.Version, acceptFileVersion)
	}
	for _, e := range f.Accepted {
		if e.Finding == "" || e.Object == "" {
			continue // an incomplete entry cannot match anything
		}
		entries[e.key()] = e
	}
	return entries, nil
}

// Lookup implements Acceptances.
func (s *AcceptStore) Lookup(key string) (Acceptance, bool) {
	if s == nil {
		return Acceptance{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.entries[key]
	if !ok {
		return Acceptance{}, false
	}
	return Acceptance{Reason: e.Reason, At: e.At, By: e.By}, true
}

// List returns every entry, sorted by engine, object and rule.
func (s *AcceptStore) List() []AcceptEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]AcceptEntry, 0, len(s.entries))
	for _, e := range s.entries {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key() < out[j].key() })
	return out
}

// Accept records that f is accepted for its object with a reason, and
// saves. The reason is required: an acceptance without one cannot be
// reviewed later.
func (s *AcceptStore) Accept(f Finding, reason, by string) (Acceptance, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Acceptance{}, errors.New("accept: a reason is required")
	}
	if len(reason) > MaxReasonLen {
		return Acceptance{}, fmt.Errorf("accept: reason longer than %d bytes", MaxReasonLen)
	}
	e := AcceptEntry{
		Engine: f.Object.Engine, Kind: f.Object.Kind, Object: objectKeyName(f.Object), Finding: f.ID,
		Reason: reason, At: s.now().UTC().Truncate(time.Second), By: by,
	}
	err := s.update(func(m map[string]AcceptEntry) { m[e.key()] = e })
	if err != nil {
		return Acceptance{}, err
	}
	return Acceptance{Reason: e.Reason, At: e.At, By: e.By}, nil
}

// Revoke removes the acceptance of f, and saves.
func (s *AcceptStore) Revoke(f Finding) error {
	return s.update(func(m map[string]AcceptEntry) { delete(m, f.Key()) })
}

// update re-reads the file (another dockterm may have written it since),
// applies change and writes it back atomically. The file is authoritative;
// when it has become unreadable, it is moved aside and the entries this
// process knows are written instead.
func (s *AcceptStore) update(change func(map[string]AcceptEntry)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	merged, err := readAcceptFile(s.path)
	switch {
	case errors.Is(err, ErrBrokenStore):
		if err := s.moveAside(); err != nil {
			return err
		}
		merged = make(map[string]AcceptEntry, len(s.entries))
		for k, e := range s.entries {
			merged[k] = e
		}
	case err != nil:
		return err
	}
	change(merged)
	if err := writeAcceptFile(s.path, merged); err != nil {
		return err
	}
	s.entries = merged
	return nil
}

func (s *AcceptStore) moveAside() error {
	aside := fmt.Sprintf("%s.broken-%s", s.path, s.now().UTC().Format("20060102T150405Z"))
	if err := os.Rename(s.path, aside); err != nil {
		return fmt.Errorf("accept: move unreadable %s aside: %w", s.path, err)
	}
	return nil
}

func writeAcceptFile(path string, entries map[string]AcceptEntry) error {
	f := acceptFile{Version: acceptFileVersion, Accepted: make([]AcceptEntry, 0, len(entries))}
	for _, e := range entries {
		f.Accepted = append(f.Accepted, e)
	}
	sort.Slice(f.Accepted, func(i, j int) bool { return f.Accepted[i].key() < f.Accepted[j].key() })
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("accept: encode: %w", err)
	}
	data = append(data, '\n')
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("accept: create %s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, ".accepted-*.json")
	if err != nil {
		return fmt.Errorf("accept: write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("accept: write %s: %w", tmp.Name(), err)
	}
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("accept: chmod %s: %w", tmp.Name(), err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("accept: sync %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("accept: close %s: %w", tmp.Name(), err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("accept: replace %s: %w", path, err)
	}
	return nil
}
