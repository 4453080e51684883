// Package awscreds knows what an AWS credential looks like: the environment variable names the
// AWS SDKs read static credentials from, the names under which keys are kept in config (any
// spelling: env, camel, kebab, path), and credential-shaped values inside strings, base64 and
// text files. The component uses it to reject bad config before anything is registered; the
// policy pack uses it to block deployments, so both sides agree on one list.
//
// Names: IsCredentialEnvName (what the SDKs read), ClassifyName and IsCredentialName (any name
// meant to hold a key), IsChainDivertingEnvName. Values: Scan (any string), ScanNamed (a value
// under a name), ScanText (a file, with line numbers and assigned credential names), ScanArgs (a
// command). Base64 inside any of them is decoded. RedactAll makes any text safe to show.
package awscreds

import (
	"slices"
	"strings"
)

// credentialEnvNames are the environment variables from which the AWS SDKs take static
// credentials. The Ruby SDK's env_credentials provider reads the first eight (the Java, Go and
// .NET SDKs also read the AWS_ACCESS_KEY and AWS_SECRET_KEY aliases); botocore, and so the AWS
// CLI and boto3 in a container's entry point, also reads AWS_SECURITY_TOKEN. Any of them set in
// a container makes that SDK ignore the ECS task role.
var credentialEnvNames = []string{
	"AWS_ACCESS_KEY_ID",
	"AWS_SECRET_ACCESS_KEY",
	"AWS_SESSION_TOKEN",
	"AMAZON_ACCESS_KEY_ID",
	"AMAZON_SECRET_ACCESS_KEY",
	"AMAZON_SESSION_TOKEN",
	"AWS_ACCESS_KEY",
	"AWS_SECRET_KEY",
	"AWS_SECURITY_TOKEN",
}

// CredentialEnvNames returns a copy of the built-in list of credential variable names.
func CredentialEnvNames() []string { return slices.Clone(credentialEnvNames) }

// IsCredentialEnvName reports whether name is one of the built-in credential variable names
// (compared case-insensitively: environment names on Linux are case-sensitive, but a
// lower-case variant in a task definition is a mistake worth the same refusal).
func IsCredentialEnvName(name string) bool {
	return isEnvNameIn(credentialEnvNames, name)
}

// isEnvNameIn reports whether name, trimmed, is in the list, ignoring case.
func isEnvNameIn(list []string, name string) bool {
	n := strings.TrimSpace(name)
	return slices.ContainsFunc(list, func(c string) bool { return strings.EqualFold(n, c) })
}

// NameKind says which part of an AWS credential a name (a variable, a map key, a property path,
// a parameter name, a command-line flag) is meant to hold.
type NameKind int

const (
	// NotCredentialName is every other name.
	NotCredentialName NameKind = iota
	// AccessKeyIDName holds an access key ID: AWS_ACCESS_KEY_ID, accessKeyId, aws:accessKey, …
	AccessKeyIDName
	// SecretAccessKeyName holds a secret access key: AWS_SECRET_ACCESS_KEY, awsSecretKey,
	// /app/aws_secret_access_key, S3_SECRET_ACCESS_KEY, aws.secretKey, …
	SecretAccessKeyName
	// SessionTokenName holds a session token: AWS_SESSION_TOKEN, AWS_SECURITY_TOKEN,
	// aws.sessionToken, aws:token, …
	SessionTokenName
)

func (k NameKind) String() string {
	switch k {
	case AccessKeyIDName:
		return "access key ID name"
	case SecretAccessKeyName:
		return "secret access key name"
	case SessionTokenName:
		return "session token name"
	default:
		return "not a credential name"
	}
}

// IsCredentialName reports whether name, in any spelling, names an AWS credential (see
// ClassifyName). It is wider than IsCredentialEnvName, which lists only what the SDKs read.
func IsCredentialName(name string) bool { return ClassifyName(name) != NotCredentialName }

// ClassifyName tells which part of an AWS credential name is meant to hold, in any spelling:
// env (AWS_SECRET_ACCESS_KEY), camel (awsSecretAccessKey, AWSSecretKey), kebab
// (--aws-secret-access-key), dotted (aws.secretKey, -Daws.accessKeyId), paths
// (/app/aws_secret_access_key) and config keys (aws:secretKey).
//
// AWS's own terms count by themselves ("secret access key", "access key id"); the shorter
// "secret", "secret key", "access key", "key id", "session token", "security token" and "token"
// count only right after an aws, amazon, amz or s3 word (optionally through iam, user, default,
// root), so jwt_secret or
// SESSION_TOKEN stay ordinary names, and AWS_JWT_SECRET is not an AWS secret. A name that goes on
// to say it holds a reference (…_ARN, …_NAME, …_PATH, …_FILE, …_PARAM, …_URL) is not a credential
// name: its value is not the key.
func ClassifyName(name string) NameKind { return classify(name).kind }

// nameClass is what a name says; bare is set for the short forms that could as well name
// something else (AWS_SECRET may hold the name of a Secrets Manager secret, aws:token any
// token), so the value under them must look like a key on its own.
type nameClass struct {
	kind NameKind
	bare bool
}

func classify(name string) nameClass {
	if !hasCredentialWord(name) {
		return nameClass{} // most names: no need to split them into words
	}
	var buf [maxNameWords]string
	w := words(name, buf[:0])
	for i, t := range w {
		kind, n := matchAt(w, i, t)
		if kind == NotCredentialName {
			continue
		}
		if refersElsewhere(w[i+n:]) {
			return nameClass{}
		}
		return nameClass{kind: kind, bare: n == 1 && (eq(t, "secret") || eq(t, "token"))}
	}
	return nameClass{}
}

