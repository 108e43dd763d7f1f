package audit

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/client"

	"github.com/dockterm/dockterm/internal/testengine"
)

// BenchmarkAuditRules evaluates every rule over 100 synthetic containers
// (5 images, a mix of hardened and risky settings, some drift): the cost
// of one re-render of the Security tab, without any I/O.
func BenchmarkAuditRules(b *testing.B) {
	e := syntheticEngine(100)
	b.ReportAllocs()
	b.ResetTimer()
	var n int
	for i := 0; i < b.N; i++ {
		n = len(Evaluate(e, Options{}).Findings)
	}
	b.ReportMetric(float64(n), "findings")
}

// BenchmarkSteadyState shows that the Auditor's steady state costs no
// engine call: once collected, Report only evaluates.
func BenchmarkSteadyState(b *testing.B) {
	f := newFake(syntheticEngine(100))
	a := NewAuditor(f, AuditorConfig{Name: "fake"})
	if err := a.Refresh(context.Background()); err != nil {
		b.Fatal(err)
	}
	before := f.total()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = a.Report()
	}
	b.ReportMetric(float64(f.total()-before)/float64(b.N), "calls/op")
}

// BenchmarkEventRefresh is the cost of one container event: re-collect
// that container and re-evaluate.
func BenchmarkEventRefresh(b *testing.B) {
	e := syntheticEngine(100)
	f := newFake(e)
	a := NewAuditor(f, AuditorConfig{Name: "fake"})
	ctx := context.Background()
	if err := a.Refresh(ctx); err != nil {
		b.Fatal(err)
	}
	before := f.total()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := a.RefreshContainer(ctx, e.Containers[i%100].Inspect.ID); err != nil {
			b.Fatal(err)
		}
		_ = a.Report()
	}
	b.ReportMetric(float64(f.total()-before)/float64(b.N), "calls/op")
}

// countingTransport counts HTTP requests to the engine.
type countingTransport struct {
	rt http.RoundTripper
	n  atomic.Int64
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.rt.RoundTrip(r)
}

// BenchmarkFullAudit100 creates 100 running fixture containers on the test
// engine (setup, not timed) and times audits of exactly those (a label
// filter keeps other tests' containers out):
//
//   - full: Audit as `dockterm audit` runs it: one inspect per container,
//     diff and top of each running one, image inspect and history once
//     per image, plus the engine-level calls;
//   - first-pass: what the UI pays at connect (SkipDiff/SkipTop): one
//     inspect per container; RefreshDeep adds diff and top in the
//     background.
//
// It reports the engine calls per audit. Like every benchmark it runs
// only under -bench (make bench).
func BenchmarkFullAudit100(b *testing.B) {
	base := testengine.Client(b)
	testengine.Image(b)
	const n = 100
	for i := 0; i < n; i++ {
		testengine.Run(b, testengine.RunOpts{Name: "bench"})
	}
	ct := &countingTransport{rt: base.HTTPClient().Transport}
	cli, err := client.NewClientWithOpts(client.WithHost(base.DaemonHost()), client.WithAPIVersionNegotiation(),
		client.WithHTTPClient(&http.Client{Transport: ct}))
	if err != nil {
		b.Fatal(err)
	}
	defer cli.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	if _, err := cli.Ping(ctx); err != nil {
		b.Fatal(err)
	}
	only := filters.NewArgs(filters.Arg("label", testengine.LabelTestName+"="+b.Name()))
	for _, mode := range []struct {
		name    string
		shallow bool
	}{{"full", false}, {"first-pass", true}} {
		b.Run(mode.name, func(b *testing.B) {
			ct.n.Store(0)
			var containers int
			for i := 0; i < b.N; i++ {
				a := NewAuditor(cli, AuditorConfig{Name: "bench", ListFilter: only, SkipDiff: mode.shallow, SkipTop: mode.shallow})
				if err := a.Refresh(ctx); err != nil {
					b.Fatal(err)
				}
				containers = len(a.Report().Containers)
			}
			b.StopTimer()
			if containers != n {
				b.Fatalf("audited %d containers, want %d", containers, n)
			}
			b.ReportMetric(float64(containers), "containers")
			b.ReportMetric(float64(ct.n.Load())/float64(b.N), "calls/op")
		})
	}
}
