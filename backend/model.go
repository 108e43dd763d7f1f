// Package backend holds the read models that the UI consumes. Every string in
// these structs has already passed through backend/sanitize, so a view can
// print it without further escaping, and none of them is a Docker SDK type, so
// a view test needs no engine.
package backend

import "time"

// EngineID names one connected engine (an endpoint name such as "local" or a
// context/machine name). Every asynchronous result carries it so that a late
// answer from engine A never lands in the view of engine B.
type EngineID string

// EngineInfo is the identity of a connected engine.
type EngineInfo struct {
	ID            EngineID
	Name          string // endpoint name shown to the operator
	Host          string // e.g. unix:///var/run/docker.sock
	ServerVersion string
	APIVersion    string // negotiated API version
	OS            string
	KernelVersion string
	NCPU          int
	MemTotal      int64
	SwarmRole     string // "", "manager", "worker"
	StorageDriver string
}

// ConnState is the connection state of an engine as the operator sees it.
type ConnState int

const (
	ConnConnecting ConnState = iota
	ConnConnected
	ConnDisconnected
)

func (s ConnState) String() string {
	switch s {
	case ConnConnected:
		return "connected"
	case ConnDisconnected:
		return "disconnected"
	default:
		return "connecting"
	}
}

// Port is one published or exposed port of a container.
type Port struct {
	IP          string // host IP ("" when only exposed)
	PublicPort  uint16
	PrivatePort uint16
	Type        string // tcp, udp, sctp
}

// Container is the list-level view of one container, kept current by the
// engine's events stream.
type Container struct {
	ID           string // full ID
	Name         string // without the leading slash
	Image        string
	ImageID      string
	Command      string
	Created      time.Time
	StartedAt    time.Time // zero when unknown or never started
	FinishedAt   time.Time
	State        string // created, running, restarting, paused, exited, dead, removing
	Status       string // docker's human status ("Up 3 minutes (healthy)")
	Health       string // "", starting, healthy, unhealthy
	ExitCode     int
	OOMKilled    bool
	RestartCount int
	Ports        []Port
	Labels       map[string]string
	Project      string // com.docker.compose.project label
	Networks     []string
	MemLimit     int64 // bytes, 0 = unlimited (from inspect)
	Inspected    bool  // the inspect-only fields above are filled in
}

// Running reports whether the container's processes run (paused counts).
func (c Container) Running() bool {
	return c.State == "running" || c.State == "paused" || c.State == "restarting"
}

// Stats is one computed sample for one container, with figures that agree
// with `docker stats`: CPU% scaled by online CPUs, memory minus inactive file
// cache, rates per second between two samples.
type Stats struct {
	ID          string
	At          time.Time
	CPUPercent  float64 // -1 until two samples exist
	MemUsage    int64   // bytes, usage minus inactive_file (cgroup v1: total_inactive_file)
	MemLimit    int64
	MemPercent  float64
	NetRxRate   float64 // bytes/s, -1 until two samples exist
	NetTxRate   float64
	BlkReadRate float64
	BlkWritRate float64
	PIDs        uint64
	// HostOnly marks a CPU figure read from the engine's host before the
	// engine's first answer: every other field but ID and At is unknown.
	HostOnly bool
}

// Stream names where a log line came from.
type Stream uint8

const (
	Stdout Stream = iota
	Stderr
)

// LogLine is one sanitized log line.
type LogLine struct {
	Time   time.Time // zero when the engine gave none
	Stream Stream
	Text   string // sanitized, no trailing newline
}

// Process is one row of `docker top`.
type Process struct {
	Fields []string // in the order of Titles
}

// TopResult is `docker top`.
type TopResult struct {
	Titles    []string
	Processes []Process
}

// Change is one row of `docker diff`.
type Change struct {
	Kind string // A, C, D
	Path string
}

// Event is one sanitized engine event.
type Event struct {
	Time   time.Time
	Type   string // container, network, volume, image, daemon...
	Action string
	ID     string
	Name   string
	Attrs  map[string]string
}

// Mount is one mount of a container.
type Mount struct {
	Type        string
	Name        string
	Source      string
	Destination string
	Mode        string
	RW          bool
	Propagation string
}

// NetworkAttachment is a container's place on one network.
type NetworkAttachment struct {
	Network    string
	IPAddress  string
	IPv6       string
	Gateway    string
	MacAddress string
	Aliases    []string
}

// EnvVar is one environment variable. Masked is what the UI shows by
// default (the whole value, or only a URL password, hidden); Value is shown
// only on an explicit key. Secret reports that Masked differs from Value.
type EnvVar struct {
	Key    string
	Value  string
	Masked string
	Secret bool
}

// ContainerDetail is what the detail view shows beyond the list row.
type ContainerDetail struct {
	Container
	Env      []EnvVar
	Mounts   []Mount
	Networks []NetworkAttachment
	// InspectJSON is the pretty-printed, sanitized inspect document with
	// secret values replaced by a mask; InspectJSONRevealed is the same
	// without masking, shown only on an explicit key.
	InspectJSON         string
	InspectJSONRevealed string
	Healthcheck         []string
	User                string
	RestartPolicy       string
	Privileged          bool
	ReadOnlyRootfs      bool
}
