package awscreds

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"github.com/keyless-ecs/railsapp/internal/awsfacts"
)

// Kind is the kind of credential a finding looks like.
type Kind int

const (
	// AccessKeyID is an access key ID: AKIA (long-term), ASIA (temporary, STS), ABIA (STS bearer
	// token), ACCA (context-specific) or the older A3T… form, with a base32 body.
	AccessKeyID Kind = iota + 1
	// SecretAccessKey is a 40-character secret access key: under a name that says so, or next
	// to an access key ID.
	SecretAccessKey
	// SessionToken is an STS session token (100 or more base64 characters): under a name that
	// says so, or next to a temporary (ASIA) access key ID.
	SessionToken
	// CredentialName is a credential name being assigned a value in text (a .env line, a shell
	// export, a YAML key, a command-line flag), whatever the value: the SDK reads the name.
	// Only ScanText and ScanArgs report it.
	CredentialName
)

func (k Kind) String() string {
	switch k {
	case AccessKeyID:
		return "access key ID"
	case SecretAccessKey:
		return "secret access key"
	case SessionToken:
		return "session token"
	case CredentialName:
		return "credential variable"
	default:
		return "credential"
	}
}

// Finding is one credential-shaped value in a string. It never holds the value itself.
type Finding struct {
	Kind Kind
	// Redacted shows at most the first four characters of an access key ID ("AKIA…"), nothing
	// of a secret or token, and the name itself for a CredentialName.
	Redacted string
	// Offset and Len are the bytes of the scanned string the value occupies. For a value found
	// inside base64, they cover the whole encoded run.
	Offset, Len int
	// Encoding is "base64" when the value was found in decoded base64 text, else "".
	Encoding string
}

// Redact returns at most the first four characters of s followed by an ellipsis.
func Redact(s string) string {
	if len(s) <= 4 {
		return strings.Repeat("*", len(s))
	}
	return s[:4] + "…"
}

// The scanner's thresholds. Key IDs follow gitleaks' aws-access-token rule (entropy ≥ 3);
// secrets found only through a nearby key ID or a bare name (AWS_SECRET) follow trufflehog
// (entropy ≥ 4.25, which a random 40-character key falls under about once in ten thousand); a
// secret whose name says so needs less (≥ 4.0, below every random key in a hundred thousand
// tried, above placeholders).
const (
	minKeyIDEntropy       = 3.0
	minSecretEntropy      = 4.25
	minNamedSecretEntropy = 4.0
	minTokenEntropy       = 4.5 // trufflehog's session-key detector
	minTokenLen           = 100 // trufflehog's session-key detector
	// anchorWindow is how close (bytes between them) a key ID must be to make a 40-character
	// string a secret key, or an ASIA key ID to make a long base64 string a session token.
	anchorWindow = 256
	// maxSeparators and maxNameLen bound the look-around for the name a value sits under.
	maxSeparators = 10
	maxNameLen    = 128
)

// Scan returns the credential-shaped values in s, in order of appearance: access key IDs, and
// secret keys and session tokens where a name in s (aws_secret_access_key=…, "SessionToken": …,
// {"name":"AWS_SECRET_ACCESS_KEY","value":…}) or a nearby key ID says what they are. Base64
// runs that decode to text are decoded and scanned too (nested up to maxDecodeDepth).
func Scan(s string) []Finding { return ScanNamed("", s) }

// ScanNamed is Scan for a value kept under a name (an environment variable, a map key, a
// property path, a parameter name, a flag): a 40-character secret stands alone when the name
// says it is a secret access key (/app/aws_secret_access_key, S3_SECRET_ACCESS_KEY,
// awsSecretKey), and so does a session token under a session-token name. See ClassifyName.
// Findings are in value; ScanNamed does not look for key IDs in name (Scan it for that).
func ScanNamed(name, value string) []Finding {
	if len(value) < awsfacts.AccessKeyIDLen {
		return nil // nothing shorter holds a key ID, a secret, or base64 of either
	}
	var outer nameClass
	if name != "" {
		outer = classify(name)
	}
	var sc scanner
	sc.scan(value, outer, 0, nil)
	return sc.sorted()
}

