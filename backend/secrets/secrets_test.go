package secrets

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestIsSecretKey(t *testing.T) {
	secret := []string{
		"PASSWORD", "password", "MYSQL_ROOT_PASSWORD", "POSTGRES_PASSWORD", "DB_PASSWD",
		"DBPASSWORD", "mysqlRootPassword", "SSH_PASSPHRASE", "KEYSTORE_PASSWORD_2",
		"TOKEN", "GITHUB_TOKEN", "GITHUBTOKEN", "vault.token", "auth-token", "OAuth2Token",
		"SECRET", "JWT_SECRET", "DJANGO_SECRET_KEY", "SECRET_KEY_BASE", "AWS_SECRET_ACCESS_KEY",
		"CLIENT_SECRET", "VAULT_SECRET_ID", "SECRETS",
		"API_KEY", "APIKEY", "apiKey", "APIKey", "x-api-key", "STRIPE_API_KEY",
		"KEY", "SSH_KEY", "TLS_KEY", "ENCRYPTION_KEY", "LICENSE_KEY", "SIGNING_KEY_B64", "TLS_KEY_PEM",
		"ACCESS_KEY", "AWS_ACCESS_KEY_ID", "MINIO_ACCESS_KEY", "PRIVATE_KEY", "GPG_PRIVATE",
		"CREDENTIALS", "GOOGLE_APPLICATION_CREDENTIALS_JSON", "DOCKER_CREDS", "credential",
		"AUTH", "auth", "BASIC_AUTH", "REGISTRY_AUTH", "DB_PASS", "DB_PWD", "SSH_KEYS",
		// docker-machine driver fields
		"AccessKey", "SecretKey", "SessionToken", "AccessToken", "Password", "SSHPassword",
		"ClientSecret", "APIToken", "APIKey", "APISecretKey",
		// Java system properties and flags, as MaskInline sees them
		"-Djavax.net.ssl.keyStorePassword", "--db-password",
	}
	notSecret := []string{
		"", "PATH", "HOME", "PWD", "OLDPWD", "HOSTNAME", "LANG",
		"MONKEY", "KEYBOARD", "KEYCLOAK_URL", "KEYCLOAK_REALM", "TURNKEY", "HOTKEYS",
		"TOKENIZERS_PARALLELISM", "SECRETARY_EMAIL", "PASSENGER_MAX_POOL", "BYPASS_PROXY",
		"PASS_THROUGH", "COMPASS_URL", "AUTHOR", "AUTHORS", "AUTH_URL", "OS_AUTH_URL", "AUTH_TYPE",
		"AUTH_ENABLED", "AuthOptions", "PRIVATE_IP", "UsePrivateIP", "PrivateIPAddress",
		"PUBLIC_KEY", "SSH_PUBLIC_KEY", "PRIMARY_KEY", "SORT_KEY", "CACHE_KEY_PREFIX",
		"KEY_NAME", "KeyName", "KeyPairName", "SSHKeyPath", "ServerKeyPath", "CaPrivateKeyPath",
		"KEY_ID", "ENCRYPTION_KEY_ID",
		"POSTGRES_PASSWORD_FILE", "MYSQL_ROOT_PASSWORD_FILE", "TOKEN_URL", "SECRET_NAME",
		"PASSWORD_MIN_LENGTH", "TOKEN_TTL", "CREDENTIALS_PATH", "SECRETS_DIR",
		"awslogs-credentials-endpoint", "DATABASE_URL", "REDIS_URL", "Env", "Image",
	}
	for _, k := range secret {
		if !IsSecretKey(k) {
			t.Errorf("IsSecretKey(%q) = false (words %q), want true", k, Words(k))
		}
	}
	for _, k := range notSecret {
		if IsSecretKey(k) {
			t.Errorf("IsSecretKey(%q) = true (words %q), want false", k, Words(k))
		}
	}
}

