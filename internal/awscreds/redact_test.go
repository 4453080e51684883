package awscreds

import (
	"strings"
	"testing"
)

func TestRedactAll(t *testing.T) {
	id, sec, tok := fakeKeyID("AKIA"), fakeSecret(), fakeToken()
	in := "role " + id + " with aws_secret_access_key=" + sec + " done"
	out := RedactAll(in)
	if strings.Contains(out, id) || strings.Contains(out, sec) || strings.Contains(out, sec[:8]) {
		t.Fatal("RedactAll leaves a credential in its output")
	}
	if out != "role AKIA… with aws_secret_access_key=[secret access key redacted] done" {
		t.Errorf("RedactAll changed the text around the credentials: %q", out)
	}
	if RedactAll("nothing here") != "nothing here" {
		t.Error("RedactAll changed text without credentials")
	}
	for name, text := range map[string]string{
		"property path":     "environment.variables." + id,
		"Sid":               `{"Sid":"` + id + `","Effect":"Allow"}`,
		"malformed JSON":    `{"Statement": [ {"Sid": "x", "Resource": "` + id + `" `,
		"base64 userData":   "userData " + b64("export AWS_ACCESS_KEY_ID="+id),
		"session token":     "AWS_SESSION_TOKEN=" + tok,
		"named in JSON":     `{"name":"AWS_SECRET_ACCESS_KEY","value":"` + sec + `"}`,
		"key in a path":     "/app/" + id + ":" + sec,
		"secret, escaped":   `"{\"awsSecretKey\":\"` + sec + `\"}"`,
		"wrapped base64":    "data:\n  " + wrap(b64(strings.Repeat("-", 60)+" "+id+" "), 64, "  "),
		"java property":     "-Daws.secretKey=" + sec,
		"two keys touching": id + "," + fakeKeyID("ASIA"),
	} {
		out := RedactAll(text)
		if f := Scan(out); len(f) != 0 {
			t.Errorf("%s: Scan still finds %v after RedactAll", name, kinds(f))
		}
		for _, v := range []string{id[4:], sec[:10], sec[20:], tok[20:40]} {
			if strings.Contains(out, v) {
				t.Errorf("%s: RedactAll leaves part of a credential", name)
			}
		}
		if out == text {
			t.Errorf("%s: nothing redacted", name)
		}
	}
}

// TestRedactAllHidesLoneSecrets: a string that would be a key if something named it is hidden
// too (Scan, which decides violations, does not report it); ordinary IDs, hashes and words stay.
func TestRedactAllHidesLoneSecrets(t *testing.T) {
	sec, tok := fakeSecret(), fakeToken()
	for _, text := range []string{
		`statement 1 ("` + sec + `"): Effect must be "Allow"`,
		`settings["` + sec + `"] holds`,
		"railsapp:" + sec,
		"token " + tok,
	} {
		out := RedactAll(text)
		if strings.Contains(out, sec[:8]) || strings.Contains(out, sec[30:]) || strings.Contains(out, tok[20:40]) {
			t.Errorf("RedactAll leaves a lone secret in %q-shaped text", Redact(text))
		}
	}
	for _, keep := range []string{
		"arn:aws:iam::123456789012:role/app-task",
		"commit 0123456789abcdef0123456789abcdef01234567",
		"the secret access key of the deploy user is not set",
		"/usr/local/share/applications/railsapp/public/assets/x",
		"AROA" + "Z7QX2MWR5TBN4HJKQ",
	} {
		if out := RedactAll(keep); out != keep {
			t.Errorf("RedactAll changed %q to %q", keep, out)
		}
	}
}