// IsAccessKeyID reports whether s, as a whole, is a credential-shaped access key ID (one that
// Scan reports with no name around it).
func IsAccessKeyID(s string) bool {
	return len(s) == awsfacts.AccessKeyIDLen && keyIDShaped(s) && !looksLikeWords(s)
}

// keyIDShaped reports whether a 20-character candidate is shaped like an access key ID:
// a credential prefix, a base32 body, not a documentation example, entropy like gitleaks asks.
func keyIDShaped(cand string) bool {
	return awsfacts.HasAccessKeyIDPrefix(cand) && isBase32Body(cand) &&
		!awsfacts.IsDocumentationExampleKey(cand) && entropy(cand) >= minKeyIDEntropy
}

// scanner collects findings; one is used per top-level call.
type scanner struct {
	out []Finding
	// assign says credential names assigned a value count too (ScanText, ScanArgs), also in
	// the text decoded from base64 (a userData script).
	assign bool
}

// span is where decoded text came from in the top-level string.
type span struct{ off, len int }

// level is one string being scanned: the top-level input, or text decoded from base64 in it.
type level struct {
	s string
	// outer is the kind of name s sits under as a whole; whole is where s is without
	// surrounding blanks, quotes and padding (a candidate there is the whole value).
	outer                nameClass
	wholeStart, wholeEnd int
	depth                int
	enc                  *span // set for decoded text: its findings are reported at the encoded run
	ids                  []int // offsets of the key IDs found in s, ascending
	// block is the last base64 block measured: a line inside it ends where it ends, so no
	// block is walked twice.
	block struct{ end, dataEnd int }
}

func newLevel(s string, outer nameClass, depth int, enc *span) level {
	l := level{s: s, outer: outer, depth: depth, enc: enc}
	if outer.kind != NotCredentialName {
		t := strings.TrimLeft(s, " \t\r\n\"'")
		l.wholeStart = len(s) - len(t)
		l.wholeEnd = l.wholeStart + len(strings.TrimRight(strings.TrimRight(t, " \t\r\n\"'"), "="))
	}
	return l
}

func (sc *scanner) add(l *level, f Finding) {
	if l.enc != nil {
		f.Offset, f.Len, f.Encoding = l.enc.off, l.enc.len, "base64"
	}
	sc.out = append(sc.out, f)
}

func (sc *scanner) sorted() []Finding {
	slices.SortStableFunc(sc.out, func(a, b Finding) int { return cmp.Compare(a.Offset, b.Offset) })
	return slices.Compact(sc.out)
}

// scan appends the findings in s, which sits as a whole under a name of kind outer; enc is set
// when s is decoded text.
func (sc *scanner) scan(s string, outer nameClass, depth int, enc *span) {
	l := newLevel(s, outer, depth, enc)
	sc.keyIDs(&l)
	sc.runs(&l)
}

// keyIDs appends the access key IDs in l.s and records their offsets.
func (sc *scanner) keyIDs(l *level) {
	s := l.s
	const n = awsfacts.AccessKeyIDLen
	for i := 0; i+n <= len(s); i++ {
		k := strings.IndexByte(s[i:len(s)-n+1], 'A')
		if k < 0 {
			break
		}
		i += k
		// Whole words only (gitleaks \b): not inside a longer run of letters and digits.
		if i > 0 && isAlnum(s[i-1]) {
			continue
		}
		end := i + n
		if end < len(s) && isAlnum(s[end]) {
			continue
		}
		cand := s[i:end]
		if !keyIDShaped(cand) {
			continue
		}
		if looksLikeWords(cand) && contextOf(l, i, end).kind != AccessKeyIDName {
			continue
		}
		sc.add(l, Finding{Kind: AccessKeyID, Redacted: Redact(cand), Offset: i, Len: n})
		l.ids = append(l.ids, i)
		i = end - 1
	}
}

