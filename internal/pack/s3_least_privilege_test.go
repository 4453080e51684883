package pack

import "testing"

func TestS3LeastPrivilege(t *testing.T) {
	runAdvisory(t, S3LeastPrivilege, []advisoryCase{
		{name: "Active Storage policy", fs: []fixture{iamPolicy("uploads", taskS3JSON)}},
		{name: "list-all-buckets on *", fs: []fixture{rolePolicy("p", "task", `{"Statement":{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}}`)}},
		{name: "TLS deny in a bucket policy", fs: []fixture{bucketPolicy("p", "uploads", tlsPolicy)}},
		{name: "non-S3 policy with *", fs: []fixture{iamPolicy("logs", ecrLogsJSON)}},

		{name: "s3:*", fail: true, fs: []fixture{iamPolicy("p", `{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::uploads/*"}}`)}},
		{name: "S3:* upper case", fail: true, fs: []fixture{rolePolicy("p", "task", `{"Statement":{"Effect":"Allow","Action":["S3:*"],"Resource":"arn:aws:s3:::uploads"}}`)}},
		{name: "* resource", fail: true, fs: []fixture{iamPolicy("p", `{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`)}},
		{name: "every bucket ARN", fail: true, fs: []fixture{iamPolicy("p", `{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::*/*"}}`)}},
		{name: "NotAction", fail: true, fs: []fixture{role("task", map[string]any{"inlinePolicies": []any{map[string]any{"name": "x",
			"policy": `{"Statement":{"Effect":"Allow","NotAction":"iam:*","Resource":"arn:aws:s3:::uploads"}}`}}})}},
		{name: "object form *:*", fail: true, fs: []fixture{iamPolicy("p", map[string]any{"Statement": []any{
			map[string]any{"Effect": "Allow", "Action": "*:*", "Resource": "arn:aws:s3:::uploads"}}})}},
	})
}
