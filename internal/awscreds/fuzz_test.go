package awscreds

import (
	"encoding/base64"
	"strings"
	"testing"
	"unicode/utf8"
)

// seeds are inputs near every rule, shared by the fuzz targets.
func seeds() []string {
	id, sec, tok := fakeKeyID("AKIA"), fakeSecret(), fakeToken()
	return []string{
		"aws_secret_access_key=" + sec + " " + id,
		`{"name":"AWS_SECRET_ACCESS_KEY","value":"` + sec + `"}`,
		`{"value":"` + sec + `","name":"AWS_SECRET_ACCESS_KEY"}`,
		"AWS_SESSION_TOKEN=" + tok,
		fakeKeyID("ASIA") + " " + tok,
		b64("export AWS_ACCESS_KEY_ID=" + id),
		wrap(b64(strings.Repeat("#", 80)+" "+id), 76, "  "),
		b64(b64(b64("k " + id))),
		"ASIAPACIFICSOUTHEAST",
		"arn:aws:secretsmanager:us-east-1:123456789012:secret:" + appSecret() + "-Ab3xYz",
		"-Daws.secretKey=" + sec,
		id + "/" + sec + "/" + id,
	}
}

// checkFindings holds for every scan: findings lie inside the input, are sorted, and show at
// most a key ID's prefix.
func checkFindings(t *testing.T, s string, fs []Finding) {
	t.Helper()
	last := 0
	for _, f := range fs {
		if f.Offset < last || f.Len <= 0 || f.Offset+f.Len > len(s) {
			t.Fatalf("finding %v at %d+%d outside the input (%d bytes) or out of order", f.Kind, f.Offset, f.Len, len(s))
		}
		last = f.Offset
		switch {
		case f.Kind == CredentialName:
		case f.Kind == AccessKeyID && f.Encoding == "":
			if f.Redacted != s[f.Offset:f.Offset+4]+"…" {
				t.Fatal("a key ID's redacted form is not its prefix")
			}
		case f.Kind == AccessKeyID:
			if utf8.RuneCountInString(f.Redacted) != 5 {
				t.Fatal("an encoded key ID's redacted form is not a prefix")
			}
		default:
			if f.Redacted != "value not shown" {
				t.Fatal("a secret's redacted form shows something")
			}
		}
	}
}

func FuzzScan(f *testing.F) {
	for _, s := range seeds() {
		f.Add(s)
	}
	for _, s := range keyIDCorpus() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkFindings(t, s, Scan(s))
		checkAgainstGitleaks(t, s)
	})
}

func FuzzScanNamed(f *testing.F) {
	for _, s := range seeds() {
		f.Add("AWS_SECRET_ACCESS_KEY", s)
		f.Add("/app/aws.sessionToken", s)
	}
	f.Add("AWS_ACCESS_KEY_ID", "ASIAPACIFICSOUTHEAST")
	f.Fuzz(func(t *testing.T, name, value string) {
		checkFindings(t, value, ScanNamed(name, value))
		_ = ClassifyName(name)
	})
}

// FuzzBase64 checks that what Scan finds in a text, it also finds in that text base64-encoded,
// in every form (standard or URL alphabet, padded or not, wrapped and indented or not), and
// that decoding never reports outside the encoded run.
func FuzzBase64(f *testing.F) {
	for _, s := range seeds() {
		for form := range uint8(6) {
			f.Add(s, form)
		}
	}
	f.Fuzz(func(t *testing.T, text string, form uint8) {
		enc := encode(text, form)
		in := "data: " + enc + "\n"
		fs := Scan(in)
		checkFindings(t, in, fs)
		plain := Scan(text)
		if len(plain) == 0 || !utf8.ValidString(text) || hasControl([]byte(text)) {
			return
		}
		for _, p := range plain {
			if p.Encoding != "" {
				return // already decoded once: one level less is left for the encoded copy
			}
		}
		for _, f := range fs {
			if f.Encoding == "base64" && f.Offset == len("data: ") {
				return
			}
		}
		t.Fatalf("Scan finds %v in a text but nothing in its base64 (form %d)", kinds(plain), form%6)
	})
}

func encode(text string, form uint8) string {
	switch form % 6 {
	case 0:
		return base64.StdEncoding.EncodeToString([]byte(text))
	case 1:
		return base64.RawStdEncoding.EncodeToString([]byte(text))
	case 2:
		return base64.URLEncoding.EncodeToString([]byte(text))
	case 3:
		return base64.RawURLEncoding.EncodeToString([]byte(text))
	case 4:
		return wrap(base64.StdEncoding.EncodeToString([]byte(text)), 76, "")
	default:
		return wrap(base64.StdEncoding.EncodeToString([]byte(text)), 64, "    ")
	}
}

func FuzzRedactAll(f *testing.F) {
	for _, s := range seeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := RedactAll(s)
		if fs := Scan(out); len(fs) != 0 {
			t.Fatalf("Scan finds %v in RedactAll's output", kinds(fs))
		}
		// With no credential in it, only what would be a key if named is taken out.
		if len(Scan(s)) == 0 && out != redactLoneSecrets(s) {
			t.Fatal("RedactAll changed a string with no credential beyond its lone secrets")
		}
		if redactLoneSecrets(out) != out {
			t.Fatal("RedactAll's output still holds a lone secret")
		}
	})
}

func FuzzScanText(f *testing.F) {
	for _, s := range seeds() {
		f.Add(s + "\nAWS_ACCESS_KEY_ID=${X}\n")
	}
	f.Fuzz(func(t *testing.T, s string) {
		lines := strings.Count(s, "\n") + 1
		var fs []Finding
		for _, tf := range ScanText(s) {
			if tf.Line < 1 || tf.Line > lines || tf.Line != strings.Count(s[:tf.Offset], "\n")+1 {
				t.Fatalf("finding on line %d of %d", tf.Line, lines)
			}
			fs = append(fs, tf.Finding)
		}
		checkFindings(t, s, fs)
	})
}
