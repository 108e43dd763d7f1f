package secrets

import "testing"

func BenchmarkMaskJSONInspect(b *testing.B) {
	doc := []byte(inspect)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := MaskJSON(doc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMaskEnv(b *testing.B) {
	env := []string{
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"POSTGRES_PASSWORD=hunter2", "DATABASE_URL=postgres://app:pw@db:5432/app",
		"LANG=C.UTF-8", "GOSU_VERSION=1.17", "PG_MAJOR=16",
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, kv := range env {
			_, _, _ = MaskEnv(kv)
		}
	}
}
