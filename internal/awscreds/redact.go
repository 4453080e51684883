package awscreds

import (
	"strings"

	"github.com/keyless-ecs/railsapp/internal/awsfacts"
)

// maxRedactPasses bounds RedactAll's passes. One pass is enough for every input seen; a second
// can be needed when taking out one value changes what is around another (a run of letters that
// only becomes 40 long once a key ID inside it is shortened).
const maxRedactPasses = 8

// RedactAll returns s with every credential-shaped value that Scan finds replaced: an access key
// ID by its first four characters ("AKIA…"), a secret key, a session token or a base64 run that
// holds one by a bracketed note. It also hides what would be a key if something named it: a lone
// run of 40 characters shaped like a secret access key, or of 100 or more shaped like a session
// token. Scan does not report those (with nothing saying they are keys they are as likely IDs or
// tokens of anything), but a message loses nothing by not showing them, and a user may well have
// pasted a key where a message quotes a name or a Sid. Any text (a message, a property path, a
// name, a Sid, a malformed document) can be shown safely after it; every diagnostic and report
// is passed through it once, where it is built. Scan finds nothing in what it returns.
func RedactAll(s string) string {
	for range maxRedactPasses {
		found := Scan(s)
		if len(found) == 0 {
			return redactLoneSecrets(s)
		}
		s = redact(s, found)
	}
	// Every replacement is shorter than what it replaces, so this is not reached in practice;
	// if it were, mask every letter and digit rather than risk showing a key.
	if len(Scan(s)) == 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r < 0x80 && isAlnum(byte(r)) {
			return '*'
		}
		return r
	}, s)
}

// redact replaces the bytes of each finding (sorted by offset; overlapping findings merge).
func redact(s string, found []Finding) string {
	var b strings.Builder
	b.Grow(len(s))
	last := 0
	for k := 0; k < len(found); {
		f := found[k]
		start, end := f.Offset, f.Offset+f.Len
		note := replacement(f)
		for k++; k < len(found) && found[k].Offset < end; k++ {
			end = max(end, found[k].Offset+found[k].Len)
			note = "[credential redacted]"
		}
		if start < last {
			start = last
		}
		b.WriteString(s[last:start])
		b.WriteString(note)
		last = end
	}
	b.WriteString(s[last:])
	return b.String()
}

func replacement(f Finding) string {
	switch {
	case f.Encoding != "":
		return "[base64 redacted]"
	case f.Kind == AccessKeyID:
		return f.Redacted
	default:
		return "[" + f.Kind.String() + " redacted]"
	}
}

// redactLoneSecrets replaces the runs of the standard base64 alphabet that are shaped like a
// secret access key or a session token although nothing names them. It allocates only when it
// replaces something.
func redactLoneSecrets(s string) string {
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); {
		if !isSecretChar(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isSecretChar(s[j]) {
			j++
		}
		var note string
		switch n := j - i; {
		case n == awsfacts.SecretAccessKeyLen && isSecretShaped(s[i:j], minSecretEntropy, true):
			note = "[secret redacted]"
		case n >= minTokenLen && isSecretShaped(s[i:j], minTokenEntropy, false):
			note = "[token redacted]"
		}
		if note != "" {
			b.WriteString(s[last:i])
			b.WriteString(note)
			last = j
		}
		i = j
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}
