package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/client"
)

const benchLabel = "dockterm.bench"

// fleet is the set of bench containers on the engine.
type fleet struct {
	cli     *client.Client
	image   string
	args    []string
	network string
}

func benchFilter() filters.Args {
	return filters.NewArgs(filters.Arg("label", benchLabel+"=1"))
}

func benchName(i int) string { return fmt.Sprintf("%s%03d", benchPrefix, i) }

// grow creates and starts bench containers numbered 1..n that do not exist
// yet, a few at a time (starting a container costs the engine a burst of
// CPU; a small pool keeps a 2-core machine responsive).
func (f *fleet) grow(ctx context.Context, n int) error {
	existing, err := f.cli.ContainerList(ctx, container.ListOptions{All: true, Filters: benchFilter()})
	if err != nil {
		return fmt.Errorf("list bench containers: %w", err)
	}
	have := map[string]bool{}
	for _, c := range existing {
		for _, name := range c.Names {
			have[strings.TrimPrefix(name, "/")] = true
		}
	}
	jobs := make(chan string)
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for name := range jobs {
				if err := f.start(ctx, name); err != nil {
					errs <- err
				}
			}
		}()
	}
	for i := 1; i <= n; i++ {
		if name := benchName(i); !have[name] {
			select {
			case jobs <- name:
			case <-ctx.Done():
			}
		}
	}
	close(jobs)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	return ctx.Err()
}

func (f *fleet) start(ctx context.Context, name string) error {
	created, err := f.cli.ContainerCreate(ctx, &container.Config{
		Image:  f.image,
		Cmd:    f.args,
		Labels: map[string]string{benchLabel: "1"},
		// No healthcheck: its periodic execs would cost the engine far more
		// than what is being measured and drown it in noise.
		Healthcheck: &container.HealthConfig{Test: []string{"NONE"}},
	}, &container.HostConfig{NetworkMode: container.NetworkMode(f.network)}, nil, nil, name)
	if err != nil {
		return fmt.Errorf("create %s: %w", name, err)
	}
	if err := f.cli.ContainerStart(ctx, created.ID, container.StartOptions{}); err != nil {
		return fmt.Errorf("start %s: %w", name, err)
	}
	return nil
}

// waitRunning waits until n bench containers run, and fails early when one
// of them has stopped (a fixture that exits would bias every number).
func (f *fleet) waitRunning(ctx context.Context, n int) error {
	deadline := time.Now().Add(3 * time.Minute)
	for {
		list, err := f.cli.ContainerList(ctx, container.ListOptions{All: true, Filters: benchFilter()})
		if err != nil {
			return fmt.Errorf("list bench containers: %w", err)
		}
		running := 0
		for _, c := range list {
			switch c.State {
			case "running":
				running++
			case "exited", "dead":
				return fmt.Errorf("bench container %s is %s (%s): check -image and -fixture-args", strings.TrimPrefix(c.Names[0], "/"), c.State, c.Status)
			}
		}
		if running >= n {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("only %d of %d bench containers running after 3 min", running, n)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// others counts running containers that are not the bench's: their activity
// is noise in the engine figures.
func (f *fleet) others(ctx context.Context) (int, error) {
	list, err := f.cli.ContainerList(ctx, container.ListOptions{})
	if err != nil {
		return 0, fmt.Errorf("list containers: %w", err)
	}
	n := 0
	for _, c := range list {
		if c.Labels[benchLabel] != "1" {
			n++
		}
	}
	return n, nil
}

// removeAll force-removes every bench container, including leftovers of an
// earlier run that was killed before it could clean up.
func (f *fleet) removeAll(ctx context.Context) (int, error) {
	list, err := f.cli.ContainerList(ctx, container.ListOptions{All: true, Filters: benchFilter()})
	if err != nil {
		return 0, fmt.Errorf("list bench containers: %w", err)
	}
	jobs := make(chan string)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range jobs {
				err := f.cli.ContainerRemove(ctx, id, container.RemoveOptions{Force: true, RemoveVolumes: true})
				if err != nil && !client.IsErrNotFound(err) {
					mu.Lock()
					if firstErr == nil {
						firstErr = fmt.Errorf("remove %s: %w", id[:12], err)
					}
					mu.Unlock()
				}
			}
		}()
	}
	for _, c := range list {
		jobs <- c.ID
	}
	close(jobs)
	wg.Wait()
	return len(list), firstErr
}
