package machine

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
)

// CurrentConfigVersion is libmachine's version.ConfigVersion: the newest
// config.json layout docker-machine writes.
const CurrentConfigVersion = 3

// ErrConfigFromFuture is returned for a config.json whose ConfigVersion is
// newer than CurrentConfigVersion (written by a newer fork). The text is
// libmachine's.
var ErrConfigFromFuture = errors.New("config version is from the future -- you should upgrade your Docker Machine client")

// The option structs below mirror libmachine's engine.Options, swarm.Options
// and auth.Options field for field and in the same order, because RenderInspect
// must marshal them exactly as docker-machine does.

// EngineOptions are the dockerd options docker-machine provisioned.
type EngineOptions struct {
	ArbitraryFlags   []string
	DNS              []string `json:"Dns"`
	GraphDir         string
	Env              []string
	Ipv6             bool
	InsecureRegistry []string
	Labels           []string
	LogLevel         string
	StorageDriver    string
	SelinuxEnabled   bool
	TLSVerify        bool `json:"TlsVerify"`
	RegistryMirror   []string
	InstallURL       string
}

// SwarmOptions are the legacy (standalone) Swarm options of a machine.
type SwarmOptions struct {
	IsSwarm            bool
	Address            string
	Discovery          string
	Agent              bool
	Master             bool
	Host               string
	Image              string
	Strategy           string
	Heartbeat          int
	Overcommit         float64
	ArbitraryFlags     []string
	ArbitraryJoinFlags []string
	Env                []string
	IsExperimental     bool
}

// AuthOptions are the certificate paths recorded at create time. They are
// absolute paths on the host that created the machine, so they are wrong in a
// store copied from elsewhere; see Host.ResolveTLS.
type AuthOptions struct {
	CertDir              string
	CaCertPath           string
	CaPrivateKeyPath     string
	CaCertRemotePath     string
	ServerCertPath       string
	ServerKeyPath        string
	ClientKeyPath        string
	ServerCertRemotePath string
	ServerKeyRemotePath  string
	ClientCertPath       string
	ServerCertSANs       []string
	// StorePath is the store root after migration (the machine dir in
	// ConfigVersion 2 files, which docker-machine leaves as it is).
	StorePath string
}

// HostOptions is libmachine's host.Options. Members are pointers, as in
// libmachine, so that a section missing from config.json stays null in
// RenderInspect's output, as docker-machine prints it.
type HostOptions struct {
	Driver        string
	Memory        int
	Disk          int
	EngineOptions *EngineOptions
	SwarmOptions  *SwarmOptions
	AuthOptions   *AuthOptions
}

// rawFile is the union of every top-level key any ConfigVersion has used.
type rawFile struct {
	ConfigVersion int
	Driver        json.RawMessage
	DriverName    string
	HostOptions   json.RawMessage
	Name          string

	// ConfigVersion 0 and 1: the machine directory.
	StorePath string

	// ConfigVersion 0 only: the flat layout.
	CaCertPath     string
	PrivateKeyPath string
	ServerCertPath string
	ServerKeyPath  string
	ClientCertPath string
	ClientKeyPath  string
	SwarmHost      string
	SwarmMaster    bool
	SwarmDiscovery string

	// RawDriver (base64 driver JSON) appears in some 0.5.x files. libmachine
	// ignores it and so do we: the Driver object is the truth.
}

// authOptionsV1 is ConfigVersion 1's auth.Options: PrivateKeyPath instead of
// CaPrivateKeyPath, no CertDir.
type authOptionsV1 struct {
	StorePath            string
	CaCertPath           string
	CaCertRemotePath     string
	ServerCertPath       string
	ServerKeyPath        string
	ClientKeyPath        string
	ServerCertRemotePath string
	ServerKeyRemotePath  string
	PrivateKeyPath       string
	ClientCertPath       string
}

type hostOptionsV1 struct {
	Driver        string
	Memory        int
	Disk          int
	EngineOptions *EngineOptions
	SwarmOptions  *SwarmOptions
	AuthOptions   *authOptionsV1
}

// migrated is a config.json brought to ConfigVersion 3 in memory.
type migrated struct {
	fileVersion int
	driverName  string
	driver      json.RawMessage // driver JSON as a v3 file would hold it
	hostOptions *HostOptions
}

