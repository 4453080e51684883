package iampolicy

import (
	"strings"
	"testing"
)

func mustParse(t *testing.T, v any) *Document {
	t.Helper()
	d, err := Parse(v)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return d
}

func TestMatchAction(t *testing.T) {
	cases := []struct {
		pattern, action string
		want            bool
	}{
		{"s3:GetObject", "s3:getobject", true},
		{"S3:GETOBJECT", "s3:GetObject", true},
		{"s3:*", "s3:PutObject", true},
		{"*", "s3:PutObject", true},
		{"*:*", "s3:PutObject", true},
		{"s3:Get*", "s3:GetObject", true},
		{"s3:Get*", "s3:PutObject", false},
		{"s3:*Object", "s3:DeleteObject", true},
		{"s3:?etObject", "s3:GetObject", true},
		{"s3:?etObject", "s3:GGetObject", false},
		{"iam:*AccessKey*", "iam:CreateAccessKey", true},
		{"ec2:*", "s3:GetObject", false},
	}
	for _, c := range cases {
		if got := MatchAction(c.pattern, c.action); got != c.want {
			t.Errorf("MatchAction(%q, %q) = %v, want %v", c.pattern, c.action, got, c.want)
		}
	}
}

func TestS3Grants(t *testing.T) {
	cases := []struct {
		name string
		doc  any
		want bool
	}{
		{"s3 star string", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`, true},
		{"star action", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`, true},
		{"get star upper", `{"Statement":[{"Effect":"Allow","Action":["logs:PutLogEvents","S3:GET*"],"Resource":"arn:aws:s3:::b/*"}]}`, true},
		{"question mark", `{"Statement":[{"Effect":"Allow","Action":"s?:GetObject","Resource":"*"}]}`, true},
		{"object lambda", `{"Statement":[{"Effect":"Allow","Action":"s3-object-lambda:GetObject","Resource":"*"}]}`, true},
		{"service wildcard", `{"Statement":[{"Effect":"Allow","Action":"s*:List*","Resource":"*"}]}`, true},
		{"notaction iam", `{"Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}`, true},
		{"notaction s3 get only", `{"Statement":[{"Effect":"Allow","NotAction":["s3:Get*"],"Resource":"*"}]}`, true},
		{"object form", map[string]any{"Statement": []any{map[string]any{"Effect": "Allow", "Action": []any{"s3:PutObject"}, "Resource": "arn:aws:s3:::b/*"}}}, true},
		{"conditional allow still grants", `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1"}}}]}`, true},
		{"notresource", `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","NotResource":"arn:aws:s3:::other/*"}]}`, true},

		{"execution policy", `{"Statement":[{"Effect":"Allow","Action":["ecr:GetAuthorizationToken","ecr:BatchGetImage","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}`, false},
		{"deny only", `{"Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}`, false},
		{"deny notaction", `{"Statement":[{"Effect":"Deny","NotAction":"s3:*","Resource":"*"}]}`, false},
		{"notaction misses s3-outposts", `{"Statement":[{"Effect":"Allow","NotAction":["s3:*","s3-object-lambda:*","s3express:*"],"Resource":"*"}]}`, true},
		{"s3 tables", `{"Statement":[{"Effect":"Allow","Action":["s3tables:GetTable","sqs:*"],"Resource":"*"}]}`, true},
		{"notaction excludes the family", `{"Statement":[{"Effect":"Allow","NotAction":["s3*:*"],"Resource":"*"}]}`, false},
		{"lookalike services", `{"Statement":[{"Effect":"Allow","Action":["sqs:*","ssm:GetParameter","sso:*","sts:AssumeRole"],"Resource":"*"}]}`, false},
		{"star on non-s3 resource", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"arn:aws:logs:us-east-1:123456789012:log-group:app:*"}]}`, false},
		{"secrets read", `{"Statement":[{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"arn:aws:secretsmanager:us-east-1:123456789012:secret:db-*"}]}`, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := mustParse(t, c.doc)
			if got := d.GrantsS3(); got != c.want {
				t.Fatalf("GrantsS3 = %v, want %v (grants %v)", got, c.want, d.S3Grants())
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	cases := map[string]string{
		"not json":          `{"Statement":`,
		"array":             `[1,2]`,
		"no statement":      `{"Version":"2012-10-17"}`,
		"bad effect":        `{"Statement":{"Effect":"allow","Action":"s3:*","Resource":"*"}}`,
		"no effect":         `{"Statement":{"Action":"s3:*","Resource":"*"}}`,
		"both actions":      `{"Statement":{"Effect":"Allow","Action":"s3:*","NotAction":"iam:*","Resource":"*"}}`,
		"no action":         `{"Statement":{"Effect":"Allow","Resource":"*"}}`,
		"number action":     `{"Statement":{"Effect":"Allow","Action":[1],"Resource":"*"}}`,
		"empty":             `   `,
		"trailing":          `{"Statement":[]} {}`,
		"statement string":  `{"Statement":"Allow"}`,
		"principal string":  `{"Statement":{"Effect":"Allow","Principal":"ecs","Action":"sts:AssumeRole"}}`,
		"condition not obj": `{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":[]}}`,
	}
	for name, doc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := ParseJSON(doc)
			if err == nil {
				t.Fatal("want an error")
			}
			if strings.TrimSpace(err.Error()) == "" {
				t.Fatal("error has no message")
			}
		})
	}
	if _, err := Parse(42); err == nil {
		t.Fatal("Parse(42): want an error")
	}
}

