package machine

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/dockterm/dockterm/backend/secrets"
)

// A ConfigVersion 3 file written by libmachine is json.MarshalIndent of the
// host, exactly what inspect prints: with nothing to migrate or mask, the
// output must be the file itself, byte for byte.
func TestInspectIsDockerMachinesOutput(t *testing.T) {
	raw := fixture(t, "07-minikube-libmachine-fork-v3.config.json")
	h := loadFixtureHost(t, "p1", "07-minikube-libmachine-fork-v3.config.json")
	for _, reveal := range []bool{false, true} {
		var b strings.Builder
		if err := RenderInspect(&b, h, InspectOptions{Reveal: reveal}); err != nil {
			t.Fatal(err)
		}
		want := strings.TrimRight(string(raw), "\n") + "\n"
		if b.String() != want {
			t.Errorf("reveal=%v: inspect differs from the stored config:\n%s", reveal, firstDiff(b.String(), want))
		}
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			return "line " + itoa(i+1) + ":\n got  " + al[i] + "\n want " + bl[i]
		}
	}
	return "lengths " + itoa(len(al)) + " vs " + itoa(len(bl))
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

// cloud is a synthetic amazonec2 machine: no fixture carries credentials.
const cloud = `{
    "ConfigVersion": 3,
    "Driver": {
        "IPAddress": "54.1.2.3",
        "MachineName": "aws1",
        "SSHUser": "ubuntu",
        "SSHPort": 22,
        "SSHKeyPath": "/s/machines/aws1/id_rsa",
        "StorePath": "/s",
        "SwarmMaster": false,
        "SwarmHost": "",
        "SwarmDiscovery": "",
        "Id": "abc",
        "AccessKey": "AKIAIOSFODNN7EXAMPLE",
        "SecretKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "SessionToken": "FwoGZXIvYXdzEBYaD",
        "Region": "us-east-1",
        "Tags": "team=<ops>&env=prod",
        "UserDataFile": ""
    },
    "DriverName": "amazonec2",
    "HostOptions": {
        "Driver": "",
        "Memory": 0,
        "Disk": 0,
        "EngineOptions": {
            "ArbitraryFlags": [],
            "Dns": null,
            "GraphDir": "",
            "Env": [
                "HTTPS_PROXY=http://proxyuser:proxypass@proxy:3128",
                "TZ=UTC"
            ],
            "Ipv6": false,
            "InsecureRegistry": [],
            "Labels": [],
            "LogLevel": "",
            "StorageDriver": "overlay2",
            "SelinuxEnabled": false,
            "TlsVerify": true,
            "RegistryMirror": [],
            "InstallURL": "https://get.docker.com"
        },
        "SwarmOptions": {
            "IsSwarm": false,
            "Address": "",
            "Discovery": "",
            "Agent": false,
            "Master": false,
            "Host": "tcp://0.0.0.0:3376",
            "Image": "swarm:latest",
            "Strategy": "spread",
            "Heartbeat": 0,
            "Overcommit": 0,
            "ArbitraryFlags": [],
            "ArbitraryJoinFlags": [],
            "Env": null,
            "IsExperimental": false
        },
        "AuthOptions": {
            "CertDir": "/s/certs",
            "CaCertPath": "/s/certs/ca.pem",
            "CaPrivateKeyPath": "/s/certs/ca-key.pem",
            "CaCertRemotePath": "",
            "ServerCertPath": "/s/machines/aws1/server.pem",
            "ServerKeyPath": "/s/machines/aws1/server-key.pem",
            "ClientKeyPath": "/s/certs/key.pem",
            "ServerCertRemotePath": "",
            "ServerKeyRemotePath": "",
            "ClientCertPath": "/s/certs/cert.pem",
            "ServerCertSANs": [],
            "StorePath": "/s/machines/aws1"
        }
    },
    "Name": "aws1"
}`

