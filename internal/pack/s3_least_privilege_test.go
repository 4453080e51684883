package pack_test

import (
	"github.com/keyless-ecs/railsapp/internal/pack"
	pt "github.com/keyless-ecs/railsapp/internal/pack/packtest"
	"testing"
)

func TestS3LeastPrivilege(t *testing.T) {
	runAdvisory(t, pack.S3LeastPrivilege, []advisoryCase{
		{name: "Active Storage policy", rs: []pt.Resource{pt.Policy("uploads", taskS3JSON)}},
		{name: "list-all-buckets on *", rs: []pt.Resource{pt.RolePolicy("p", "task", `{"Statement":{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}}`)}},
		{name: "TLS deny in a bucket policy", rs: []pt.Resource{pt.BucketPolicy("p", "uploads", tlsPolicy)}},
		{name: "non-S3 policy with *", rs: []pt.Resource{pt.Policy("logs", ecrLogsJSON)}},

		{name: "s3:*", fail: true, rs: []pt.Resource{pt.Policy("p", `{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::uploads/*"}}`)}},
		{name: "S3:* upper case", fail: true, rs: []pt.Resource{pt.RolePolicy("p", "task", `{"Statement":{"Effect":"Allow","Action":["S3:*"],"Resource":"arn:aws:s3:::uploads"}}`)}},
		{name: "* resource", fail: true, rs: []pt.Resource{pt.Policy("p", `{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`)}},
		{name: "every bucket ARN", fail: true, rs: []pt.Resource{pt.Policy("p", `{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::*/*"}}`)}},
		{name: "NotAction", fail: true, rs: []pt.Resource{pt.Role("task", map[string]any{"inlinePolicies": []any{map[string]any{"name": "x",
			"policy": `{"Statement":{"Effect":"Allow","NotAction":"iam:*","Resource":"arn:aws:s3:::uploads"}}`}}})}},
		{name: "object form *:*", fail: true, rs: []pt.Resource{pt.Policy("p", map[string]any{"Statement": []any{
			map[string]any{"Effect": "Allow", "Action": "*:*", "Resource": "arn:aws:s3:::uploads"}}})}},
	})
}
