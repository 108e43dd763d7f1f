package stats

import (
	"encoding/json"
	"io"
	"time"

	"github.com/docker/docker/api/types/container"
)

// Decode reads one stats answer, keeping only what Compute reads. A full
// answer carries some forty memory counters (a map), per-CPU arrays, eight
// block I/O lists and throttling data; decoding all of it into
// container.StatsResponse was most of the client's work per sample, and
// the sampler takes several hundred samples a minute.
func Decode(r io.Reader) (*container.StatsResponse, error) {
	var w wireStats
	if err := json.NewDecoder(r).Decode(&w); err != nil {
		return nil, err
	}
	return w.response(), nil
}

// wireStats mirrors the fields of the engine's stats JSON that Compute
// uses, with the same JSON names as container.StatsResponse.
type wireStats struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	Read     time.Time `json:"read"`
	PreRead  time.Time `json:"preread"`
	NumProcs uint32    `json:"num_procs"`
	Pids     struct {
		Current uint64 `json:"current"`
		Limit   uint64 `json:"limit"`
	} `json:"pids_stats"`
	CPU    wireCPU `json:"cpu_stats"`
	PreCPU wireCPU `json:"precpu_stats"`
	Memory struct {
		Usage             uint64 `json:"usage"`
		Limit             uint64 `json:"limit"`
		PrivateWorkingSet uint64 `json:"privateworkingset"`
		// Only the inactive file cache of the forty-odd counters.
		Stats struct {
			InactiveFile      *uint64 `json:"inactive_file"`
			TotalInactiveFile *uint64 `json:"total_inactive_file"`
		} `json:"stats"`
	} `json:"memory_stats"`
	Networks map[string]struct {
		RxBytes uint64 `json:"rx_bytes"`
		TxBytes uint64 `json:"tx_bytes"`
	} `json:"networks"`
	Blkio struct {
		IoServiceBytesRecursive []container.BlkioStatEntry `json:"io_service_bytes_recursive"`
	} `json:"blkio_stats"`
}

type wireCPU struct {
	Usage struct {
		TotalUsage  uint64   `json:"total_usage"`
		PercpuUsage []uint64 `json:"percpu_usage"`
	} `json:"cpu_usage"`
	SystemUsage uint64 `json:"system_cpu_usage"`
	OnlineCPUs  uint32 `json:"online_cpus"`
}

func (c wireCPU) stats() container.CPUStats {
	return container.CPUStats{
		CPUUsage:    container.CPUUsage{TotalUsage: c.Usage.TotalUsage, PercpuUsage: c.Usage.PercpuUsage},
		SystemUsage: c.SystemUsage,
		OnlineCPUs:  c.OnlineCPUs,
	}
}

func (w *wireStats) response() *container.StatsResponse {
	r := &container.StatsResponse{
		ID: w.ID, Name: w.Name, Read: w.Read, PreRead: w.PreRead, NumProcs: w.NumProcs,
		PidsStats:   container.PidsStats{Current: w.Pids.Current, Limit: w.Pids.Limit},
		CPUStats:    w.CPU.stats(),
		PreCPUStats: w.PreCPU.stats(),
		MemoryStats: container.MemoryStats{Usage: w.Memory.Usage, Limit: w.Memory.Limit, PrivateWorkingSet: w.Memory.PrivateWorkingSet},
		BlkioStats:  container.BlkioStats{IoServiceBytesRecursive: w.Blkio.IoServiceBytesRecursive},
	}
	if v, tv := w.Memory.Stats.InactiveFile, w.Memory.Stats.TotalInactiveFile; v != nil || tv != nil {
		r.MemoryStats.Stats = make(map[string]uint64, 2)
		if v != nil {
			r.MemoryStats.Stats["inactive_file"] = *v
		}
		if tv != nil {
			r.MemoryStats.Stats["total_inactive_file"] = *tv
		}
	}
	if w.Networks != nil {
		r.Networks = make(map[string]container.NetworkStats, len(w.Networks))
		for k, n := range w.Networks {
			r.Networks[k] = container.NetworkStats{RxBytes: n.RxBytes, TxBytes: n.TxBytes}
		}
	}
	return r
}