// isBase32Body checks the 16 characters after the 4-character prefix: AWS key IDs are base32
// (A–Z, 2–7), so 0, 1, 8 and 9 rule a candidate out.
func isBase32Body(cand string) bool {
	for i := awsfacts.AccessKeyIDPrefixLen; i < len(cand); i++ {
		if c := cand[i]; !isUpper(c) && (c < '2' || c > '7') {
			return false
		}
	}
	return true
}

// looksLikeWords reports whether a key ID's body is upper-case words (ASIAPACIFICSOUTHEAST,
// AKIAYOURACCESSKEYIDX) rather than random base32: no digit and at least 6 vowels in 16
// letters. About 1 in 400 random bodies look like that too, so such an ID still counts under
// an access-key-ID name.
func looksLikeWords(cand string) bool {
	vowels := 0
	for i := awsfacts.AccessKeyIDPrefixLen; i < len(cand); i++ {
		switch cand[i] {
		case 'A', 'E', 'I', 'O', 'U':
			vowels++
		case '2', '3', '4', '5', '6', '7':
			return false
		}
	}
	return vowels >= 6
}

// runs looks at every run of base64 characters in s, in one pass: a run of exactly 40
// standard-alphabet characters may be a secret key, one of 100 or more a session token, and a
// long run (or a line-wrapped block) of either alphabet may be base64 to decode.
func (sc *scanner) runs(l *level) {
	s := l.s
	decodedTo := 0 // end of the last base64 block handled, so its lines are not decoded again
	for i := 0; i < len(s); {
		if !isBase64Char(s[i]) {
			i++
			continue
		}
		// The run s[i:j] of either alphabet, and its standard-alphabet sub-runs (split at - and _).
		j, sub := i, i
		urlOnly, stdOnly := false, false
		for ; j < len(s); j++ {
			c := classes[s[j]]
			if c&classBase64 == 0 {
				break
			}
			if c&classSecret == 0 { // - or _
				urlOnly = true
				sc.secretRun(l, sub, j)
				sub = j + 1
			} else if c&(classUpper|classLower|classDigit) == 0 { // + or /
				stdOnly = true
			}
		}
		sc.secretRun(l, sub, j)
		if i >= decodedTo && l.depth < maxDecodeDepth && j-i >= minEncodedLen && !(urlOnly && stdOnly) {
			decodedTo = sc.decodeBlock(l, i, j, urlOnly)
		}
		i = j
	}
}

// secretRun checks a run s[a:b] of standard-alphabet characters.
func (sc *scanner) secretRun(l *level, a, b int) {
	n := b - a
	if n != awsfacts.SecretAccessKeyLen && n < minTokenLen {
		return
	}
	// '=' is only padding at the end: "<40 characters>=value" is a name, not a key.
	s := l.s
	j := b
	for j < len(s) && s[j] == '=' {
		j++
	}
	if j > b && j < len(s) && isSecretChar(s[j]) {
		return
	}
	if n == awsfacts.SecretAccessKeyLen {
		sc.secret(l, a, b)
	} else {
		sc.token(l, a, b)
	}
}

func (sc *scanner) secret(l *level, a, b int) {
	cand := l.s[a:b]
	ctx := contextOf(l, a, b)
	var ok bool
	switch {
	case ctx.kind == SecretAccessKeyName && !ctx.bare:
		// The name vouches for it: rule out only what no random key looks like.
		ok = isSecretShaped(cand, minNamedSecretEntropy, false)
	case ctx.kind == SecretAccessKeyName || !ctx.other && l.near(a, b, ""):
		ok = isSecretShaped(cand, minSecretEntropy, true)
	}
	if ok {
		sc.add(l, Finding{Kind: SecretAccessKey, Redacted: "value not shown", Offset: a, Len: b - a})
	}
}

func (sc *scanner) token(l *level, a, b int) {
	cand := l.s[a:b]
	ctx := contextOf(l, a, b)
	anchored := ctx.kind == SessionTokenName || !ctx.other && l.near(a, b, awsfacts.TemporaryAccessKeyIDPrefix)
	if anchored && isSecretShaped(cand, minTokenEntropy, false) {
		sc.add(l, Finding{Kind: SessionToken, Redacted: "value not shown", Offset: a, Len: b - a})
	}
}

