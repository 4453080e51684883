package awsfacts

import (
	"strings"
	"testing"
)

func TestParseKMSKeyARN(t *testing.T) {
	for _, ok := range []string{
		"arn:aws:kms:ap-northeast-1:123456789012:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
		"arn:aws-cn:kms:cn-north-1:123456789012:key/mrk-0123456789abcdef0123456789abcdef",
	} {
		if _, err := ParseKMSKeyARN(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for in, want := range map[string]string{
		"arn:aws:kms:ap-northeast-1:123456789012:alias/aws/s3":  "alias",
		"arn:aws:kms:ap-northeast-1:123456789012:key/not-a-key": "does not name a KMS key",
		"arn:aws:s3:::bucket": "not a KMS key ARN",
		"arn:aws:kms:ap-northeast-1:12345:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0": "12-digit account",
		"arn:aws:kms:nowhere:123456789012:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0": "region",
		"0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0":                                      "not an ARN",
	} {
		_, err := ParseKMSKeyARN(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want one containing %q", in, err, want)
		}
	}
}
