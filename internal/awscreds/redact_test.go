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