// maxNameWords bounds the words of a name that are kept (the last ones: in a path, the end says
// what the value is).
const maxNameWords = 24

// matchAt reports the credential kind of the words starting at w[i] and how many words it took.
func matchAt(w []string, i int, t string) (NameKind, int) {
	next := func(k int) string {
		if i+k < len(w) {
			return w[i+k]
		}
		return ""
	}
	switch {
	case eq(t, "secret") && eq(next(1), "access") && eq(next(2), "key"):
		return SecretAccessKeyName, 3
	case eq(t, "access") && eq(next(1), "key") && eq(next(2), "id"):
		return AccessKeyIDName, 3
	}
	// One word with no separators at all: AWSSECRETACCESSKEY, secretaccesskey, awsaccesskeyid.
	if k := squashedKind(t); k != NotCredentialName {
		return k, 1
	}
	if !awsBefore(w, i) {
		return NotCredentialName, 0
	}
	switch {
	case eq(t, "secret") && eq(next(1), "key"):
		return SecretAccessKeyName, 2
	case eq(t, "secret") && next(1) == "":
		return SecretAccessKeyName, 1
	case eq(t, "access") && eq(next(1), "key") && eq(next(2), "secret"):
		return SecretAccessKeyName, 3 // aws_access_key_secret
	case eq(t, "access") && eq(next(1), "key"):
		return AccessKeyIDName, 2
	case eq(t, "key") && eq(next(1), "id"):
		return AccessKeyIDName, 2
	case (eq(t, "session") || eq(t, "security")) && eq(next(1), "token"):
		return SessionTokenName, 2
	case eq(t, "token") && next(1) == "":
		return SessionTokenName, 1
	}
	return NotCredentialName, 0
}

// squashed are credential names written as one word, matched at the end of a word.
var squashed = []struct {
	suffix string
	kind   NameKind
}{
	{"secretaccesskey", SecretAccessKeyName},
	{"accesskeyid", AccessKeyIDName},
	{"awssecretkey", SecretAccessKeyName},
	{"amazonsecretkey", SecretAccessKeyName},
	{"awsaccesskey", AccessKeyIDName},
	{"amazonaccesskey", AccessKeyIDName},
	{"awssessiontoken", SessionTokenName},
	{"amazonsessiontoken", SessionTokenName},
	{"awssecuritytoken", SessionTokenName},
}

func squashedKind(t string) NameKind {
	for _, s := range squashed {
		if len(t) >= len(s.suffix) && eq(t[len(t)-len(s.suffix):], s.suffix) {
			return s.kind
		}
	}
	return NotCredentialName
}

// awsBefore reports whether the word before w[i] is aws, amazon, amz (X-Amz-Security-Token) or
// s3, possibly through words
// that only say whose key it is (iam, user, default, root).
func awsBefore(w []string, i int) bool {
	for j := i - 1; j >= 0; j-- {
		switch t := w[j]; {
		case eq(t, "aws") || eq(t, "amazon") || eq(t, "amz") || eq(t, "s3"):
			return true
		case eq(t, "iam") || eq(t, "user") || eq(t, "default") || eq(t, "root"):
			continue
		default:
			return false
		}
	}
	return false
}

// referenceWords, after a credential name, say that the value is where the credential is kept
// or what it is called, not the credential.
var referenceWords = []string{"arn", "name", "path", "file", "param", "parameter", "url", "uri",
	"ref", "env", "var", "variable", "version", "length", "header", "field", "prefix"}

func refersElsewhere(rest []string) bool {
	for _, t := range rest {
		if slices.ContainsFunc(referenceWords, func(r string) bool { return eq(t, r) }) {
			return true
		}
	}
	return false
}

func eq(a, b string) bool { return strings.EqualFold(a, b) }

// words splits a name into its words: at every character that is not a letter or digit, and at
// camel-case boundaries (awsSecretKey, AWSSecretKey, s3SecretKey); digits stay with the letters
// before them (s3, v2). A leading Java system-property flag (-Daws.secretKey) is dropped. Only
// the last maxNameWords words are kept. The words are substrings of name: no allocation.
func words(name string, out []string) []string {
	if len(name) > 2 && name[0] == '-' && name[1] == 'D' && isLower(name[2]) {
		name = name[2:]
	}
	start := -1
	emit := func(end int) {
		if start < 0 {
			return
		}
		if len(out) == cap(out) {
			copy(out, out[1:])
			out = out[:len(out)-1]
		}
		out = append(out, name[start:end])
		start = -1
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !isAlnum(c) {
			emit(i)
			continue
		}
		if start >= 0 && isUpper(c) {
			p := name[i-1]
			// lower or digit before an upper case letter: awsSecret, s3Secret;
			// an upper-case run followed by a lower-case letter: AWSSecret.
			if isLower(p) || isDigit(p) || (isUpper(p) && i+1 < len(name) && isLower(name[i+1])) {
				emit(i)
			}
		}
		if start < 0 {
			start = i
		}
	}
	emit(len(name))
	return out
}

// hasCredentialWord reports whether name holds, in any case, one of the words every credential
// name has: key, secret or token.
func hasCredentialWord(name string) bool {
	for i := 0; i+3 <= len(name); i++ {
		switch name[i] | 0x20 { // ASCII lower case
		case 'k':
			if eq(name[i:i+3], "key") {
				return true
			}
		case 's':
			if i+6 <= len(name) && eq(name[i:i+6], "secret") {
				return true
			}
		case 't':
			if i+5 <= len(name) && eq(name[i:i+5], "token") {
				return true
			}
		}
	}
	return false
}
