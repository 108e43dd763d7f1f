// Package secrets decides which values an operator's screen must not show by
// default (passwords, tokens, keys, cloud credentials, passwords inside URLs)
// and masks them. An incident console is shared, screenshared and recorded;
// revealing a secret takes an explicit key in the UI, never a glance.
//
// Key classification works on words: a key is split on separators ("_", ".",
// "-", spaces...), camelCase humps and letter/digit changes, then lowercased:
// "AWS_SECRET_ACCESS_KEY" is [aws secret access key], "SSHPassword" is
// [ssh password], "apiKey2" is [api key 2]. Matching words rather than
// substrings is what keeps MONKEY, KEYBOARD, KEYCLOAK_URL or TOKENIZERS_* out,
// while still catching DBPASSWORD or GITHUB_TOKEN.
package secrets

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Masked replaces every secret value. It is fixed, so it reveals neither the
// length nor the emptiness of what it hides.
const Masked = "••••••"

// Mask returns Masked whatever the value.
func Mask(string) string { return Masked }

// strong words mark a secret wherever they appear, and also as the end of a
// longer word (DBPASSWORD, GITHUBTOKEN, CLIENTSECRET).
var strong = []string{
	"password", "passwd", "passphrase",
	"secret", "secrets",
	"token", "tokens",
	"credential", "credentials", "creds",
	"apikey", "accesskey", "secretkey", "privatekey",
}

// weak words are secrets only as whole words and only at the end of the key
// (ignoring digits and encoding suffixes): SSH_KEY, GITHUB_AUTH, DB_PASS,
// GPG_PRIVATE, but not KEY_NAME, AUTH_URL, PASS_THROUGH, PRIVATE_IP.
var weak = map[string]bool{
	"key": true, "keys": true, "auth": true, "auths": true,
	"pass": true, "pwd": true, "private": true,
}

// encoding words may follow a secret word without changing what it is:
// SECRET_KEY_BASE, TLS_KEY_PEM, SIGNING_KEY_B64.
var encoding = map[string]bool{
	"value": true, "data": true, "b": true, "base": true, // b64, base64 (digits trimmed)
	"pem": true, "hex": true, "raw": true, "str": true, "string": true,
	"content": true, "contents": true, "text": true, "json": true,
}

// metadata words, as the last word, say the key names something about a
// secret rather than the secret itself: PASSWORD_FILE (the Docker secrets
// convention), TOKEN_URL, SECRET_NAME, PASSWORD_MIN_LENGTH, CaPrivateKeyPath.
var metadata = map[string]bool{
	"file": true, "files": true, "path": true, "paths": true, "dir": true,
	"directory": true, "location": true, "name": true, "names": true,
	"url": true, "uri": true, "endpoint": true, "host": true, "port": true,
	"length": true, "len": true, "size": true, "min": true, "max": true,
	"ttl": true, "expiry": true, "expires": true, "expiration": true,
	"lifetime": true, "timeout": true, "type": true, "kind": true,
	"policy": true, "enabled": true, "enable": true, "disabled": true,
	"required": true, "mode": true, "prefix": true, "suffix": true,
	"header": true, "format": true, "algorithm": true, "alg": true,
	"version": true, "rotation": true, "count": true, "provider": true,
	"method": true, "options": true, "opts": true, "config": true,
	"store": true, "manager": true, "backend": true, "source": true,
	"ref": true, "hint": true, "label": true,
}

// notSecretBefore are words that, right before KEY, make it a non-secret
// key: a PUBLIC_KEY is published, a PRIMARY_KEY or SORT_KEY is a column.
var notSecretBefore = map[string]bool{
	"public": true, "pub": true, "primary": true, "sort": true,
	"partition": true, "foreign": true, "cache": true, "routing": true,
	"idempotency": true, "hash": true,
}

// compounds are word pairs that mean one strong word.
var compounds = map[[2]string]string{
	{"access", "key"}:  "accesskey",
	{"api", "key"}:     "apikey",
	{"private", "key"}: "privatekey",
	{"secret", "key"}:  "secretkey",
}