// near reports whether a key ID (with prefix, if given) lies within anchorWindow bytes of
// s[a:b]. The IDs are sorted and do not overlap, so only a few are looked at.
func (l *level) near(a, b int, prefix string) bool {
	from, _ := slices.BinarySearch(l.ids, a-anchorWindow-awsfacts.AccessKeyIDLen)
	for _, id := range l.ids[from:] {
		if id > b+anchorWindow {
			return false
		}
		if strings.HasPrefix(l.s[id:], prefix) {
			return true
		}
	}
	return false
}

// isSecretShaped rules out what a random key is not: AWS's documentation examples, hex (git
// SHAs and other hashes), text of one character class, low entropy; allClasses asks for upper
// case, lower case and digits together (what a key with no name to vouch for it must show).
func isSecretShaped(c string, minEntropy float64, allClasses bool) bool {
	if awsfacts.IsDocumentationExampleKey(c) {
		return false
	}
	hexOnly, upper, lower, digit := true, false, false, false
	for i := 0; i < len(c); i++ {
		ch := c[i]
		switch {
		case isUpper(ch):
			upper, hexOnly = true, false
		case isLower(ch):
			lower = true
			hexOnly = hexOnly && ch <= 'f'
		case isDigit(ch):
			digit = true
		default:
			hexOnly = false
		}
	}
	if hexOnly {
		return false
	}
	classes := 0
	for _, ok := range []bool{upper, lower, digit} {
		if ok {
			classes++
		}
	}
	if allClasses && classes < 3 || classes < 2 {
		return false
	}
	return entropy(c) >= minEntropy
}

// context is what the text around a value says about it.
type context struct {
	// nameClass is the credential the value's name says it is.
	nameClass
	// other is set when the value has a name that says it is something else (jwt_secret,
	// SECRET_KEY_BASE): then no key ID nearby makes it a key.
	other bool
}

// contextOf tells what the name s[a:b] sits under says it is: the value's own name when the
// candidate is the whole value (outer), else the name written just before it in s (key=…,
// "key": …, <Key>…, --key …), or, when that is a generic "value", the sibling name before or
// after it ({"name":"AWS_SECRET_ACCESS_KEY","value":"…"} in either order).
func contextOf(l *level, a, b int) context {
	if l.outer.kind != NotCredentialName && a == l.wholeStart && b == l.wholeEnd {
		return context{nameClass: l.outer}
	}
	s := l.s
	name, start := nameBefore(s, a)
	if !isAny(name, valueWords) {
		return nameContext(name)
	}
	if sib, _ := nameBefore(s, start); sib != "" {
		return nameContext(sib)
	}
	end := b
	for end < len(s) && s[end] == '=' {
		end++
	}
	if key, next := nameAfter(s, end); isAny(key, nameWords) {
		sib, _ := nameAfter(s, next)
		return nameContext(sib)
	}
	return context{}
}

// nameContext is what a name says about the value under it. A key ID in front of a value
// (AKIA…:secret, a CSV row) is not its name, and generic words (secret, key, password …) say
// nothing either way.
func nameContext(name string) context {
	if name == "" || len(name) >= awsfacts.AccessKeyIDLen && IsAccessKeyID(name[len(name)-awsfacts.AccessKeyIDLen:]) {
		return context{}
	}
	if c := classify(name); c.kind != NotCredentialName {
		return context{nameClass: c}
	}
	var buf [maxNameWords]string
	for _, w := range words(name, buf[:0]) {
		if !isAny(w, genericWords) {
			return context{other: true}
		}
	}
	return context{}
}

// genericWords name a secret without saying whose it is.
var genericWords = []string{"secret", "secrets", "key", "keys", "password", "passwd", "pass", "pwd",
	"credential", "credentials", "creds", "private", "token", "session", "security", "access", "aws", "amazon",
	"value", "val"}

