package machine

import (
	"io"
	"os"
	"path/filepath"
	"testing"
)

// FuzzConfig feeds arbitrary bytes as a config.json: loading must fail
// cleanly or yield a host every renderer can handle, never panic.
func FuzzConfig(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join(fixtures, "*.json"))
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"ConfigVersion":2,"Driver":null,"HostOptions":null}`))
	f.Add([]byte(`{"ConfigVersion":1,"StorePath":"","HostOptions":{"AuthOptions":null}}`))
	f.Add([]byte(`{"DriverName":"none","Driver":{"URL":"tcp://[::1"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := newHost("m", "/s/machines/m", "/s", "/s/machines/m/config.json", data)
		if err != nil {
			return
		}
		_, _ = h.URL()
		_, _ = h.IP()
		_, _ = h.SSHHostname()
		_ = h.SSHKeyPath()
		_ = RenderEnv(io.Discard, h, EnvOptions{Swarm: true, NoProxy: true})
		_ = RenderConfig(io.Discard, h, false)
		if err := RenderInspect(io.Discard, h, InspectOptions{}); err != nil {
			t.Errorf("inspect of a loaded host failed: %v", err)
		}
	})
}