// IsSecretKey reports whether values under key (an environment variable
// name, a JSON key, a label key, a query parameter) are secret.
func IsSecretKey(key string) bool {
	words := Words(key)
	for i, w := range words {
		words[i] = trimDigits(w) // KEY2 is a KEY, PASSWORD_2 a PASSWORD
	}
	// PWD and OLDPWD are the shell's working directories, not passwords.
	if len(words) == 1 && words[0] == "pwd" {
		return false
	}
	// Merge compounds so that ACCESS_KEY_ID is judged as [accesskey id].
	merged := words[:0:0]
	for i := 0; i < len(words); i++ {
		if i+1 < len(words) {
			if c, ok := compounds[[2]string{words[i], words[i+1]}]; ok {
				merged = append(merged, c)
				i++
				continue
			}
		}
		merged = append(merged, words[i])
	}
	words = merged
	last := lastNonNumeric(words)
	for i, w := range words {
		switch {
		case isStrong(w):
			if i == last || !metadata[words[last]] {
				return true
			}
		case weak[w]:
			if w == "key" || w == "keys" {
				if i > 0 && notSecretBefore[words[i-1]] {
					continue
				}
			}
			if onlyEncodingAfter(words[i+1:]) {
				return true
			}
		}
	}
	return false
}

func isStrong(w string) bool {
	for _, s := range strong {
		if strings.HasSuffix(w, s) {
			return true
		}
	}
	return false
}

// trimDigits drops trailing digits from a word that has letters.
func trimDigits(w string) string {
	t := strings.TrimRight(w, "0123456789")
	if t == "" {
		return w
	}
	return t
}

func isNumeric(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < '0' || w[i] > '9' {
			return false
		}
	}
	return w != ""
}

func lastNonNumeric(words []string) int {
	for i := len(words) - 1; i >= 0; i-- {
		if !isNumeric(words[i]) {
			return i
		}
	}
	return len(words) - 1
}

func onlyEncodingAfter(rest []string) bool {
	for _, w := range rest {
		if !isNumeric(w) && !encoding[w] {
			return false
		}
	}
	return true
}

// Words splits a key into lowercase words the way IsSecretKey sees it:
// on every character that is not a letter or digit, at lower-to-upper case
// changes ("sshPassword"), before the last capital of an acronym followed by
// lowercase ("SSHPassword" → ssh password) and after digits ("2fa"). Digits
// after letters stay in the word ("key2", "b64").
func Words(key string) []string {
	var words []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			words = append(words, cur.String())
			cur.Reset()
		}
	}
	var prev rune = -1
	for i, r := range key {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			flush()
			prev = -1
			continue
		}
		if prev >= 0 {
			switch {
			case unicode.IsLower(prev) && unicode.IsUpper(r):
				flush()
			case unicode.IsUpper(prev) && unicode.IsUpper(r):
				// "APIKey": split before K, because "e" follows it.
				if next, _ := utf8.DecodeRuneInString(key[i+utf8.RuneLen(r):]); unicode.IsLower(next) {
					flush()
				}
			case unicode.IsDigit(prev) && !unicode.IsDigit(r):
				// "2fa", but not "b64" or "key2": trailing digits stay
				// with their word and the matching ignores them.
				flush()
			}
		}
		cur.WriteRune(unicode.ToLower(r))
		prev = r
	}
	flush()
	return words
}

// MaskValue returns value as the operator sees it by default under key:
// Masked when the key is secret, otherwise value with any embedded secrets
// masked (see MaskInline). The bool reports whether anything was masked.
func MaskValue(key, value string) (string, bool) {
	if IsSecretKey(key) {
		return Masked, true
	}
	return MaskInline(value)
}

// MaskEnv splits one "KEY=VALUE" environment entry and masks the value as
// MaskValue does; secret reports whether anything was masked. An entry
// without "=" has no value and nothing to mask.
func MaskEnv(kv string) (key, value string, secret bool) {
	key, value, ok := strings.Cut(kv, "=")
	if !ok {
		return kv, "", false
	}
	value, secret = MaskValue(key, value)
	return key, value, secret
}

