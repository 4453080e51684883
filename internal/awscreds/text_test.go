package awscreds

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

type lineKind struct {
	Line int
	Kind Kind
}

func lineKinds(fs []TextFinding) []lineKind {
	out := make([]lineKind, len(fs))
	for i, f := range fs {
		out[i] = lineKind{f.Line, f.Kind}
	}
	return out
}

func TestScanTextDotEnv(t *testing.T) {
	id, sec := fakeKeyID("AKIA"), fakeSecret()
	env := strings.Join([]string{
		"# production",                        // 1
		"RAILS_ENV=production",                // 2
		"AWS_ACCESS_KEY_ID=" + id,             // 3
		"AWS_SECRET_ACCESS_KEY=" + sec,        // 4
		"AWS_SESSION_TOKEN=${TOKEN}",          // 5: a name the SDK reads, value unknown
		"JWT_SECRET=" + appSecret(),           // 6
		"AWS_REGION=ap-northeast-1",           // 7
		"AWS_SECURITY_TOKEN=",                 // 8: empty, assigns nothing
		`echo "$AWS_ACCESS_KEY_ID"`,           // 9: a reference
		`if [ "${AWS_SECRET_ACCESS_KEY:-}" ]`, // 10: a reference
	}, "\n")
	got := ScanText(env)
	want := []lineKind{{3, CredentialName}, {3, AccessKeyID}, {4, CredentialName}, {4, SecretAccessKey}, {5, CredentialName}}
	if !slices.Equal(lineKinds(got), want) {
		t.Fatalf("ScanText = %v, want %v", lineKinds(got), want)
	}
	for _, f := range got {
		if strings.Contains(f.Redacted, sec[:6]) || strings.Contains(f.Redacted, id[4:10]) {
			t.Errorf("line %d: finding shows the value", f.Line)
		}
	}
	if got[0].Redacted != "AWS_ACCESS_KEY_ID" {
		t.Errorf("a credential name finding shows the name: %q", got[0].Redacted)
	}
}

func TestScanTextConfigs(t *testing.T) {
	sec := fakeSecret()
	for name, c := range map[string]struct {
		text string
		want []lineKind
	}{
		"storage.yml with ERB": {
			"amazon:\n  service: S3\n  access_key_id: <%= ENV['S3_KEY'] %>\n  secret_access_key: <%= ENV['S3_SECRET'] %>\n",
			[]lineKind{{3, CredentialName}, {4, CredentialName}},
		},
		"storage.yml keyless": {"amazon:\n  service: S3\n  region: ap-northeast-1\n  bucket: <%= ENV.fetch(\"AWS_S3_BUCKET_NAME\") %>\n", nil},
		"shell script": {
			"#!/bin/sh\nset -e\nexport AWS_ACCESS_KEY_ID=$(cat /run/secrets/key) && exec rails s\n",
			[]lineKind{{3, CredentialName}},
		},
		"python": {
			"import boto3\ns3 = boto3.client('s3',\n    aws_secret_access_key='" + sec + "')\n",
			[]lineKind{{3, CredentialName}, {3, SecretAccessKey}},
		},
		"json": {
			"{\n  \"region\": \"us-east-1\",\n  \"secretAccessKey\": \"" + sec + "\"\n}\n",
			[]lineKind{{3, CredentialName}, {3, SecretAccessKey}},
		},
		"comparison only": {"if AWS_ACCESS_KEY_ID == nil then\n", nil},
		"unset":           {"unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY\n", nil},
		"yaml null":       {"aws_secret_access_key: null\n", nil},
		"java flag":       {"java -Daws.accessKeyId=$KEY -jar app.jar\n", []lineKind{{1, CredentialName}}},
		"pulumi config":   {"config:\n  aws:region: us-east-1\n  aws:secretKey:\n    secure: v1:abc\n", nil},
		"environ in code": {"os.environ[\"AWS_SESSION_TOKEN\"] = token\n", []lineKind{{1, CredentialName}}},
		// Decoded text is read as the plain text would be: the value, and the name assigned it.
		"base64 on line 2": {"a: 1\nb: " + b64("AWS_SECRET_ACCESS_KEY="+sec) + "\n", []lineKind{{2, SecretAccessKey}, {2, CredentialName}}},
	} {
		if got := lineKinds(ScanText(c.text)); !slices.Equal(got, c.want) {
			t.Errorf("%s: ScanText = %v, want %v", name, got, c.want)
		}
	}
}

func TestScanArgs(t *testing.T) {
	sec := fakeSecret()
	for _, c := range []struct {
		args []string
		want []string // "arg:kind"
	}{
		{[]string{"--aws-secret-access-key", sec}, []string{"0:credential variable", "1:secret access key"}},
		{[]string{"aws", "configure", "set", "aws_secret_access_key", sec}, []string{"4:secret access key"}},
		{[]string{"sh", "-c", "export AWS_ACCESS_KEY_ID=$(cat /run/k) && exec rails s"}, []string{"2:credential variable"}},
		{[]string{"sh", "-c", "run --aws-session-token $T"}, []string{"2:credential variable"}},
		{[]string{"bundle", "exec", "rails", "server", "-b", "0.0.0.0"}, nil},
		{[]string{"CMD-SHELL", "curl -f http://localhost:3000/up || exit 1"}, nil},
		{[]string{"--jwt-secret", appSecret()}, nil},
	} {
		var got []string
		for _, f := range ScanArgs(c.args) {
			got = append(got, fmt.Sprintf("%d:%s", f.Arg, f.Kind))
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("ScanArgs(%q…) = %v, want %v", c.args[0], got, c.want)
		}
	}
}

// TestScanTextAssignmentsInBase64: a credential name assigned in a base64-encoded script (a
// launch template's userData) counts as in the plain script, at the encoded run; Scan, which
// reports values only, still finds nothing there.
func TestScanTextAssignmentsInBase64(t *testing.T) {
	script := "#!/bin/bash\nexport AWS_ACCESS_KEY_ID=$(aws ssm get-parameter --name /ci/id --query Parameter.Value)\nexec app\n"
	enc := b64(script)
	text := "userData: " + enc + "\n"
	got := ScanText(text)
	if len(got) != 1 || got[0].Kind != CredentialName || got[0].Encoding != "base64" || got[0].Redacted != "AWS_ACCESS_KEY_ID" {
		t.Fatalf("ScanText(base64 script) = %v", lineKinds(got))
	}
	if got[0].Offset != strings.Index(text, enc) || got[0].Len != len(enc) {
		t.Errorf("the finding does not cover the encoded run")
	}
	if f := Scan(text); len(f) != 0 {
		t.Errorf("Scan reports %d findings in a script that assigns no key value", len(f))
	}
	if f := ScanArgs([]string{"sh", "-c", "echo " + enc + " | base64 -d | sh"}); len(f) != 1 || f[0].Arg != 2 {
		t.Errorf("ScanArgs(base64 script) = %v", f)
	}
}
