package awscreds

import (
	"math"
	"strings"
)

// Kind is the kind of credential a finding looks like.
type Kind int

const (
	// AccessKeyID is an access key ID: AKIA (long-term), ASIA (temporary, STS), ABIA (STS bearer
	// token), ACCA (context-specific) or the older A3T… form.
	AccessKeyID Kind = iota + 1
	// SecretAccessKey is a 40-character secret access key found next to a key ID or an
	// "aws … secret" keyword.
	SecretAccessKey
)

func (k Kind) String() string {
	switch k {
	case AccessKeyID:
		return "access key ID"
	case SecretAccessKey:
		return "secret access key"
	default:
		return "credential"
	}
}

// Finding is one credential-shaped value in a string. It never holds the value itself.
type Finding struct {
	Kind Kind
	// Redacted shows at most the first four characters of the value ("AKIA…"); for secret keys
	// it shows none.
	Redacted string
	// Offset is the byte offset of the value in the scanned string.
	Offset int
}

// Redact returns at most the first four characters of s followed by an ellipsis.
func Redact(s string) string {
	if len(s) <= 4 {
		return strings.Repeat("*", len(s))
	}
	return s[:4] + "…"
}

// Scanner finds credential-shaped values in text. Its rules follow gitleaks' aws-access-token
// rule and trufflehog's AWS detector: credential prefixes only (IAM unique IDs such as AROA/AIDA
// are identifiers, not credentials), a base32 body, word boundaries, a minimum Shannon entropy,
// an allowlist for AWS's documentation examples (anything ending in EXAMPLE), and a 40-character
// secret only when it sits in the same string as a key ID or after an "aws … secret" keyword.
type Scanner struct{}

// keyIDPrefixes are the credential prefixes (gitleaks, trufflehog). Not AROA, AIDA, AGPA, AIPA,
// ANPA, ANVA, APKA, ASCA: those name roles, users, groups … and appear in every role's uniqueId.
var keyIDPrefixes = []string{"AKIA", "ASIA", "ABIA", "ACCA"}

const (
	keyIDLen         = 20
	secretLen        = 40
	minKeyIDEntropy  = 3.0  // gitleaks
	minSecretEntropy = 4.25 // trufflehog
	keywordWindow    = 80   // bytes before a secret candidate searched for a keyword
)

