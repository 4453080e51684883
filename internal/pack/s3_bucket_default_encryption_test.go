package pack_test

import (
	"github.com/keyless-ecs/railsapp/internal/awsfacts"
	"github.com/keyless-ecs/railsapp/internal/pack"
	pt "github.com/keyless-ecs/railsapp/internal/pack/packtest"
	"testing"
)

func TestBucketEncryption(t *testing.T) {
	b := pt.Bucket("uploads")
	sse := func(alg string) pt.Resource {
		return pt.BucketSub(awsfacts.TypeBucketSSEV2, "sse", "uploads", map[string]any{"rules": []any{map[string]any{
			"applyServerSideEncryptionByDefault": map[string]any{"sseAlgorithm": alg}}}}).Dep("bucket", b)
	}
	runAdvisory(t, pack.S3BucketEncryption, []advisoryCase{
		{name: "AES256 configuration", stack: true, rs: []pt.Resource{b, sse("AES256")}},
		{name: "KMS configuration", rs: []pt.Resource{sse("aws:kms")}},
		{name: "no configuration", stack: true, fail: true, rs: []pt.Resource{b}},
		{name: "unknown algorithm", fail: true, rs: []pt.Resource{sse("DES")}},
	})
}
