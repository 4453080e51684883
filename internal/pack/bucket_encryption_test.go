package pack

import "testing"

func TestBucketEncryption(t *testing.T) {
	b := bucket("uploads")
	sse := func(alg string) fixture {
		return bucketSub(typeSSEV2, "sse", "uploads", map[string]any{"rules": []any{map[string]any{
			"applyServerSideEncryptionByDefault": map[string]any{"sseAlgorithm": alg}}}}).dep("bucket", b.urn())
	}
	runAdvisory(t, S3BucketEncryption, []advisoryCase{
		{name: "AES256 configuration", stack: true, fs: []fixture{b, sse("AES256")}},
		{name: "KMS configuration", fs: []fixture{sse("aws:kms")}},
		{name: "no configuration", stack: true, fail: true, fs: []fixture{b}},
		{name: "unknown algorithm", fail: true, fs: []fixture{sse("DES")}},
	})
}