// Scan returns the credential-shaped values in s, in order of appearance.
func (Scanner) Scan(s string) []Finding {
	if len(s) < keyIDLen {
		return nil
	}
	ids := scanKeyIDs(s)
	secrets := scanSecrets(s, len(ids) > 0)
	if len(secrets) == 0 {
		return ids
	}
	out := append(ids, secrets...)
	// Keep the order of appearance; both lists are short.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Offset < out[j-1].Offset; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// Scan is Scanner{}.Scan.
func Scan(s string) []Finding { return Scanner{}.Scan(s) }

// IsAccessKeyID reports whether s, as a whole, is a credential-shaped access key ID.
func IsAccessKeyID(s string) bool {
	f := scanKeyIDs(s)
	return len(f) == 1 && f[0].Offset == 0 && len(s) == keyIDLen
}

func scanKeyIDs(s string) []Finding {
	var out []Finding
	for i := 0; i+keyIDLen <= len(s); i++ {
		c := s[i]
		if c != 'A' {
			continue
		}
		if i > 0 && isAlnum(s[i-1]) {
			continue
		}
		if !hasKeyIDPrefix(s[i:]) {
			continue
		}
		end := i + keyIDLen
		if end < len(s) && isAlnum(s[end]) {
			continue
		}
		cand := s[i:end]
		if !isBase32Body(cand) || strings.HasSuffix(cand, "EXAMPLE") || entropy(cand) < minKeyIDEntropy {
			continue
		}
		out = append(out, Finding{Kind: AccessKeyID, Redacted: Redact(cand), Offset: i})
		i = end - 1
	}
	return out
}

func hasKeyIDPrefix(s string) bool {
	for _, p := range keyIDPrefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	// A3T followed by one more [A-Z0-9] character (gitleaks: A3T[A-Z0-9]).
	return len(s) >= 4 && s[:3] == "A3T" && (isUpper(s[3]) || isDigit(s[3]))
}

// isBase32Body checks the 16 characters after the 4-character prefix: AWS key IDs are base32
// (A–Z, 2–7), so 0, 1, 8 and 9 rule a candidate out (gitleaks).
func isBase32Body(cand string) bool {
	for i := 4; i < len(cand); i++ {
		c := cand[i]
		if !isUpper(c) && (c < '2' || c > '7') {
			return false
		}
	}
	return true
}

func scanSecrets(s string, haveKeyID bool) []Finding {
	var out []Finding
	i := 0
	for i < len(s) {
		if !isSecretChar(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isSecretChar(s[j]) {
			j++
		}
		// '=' is only padding at the end ("KEY=<secret>" must not glue the name to the value);
		// a run of exactly 40 followed by nothing base64-like is a candidate.
		end := j
		for k := j; k < len(s) && s[k] == '='; k++ {
			j = k + 1
		}
		if end-i == secretLen && (j == len(s) || !isSecretChar(s[j])) && (haveKeyID || keywordBefore(s, i)) {
			cand := s[i:end]
			if isSecretCandidate(cand) {
				out = append(out, Finding{Kind: SecretAccessKey, Redacted: "value not shown", Offset: i})
			}
		}
		i = j
	}
	return out
}

func isSecretCandidate(c string) bool {
	if strings.Contains(c, "EXAMPLE") {
		return false // AWS documentation example secrets (…EXAMPLEKEY)
	}
	hexOnly, hasUpper, hasLower, hasDigit := true, false, false, false
	for i := 0; i < len(c); i++ {
		ch := c[i]
		switch {
		case isUpper(ch):
			hasUpper = true
			hexOnly = false
		case ch >= 'a' && ch <= 'z':
			hasLower = true
			if ch > 'f' {
				hexOnly = false
			}
		case isDigit(ch):
			hasDigit = true
		default:
			hexOnly = false
		}
	}
	if hexOnly {
		return false // git SHAs and other hashes (trufflehog, checkov is_hash)
	}
	// Real secret keys mix cases and digits; paths and words do not.
	if !hasUpper || !hasLower || !hasDigit {
		return false
	}
	return entropy(c) >= minSecretEntropy
}

// keywordBefore reports whether an "aws"/"amazon" keyword and a "secret" keyword both appear in
// the window before offset i (detect-secrets and trivy anchor secrets to such a name).
func keywordBefore(s string, i int) bool {
	start := max(i-keywordWindow, 0)
	w := s[start:i]
	return containsFold(w, "secret") && (containsFold(w, "aws") || containsFold(w, "amazon"))
}

func containsFold(s, sub string) bool {
	n := len(sub)
	for i := 0; i+n <= len(s); i++ {
		if strings.EqualFold(s[i:i+n], sub) {
			return true
		}
	}
	return false
}

func isSecretChar(c byte) bool { return isAlnum(c) || c == '/' || c == '+' }
func isAlnum(c byte) bool      { return isUpper(c) || (c >= 'a' && c <= 'z') || isDigit(c) }
func isUpper(c byte) bool      { return c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool      { return c >= '0' && c <= '9' }

// entropy is the Shannon entropy of s in bits per character.
func entropy(s string) float64 {
	var counts [256]int
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	var h float64
	n := float64(len(s))
	for _, c := range counts {
		if c == 0 {
			continue
		}
		p := float64(c) / n
		h -= p * math.Log2(p)
	}
	return h
}

// RedactAll returns s with every credential-shaped value that Scan finds replaced by its redacted
// form, so that any text (a message, a property path, a name) can be shown safely. Every
// diagnostic and report is passed through it once, where it is built.
func RedactAll(s string) string {
	found := Scan(s)
	if len(found) == 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for _, f := range found {
		n := keyIDLen
		if f.Kind == SecretAccessKey {
			n = secretLen
		}
		if f.Offset < last {
			continue
		}
		b.WriteString(s[last:f.Offset])
		if f.Kind == SecretAccessKey {
			b.WriteString("[secret access key redacted]")
		} else {
			b.WriteString(f.Redacted)
		}
		last = f.Offset + n
	}
	b.WriteString(s[last:])
	return b.String()
}
