package awscreds

import (
	"strings"
	"testing"
)

// Fake credentials are assembled at run time so that repository secret scanners do not flag
// this file. They are not AWS's documentation examples, which are allow-listed.
func fakeKeyID(prefix string) string { return prefix + "Z7QX2MWR" + "5TBN4HJK" }

func fakeSecret() string {
	return "q8Vt3" + "LmZ9x/Rk2" + "Wp7Nc+Hs4" + "Jd6Fy1Gb5" + "Te0Ua8Kv"
}

func TestFakeFixturesHaveTheRightShape(t *testing.T) {
	if len(fakeKeyID("AKIA")) != 20 || len(fakeSecret()) != 40 {
		t.Fatal("fixture lengths are wrong")
	}
}

func TestScanFindsKeyIDs(t *testing.T) {
	for _, prefix := range []string{"AKIA", "ASIA", "ABIA", "ACCA", "A3T7"} {
		id := fakeKeyID(prefix)
		for _, text := range []string{
			id,
			"export AWS_ACCESS_KEY_ID=" + id,
			`{"name":"KEY","value":"` + id + `"}`,
			"key: " + id + "\n",
		} {
			f := Scan(text)
			if len(f) != 1 || f[0].Kind != AccessKeyID {
				t.Errorf("prefix %s: %d findings in %q-shaped text", prefix, len(f), Redact(text))
				continue
			}
			if f[0].Redacted != prefix+"…" {
				t.Errorf("redacted form %q shows more than the prefix", f[0].Redacted)
			}
		}
	}
}

func TestScanIgnoresNonCredentials(t *testing.T) {
	body := "Z7QX2MWR5TBN4HJK"
	for name, text := range map[string]string{
		"documentation example":  "AKIAIOSFODNN7EXAMPLE",
		"example suffix":         "AKIA" + "Z7QX2MWR5EXAMPLE",
		"role unique id":         "AROA" + body,
		"user unique id":         "AIDA" + body,
		"group unique id":        "AGPA" + body,
		"inside a longer word":   "XAKIA" + body,
		"followed by alnum":      "AKIA" + body + "Q",
		"non base32 body":        "AKIA" + "Z7QX2MWR5TBN4HJ1",
		"low entropy":            "AKIA" + "AAAAAAAAAAAAAAAA",
		"lower case":             strings.ToLower("AKIA" + body),
		"docs secret":            "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		"git sha":                "aws secret 0123456789abcdef0123456789abcdef01234567",
		"secret without keyword": "value: " + fakeSecret(),
		"kms arn":                "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
		"path":                   "aws secret /usr/local/share/applications/railsapp/public/x",
	} {
		if f := Scan(text); len(f) != 0 {
			t.Errorf("%s: unexpected finding %v", name, f)
		}
	}
}

func TestScanFindsSecrets(t *testing.T) {
	sec := fakeSecret()
	for name, text := range map[string]string{
		"keyword":       "aws_secret_access_key = " + sec,
		"env json":      `{"name":"AWS_SECRET_ACCESS_KEY","value":"` + sec + `"}`,
		"next to an id": fakeKeyID("AKIA") + ":" + sec,
		"amazon":        "AMAZON_SECRET_ACCESS_KEY=" + sec,
	} {
		var secrets int
		for _, f := range Scan(text) {
			if f.Kind == SecretAccessKey {
				secrets++
				if strings.Contains(f.Redacted, sec[:5]) {
					t.Errorf("%s: redacted form shows the secret", name)
				}
			}
		}
		if secrets != 1 {
			t.Errorf("%s: %d secret findings, want 1", name, secrets)
		}
	}
}

func TestIsAccessKeyID(t *testing.T) {
	if !IsAccessKeyID(fakeKeyID("ASIA")) || IsAccessKeyID("x"+fakeKeyID("ASIA")) || IsAccessKeyID("AKIAIOSFODNN7EXAMPLE") {
		t.Fatal("IsAccessKeyID misclassifies")
	}
}

func TestCredentialEnvNames(t *testing.T) {
	for _, n := range []string{"AWS_ACCESS_KEY_ID", "aws_secret_access_key", " AMAZON_SESSION_TOKEN ", "AWS_SECRET_KEY"} {
		if !IsCredentialEnvName(n) {
			t.Errorf("%q not recognised", n)
		}
	}
	if IsCredentialEnvName("AWS_REGION") {
		t.Error("AWS_REGION is not a credential")
	}
	names := CredentialEnvNames()
	names[0] = "changed"
	if CredentialEnvNames()[0] == "changed" {
		t.Error("CredentialEnvNames exposes its backing array")
	}
}

func FuzzScan(f *testing.F) {
	f.Add("aws_secret_access_key=" + fakeSecret() + " " + fakeKeyID("AKIA"))
	f.Fuzz(func(t *testing.T, s string) {
		for _, fd := range Scan(s) {
			if fd.Offset < 0 || fd.Offset+20 > len(s) {
				t.Fatalf("finding outside the input: offset %d", fd.Offset)
			}
			if strings.Contains(fd.Redacted, s[fd.Offset:fd.Offset+5]) {
				t.Fatal("redacted form shows more than four characters")
			}
		}
	})
}

func TestRedactAll(t *testing.T) {
	id, sec := fakeKeyID("AKIA"), fakeSecret()
	in := "role " + id + " with aws_secret_access_key=" + sec + " done"
	out := RedactAll(in)
	if strings.Contains(out, id) || strings.Contains(out, sec) || strings.Contains(out, sec[:8]) {
		t.Fatal("RedactAll leaves a credential in its output")
	}
	if !strings.HasPrefix(out, "role AKIA…") || !strings.HasSuffix(out, " done") {
		t.Errorf("RedactAll changed the text around the credentials: %q", out)
	}
	if RedactAll("nothing here") != "nothing here" {
		t.Error("RedactAll changed text without credentials")
	}
}
