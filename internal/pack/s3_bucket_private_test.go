package pack_test

import (
	"github.com/keyless-ecs/railsapp/internal/awsfacts"
	"github.com/keyless-ecs/railsapp/internal/pack"
	pt "github.com/keyless-ecs/railsapp/internal/pack/packtest"
	"testing"
)

func TestBucketPrivate(t *testing.T) {
	fullPAB := map[string]any{"blockPublicAcls": true, "blockPublicPolicy": true, "ignorePublicAcls": true, "restrictPublicBuckets": true}
	partPAB := map[string]any{"blockPublicAcls": true, "blockPublicPolicy": false, "ignorePublicAcls": true}
	runAdvisory(t, pack.S3BucketPrivate, []advisoryCase{
		{name: "complete public access block", stack: true, rs: []pt.Resource{pt.Bucket("uploads"),
			pt.BucketSub(awsfacts.TypeBucketPublicAccessBlock, "pab", "uploads", fullPAB).Dep("bucket", pt.Bucket("uploads"))}},
		{name: "complete block, analyzed per resource", rs: []pt.Resource{pt.BucketSub(awsfacts.TypeBucketPublicAccessBlock, "pab", "uploads", fullPAB)}},
		{name: "ACLs disabled", rs: []pt.Resource{pt.BucketSub(awsfacts.TypeBucketOwnershipControls, "own", "uploads", map[string]any{"rule": map[string]any{"objectOwnership": "BucketOwnerEnforced"}})}},
		{name: "conditional bucket policy", rs: []pt.Resource{pt.BucketPolicy("p", "uploads", tlsPolicy)}},
		{name: "private canned ACL", rs: []pt.Resource{pt.BucketSub(awsfacts.TypeBucketACLV2, "acl", "uploads", map[string]any{"acl": "private"})}},

		{name: "bucket without public access block", stack: true, fail: true, rs: []pt.Resource{pt.Bucket("uploads")}},
		{name: "public access block with settings off", fail: true, rs: []pt.Resource{pt.BucketSub(awsfacts.TypeBucketPublicAccessBlock, "pab", "uploads", partPAB)}},
		{name: "public-read canned ACL", fail: true, rs: []pt.Resource{pt.BucketSub(awsfacts.TypeBucketACLV2, "acl", "uploads", map[string]any{"acl": "public-read"})}},
		{name: "grant to AllUsers", fail: true, rs: []pt.Resource{pt.BucketSub(awsfacts.TypeBucketACLV2, "acl", "uploads", map[string]any{
			"accessControlPolicy": map[string]any{"grants": []any{map[string]any{"permission": "READ",
				"grantee": map[string]any{"type": "Group", "uri": "http://acs.amazonaws.com/groups/global/AllUsers"}}}}})}},
		{name: "bucket policy open to everyone", fail: true, rs: []pt.Resource{pt.BucketPolicy("p", "uploads",
			`{"Statement":{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::uploads/*"}}`)}},
		{name: "object writer ownership keeps ACLs", fail: true, rs: []pt.Resource{pt.BucketSub(awsfacts.TypeBucketOwnershipControls, "own", "uploads",
			map[string]any{"rule": map[string]any{"objectOwnership": "ObjectWriter"}})}},
	})
}