// MaskInline masks secrets embedded in a value whose key is not itself
// secret, and reports whether it masked anything:
//
//   - the password of URLs with user information, whatever the scheme:
//     postgres://app:hunter2@db/app → postgres://app:••••••@db/app;
//   - values of key=value pairs whose key is secret, separated by ";", "&",
//     "?" or spaces: query strings (?access_token=...), connection strings
//     (Server=db;Password=...;), JVM and command-line options
//     (-Djavax.net.ssl.keyStorePassword=..., --db-password=...).
//
// A space-separated flag ("--password hunter2") cannot be told from a flag
// and an argument and is not masked.
func MaskInline(value string) (string, bool) {
	if !strings.Contains(value, "=") && !strings.Contains(value, "@") {
		return value, false // fast path: neither form can occur
	}
	v, a := maskURLPasswords(value)
	v, b := maskPairs(v)
	return v, a || b
}

// maskURLPasswords masks the password in every scheme://user:password@host.
//
// The password ends at the last "@" before the next space or quote rather
// than at the first "/", "?" or "#" as RFC 3986 would have it: generated
// passwords contain "/", "+" and "#" unescaped more often than one would like,
// and leaking one is worse than masking too much. "host:8080/path@x" style
// strings (a port, then an "@" in the path) are recognised and left alone.
func maskURLPasswords(s string) (string, bool) {
	var b strings.Builder
	changed := false
	done := 0 // s[:done] is already in b (when changed)
	from := 0
	for {
		i := strings.Index(s[from:], "://")
		if i < 0 {
			break
		}
		i += from
		start := i + 3
		from = start
		if i == 0 || !isSchemeByte(s[i-1]) {
			continue
		}
		end := start
		for end < len(s) && !isURLEnd(s[end]) {
			end++
		}
		at := strings.LastIndexByte(s[start:end], '@')
		if at < 0 {
			continue
		}
		userinfo := s[start : start+at]
		colon := strings.IndexByte(userinfo, ':')
		if colon < 0 || strings.ContainsAny(userinfo[:colon], "/?#") {
			continue
		}
		pass := userinfo[colon+1:]
		if pass == "" || pass == Masked || looksLikePortAndPath(pass) {
			continue
		}
		if !changed {
			b.Grow(len(s))
			changed = true
		}
		pStart := start + colon + 1
		b.WriteString(s[done:pStart])
		b.WriteString(Masked)
		done = start + at
		from = start + at + 1
	}
	if !changed {
		return s, false
	}
	b.WriteString(s[done:])
	return b.String(), true
}

func isSchemeByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '.' || c == '-'
}

func isURLEnd(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '"' || c == '\'' || c == '<' || c == '>' || c == '`'
}

// looksLikePortAndPath reports "8080/path..." : digits, then a path, query
// or fragment, which is what sits between ":" and a later "@" in
// http://host:8080/users/me@example.com.
func looksLikePortAndPath(p string) bool {
	n := 0
	for n < len(p) && p[n] >= '0' && p[n] <= '9' {
		n++
	}
	return n > 0 && n < len(p) && (p[n] == '/' || p[n] == '?' || p[n] == '#')
}

// maskPairs masks the values of key=value pairs with a secret key.
func maskPairs(s string) (string, bool) {
	var b strings.Builder
	changed := false
	done := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '=' {
			continue
		}
		k := i
		for k > 0 && isPairKeyByte(s[k-1]) {
			k--
		}
		v := i + 1
		e := v
		for e < len(s) && !isPairEnd(s[e]) {
			e++
		}
		if k == i || e == v || !IsSecretKey(s[k:i]) || s[v:e] == Masked {
			continue
		}
		if !changed {
			b.Grow(len(s))
			changed = true
		}
		b.WriteString(s[done:v])
		b.WriteString(Masked)
		done = e
		i = e - 1
	}
	if !changed {
		return s, false
	}
	b.WriteString(s[done:])
	return b.String(), true
}

func isPairKeyByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-'
}

func isPairEnd(c byte) bool {
	// Not ",": passwords contain commas, and masking a following pair too
	// is better than leaking the tail of a password.
	return c == ';' || c == '&' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '"' || c == '\''
}