// parseConfig decodes config.json bytes of any ConfigVersion and migrates
// them the way libmachine's host.MigrateHost does. storeDir is the store the
// file was read from; it stands in for the store path when the file does not
// say (libmachine would use "." there, which helps nobody).
func parseConfig(data []byte, storeDir string) (*migrated, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errors.New("config.json is empty (machine creation interrupted?)")
	}
	var f rawFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("config.json is not valid JSON: %w", err)
	}
	if f.ConfigVersion > CurrentConfigVersion {
		return nil, fmt.Errorf("ConfigVersion %d: %w", f.ConfigVersion, ErrConfigFromFuture)
	}
	if f.ConfigVersion < 0 {
		return nil, fmt.Errorf("invalid ConfigVersion %d", f.ConfigVersion)
	}

	// libmachine derives the global store path from the top-level StorePath
	// (the machine dir in v0-v2 files): <store>/machines/<name> -> <store>.
	globalStore := storeDir
	if f.StorePath != "" {
		globalStore = filepath.Dir(filepath.Dir(f.StorePath))
	}

	m := &migrated{fileVersion: f.ConfigVersion, driverName: f.DriverName, driver: f.Driver}
	if len(bytes.TrimSpace(m.driver)) == 0 || string(bytes.TrimSpace(m.driver)) == "null" {
		m.driver = json.RawMessage(`{}`)
	}

	switch f.ConfigVersion {
	case 3, 2:
		opts, err := decodeHostOptions(f.HostOptions)
		if err != nil {
			return nil, err
		}
		m.hostOptions = opts
	case 1:
		var v1 hostOptionsV1
		if len(f.HostOptions) > 0 {
			if err := json.Unmarshal(f.HostOptions, &v1); err != nil {
				return nil, fmt.Errorf("HostOptions (ConfigVersion 1): %w", err)
			}
		}
		m.hostOptions = migrateV1Options(v1, globalStore)
	case 0:
		// V0 -> V1 (libmachine MigrateHostV0ToHostV1): HostOptions are
		// rebuilt from the flat fields; a HostOptions object in a v0 file is
		// ignored, as libmachine ignores it.
		v1 := hostOptionsV1{
			EngineOptions: &EngineOptions{TLSVerify: true, InstallURL: "https://get.docker.com"},
			SwarmOptions: &SwarmOptions{
				Discovery: f.SwarmDiscovery,
				Host:      f.SwarmHost,
				Master:    f.SwarmMaster,
			},
			AuthOptions: &authOptionsV1{
				StorePath:      f.StorePath,
				CaCertPath:     f.CaCertPath,
				ServerCertPath: f.ServerCertPath,
				ServerKeyPath:  f.ServerKeyPath,
				ClientKeyPath:  f.ClientKeyPath,
				PrivateKeyPath: f.PrivateKeyPath,
				ClientCertPath: f.ClientCertPath,
			},
		}
		m.hostOptions = migrateV1Options(v1, globalStore)
	}

	if f.ConfigVersion < 3 {
		// V2 -> V3 (libmachine MigrateHostV2ToHostV3): drivers learnt their
		// StorePath. libmachine round-trips the driver through a map (sorting
		// the keys); we keep the stored key order and only set StorePath.
		d, err := setObjectKey(m.driver, "StorePath", globalStore)
		if err != nil {
			return nil, fmt.Errorf("Driver: %w", err)
		}
		m.driver = d
	}
	return m, nil
}

func decodeHostOptions(raw json.RawMessage) (*HostOptions, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, nil
	}
	var opts *HostOptions
	if err := json.Unmarshal(raw, &opts); err != nil {
		return nil, fmt.Errorf("HostOptions: %w", err)
	}
	return opts, nil
}

// migrateV1Options is libmachine's MigrateHostV1ToHostV2 for the options:
// PrivateKeyPath becomes CaPrivateKeyPath, CertDir appears, and
// AuthOptions.StorePath becomes the store root.
func migrateV1Options(v1 hostOptionsV1, globalStore string) *HostOptions {
	a := v1.AuthOptions
	if a == nil {
		a = &authOptionsV1{}
	}
	return &HostOptions{
		Driver:        v1.Driver,
		Memory:        v1.Memory,
		Disk:          v1.Disk,
		EngineOptions: v1.EngineOptions,
		SwarmOptions:  v1.SwarmOptions,
		AuthOptions: &AuthOptions{
			CertDir:              filepath.Join(globalStore, "certs"),
			CaCertPath:           a.CaCertPath,
			CaPrivateKeyPath:     a.PrivateKeyPath,
			CaCertRemotePath:     a.CaCertRemotePath,
			ServerCertPath:       a.ServerCertPath,
			ServerKeyPath:        a.ServerKeyPath,
			ClientKeyPath:        a.ClientKeyPath,
			ServerCertRemotePath: a.ServerCertRemotePath,
			ServerKeyRemotePath:  a.ServerKeyRemotePath,
			ClientCertPath:       a.ClientCertPath,
			StorePath:            globalStore,
		},
	}
}

// field is one member of a JSON object, in document order.
type field struct {
	Key   string
	Value json.RawMessage
}

// objectFields splits a JSON object into its members, keeping their order
// (a map would lose it, and inspect output must keep the driver's order).
func objectFields(raw json.RawMessage) ([]field, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("expected a JSON object, found %v", tok)
	}
	var out []field
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, ok := tok.(string)
		if !ok {
			return nil, fmt.Errorf("expected an object key, found %v", tok)
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("value of %q: %w", key, err)
		}
		out = append(out, field{Key: key, Value: v})
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	return out, nil
}

// encodeObject is the inverse of objectFields.
func encodeObject(fields []field) json.RawMessage {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range fields {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(f.Key) // a string always marshals
		b.Write(k)
		b.WriteByte(':')
		b.Write(f.Value)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// setObjectKey sets key to value in a JSON object, in place if the key
// exists, else at the end.
func setObjectKey(obj json.RawMessage, key string, value any) (json.RawMessage, error) {
	fields, err := objectFields(obj)
	if err != nil {
		return nil, err
	}
	v, err := json.Marshal(value)
	if err != nil {
		return nil, err
	}
	for i := range fields {
		if fields[i].Key == key {
			fields[i].Value = v
			return encodeObject(fields), nil
		}
	}
	return encodeObject(append(fields, field{Key: key, Value: v})), nil
}
