package secrets

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/dockterm/dockterm/backend/sanitize"
)

func FuzzMaskInline(f *testing.F) {
	for _, s := range []string{
		"postgres://app:hunter2@db/app", "--password=x --user=y", "a://u:p@h@x", "k=v;Password=p;x=y",
		"http://host:8080/a@b", "https://h/x?access_token=abc&x=1", "://", "=", "@",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, changed := MaskInline(in)
		if changed == (out == in) {
			t.Fatalf("MaskInline(%q) = %q, changed=%v", in, out, changed)
		}
		if again, ch := MaskInline(out); ch || again != out {
			t.Fatalf("not idempotent: %q -> %q -> %q", in, out, again)
		}
		if utf8.ValidString(in) && !utf8.ValidString(out) {
			t.Fatalf("MaskInline(%q) = %q broke UTF-8", in, out)
		}
	})
}

func FuzzMaskJSON(f *testing.F) {
	f.Add([]byte(inspect))
	f.Add([]byte(`{"Env":["TOKEN=x","A=http://u:p@h"],"Password":1,"a":[{"Secret":[1,"2"]}],"s":"\u001b\u202e"}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		out, err := MaskJSON(doc)
		if err != nil {
			return
		}
		if !json.Valid(out) {
			t.Fatalf("MaskJSON(%q) = %q: invalid JSON", doc, out)
		}
		for _, r := range string(out) {
			if r != '\n' && sanitize.Unsafe(r) {
				t.Fatalf("MaskJSON(%q) = %q: unsafe rune %U", doc, out, r)
			}
		}
		again, err := MaskJSON(out)
		if err != nil || string(again) != string(out) {
			t.Fatalf("not idempotent: %q -> %q -> %q (%v)", doc, out, again, err)
		}
		revealed, err := IndentJSON(doc)
		if err != nil {
			t.Fatalf("IndentJSON fails where MaskJSON did not: %v", err)
		}
		if strings.Count(string(revealed), "\n") != strings.Count(string(out), "\n") {
			t.Fatalf("masked and revealed do not line up:\n%s\n%s", out, revealed)
		}
	})
}