// valueWords are keys whose sibling key names the value; nameWords are those sibling keys.
var (
	valueWords = []string{"value", "val", "default", "defaultvalue", "parametervalue"}
	nameWords  = []string{"name", "key", "parametername", "parameterkey"}
)

func isAny(s string, list []string) bool {
	return slices.ContainsFunc(list, func(w string) bool { return strings.EqualFold(s, w) })
}

// nameBefore returns the name written just before offset i (after at least one and at most
// maxSeparators separator characters) and where it starts.
func nameBefore(s string, i int) (string, int) {
	j := i
	for j > 0 && i-j < maxSeparators && isSeparator(s[j-1]) {
		j--
	}
	if j == i {
		return "", i
	}
	end := j
	for j > 0 && end-j < maxNameLen && isNameChar(s[j-1]) {
		j--
	}
	return s[j:end], j
}

// nameAfter returns the name written just after offset i (after at least one separator) and
// where it ends.
func nameAfter(s string, i int) (string, int) {
	j := i
	for j < len(s) && j-i < maxSeparators && isSeparator(s[j]) {
		j++
	}
	if j == i {
		return "", i
	}
	start := j
	for j < len(s) && j-start < maxNameLen && isNameChar(s[j]) {
		j++
	}
	return s[start:j], j
}

// Character classes, looked up in one table: the scanner tests every byte of every string
// input of every resource, several times.
const (
	classUpper = 1 << iota
	classLower
	classDigit
	classSecret    // the standard base64 alphabet: letters, digits, + and /
	classBase64    // either base64 alphabet: also - and _
	className      // what names are made of, paths and config keys included (/app/aws_secret, aws:secretKey)
	classSeparator // what stands between a name and its value in env files, shell, YAML, JSON (also
	// escaped inside a JSON string), TOML, XML, Ruby hashes, command lines and CSV
)

var classes = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		switch {
		case c >= 'A' && c <= 'Z':
			t[c] = classUpper
		case c >= 'a' && c <= 'z':
			t[c] = classLower
		case c >= '0' && c <= '9':
			t[c] = classDigit
		}
		if t[c] != 0 || c == '+' || c == '/' {
			t[c] |= classSecret | classBase64
		}
		if c == '-' || c == '_' {
			t[c] |= classBase64
		}
		if t[c]&(classUpper|classLower|classDigit) != 0 || strings.IndexByte("_.-/:", byte(c)) >= 0 {
			t[c] |= className
		}
		if strings.IndexByte(" \t\"'`\\=:>,(", byte(c)) >= 0 {
			t[c] |= classSeparator
		}
	}
	return t
}()

func isSeparator(c byte) bool  { return classes[c]&classSeparator != 0 }
func isNameChar(c byte) bool   { return classes[c]&className != 0 }
func isSecretChar(c byte) bool { return classes[c]&classSecret != 0 }
func isBase64Char(c byte) bool { return classes[c]&classBase64 != 0 }
func isAlnum(c byte) bool      { return classes[c]&(classUpper|classLower|classDigit) != 0 }
func isUpper(c byte) bool      { return classes[c]&classUpper != 0 }
func isLower(c byte) bool      { return classes[c]&classLower != 0 }
func isDigit(c byte) bool      { return classes[c]&classDigit != 0 }

// entropy is the Shannon entropy of s in bits per character: log2(n) - Σ c·log2(c) / n over
// the count c of each distinct byte.
func entropy(s string) float64 {
	var counts [256]uint32
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	var sum float64
	for i := 0; i < len(s); i++ {
		if c := counts[s[i]]; c > 0 {
			sum += cLog2c(c)
			counts[s[i]] = 0
		}
	}
	n := float64(len(s))
	return math.Log2(n) - sum/n
}

// cLog2c is c·log2(c), from a table for the counts of short candidates.
func cLog2c(c uint32) float64 {
	if int(c) < len(cLog2cTable) {
		return cLog2cTable[c]
	}
	return float64(c) * math.Log2(float64(c))
}

var cLog2cTable = func() (t [64]float64) {
	for c := 1; c < len(t); c++ {
		t[c] = float64(c) * math.Log2(float64(c))
	}
	return t
}()
