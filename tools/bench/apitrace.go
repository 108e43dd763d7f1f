package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
)

// apiTracer is a unix-socket proxy in front of the engine that counts the
// requests going through it by method and path shape, to tell what the
// program under test asks the engine for (-trace-api). It adds a hop, so
// its runs measure the request mix, not latency.
type apiTracer struct {
	ln       net.Listener
	upstream string

	mu     sync.Mutex
	counts map[string]int
	since  time.Time
}

func newAPITracer(socket, upstream string) (*apiTracer, error) {
	ln, err := net.Listen("unix", socket)
	if err != nil {
		return nil, fmt.Errorf("api trace: %w", err)
	}
	t := &apiTracer{ln: ln, upstream: upstream, counts: map[string]int{}, since: time.Now()}
	go t.serve()
	return t, nil
}

// upstreamSocket is the engine's unix socket from DOCKER_HOST, or the default.
func upstreamSocket() (string, error) {
	host := os.Getenv("DOCKER_HOST")
	if host == "" {
		return "/var/run/docker.sock", nil
	}
	u, err := url.Parse(host)
	if err != nil || u.Scheme != "unix" {
		return "", fmt.Errorf("-trace-api needs a unix DOCKER_HOST, not %q", host)
	}
	return u.Path, nil
}

func (t *apiTracer) close() { _ = t.ln.Close() }

// reset starts a new count.
func (t *apiTracer) reset() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.counts = map[string]int{}
	t.since = time.Now()
}

func (t *apiTracer) serve() {
	for {
		c, err := t.ln.Accept()
		if err != nil {
			return
		}
		go t.handle(c)
	}
}

func (t *apiTracer) handle(c net.Conn) {
	defer c.Close()
	up, err := net.Dial("unix", t.upstream)
	if err != nil {
		return
	}
	defer up.Close()
	pr, pw := io.Pipe()
	go t.parse(pr)
	done := make(chan struct{}, 2)
	go func() {
		_, _ = io.Copy(up, io.TeeReader(c, pw))
		_ = pw.Close()
		if cw, ok := up.(interface{ CloseWrite() error }); ok {
			_ = cw.CloseWrite()
		}
		done <- struct{}{}
	}()
	go func() {
		_, _ = io.Copy(c, up)
		done <- struct{}{}
	}()
	<-done
	<-done
}

// parse reads the requests of one connection; after an upgrade (exec,
// attach) or anything it cannot parse it just drains, so the tee never
// blocks the proxied bytes.
func (t *apiTracer) parse(r io.ReadCloser) {
	defer func() { _, _ = io.Copy(io.Discard, r) }()
	br := bufio.NewReader(r)
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		t.count(req.Method + " " + pathShape(req.URL))
		_, _ = io.Copy(io.Discard, req.Body)
		if req.Header.Get("Upgrade") != "" {
			return
		}
	}
}

func (t *apiTracer) count(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.counts[key]++
}

var (
	apiVersionRE = regexp.MustCompile(`^/v[0-9.]+/`)
	hexIDRE      = regexp.MustCompile(`/[0-9a-f]{12,64}(/|$)`)
	benchNameRE  = regexp.MustCompile(`/` + benchPrefix + `[0-9]+(/|$)`)
)

// pathShape turns /v1.41/containers/<id>/stats?stream=0 into
// /containers/{id}/stats?stream=0 so requests group by kind.
func pathShape(u *url.URL) string {
	p := apiVersionRE.ReplaceAllString(u.Path, "/")
	p = hexIDRE.ReplaceAllString(p, "/{id}$1")
	p = benchNameRE.ReplaceAllString(p, "/{id}$1")
	q := u.Query()
	var keep []string
	for _, k := range []string{"stream", "one-shot", "all", "size", "follow"} {
		if v := q.Get(k); v != "" {
			keep = append(keep, k+"="+v)
		}
	}
	if len(keep) > 0 {
		p += "?" + strings.Join(keep, "&")
	}
	return p
}

// summary lists request rates per kind, busiest first.
func (t *apiTracer) summary() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	secs := time.Since(t.since).Seconds()
	type kv struct {
		k string
		n int
	}
	var all []kv
	total := 0
	for k, n := range t.counts {
		all = append(all, kv{k, n})
		total += n
	}
	sort.Slice(all, func(i, j int) bool { return all[i].n > all[j].n || all[i].n == all[j].n && all[i].k < all[j].k })
	parts := []string{fmt.Sprintf("%.1f req/s", float64(total)/secs)}
	for _, e := range all {
		parts = append(parts, fmt.Sprintf("%s %d (%.2f/s)", e.k, e.n, float64(e.n)/secs))
	}
	return strings.Join(parts, " | ")
}
