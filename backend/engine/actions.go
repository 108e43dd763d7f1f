package engine

import (
	"context"
	"fmt"
	"sort"

	"github.com/docker/docker/api/types/container"

	"github.com/dockterm/dockterm/backend"
	"github.com/dockterm/dockterm/backend/sanitize"
)

// Action is a mutating operation on one container. The UI binds keys to
// actions only when not read-only, so the set is closed and named.
type Action string

const (
	ActStart         Action = "start"
	ActStop          Action = "stop"
	ActRestart       Action = "restart"
	ActKill          Action = "kill"
	ActPause         Action = "pause"
	ActUnpause       Action = "unpause"
	ActRemove        Action = "remove"
	ActRemoveVolumes Action = "remove with volumes"
)

// Do runs an action. Stop and restart give the container 10 s to exit, like
// the docker CLI. Remove forces (a running container is killed first), which
// is why the UI confirms it and names the container.
func (e *Engine) Do(ctx context.Context, id string, a Action) error {
	// Stop/restart can legitimately take the whole grace period.
	cli, err := e.Client()
	if err != nil {
		return fmt.Errorf("%s %s: %w", a, shortID(id), err)
	}
	cctx, cancel := context.WithTimeout(ctx, e.opts.CallTimeout+15e9)
	defer cancel()
	switch a {
	case ActStart:
		err = cli.ContainerStart(cctx, id, container.StartOptions{})
	case ActStop:
		err = cli.ContainerStop(cctx, id, container.StopOptions{})
	case ActRestart:
		err = cli.ContainerRestart(cctx, id, container.StopOptions{})
	case ActKill:
		err = cli.ContainerKill(cctx, id, "KILL")
	case ActPause:
		err = cli.ContainerPause(cctx, id)
	case ActUnpause:
		err = cli.ContainerUnpause(cctx, id)
	case ActRemove:
		err = cli.ContainerRemove(cctx, id, container.RemoveOptions{Force: true})
	case ActRemoveVolumes:
		err = cli.ContainerRemove(cctx, id, container.RemoveOptions{Force: true, RemoveVolumes: true})
	default:
		err = fmt.Errorf("unknown action %q", a)
	}
	if err != nil {
		return fmt.Errorf("%s %s: %w", a, shortID(id), err)
	}
	return nil
}

// Inspect returns the detail read model, secrets masked in the default view.
func (e *Engine) Inspect(ctx context.Context, id string) (backend.ContainerDetail, error) {
	cli, err := e.Client()
	if err != nil {
		return backend.ContainerDetail{}, fmt.Errorf("inspect %s: %w", shortID(id), err)
	}
	cctx, cancel := e.call(ctx)
	defer cancel()
	j, err := cli.ContainerInspect(cctx, id)
	if err != nil {
		return backend.ContainerDetail{}, fmt.Errorf("inspect %s: %w", shortID(id), err)
	}
	d, err := detailFrom(j)
	if err != nil {
		return d, fmt.Errorf("inspect %s: %w", shortID(id), err)
	}
	return d, nil
}

// Top lists the container's processes (`docker top`).
func (e *Engine) Top(ctx context.Context, id string) (backend.TopResult, error) {
	cli, err := e.Client()
	if err != nil {
		return backend.TopResult{}, fmt.Errorf("top %s: %w", shortID(id), err)
	}
	cctx, cancel := e.call(ctx)
	defer cancel()
	t, err := cli.ContainerTop(cctx, id, nil)
	if err != nil {
		return backend.TopResult{}, fmt.Errorf("top %s: %w", shortID(id), err)
	}
	var r backend.TopResult
	for _, h := range t.Titles {
		r.Titles = append(r.Titles, sanitize.String(h))
	}
	for _, p := range t.Processes {
		row := make([]string, len(p))
		for i, f := range p {
			row[i] = sanitize.String(f)
		}
		r.Processes = append(r.Processes, backend.Process{Fields: row})
	}
	return r, nil
}

// Diff lists what changed in the container's filesystem (`docker diff`).
func (e *Engine) Diff(ctx context.Context, id string) ([]backend.Change, error) {
	cli, err := e.Client()
	if err != nil {
		return nil, fmt.Errorf("diff %s: %w", shortID(id), err)
	}
	cctx, cancel := e.call(ctx)
	defer cancel()
	changes, err := cli.ContainerDiff(cctx, id)
	if err != nil {
		return nil, fmt.Errorf("diff %s: %w", shortID(id), err)
	}
	out := make([]backend.Change, 0, len(changes))
	for _, c := range changes {
		k := "?"
		switch c.Kind {
		case container.ChangeModify:
			k = "C"
		case container.ChangeAdd:
			k = "A"
		case container.ChangeDelete:
			k = "D"
		}
		out = append(out, backend.Change{Kind: k, Path: sanitize.String(c.Path)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}