func TestWords(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"AWS_SECRET_ACCESS_KEY", []string{"aws", "secret", "access", "key"}},
		{"SSHPassword", []string{"ssh", "password"}},
		{"apiKey2", []string{"api", "key2"}},
		{"SIGNING_KEY_B64", []string{"signing", "key", "b64"}},
		{"my2faSecret", []string{"my2", "fa", "secret"}},
		{"APIKey", []string{"api", "key"}},
		{"OAuth2Token", []string{"o", "auth2", "token"}},
		{"vault.token-file", []string{"vault", "token", "file"}},
		{"__X__", []string{"x"}},
		{"ÜberSchlüssel", []string{"über", "schlüssel"}},
		{"", nil},
	}
	for _, tc := range tests {
		if got := Words(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Words(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestMask(t *testing.T) {
	if Mask("") != Mask("a-much-longer-secret-value") || Mask("x") != Masked {
		t.Error("Mask must not depend on the value")
	}
	if strings.Contains(Masked, "x") || Masked == "" {
		t.Error("Masked must be visible and reveal nothing")
	}
}

func TestMaskEnv(t *testing.T) {
	tests := []struct {
		in, key, value string
		secret         bool
	}{
		{"PATH=/usr/bin:/bin", "PATH", "/usr/bin:/bin", false},
		{"POSTGRES_PASSWORD=hunter2", "POSTGRES_PASSWORD", Masked, true},
		{"POSTGRES_PASSWORD=", "POSTGRES_PASSWORD", Masked, true},
		{"TOKEN=a=b=c", "TOKEN", Masked, true},
		{"PASSWORD", "PASSWORD", "", false},
		{"EMPTY=", "EMPTY", "", false},
		{"DATABASE_URL=postgres://app:hunter2@db:5432/app?sslmode=disable", "DATABASE_URL",
			"postgres://app:" + Masked + "@db:5432/app?sslmode=disable", true},
		{"REDIS_URL=redis://:s3cr3t@redis:6379/0", "REDIS_URL", "redis://:" + Masked + "@redis:6379/0", true},
		{"UPSTREAM=http://backend:8080/api", "UPSTREAM", "http://backend:8080/api", false},
		{"GIT_URL=ssh://git@github.com/org/repo.git", "GIT_URL", "ssh://git@github.com/org/repo.git", false},
		{"JAVA_OPTS=-Xmx1g -Djavax.net.ssl.keyStorePassword=changeit -Dfoo=bar", "JAVA_OPTS",
			"-Xmx1g -Djavax.net.ssl.keyStorePassword=" + Masked + " -Dfoo=bar", true},
		{"ConnectionStrings__Db=Server=sql;User Id=sa;Password=P@ss;Encrypt=true", "ConnectionStrings__Db",
			"Server=sql;User Id=sa;Password=" + Masked + ";Encrypt=true", true},
		{"WEBHOOK=https://hooks.example/x?access_token=abc123&channel=ops", "WEBHOOK",
			"https://hooks.example/x?access_token=" + Masked + "&channel=ops", true},
	}
	for _, tc := range tests {
		k, v, s := MaskEnv(tc.in)
		if k != tc.key || v != tc.value || s != tc.secret {
			t.Errorf("MaskEnv(%q) = %q, %q, %v; want %q, %q, %v", tc.in, k, v, s, tc.key, tc.value, tc.secret)
		}
	}
}

func TestMaskInline(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"plain value", "plain value"},
		{"postgres://app:hunter2@db/app", "postgres://app:" + Masked + "@db/app"},
		{"mysql://root:pa/ss#w@rd@db:3306/x", "mysql://root:" + Masked + "@db:3306/x"},
		{"amqp://guest:guest@rabbit", "amqp://guest:" + Masked + "@rabbit"},
		{"mongodb://u:p@h1,h2/db?replicaSet=rs0", "mongodb://u:" + Masked + "@h1,h2/db?replicaSet=rs0"},
		{"two a://u:p@h and b://v:q@i", "two a://u:" + Masked + "@h and b://v:" + Masked + "@i"},
		{"\"https://u:p@h\"", "\"https://u:" + Masked + "@h\""},
		{"http://host:8080/users/me@example.com", "http://host:8080/users/me@example.com"},
		{"https://h/x?email=a@b.com", "https://h/x?email=a@b.com"},
		{"https://user@host/", "https://user@host/"},
		{"https://u:@host/", "https://u:@host/"},
		{"://u:p@h", "://u:p@h"},
		{"--password=hunter2 --user=bob", "--password=" + Masked + " --user=bob"},
		{"password=" + Masked, "password=" + Masked},
		{"a=b;c=d", "a=b;c=d"},
		{"=x", "=x"},
		{"token=", "token="},
		{"jdbc:mysql://db/app?user=app&password=secret", "jdbc:mysql://db/app?user=app&password=" + Masked},
	}
	for _, tc := range tests {
		got, changed := MaskInline(tc.in)
		if got != tc.want || changed != (tc.in != tc.want) {
			t.Errorf("MaskInline(%q) = %q, %v; want %q", tc.in, got, changed, tc.want)
		}
		// Masking is idempotent: the masked form has nothing left to mask.
		if again, ch := MaskInline(got); again != got || ch {
			t.Errorf("MaskInline not idempotent on %q: %q", got, again)
		}
	}
}

// inspect is trimmed from a real `docker inspect` of a container started
// with secrets in its environment, labels and log options.
const inspect = `[{"Id":"4f1d","Created":"2024-05-01T12:00:00.000000000Z","Path":"docker-entrypoint.sh",` +
	`"Args":["postgres","--password=hunter2"],"State":{"Status":"running","Pid":4242,"ExitCode":0},` +
	`"Name":"/db","RestartCount":0,"HostConfig":{"Memory":67108864,"NanoCpus":500000000,` +
	`"LogConfig":{"Type":"splunk","Config":{"splunk-token":"abc-123","splunk-url":"https://splunk:8088"}},` +
	`"Binds":[],"CapAdd":null,"Privileged":false},` +
	`"Config":{"Hostname":"4f1d","Env":["POSTGRES_PASSWORD=hunter2","DATABASE_URL=postgres://app:pw@db/app",` +
	`"PATH=/usr/local/bin:/usr/bin","NOVALUE"],"Cmd":["postgres"],"Image":"postgres:16",` +
	`"Labels":{"com.example.api-key":"k-999","com.docker.compose.project":"shop","evil":"\u001b]0;pwned\u0007\u202e<b>&amp;"},` +
	`"Healthcheck":{"Test":["CMD","pg_isready"],"Interval":30000000000}},` +
	`"NetworkSettings":{"Ports":{"5432/tcp":[{"HostIp":"0.0.0.0","HostPort":"5432"}]},"Networks":{}}}]`

const inspectMasked = `[
  {
    "Id": "4f1d",
    "Created": "2024-05-01T12:00:00.000000000Z",
    "Path": "docker-entrypoint.sh",
    "Args": [
      "postgres",
      "--password=••••••"
    ],
    "State": {
      "Status": "running",
      "Pid": 4242,
      "ExitCode": 0
    },
    "Name": "/db",
    "RestartCount": 0,
    "HostConfig": {
      "Memory": 67108864,
      "NanoCpus": 500000000,
      "LogConfig": {
        "Type": "splunk",
        "Config": {
          "splunk-token": "••••••",
          "splunk-url": "https://splunk:8088"
        }
      },
      "Binds": [],
      "CapAdd": null,
      "Privileged": false
    },
    "Config": {
      "Hostname": "4f1d",
      "Env": [
        "POSTGRES_PASSWORD=••••••",
        "DATABASE_URL=postgres://app:••••••@db/app",
        "PATH=/usr/local/bin:/usr/bin",
        "NOVALUE"
      ],
      "Cmd": [
        "postgres"
      ],
      "Image": "postgres:16",
      "Labels": {
        "com.example.api-key": "••••••",
        "com.docker.compose.project": "shop",
        "evil": "\u001b]0;pwned\u0007\u202e<b>&amp;"
      },
      "Healthcheck": {
        "Test": [
          "CMD",
          "pg_isready"
        ],
        "Interval": 30000000000
      }
    },
    "NetworkSettings": {
      "Ports": {
        "5432/tcp": [
          {
            "HostIp": "0.0.0.0",
            "HostPort": "5432"
          }
        ]
      },
      "Networks": {}
    }
  }
]`

func TestMaskJSONInspect(t *testing.T) {
	got, err := MaskJSON([]byte(inspect))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != inspectMasked {
		t.Errorf("MaskJSON(inspect) =\n%s\nwant\n%s", got, inspectMasked)
	}
	assertSameLayoutAsMarshalIndent(t, got)
}

func TestIndentJSONRevealsAndLinesUp(t *testing.T) {
	masked, err := MaskJSON([]byte(inspect))
	if err != nil {
		t.Fatal(err)
	}
	revealed, err := IndentJSON([]byte(inspect))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(revealed), `"POSTGRES_PASSWORD=hunter2"`) ||
		!strings.Contains(string(revealed), `"splunk-token": "abc-123"`) {
		t.Errorf("IndentJSON masked something:\n%s", revealed)
	}
	ml, rl := strings.Split(string(masked), "\n"), strings.Split(string(revealed), "\n")
	if len(ml) != len(rl) {
		t.Fatalf("masked has %d lines, revealed %d", len(ml), len(rl))
	}
	assertSameLayoutAsMarshalIndent(t, revealed)
}

