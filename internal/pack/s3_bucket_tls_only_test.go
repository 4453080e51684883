package pack_test

import (
	"github.com/keyless-ecs/railsapp/internal/pack"
	pt "github.com/keyless-ecs/railsapp/internal/pack/packtest"
	"testing"
)

func TestBucketTLSOnly(t *testing.T) {
	b := pt.Bucket("uploads")
	runAdvisory(t, pack.S3BucketTLSOnly, []advisoryCase{
		{name: "TLS-only bucket policy", stack: true, rs: []pt.Resource{b, pt.BucketPolicy("p", "uploads", tlsPolicy).Dep("bucket", b)}},
		{name: "TLS-only policy per resource", rs: []pt.Resource{pt.BucketPolicy("p", "uploads", tlsPolicy)}},
		{name: "policy unknown at preview", rs: []pt.Resource{pt.BucketPolicy("p", "uploads", "").Set("policy", pt.Computed())}},

		{name: "bucket without policy", stack: true, fail: true, rs: []pt.Resource{b}},
		{name: "policy without the deny", fail: true, rs: []pt.Resource{pt.BucketPolicy("p", "uploads",
			`{"Statement":{"Effect":"Allow","Principal":{"AWS":"`+pt.RoleARN("task")+`"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::uploads/*"}}`)}},
		{name: "deny covers objects only", stack: true, fail: true, rs: []pt.Resource{b, pt.BucketPolicy("p", "uploads",
			`{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::uploads/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`).Dep("bucket", b)}},
		{name: "malformed bucket policy", fail: true, rs: []pt.Resource{pt.BucketPolicy("p", "uploads", `{"Statement":`)}},
	})
}