func TestBroadS3Statements(t *testing.T) {
	least := `{"Version":"2012-10-17","Statement":[
	  {"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::app-uploads-prod"},
	  {"Effect":"Allow","Action":["s3:GetObject","s3:PutObject","s3:DeleteObject"],"Resource":"arn:aws:s3:::app-uploads-prod/*"},
	  {"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"},
	  {"Effect":"Deny","Action":"s3:*","Resource":"*"}]}`
	if b := mustParse(t, least).BroadS3Statements([]string{"s3:ListAllMyBuckets"}); len(b) != 0 {
		t.Fatalf("least-privilege document reported broad: %v", b)
	}
	broad := map[string]string{
		"s3 star":        `{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/*"}}`,
		"star":           `{"Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::b"}}`,
		"upper":          `{"Statement":{"Effect":"Allow","Action":"S3:*","Resource":"arn:aws:s3:::b"}}`,
		"star resource":  `{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`,
		"all buckets":    `{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::*/*"}}`,
		"notaction":      `{"Statement":{"Effect":"Allow","NotAction":"iam:*","Resource":"arn:aws:s3:::b"}}`,
		"notresource":    `{"Statement":{"Effect":"Allow","Action":"s3:GetObject","NotResource":"arn:aws:s3:::b/*"}}`,
		"prefix buckets": `{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::*-uploads/*"}}`,
	}
	for name, doc := range broad {
		if b := mustParse(t, doc).BroadS3Statements(nil); len(b) == 0 {
			t.Errorf("%s: not reported as broad", name)
		}
	}
}

func TestDeniesInsecureTransport(t *testing.T) {
	ok := `{"Statement":[{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*",
	  "Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`
	if !mustParse(t, ok).DeniesInsecureTransport("arn:aws:s3:::b") {
		t.Fatal("TLS-only policy not recognised")
	}
	objectsOnly := strings.Replace(ok, `"arn:aws:s3:::b",`, ``, 1)
	if mustParse(t, objectsOnly).DeniesInsecureTransport("arn:aws:s3:::b") {
		t.Fatal("policy covering only objects accepted")
	}
	allow := strings.Replace(ok, `"Deny"`, `"Allow"`, 1)
	if mustParse(t, allow).DeniesInsecureTransport("") {
		t.Fatal("Allow statement accepted as TLS-only")
	}
}

func TestTrustPrincipals(t *testing.T) {
	d := mustParse(t, `{"Statement":[{"Effect":"Allow","Principal":{"Service":["ECS-TASKS.amazonaws.com"],"AWS":"arn:aws:iam::123456789012:root"},
	  "Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"}}}]}`)
	s := d.Statements[0]
	if got := s.Principal.Services(); len(got) != 1 || got[0] != "ecs-tasks.amazonaws.com" {
		t.Fatalf("Services = %v", got)
	}
	if got := s.Principal.Others(); len(got) != 1 {
		t.Fatalf("Others = %v", got)
	}
	if !s.HasCondition("AWS:SourceAccount") {
		t.Fatal("condition key not found")
	}
}
