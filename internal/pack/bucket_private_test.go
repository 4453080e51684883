package pack

import "testing"

func TestBucketPrivate(t *testing.T) {
	fullPAB := map[string]any{"blockPublicAcls": true, "blockPublicPolicy": true, "ignorePublicAcls": true, "restrictPublicBuckets": true}
	partPAB := map[string]any{"blockPublicAcls": true, "blockPublicPolicy": false, "ignorePublicAcls": true}
	runAdvisory(t, S3BucketPrivate, []advisoryCase{
		{name: "complete public access block", stack: true, fs: []fixture{bucket("uploads"),
			bucketSub(typePublicAccess, "pab", "uploads", fullPAB).dep("bucket", bucket("uploads").urn())}},
		{name: "complete block, analyzed per resource", fs: []fixture{bucketSub(typePublicAccess, "pab", "uploads", fullPAB)}},
		{name: "ACLs disabled", fs: []fixture{bucketSub(typeOwnership, "own", "uploads", map[string]any{"rule": map[string]any{"objectOwnership": "BucketOwnerEnforced"}})}},
		{name: "conditional bucket policy", fs: []fixture{bucketPolicy("p", "uploads", tlsPolicy)}},
		{name: "private canned ACL", fs: []fixture{bucketSub(typeBucketACLV2, "acl", "uploads", map[string]any{"acl": "private"})}},

		{name: "bucket without public access block", stack: true, fail: true, fs: []fixture{bucket("uploads")}},
		{name: "public access block with settings off", fail: true, fs: []fixture{bucketSub(typePublicAccess, "pab", "uploads", partPAB)}},
		{name: "public-read canned ACL", fail: true, fs: []fixture{bucketSub(typeBucketACLV2, "acl", "uploads", map[string]any{"acl": "public-read"})}},
		{name: "grant to AllUsers", fail: true, fs: []fixture{bucketSub(typeBucketACLV2, "acl", "uploads", map[string]any{
			"accessControlPolicy": map[string]any{"grants": []any{map[string]any{"permission": "READ",
				"grantee": map[string]any{"type": "Group", "uri": "http://acs.amazonaws.com/groups/global/AllUsers"}}}}})}},
		{name: "bucket policy open to everyone", fail: true, fs: []fixture{bucketPolicy("p", "uploads",
			`{"Statement":{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::uploads/*"}}`)}},
		{name: "object writer ownership keeps ACLs", fail: true, fs: []fixture{bucketSub(typeOwnership, "own", "uploads",
			map[string]any{"rule": map[string]any{"objectOwnership": "ObjectWriter"}})}},
	})
}