func TestInspectMasksCloudCredentials(t *testing.T) {
	s := newStore(t, map[string][]byte{"aws1": []byte(cloud)})
	h, err := s.Load("aws1")
	if err != nil {
		t.Fatal(err)
	}
	var masked, revealed strings.Builder
	if err := RenderInspect(&masked, h, InspectOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := RenderInspect(&revealed, h, InspectOptions{Reveal: true}); err != nil {
		t.Fatal(err)
	}
	// Revealed, it is docker-machine's output: the file (HTML escaped, as
	// encoding/json writes "<", ">" and "&").
	want := strings.NewReplacer("<", `\u003c`, ">", `\u003e`, "&", `\u0026`).Replace(cloud) + "\n"
	if revealed.String() != want {
		t.Errorf("revealed inspect:\n%s", firstDiff(revealed.String(), want))
	}
	for _, secret := range []string{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI", "FwoGZXIvYXdzEBYaD", "proxypass"} {
		if strings.Contains(masked.String(), secret) {
			t.Errorf("masked inspect shows %q", secret)
		}
		if !strings.Contains(revealed.String(), secret) {
			t.Errorf("revealed inspect lacks %q", secret)
		}
	}
	for _, line := range []string{
		`        "AccessKey": "` + secrets.Masked + `",`,
		`        "SecretKey": "` + secrets.Masked + `",`,
		`        "Region": "us-east-1",`,
		`        "Tags": "team=\u003cops\u003e\u0026env=prod",`,
		`            "CaPrivateKeyPath": "/s/certs/ca-key.pem",`,
		`                "TZ=UTC"`,
	} {
		if !strings.Contains(masked.String(), line+"\n") {
			t.Errorf("masked inspect lacks line %q", line)
		}
	}
	// Same shape, line for line: masking changes values only.
	if strings.Count(masked.String(), "\n") != strings.Count(revealed.String(), "\n") {
		t.Errorf("masking changed the layout")
	}
}

func TestInspectMigratedAndTemplates(t *testing.T) {
	h := loadFixtureHost(t, "foobar", "04-v1-format-docker-machine-fixture.config.json")
	tests := []struct {
		format string
		want   string
	}{
		{"{{.Driver.IPAddress}}", "192.168.99.100\n"},
		{"{{.ConfigVersion}} {{.Name}} {{.DriverName}}", "3 foobar virtualbox\n"},
		{"{{.HostOptions.AuthOptions.CaPrivateKeyPath}}", "/Users/catbug/.docker/machine/certs/ca-key.pem\n"},
		{"{{.Driver.StorePath}}", "/Users/catbug/.docker/machine\n"},
		{"{{json .HostOptions.EngineOptions.InsecureRegistry}}", "[]\n"},
		{"{{prettyjson .HostOptions.SwarmOptions.ArbitraryFlags}}", "[]\n"},
		{`{{json .Driver.SSHPort}}`, "64477\n"},
	}
	for _, tc := range tests {
		var b strings.Builder
		if err := RenderInspect(&b, h, InspectOptions{Format: tc.format}); err != nil {
			t.Errorf("%s: %v", tc.format, err)
			continue
		}
		if b.String() != tc.want {
			t.Errorf("%s = %q, want %q", tc.format, b.String(), tc.want)
		}
	}
	var b strings.Builder
	if err := RenderInspect(&b, h, InspectOptions{Format: "{{.Driver"}); err == nil || !strings.Contains(err.Error(), "template parsing error") {
		t.Errorf("bad template: %v", err)
	}
	// The whole migrated host: v3 layout, AuthOptions renamed, never the v1
	// keys.
	b.Reset()
	if err := RenderInspect(&b, h, InspectOptions{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, frag := range []string{`"ConfigVersion": 3,`, `"CertDir": "/Users/catbug/.docker/machine/certs",`, `"Name": "foobar"`} {
		if !strings.Contains(out, frag) {
			t.Errorf("migrated inspect lacks %s", frag)
		}
	}
	// The driver JSON is kept as stored (the plugin owns it); the options
	// are libmachine's current structs.
	opts := out[strings.Index(out, `"HostOptions"`):]
	if strings.Contains(opts, `"PrivateKeyPath"`) || strings.Contains(opts, `"TlsCaCert"`) {
		t.Errorf("migrated inspect kept v1 option keys:\n%s", opts)
	}
}
