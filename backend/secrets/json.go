package secrets

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/dockterm/dockterm/backend/sanitize"
)

// maxDepth bounds nesting; inspect documents and docker-machine configs are a
// handful of levels deep, and a hostile document must not cost unbounded
// recursion.
const maxDepth = 512

// MaskJSON re-indents a JSON document (container or network inspect, a
// docker-machine config.json...) with two spaces, the layout of
// json.MarshalIndent(v, "", "  "), and masks what the operator must not see
// by default:
//
//   - the string and number values of secret keys (IsSecretKey), and all
//     string and number values nested under such a key, in arrays and
//     objects alike: swarm's JoinTokens holds {Worker, Manager}, a docker
//     config.json's "auths" holds {auth, identitytoken}, and field names
//     inside a secret are no evidence of harmlessness (booleans and nulls
//     stay visible);
//   - in arrays under an "Env" key, the values of "KEY=VALUE" entries as
//     MaskEnv does;
//   - in every other string, embedded secrets as MaskInline does (URL
//     passwords, secret key=value pairs).
//
// Key order and number literals are kept as they are in doc. The output is
// terminal-safe: characters that sanitize.Unsafe reports (controls, DEL, C1,
// bidi overrides) are written as \uXXXX escapes, so the document stays valid
// JSON and an operator sees that they were there. HTML characters are not
// escaped (the engine does not escape them either).
func MaskJSON(doc []byte) ([]byte, error) {
	return format(doc, true)
}

// IndentJSON formats doc exactly as MaskJSON does, without masking: the
// revealed view, line for line the same as the masked one.
func IndentJSON(doc []byte) ([]byte, error) {
	return format(doc, false)
}

func format(doc []byte, mask bool) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	w := &writer{dec: dec, mask: mask}
	w.out.Grow(len(doc) + len(doc)/4)
	if err := w.value(0, ctxPlain); err != nil {
		return nil, fmt.Errorf("format json: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		if err == nil {
			err = errors.New("data after the top-level value")
		}
		return nil, fmt.Errorf("format json: %w", err)
	}
	return w.out.Bytes(), nil
}

// ctx says how the value about to be written is masked.
type ctx uint8

const (
	ctxPlain  ctx = iota // mask embedded secrets only
	ctxSecret            // under a secret key: mask scalars
	ctxEnv               // array element under "Env": KEY=VALUE
)

type writer struct {
	dec  *json.Decoder
	out  bytes.Buffer
	mask bool
}

func (w *writer) newline(depth int) {
	w.out.WriteByte('\n')
	for range depth {
		w.out.WriteString("  ")
	}
}

func (w *writer) value(depth int, c ctx) error {
	if depth > maxDepth {
		return fmt.Errorf("nested deeper than %d levels", maxDepth)
	}
	tok, err := w.dec.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			return w.object(depth, c == ctxSecret)
		case '[':
			// Secret and env contexts reach the elements of an array.
			// (A secret context reaches into objects too; env does not.)
			return w.array(depth, c)
		default:
			return fmt.Errorf("unexpected %q", t)
		}
	case string:
		switch {
		case !w.mask:
		case c == ctxSecret:
			t = Masked
		case c == ctxEnv:
			if k, v, ok := strings.Cut(t, "="); ok {
				if mv, changed := MaskValue(k, v); changed {
					t = k + "=" + mv
				}
			} else {
				t, _ = MaskInline(t)
			}
		default:
			t, _ = MaskInline(t)
		}
		w.str(t)
	case json.Number:
		if w.mask && c == ctxSecret {
			w.str(Masked)
		} else {
			w.out.WriteString(t.String())
		}
	case bool:
		w.out.WriteString(strconv.FormatBool(t))
	case nil:
		w.out.WriteString("null")
	default:
		return fmt.Errorf("unexpected token %T", tok)
	}
	return nil
}

func (w *writer) object(depth int, secret bool) error {
	if !w.dec.More() {
		w.out.WriteString("{}")
		return w.closing('}')
	}
	w.out.WriteByte('{')
	for first := true; w.dec.More(); first = false {
		if !first {
			w.out.WriteByte(',')
		}
		w.newline(depth + 1)
		tok, err := w.dec.Token()
		if err != nil {
			return err
		}
		key, ok := tok.(string)
		if !ok {
			return fmt.Errorf("object key is %T", tok)
		}
		w.str(key)
		w.out.WriteString(": ")
		c := ctxPlain
		switch {
		case secret:
			c = ctxSecret
		case strings.EqualFold(key, "env"):
			c = ctxEnv
		case IsSecretKey(key):
			c = ctxSecret
		}
		if err := w.value(depth+1, c); err != nil {
			return err
		}
	}
	w.newline(depth)
	w.out.WriteByte('}')
	return w.closing('}')
}

func (w *writer) array(depth int, c ctx) error {
	if !w.dec.More() {
		w.out.WriteString("[]")
		return w.closing(']')
	}
	w.out.WriteByte('[')
	for first := true; w.dec.More(); first = false {
		if !first {
			w.out.WriteByte(',')
		}
		w.newline(depth + 1)
		if err := w.value(depth+1, c); err != nil {
			return err
		}
	}
	w.newline(depth)
	w.out.WriteByte(']')
	return w.closing(']')
}

func (w *writer) closing(want json.Delim) error {
	tok, err := w.dec.Token()
	if err != nil {
		return err
	}
	if tok != want {
		return fmt.Errorf("expected %q, got %v", want, tok)
	}
	return nil
}

// str writes s as a JSON string literal. Beyond what JSON requires it
// escapes every rune sanitize.Unsafe reports, so the document can go to a
// terminal as it is. The decoder has already replaced invalid UTF-8 by U+FFFD.
func (w *writer) str(s string) {
	const hex = "0123456789abcdef"
	w.out.WriteByte('"')
	start := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		var esc string
		switch r {
		case '"':
			esc = `\"`
		case '\\':
			esc = `\\`
		case '\n':
			esc = `\n`
		case '\r':
			esc = `\r`
		case '\t':
			esc = `\t`
		}
		invalid := r == utf8.RuneError && size == 1
		if esc == "" && !invalid && !sanitize.Unsafe(r) {
			i += size
			continue
		}
		w.out.WriteString(s[start:i])
		switch {
		case esc != "":
			w.out.WriteString(esc)
		case invalid:
			w.out.WriteString(`\ufffd`)
		default:
			w.out.WriteString(`\u`)
			w.out.WriteByte(hex[r>>12&0xf])
			w.out.WriteByte(hex[r>>8&0xf])
			w.out.WriteByte(hex[r>>4&0xf])
			w.out.WriteByte(hex[r&0xf])
		}
		i += size
		start = i
	}
	w.out.WriteString(s[start:])
	w.out.WriteByte('"')
}