// assertSameLayoutAsMarshalIndent checks the output is valid JSON laid out
// byte for byte as json.MarshalIndent(v, "", "  ") lays it out: running it
// through encoding/json's own indenter (which MarshalIndent uses) changes
// nothing.
func assertSameLayoutAsMarshalIndent(t *testing.T, out []byte) {
	t.Helper()
	if !json.Valid(out) {
		t.Fatalf("invalid JSON:\n%s", out)
	}
	var ind bytes.Buffer
	if err := json.Indent(&ind, out, "", "  "); err != nil {
		t.Fatal(err)
	}
	if ind.String() != string(out) {
		t.Errorf("layout differs from json.Indent:\n%s\nvs\n%s", out, ind.String())
	}
}

func TestMaskJSONMachineConfig(t *testing.T) {
	// A docker-machine config.json (ConfigVersion 3) for amazonec2, trimmed.
	doc := `{
  "ConfigVersion": 3,
  "Driver": {
    "IPAddress": "54.1.2.3",
    "MachineName": "prod-1",
    "SSHUser": "ubuntu",
    "SSHPort": 22,
    "SSHKeyPath": "/root/.docker/machine/machines/prod-1/id_rsa",
    "AccessKey": "AKIAEXAMPLE",
    "SecretKey": "wJalrXUtnFEMI/K7MDENG",
    "SessionToken": "",
    "Region": "eu-west-1",
    "KeyName": "prod-1",
    "UsePrivateIP": false,
    "PrivateIPAddress": "10.0.0.5"
  },
  "DriverName": "amazonec2",
  "HostOptions": {
    "EngineOptions": {
      "Env": ["HTTP_PROXY=http://proxyuser:proxypass@proxy:3128", "TOKEN=t"],
      "RegistryMirror": []
    },
    "AuthOptions": {
      "CaPrivateKeyPath": "/root/.docker/machine/certs/ca-key.pem",
      "ServerKeyPath": "/root/.docker/machine/machines/prod-1/server-key.pem"
    }
  },
  "Name": "prod-1"
}`
	out, err := MaskJSON([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	for _, leak := range []string{"AKIAEXAMPLE", "wJalrXUtnFEMI", "proxypass", "TOKEN=t\""} {
		if strings.Contains(s, leak) {
			t.Errorf("masked config leaks %q:\n%s", leak, s)
		}
	}
	for _, keep := range []string{
		`"SessionToken": "••••••"`, `"SSHKeyPath": "/root/.docker/machine/machines/prod-1/id_rsa"`,
		`"KeyName": "prod-1"`, `"UsePrivateIP": false`, `"PrivateIPAddress": "10.0.0.5"`,
		`"CaPrivateKeyPath": "/root/.docker/machine/certs/ca-key.pem"`, `"SSHPort": 22`,
		`"HTTP_PROXY=http://proxyuser:••••••@proxy:3128"`, `"TOKEN=••••••"`, `"ConfigVersion": 3`,
	} {
		if !strings.Contains(s, keep) {
			t.Errorf("masked config lacks %s:\n%s", keep, s)
		}
	}
}

func TestMaskJSONShapes(t *testing.T) {
	tests := []struct{ in, want string }{
		{`"x"`, `"x"`},
		{`12345678901234567890123`, `12345678901234567890123`},
		{`{}`, `{}`},
		{`[]`, `[]`},
		{`{"a":{}}`, "{\n  \"a\": {}\n}"},
		{`{"Password":12345}`, "{\n  \"Password\": \"••••••\"\n}"},
		{`{"Password":null,"Token":true}`, "{\n  \"Password\": null,\n  \"Token\": true\n}"},
		{`{"Tokens":["a",["b"],{"Name":"n"}]}`,
			"{\n  \"Tokens\": [\n    \"••••••\",\n    [\n      \"••••••\"\n    ],\n    {\n      \"Name\": \"••••••\"\n    }\n  ]\n}"},
		{`{"Credentials":{"User":"bob","Password":"pw","Enabled":true}}`,
			"{\n  \"Credentials\": {\n    \"User\": \"••••••\",\n    \"Password\": \"••••••\",\n    \"Enabled\": true\n  }\n}"},
		{`{"JoinTokens":{"Worker":"SWMTKN-1-w","Manager":"SWMTKN-1-m"},"Name":"default"}`,
			"{\n  \"JoinTokens\": {\n    \"Worker\": \"••••••\",\n    \"Manager\": \"••••••\"\n  },\n  \"Name\": \"default\"\n}"},
		{`{"auths":{"registry.example":{"auth":"Ym9iOnB3","email":"a@b"}},"credsStore":"desktop"}`,
			"{\n  \"auths\": {\n    \"registry.example\": {\n      \"auth\": \"••••••\",\n      \"email\": \"••••••\"\n    }\n  },\n  \"credsStore\": \"desktop\"\n}"},
		{`{"env":["A=1"],"ENV":["SECRET=x"]}`,
			"{\n  \"env\": [\n    \"A=1\"\n  ],\n  \"ENV\": [\n    \"SECRET=••••••\"\n  ]\n}"},
		{`{"k":"a\"b\\c\n\t\u0000\u007f\u0085\u009b\u2066<>&\u2028é😀"}`,
			"{\n  \"k\": \"a\\\"b\\\\c\\n\\t\\u0000\\u007f\\u0085\\u009b\\u2066<>&\\u2028é😀\"\n}"},
		{"\"\xff\"", "\"\uFFFD\""},
	}
	for _, tc := range tests {
		got, err := MaskJSON([]byte(tc.in))
		if err != nil {
			t.Errorf("MaskJSON(%s): %v", tc.in, err)
			continue
		}
		if string(got) != tc.want {
			t.Errorf("MaskJSON(%s) =\n%s\nwant\n%s", tc.in, got, tc.want)
		}
	}
}

func TestMaskJSONErrors(t *testing.T) {
	for _, in := range []string{
		``, `{`, `{"a":}`, `[1,]`, `{"a":1}{"b":2}`, `{"a":1} x`, `}`, strings.Repeat("[", 600) + strings.Repeat("]", 600),
	} {
		if out, err := MaskJSON([]byte(in)); err == nil {
			t.Errorf("MaskJSON(%.40q) = %s, want an error", in, out)
		}
	}
}
