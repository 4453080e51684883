package awscreds

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/keyless-ecs/railsapp/internal/awsfacts"
)

func TestFakeFixturesHaveTheRightShape(t *testing.T) {
	if len(fakeKeyID("AKIA")) != 20 || len(fakeSecret()) != 40 || len(appSecret()) != 40 || len(fakeToken()) < 100 {
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
			"key_" + id, // gitleaks' \b would not see this one: '_' is a word character there
			"arn:aws:iam::123456789012:user/" + id,
		} {
			f := Scan(text)
			if len(f) != 1 || f[0].Kind != AccessKeyID {
				t.Errorf("prefix %s: %v in %q-shaped text", prefix, kinds(f), Redact(text))
				continue
			}
			if f[0].Redacted != prefix+"…" {
				t.Errorf("redacted form %q shows more than the prefix", f[0].Redacted)
			}
			if got := text[f[0].Offset : f[0].Offset+f[0].Len]; got != id {
				t.Errorf("prefix %s: finding does not cover the key ID", prefix)
			}
		}
	}
}

func TestScanIgnoresNonCredentials(t *testing.T) {
	body := "Z7QX2MWR5TBN4HJK"
	sha1Hex := fmt.Sprintf("%x", sha1.Sum([]byte("railsapp")))
	sum := sha256.Sum256([]byte("railsapp"))
	cases := map[string]string{
		"documentation example":           "AKIAIOSFODNN7EXAMPLE",
		"documentation example secret":    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		"documentation example session":   "ASIAIOSFODNN7EXAMPLE",
		"example suffix":                  "AKIA" + "Z7QX2MWR5EXAMPLE",
		"inside a longer word":            "XAKIA" + body,
		"followed by alnum":               "AKIA" + body + "Q",
		"non base32 body":                 "AKIA" + "Z7QX2MWR5TBN4HJ1",
		"low entropy":                     "AKIA" + "AAAAAAAAAAAAAAAA",
		"lower case":                      strings.ToLower("AKIA" + body),
		"word starting like ASIA":         "region: ASIAPACIFICSOUTHEAST",
		"placeholder key ID":              "ACCESS: AKIAYOURACCESSKEYIDX",
		"git sha under a secret name":     "aws_secret_access_key=" + sha1Hex,
		"sha256 hex":                      "aws_secret_access_key: " + hex.EncodeToString(sum[:]),
		"sha256 base64":                   "aws_secret: " + base64.StdEncoding.EncodeToString(sum[:]),
		"image digest":                    "123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:" + hex.EncodeToString(sum[:]),
		"secret without a name":           "value: " + fakeSecret(),
		"app secret next to aws_region":   "aws_region=us-east-1 jwt_secret=" + appSecret(),
		"app secret in JSON with aws":     `{"aws_region":"us-east-1","jwt_secret":"` + appSecret() + `"}`,
		"app secret under AWS_JWT_SECRET": "AWS_JWT_SECRET=" + appSecret(),
		"aws and secret far apart":        "aws secret " + appSecret(),
		"secrets manager ARN":             "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/railsapp/Db2Credentials9Kx7Vq3LmT8Zw4Pn6Rj1Ys5Hd0-Ab3xYz",
		"secrets manager ARN 40 name":     "arn:aws:secretsmanager:us-east-1:123456789012:secret:" + appSecret() + "-Ab3xYz",
		"ssm parameter ARN":               "arn:aws:ssm:us-east-1:123456789012:parameter/app/aws_secret_access_key",
		"kms arn":                         "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
		"path":                            "aws secret /usr/local/share/applications/railsapp/public/x",
		"reference name":                  "AWS_SECRET_ACCESS_KEY_ARN=" + appSecret(),
		"placeholder secret":              "AWS_SECRET_ACCESS_KEY=YOURSECRETACCESSKEYYOURSECRETACCESSKEY12",
		"session token without anchor":    "token: " + fakeToken(),
		"session token, generic name":     "SessionToken=" + fakeToken(),
		"base64 of binary":                "blob: " + base64.StdEncoding.EncodeToString([]byte(strings.Repeat("\x00\x01\xfe\xff", 30))),
		"long identifier":                 "railsapp-production-activestorage-uploads-bucket-1a2b3c4d",
	}
	for _, p := range awsfacts.UniqueIDPrefixes() {
		cases["unique id "+p] = `{"uniqueId":"` + p + body + `"}`
	}
	for name, text := range cases {
		if f := Scan(text); len(f) != 0 {
			t.Errorf("%s: unexpected findings %v", name, kinds(f))
		}
	}
}

