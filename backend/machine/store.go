package machine

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode"

	"github.com/dockterm/dockterm/internal/fsutil"
)

// maxConfigSize bounds how much of a config.json is read; real ones are a few
// kilobytes, so anything this large is not a machine config.
const maxConfigSize = 4 << 20

// StoreDir returns the store docker-machine would use: $MACHINE_STORAGE_PATH
// if set, else <home>/.docker/machine. The caller passes both in, so that
// nothing here reads the process environment.
func StoreDir(machineStoragePath, home string) string {
	if machineStoragePath != "" {
		return machineStoragePath
	}
	return filepath.Join(home, ".docker", "machine")
}

// Store is a docker-machine store directory. It is only ever read.
type Store struct {
	Dir string
}

// MachinesDir is <store>/machines.
func (s Store) MachinesDir() string { return filepath.Join(s.Dir, "machines") }

// CertsDir is <store>/certs, the CA and client certificate shared by all
// machines.
func (s Store) CertsDir() string { return filepath.Join(s.Dir, "certs") }

// List returns the machine names: every directory under machines/ whose name
// does not start with a dot (libmachine's Filestore.List), in docker-machine
// ls order (natural, case-insensitive). A missing store is empty, not an
// error.
func (s Store) List() ([]string, error) {
	entries, err := os.ReadDir(s.MachinesDir())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("docker-machine store %s: %w", s.Dir, err)
	}
	var names []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		isDir := e.IsDir()
		if !isDir && e.Type()&fs.ModeSymlink != 0 {
			// A symlinked machine dir still counts, as os.Stat sees it.
			st, err := os.Stat(filepath.Join(s.MachinesDir(), e.Name()))
			isDir = err == nil && st.IsDir()
		}
		if isDir {
			names = append(names, e.Name())
		}
	}
	sort.SliceStable(names, func(i, j int) bool { return naturalLess(names[i], names[j]) })
	return names, nil
}

// LoadError is the error for one machine that could not be loaded.
type LoadError struct {
	Name string
	Path string // the config.json
	Err  error
}

func (e *LoadError) Error() string {
	return fmt.Sprintf("docker-machine %q (%s): %v", e.Name, e.Path, e.Err)
}

func (e *LoadError) Unwrap() error { return e.Err }

// ErrNotExist is wrapped by Load for a machine that has no directory.
var ErrNotExist = errors.New("machine does not exist")

// Load reads and migrates one machine. Errors are *LoadError.
func (s Store) Load(name string) (*Host, error) {
	dir := filepath.Join(s.MachinesDir(), name)
	cfg := filepath.Join(dir, "config.json")
	fail := func(err error) (*Host, error) { return nil, &LoadError{Name: name, Path: cfg, Err: err} }

	if name == "" || name != filepath.Base(name) || strings.HasPrefix(name, ".") {
		return fail(fmt.Errorf("invalid machine name %q", name))
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return fail(fmt.Errorf("%w: %s (list them with `docker-machine ls`)", ErrNotExist, dir))
	}
	data, err := fsutil.ReadLimited(cfg, maxConfigSize)
	if errors.Is(err, fs.ErrNotExist) {
		return fail(errNoConfig)
	}
	if err != nil {
		return fail(err)
	}
	h, err := newHost(name, dir, s.Dir, cfg, data)
	if err != nil {
		return fail(err)
	}
	return h, nil
}

// LoadAll loads every machine. A machine that fails to load adds a
// *LoadError and never stops the others.
func (s Store) LoadAll() ([]*Host, []error) {
	names, err := s.List()
	if err != nil {
		return nil, []error{err}
	}
	var hosts []*Host
	var errs []error
	for _, n := range names {
		h, err := s.Load(n)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		hosts = append(hosts, h)
	}
	return hosts, errs
}

// naturalLess orders names the way docker-machine ls does: case-insensitive,
// with runs of digits compared as numbers (node2 < node10).
func naturalLess(a, b string) bool {
	a, b = strings.ToLower(a), strings.ToLower(b)
	for a != "" && b != "" {
		ra, rb := rune(a[0]), rune(b[0])
		if unicode.IsDigit(ra) && unicode.IsDigit(rb) {
			na, resta := leadingDigits(a)
			nb, restb := leadingDigits(b)
			ta, tb := strings.TrimLeft(na, "0"), strings.TrimLeft(nb, "0")
			if len(ta) != len(tb) {
				return len(ta) < len(tb)
			}
			if ta != tb {
				return ta < tb
			}
			if len(na) != len(nb) {
				return len(na) < len(nb)
			}
			a, b = resta, restb
			continue
		}
		if ra != rb {
			return ra < rb
		}
		a, b = a[1:], b[1:]
	}
	return len(a) < len(b)
}

func leadingDigits(s string) (digits, rest string) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[:i], s[i:]
}
