package fsutil

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadLimited(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small")
	big := filepath.Join(dir, "big")
	os.WriteFile(small, []byte("1234"), 0o600)
	os.WriteFile(big, []byte("12345"), 0o600)
	if b, err := ReadLimited(small, 4); err != nil || string(b) != "1234" {
		t.Fatalf("small: %q %v", b, err)
	}
	if _, err := ReadLimited(big, 4); err == nil || !strings.Contains(err.Error(), "larger than 4 bytes") {
		t.Fatalf("big: %v", err)
	}
	if _, err := ReadLimited(filepath.Join(dir, "none"), 4); !os.IsNotExist(err) {
		t.Fatalf("missing: %v", err)
	}
}