func TestScanFindsSecretsByTheirName(t *testing.T) {
	sec := fakeSecret()
	for name, text := range map[string]string{
		"env":                     "AWS_SECRET_ACCESS_KEY=" + sec,
		"export, quoted":          `export AWS_SECRET_ACCESS_KEY="` + sec + `"`,
		"amazon":                  "AMAZON_SECRET_ACCESS_KEY=" + sec,
		"ini":                     "aws_secret_access_key = " + sec,
		"yaml":                    "  secret_access_key: " + sec + "\n",
		"ruby hash":               `:secret_access_key => "` + sec + `"`,
		"json camel":              `{"secretAccessKey": "` + sec + `"}`,
		"json in a json string":   `{"config":"{\"awsSecretKey\":\"` + sec + `\"}"}`,
		"xml":                     "<SecretAccessKey>" + sec + "</SecretAccessKey>",
		"toml":                    `aws_secret = "` + sec + `"`,
		"pulumi config":           "aws:secretKey: " + sec,
		"java system property":    "-Daws.secretKey=" + sec,
		"kebab flag":              "--aws-secret-access-key " + sec,
		"path":                    "/app/aws_secret_access_key=" + sec,
		"s3 prefix":               "S3_SECRET_ACCESS_KEY=" + sec,
		"acronym camel":           "AWSSecretKey=" + sec,
		"ECS environment entry":   `{"name":"AWS_SECRET_ACCESS_KEY","value":"` + sec + `"}`,
		"ECS entry, value first":  `{"value":"` + sec + `","name":"AWS_SECRET_ACCESS_KEY"}`,
		"CloudFormation pair":     `{"ParameterKey": "AwsSecretKey", "ParameterValue": "` + sec + `"}`,
		"next to a key ID":        fakeKeyID("AKIA") + ":" + sec,
		"credentials CSV":         "user,," + fakeKeyID("AKIA") + "," + sec + ",https://console",
		"secret with padding tip": "aws_secret_access_key=" + sec + "\n",
	} {
		var secrets int
		for _, f := range Scan(text) {
			if f.Kind == SecretAccessKey {
				secrets++
				if f.Redacted != "value not shown" {
					t.Errorf("%s: redacted form %q", name, f.Redacted)
				}
				if text[f.Offset:f.Offset+f.Len] != sec {
					t.Errorf("%s: finding does not cover the secret", name)
				}
			}
		}
		if secrets != 1 {
			t.Errorf("%s: %d secret findings, want 1", name, secrets)
		}
	}
}

