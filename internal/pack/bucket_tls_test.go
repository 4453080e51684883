package pack

import "testing"

func TestBucketTLSOnly(t *testing.T) {
	b := bucket("uploads")
	runAdvisory(t, S3BucketTLSOnly, []advisoryCase{
		{name: "TLS-only bucket policy", stack: true, fs: []fixture{b, bucketPolicy("p", "uploads", tlsPolicy).dep("bucket", b.urn())}},
		{name: "TLS-only policy per resource", fs: []fixture{bucketPolicy("p", "uploads", tlsPolicy)}},
		{name: "policy unknown at preview", fs: []fixture{bucketPolicy("p", "uploads", "").set("policy", computed())}},

		{name: "bucket without policy", stack: true, fail: true, fs: []fixture{b}},
		{name: "policy without the deny", fail: true, fs: []fixture{bucketPolicy("p", "uploads",
			`{"Statement":{"Effect":"Allow","Principal":{"AWS":"`+roleARN("task")+`"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::uploads/*"}}`)}},
		{name: "deny covers objects only", stack: true, fail: true, fs: []fixture{b, bucketPolicy("p", "uploads",
			`{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::uploads/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`).dep("bucket", b.urn())}},
		{name: "malformed bucket policy", fail: true, fs: []fixture{bucketPolicy("p", "uploads", `{"Statement":`)}},
	})
}
