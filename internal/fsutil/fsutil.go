// Package fsutil holds small file helpers shared by the backend packages
// that read operator-owned files (docker-machine stores, docker client
// config).
package fsutil

import (
	"fmt"
	"io"
	"os"
)

// ReadLimited reads a whole file that must not exceed max bytes, so a
// broken or hostile file (a multi-GB "config.json") cannot exhaust memory.
func ReadLimited(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, max)
	}
	return b, nil
}
