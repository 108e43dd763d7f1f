package machine

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"text/template"

	"github.com/dockterm/dockterm/backend/secrets"
)

// inspectHost is libmachine's host.Host as `docker-machine inspect`
// marshals it: the driver JSON comes from the driver plugin, which is the
// stored driver JSON.
type inspectHost struct {
	ConfigVersion int
	Driver        json.RawMessage
	DriverName    string
	HostOptions   *HostOptions
	Name          string
}

// InspectOptions are the flags of `docker-machine inspect`.
type InspectOptions struct {
	// Format is a Go template (--format / -f), with docker-machine's json
	// and prettyjson functions; "" prints the whole host as indented JSON.
	Format string
	// Reveal shows cloud credentials (AccessKey, SecretKey, AccessToken,
	// passwords...). Without it they are masked (secrets.MaskJSON), as
	// dockterm shows every secret until the operator asks.
	Reveal bool
}

// RenderInspect writes what `docker-machine inspect` prints for h: the
// migrated host as JSON indented by four spaces (key order, HTML escaping and
// trailing newline included), or the template's output and a newline.
//
// Two deliberate differences: credentials are masked unless opt.Reveal, and
// characters that could drive a terminal (controls, bidi overrides) are
// written as \u escapes, which docker-machine leaves raw.
func RenderInspect(w io.Writer, h *Host, opt InspectOptions) error {
	doc, err := inspectJSON(h, !opt.Reveal)
	if err != nil {
		return fmt.Errorf("inspect %q: %w", h.Name, err)
	}
	if opt.Format == "" {
		var out bytes.Buffer
		if err := json.Indent(&out, doc, "", "    "); err != nil {
			return fmt.Errorf("inspect %q: %w", h.Name, err)
		}
		out.WriteByte('\n')
		_, err := w.Write(out.Bytes())
		return err
	}
	tmpl, err := template.New("").Funcs(inspectFuncs).Parse(opt.Format)
	if err != nil {
		return fmt.Errorf("template parsing error: %w", err)
	}
	var obj map[string]any
	if err := json.Unmarshal(doc, &obj); err != nil {
		return fmt.Errorf("inspect %q: %w", h.Name, err)
	}
	var out bytes.Buffer
	if err := tmpl.Execute(&out, obj); err != nil {
		return err
	}
	out.WriteByte('\n')
	_, err = w.Write(out.Bytes())
	return err
}

// inspectFuncs are docker-machine's template functions for inspect.
var inspectFuncs = template.FuncMap{
	"json": func(v any) string {
		b, _ := json.Marshal(v)
		return string(b)
	},
	"prettyjson": func(v any) string {
		b, _ := json.MarshalIndent(v, "", "    ")
		return string(b)
	},
}

// inspectJSON is the host as compact JSON, HTML-escaped like encoding/json
// output, masked when asked.
func inspectJSON(h *Host, mask bool) ([]byte, error) {
	driver := h.driverJSON
	if len(driver) == 0 {
		driver = json.RawMessage(`{}`)
	}
	doc, err := json.Marshal(inspectHost{
		ConfigVersion: CurrentConfigVersion, // what docker-machine holds after migrating
		Driver:        driver,
		DriverName:    h.DriverName,
		HostOptions:   h.HostOptions,
		Name:          h.Name,
	})
	if err != nil {
		return nil, err
	}
	if !mask {
		return doc, nil
	}
	masked, err := secrets.MaskJSON(doc)
	if err != nil {
		return nil, err
	}
	// MaskJSON keeps key order but indents by two and does not escape HTML:
	// bring it back to encoding/json's compact, escaped form.
	var compact, escaped bytes.Buffer
	if err := json.Compact(&compact, masked); err != nil {
		return nil, err
	}
	json.HTMLEscape(&escaped, compact.Bytes())
	return escaped.Bytes(), nil
}