func TestScanNamed(t *testing.T) {
	sec, tok := fakeSecret(), fakeToken()
	smARN := "arn:aws:secretsmanager:us-east-1:123456789012:secret:" + appSecret() + "-Ab3xYz"
	smName := "prod/railsapp/DbCredentials2024Rotated12"
	if len(smName) != 40 {
		t.Fatal("the Secrets Manager name fixture must be as long as a secret key")
	}
	for _, c := range []struct {
		name, value string
		want        []Kind
	}{
		{"/app/aws_secret_access_key", sec, []Kind{SecretAccessKey}},
		{"S3_SECRET_ACCESS_KEY", sec, []Kind{SecretAccessKey}},
		{"awsSecretKey", `"` + sec + `"`, []Kind{SecretAccessKey}},
		{"aws.secretAccessKey", " " + sec + "\n", []Kind{SecretAccessKey}},
		{"aws_secret_access_key", b64(sec), []Kind{SecretAccessKey}}, // base64 of the key, as in a Kubernetes secret
		{"AWS_SESSION_TOKEN", tok, []Kind{SessionToken}},
		{"aws_security_token", tok, []Kind{SessionToken}},
		{"AWS_ACCESS_KEY_ID", "ASIAPACIFICSOUTHEAST", []Kind{AccessKeyID}}, // word-like, but its name vouches
		{"AWS_ACCESS_KEY_ID", fakeKeyID("AKIA"), []Kind{AccessKeyID}},
		{"AWS_SECRET", sec, []Kind{SecretAccessKey}},
		{"AWS_SECRET", smName, nil}, // the name of a Secrets Manager secret
		{"AWS_SECRET_ACCESS_KEY", smName, []Kind{SecretAccessKey}},
		{"AWS_SECRET", smARN, nil},
		{"AWS_SECRET_ACCESS_KEY", smARN, nil},
		{"jwt_secret", sec, nil},
		{"aws_region", sec, nil},
		{"SECRET_KEY_BASE", sec, nil},
		{"AWS_SECRET_ACCESS_KEY_FILE", sec, nil},
		{"SESSION_TOKEN", tok, nil},
		{"AWS_SECRET_ACCESS_KEY", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", nil},
		{"AWS_SECRET_ACCESS_KEY", "${AWS_SECRET_ACCESS_KEY}", nil},
		{"AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", nil},
		{"AWS_SECRET_ACCESS_KEY", "arn:aws:ssm:us-east-1:123456789012:parameter/app/aws-secret", nil},
		{"AWS_SECRET_ACCESS_KEY", "prefix " + sec, nil}, // not the whole value, and no name in it
	} {
		if got := kinds(ScanNamed(c.name, c.value)); !slices.Equal(got, c.want) {
			t.Errorf("ScanNamed(%q, …) = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestScanFindsSessionTokens(t *testing.T) {
	tok := fakeToken()
	assumeRole := `{"Credentials":{"AccessKeyId":"` + fakeKeyID("ASIA") + `","SecretAccessKey":"` + fakeSecret() +
		`","SessionToken":"` + tok + `","Expiration":"2026-01-01T00:00:00Z"}}`
	if got := kinds(Scan(assumeRole)); !slices.Equal(got, []Kind{AccessKeyID, SecretAccessKey, SessionToken}) {
		t.Errorf("STS AssumeRole output: %v", got)
	}
	env := "AWS_SESSION_TOKEN=" + tok + "\n"
	if got := kinds(Scan(env)); !slices.Equal(got, []Kind{SessionToken}) {
		t.Errorf("session token by name: %v", got)
	}
	if got := kinds(Scan("X-Amz-Security-Token=" + tok)); !slices.Equal(got, []Kind{SessionToken}) {
		t.Errorf("presigned URL token: %v", got)
	}
	// Next to a long-term key, a long base64 string is not a session token (the key is reported).
	if got := kinds(Scan(fakeKeyID("AKIA") + " " + tok)); !slices.Equal(got, []Kind{AccessKeyID}) {
		t.Errorf("AKIA and a blob: %v", got)
	}
}

func TestScanDecodesBase64(t *testing.T) {
	id, sec := fakeKeyID("AKIA"), fakeSecret()
	script := "#!/bin/bash\nexport AWS_SECRET_ACCESS_KEY=" + sec + "\nexec bundle exec rails server\n"
	urlSafe := base64.RawURLEncoding.EncodeToString([]byte("??>" + " id " + id + " ??>"))
	if !strings.ContainsAny(urlSafe, "-_") {
		t.Fatal("the URL-alphabet fixture has no URL-only character")
	}
	for name, c := range map[string]struct {
		text, encoded string
		want          Kind
	}{
		"key ID, padded":    {"", b64(id), AccessKeyID},
		"key ID, raw":       {"", base64.RawStdEncoding.EncodeToString([]byte(id)), AccessKeyID},
		"key ID, URL":       {"", urlSafe, AccessKeyID},
		"userData script":   {"", b64(script), SecretAccessKey},
		"wrapped at 76":     {"userData: |\n  ", wrap(b64(script+strings.Repeat("# padding line\n", 10)), 76, "  "), SecretAccessKey},
		"wrapped at 64":     {"-----BEGIN CONFIG-----\n", wrap(b64(strings.Repeat("x", 100)+" "+id+" "), 64, ""), AccessKeyID},
		"base64 in base64":  {"", b64("config: " + b64("key="+id)), AccessKeyID},
		"data URL":          {"data:text/plain;base64,", b64("key " + id), AccessKeyID},
		"json value":        {`{"userData":"`, b64(script) + `"}`, SecretAccessKey},
		"after a CRLF line": {"line one\r\n", b64("a=" + id), AccessKeyID},
	} {
		text := c.text + c.encoded
		f := Scan(text)
		if len(f) == 0 || f[0].Kind != c.want || f[0].Encoding != "base64" {
			t.Errorf("%s: findings %v, want %v in base64", name, kinds(f), c.want)
			continue
		}
		if f[0].Offset != len(c.text) || f[0].Len < len(strings.TrimSuffix(c.encoded, `"}`))-2 {
			t.Errorf("%s: finding at %d+%d does not cover the encoded run at %d+%d", name, f[0].Offset, f[0].Len, len(c.text), len(c.encoded))
		}
	}
	deep := "key " + id
	for range maxDecodeDepth + 1 {
		deep = b64(deep)
	}
	if f := Scan(deep); len(f) != 0 {
		t.Errorf("decoded deeper than %d levels: %v", maxDecodeDepth, kinds(f))
	}
}

func TestIsAccessKeyID(t *testing.T) {
	if !IsAccessKeyID(fakeKeyID("ASIA")) || IsAccessKeyID("x"+fakeKeyID("ASIA")) || IsAccessKeyID("AKIAIOSFODNN7EXAMPLE") ||
		IsAccessKeyID(fakeKeyID("AROA")) || IsAccessKeyID(b64(fakeKeyID("AKIA"))[:20]) {
		t.Fatal("IsAccessKeyID misclassifies")
	}
}

// TestKeyIDRuleMatchesGitleaks checks the key-ID rule against gitleaks' aws-access-token rule
// (its regular expression, entropy ≥ 3 and EXAMPLE allowlist, written out here as an oracle):
// everything gitleaks reports, Scan reports, except the word-like bodies it skips on purpose.
func TestKeyIDRuleMatchesGitleaks(t *testing.T) {
	for _, text := range keyIDCorpus() {
		checkAgainstGitleaks(t, text)
	}
}

func keyIDCorpus() []string {
	id := fakeKeyID("AKIA")
	return []string{
		id, "(" + id + ")", "x" + id, id + "x", "_" + id + "_", "A3TX" + id[4:], "A3T9" + id[4:],
		"AKIAXXXXXXXXXXXXXXXX", "AKIAIOSFODNN7EXAMPLE", "TODAYINASIAASACKOFRICEFELLOVER",
		"ASIAPACIFICSOUTHEAST", "ASIA" + "QWERTYZXCVBNMLKJ", "ABIA" + id[4:], "ACCA" + id[4:] + " " + id,
	}
}

var gitleaksAWS = mustOracle()

func checkAgainstGitleaks(t *testing.T, text string) {
	t.Helper()
	found := map[int]bool{}
	for _, f := range Scan(text) {
		if f.Kind == AccessKeyID && f.Encoding == "" {
			found[f.Offset] = true
		}
	}
	for _, m := range gitleaksAWS.FindAllStringSubmatchIndex(text, -1) {
		cand := text[m[2]:m[3]]
		// gitleaks allows .+EXAMPLE$; AWS's examples all carry EXAMPLE, and a random key cannot.
		if entropy(cand) < 3 || awsfacts.IsDocumentationExampleKey(cand) || looksLikeWords(cand) {
			continue
		}
		if !found[m[2]] {
			t.Errorf("gitleaks finds a key ID at %d that Scan misses (%s)", m[2], Redact(cand))
		}
	}
}
