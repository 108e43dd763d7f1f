package logview

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/dockterm/dockterm/backend"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (generate with: go test ./ui/logview -run %s -update)", err, t.Name())
	}
	if got != string(want) {
		t.Errorf("view differs from %s (if the change is intended: go test ./ui/logview -run %s -update)\n--- got:\n%s\n--- want:\n%s",
			path, t.Name(), got, want)
	}
}

// scenario builds a viewer of the given size.
type scenario struct {
	name  string
	w, h  int
	setup func(t *testing.T, w, h int) Model
}

func base(w, h int, opts ...Option) Model {
	m := New(opts...)
	m.SetSize(w, h)
	m.SetTitle("api-7f9c")
	m.SetSince("15m")
	return m
}

var scenarios = []scenario{
	{"empty", 80, 24, func(t *testing.T, w, h int) Model {
		return base(w, h)
	}},
	{"follow", 80, 24, func(t *testing.T, w, h int) Model {
		m := base(w, h)
		m.Append(realistic(200)...)
		return m
	}},
	{"follow", 160, 50, func(t *testing.T, w, h int) Model {
		m := base(w, h)
		m.Append(realistic(200)...)
		return press(t, m, "t")
	}},
	{"nowrap_timestamps_scrolled", 80, 24, func(t *testing.T, w, h int) Model {
		m := base(w, h)
		m.Append(realistic(200)...)
		m.SetStatus("exited (137)")
		return press(t, m, "t", "w", "pgup", "right")
	}},
	{"search", 80, 24, func(t *testing.T, w, h int) Model {
		m := base(w, h)
		m.Append(realistic(500)...)
		m = typeText(press(t, m, "/"), "TIMEOUT")
		return press(t, m, "enter", "N", "N")
	}},
	{"search", 160, 50, func(t *testing.T, w, h int) Model {
		m := base(w, h)
		m.Append(realistic(500)...)
		m = typeText(press(t, m, "/"), `/" (404|500) /`)
		return press(t, m, "enter", "N")
	}},
	{"dropped_top", 80, 24, func(t *testing.T, w, h int) Model {
		m := base(w, h, WithMaxLines(100))
		m.Append(realistic(1000)...)
		return press(t, m, "g")
	}},
	{"input_open", 80, 24, func(t *testing.T, w, h int) Model {
		m := base(w, h)
		m.Append(realistic(50)...)
		return typeText(press(t, m, "/"), "upstream")
	}},
	{"input_bad_regexp", 80, 24, func(t *testing.T, w, h int) Model {
		m := base(w, h)
		m.Append(realistic(50)...)
		return press(t, typeText(press(t, m, "/"), "/GET (/"), "enter")
	}},
	{"wide_runes", 80, 24, func(t *testing.T, w, h int) Model {
		m := base(w, h)
		m.Append(
			backend.LogLine{Text: "起動しました: コンテナ web-1 がポート 8080 で待機しています。設定ファイルを読み込み中…完了。"},
			backend.LogLine{Text: "배포 완료 ✅ 🚀 버전 2.3.1 — 헬스체크 통과 👨‍👩‍👧‍👦", Stream: backend.Stderr},
			backend.LogLine{Text: "中文日志：数据库连接超时，正在重试（第 3 次）"},
			backend.LogLine{Text: "combining: café naïve e\u0301 ｆｕｌｌｗｉｄｔｈ ＡＢＣ"},
		)
		return m
	}},
}

func TestGolden(t *testing.T) {
	for _, sc := range scenarios {
		name := sc.name + "_" + itoa(sc.w) + "x" + itoa(sc.h)
		t.Run(name, func(t *testing.T) {
			m := sc.setup(t, sc.w, sc.h)
			v := m.View()
			checkFrame(t, v, sc.w, sc.h)
			golden(t, name+".golden", ansi.Strip(v))
		})
	}
}

// TestGoldenStyled keeps the escape sequences for one scenario in both
// style sets, and checks that the plain one carries no colour at all.
func TestGoldenStyled(t *testing.T) {
	for _, c := range []struct {
		name   string
		styles Styles
	}{{"default", DefaultStyles()}, {"plain", PlainStyles()}} {
		t.Run(c.name, func(t *testing.T) {
			m := base(80, 24, WithStyles(c.styles))
			m.Append(realistic(500)...)
			m = typeText(press(t, m, "/"), "timeout")
			m = press(t, m, "enter", "N", "t")
			v := m.View()
			checkFrame(t, v, 80, 24)
			golden(t, "search_styled_"+c.name+"_80x24.ansi.golden", v)
			if c.name == "plain" {
				for _, colour := range []string{"38;", "48;", "[3", "[4", "[9"} {
					if strings.Contains(strings.ReplaceAll(v, "[4m", ""), "\x1b"+colour) {
						t.Errorf("plain styles emit colour sequence %q", colour)
					}
				}
				if !strings.Contains(ansi.Strip(v), "\nE ") {
					t.Error("plain styles: no stderr marker in the gutter")
				}
			}
		})
	}
}

func itoa(n int) string {
	return strings.TrimSpace(groupThousands(uint64(n)))
}
