package awscreds

import (
	"fmt"
	"strings"
	"testing"
)

// Typical string inputs of a stack's resources, none holding a credential (the common case the
// pack pays for on every resource).
var benchInputs = map[string]string{
	"short value": "production",
	"role ARN":    "arn:aws:iam::123456789012:role/prod-ecsTaskExecutionRole",
	"secret ARN":  "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:prod/railsapp/master-key-AbCdEf",
	"policy document": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:ListBucket"],` +
		`"Resource":["arn:aws:s3:::prod-images.example.com"]},{"Effect":"Allow","Action":["s3:PutObject",` +
		`"s3:GetObject","s3:DeleteObject"],"Resource":["arn:aws:s3:::prod-images.example.com/*"]}]}`,
	"container definitions": `[{"name":"web","image":"123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/railsapp:` +
		`3f7f872b6e9435b2ee135a6a531c1b1b0a29ab12","essential":true,"portMappings":[{"containerPort":3000,` +
		`"protocol":"tcp"}],"environment":[{"name":"AWS_S3_BUCKET_NAME","value":"prod-images.example.com"},` +
		`{"name":"AWS_REGION","value":"ap-northeast-1"},{"name":"RAILS_ENV","value":"production"},` +
		`{"name":"RAILS_LOG_TO_STDOUT","value":"1"}],"secrets":[{"name":"RAILS_MASTER_KEY","valueFrom":` +
		`"arn:aws:ssm:ap-northeast-1:123456789012:parameter/prod/railsapp/RAILS_MASTER_KEY"}],` +
		`"logConfiguration":{"logDriver":"awslogs","options":{"awslogs-group":"/ecs/prod-server",` +
		`"awslogs-region":"ap-northeast-1","awslogs-stream-prefix":"web"}},"healthCheck":{"command":` +
		`["CMD-SHELL","curl -f http://localhost:3000/up || exit 1"],"interval":30,"timeout":5,"retries":3}}]`,
	"userData base64": b64("#!/bin/bash\nset -euo pipefail\nyum install -y amazon-cloudwatch-agent\n" +
		strings.Repeat("echo 'configuring the instance for the railsapp cluster' >> /var/log/boot.log\n", 20)),
}

func BenchmarkScan(b *testing.B) {
	for name, s := range benchInputs {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(s)))
			b.ReportAllocs()
			for b.Loop() {
				Scan(s)
			}
		})
	}
	withKey := "AWS_SECRET_ACCESS_KEY=" + fakeSecret() + " AWS_ACCESS_KEY_ID=" + fakeKeyID("AKIA")
	b.Run("env with a key", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			Scan(withKey)
		}
	})
}

func BenchmarkScanNamed(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		ScanNamed("AWS_S3_BUCKET_NAME", "prod-images.example.com")
		ScanNamed("RAILS_MASTER_KEY", "arn:aws:ssm:ap-northeast-1:123456789012:parameter/prod/railsapp/RAILS_MASTER_KEY")
	}
}

func BenchmarkClassifyName(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		ClassifyName("AWS_S3_BUCKET_NAME")
		ClassifyName("awsSecretAccessKey")
	}
}

func BenchmarkScanText(b *testing.B) {
	var sb strings.Builder
	for sb.Len() < 64<<10 {
		sb.WriteString("RAILS_ENV=production\nexport PATH=/usr/local/bundle/bin:$PATH\n# start the server\n" +
			"exec bundle exec rails server -b 0.0.0.0 -p 3000\n")
	}
	text := sb.String()
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		ScanText(text)
	}
}

func BenchmarkRedactAll(b *testing.B) {
	msg := `Container "web" environment variable AWS_S3_BUCKET_NAME in arn:aws:ecs:ap-northeast-1:123456789012:` +
		`task-definition/prod-server:7 is fine.`
	b.ReportAllocs()
	for b.Loop() {
		RedactAll(msg)
	}
}

// BenchmarkScanAdversarial scans inputs built to make a careless scanner quadratic (many key
// IDs and 40-character runs together, alternating base64 lines, long lines of assignments,
// deep base64) at two sizes: MB/s should be about the same for both sizes of each input.
func BenchmarkScanAdversarial(b *testing.B) {
	id, sec := fakeKeyID("AKIA"), fakeSecret()
	shapes := map[string]func(n int) string{
		"keys and secrets": func(n int) string { return strings.Repeat(id+" "+sec+" ", n/62) },
		"wrapped base64, every other line text": func(n int) string {
			good, bad := b64(strings.Repeat("x", 57)), strings.Repeat("A", 76)
			return strings.Repeat(good+"\n"+bad+"\n", n/154)
		},
		"assignments on one line": func(n int) string { return strings.Repeat("AWS_ACCESS_KEY_ID= ", n/19) },
		"nested base64": func(n int) string {
			s := strings.Repeat("k "+id+" ", n/80)
			for range maxDecodeDepth {
				s = b64(s)
			}
			return s
		},
		"names and values": func(n int) string {
			return strings.Repeat(`{"name":"AWS_SECRET_ACCESS_KEY","value":"`+sec+`"},`, n/90)
		},
	}
	for name, shape := range shapes {
		for _, n := range []int{16 << 10, 256 << 10} {
			s := shape(n)
			b.Run(fmt.Sprintf("%s/%dKiB", name, n>>10), func(b *testing.B) {
				b.SetBytes(int64(len(s)))
				for b.Loop() {
					ScanText(s)
					RedactAll(s)
				}
			})
		}
	}
}
