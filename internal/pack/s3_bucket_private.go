package pack

import (
	"fmt"
	"strings"

	"github.com/keyless-ecs/railsapp/internal/awsfacts"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// bucketPrivatePolicy warns about buckets that are or could become public (checkov CKV_AWS_53-56,
// CKV2_AWS_6, CKV_AWS_20/57/70; trivy AWS-0086/87/91/92/93/94; Security Hub S3.1/2/3/8/12).
var s3BucketPrivatePolicy = newPolicy(spec[noConfig]{
	info: AnalyzerPolicyInfo{
		Name:        S3BucketPrivate,
		DisplayName: "S3 buckets are private",
		Description: "Every bucket has a public access block with all four settings true; no public canned ACL " +
			"or grant to AllUsers/AuthenticatedUsers; no bucket policy Allow for every principal without a " +
			"condition; object ownership BucketOwnerEnforced (ACLs disabled).",
		Message:          "Keep Active Storage buckets private: serve files through presigned URLs or a CDN with origin access control.",
		EnforcementLevel: apitype.Advisory,
		Severity:         apitype.PolicySeverityHigh,
		Type:             AnalyzerPolicyTypeResource,
		Tags:             []string{"s3"},
		RemediationSteps: "1. Add aws.s3.BucketPublicAccessBlock with blockPublicAcls, blockPublicPolicy, " +
			"ignorePublicAcls and restrictPublicBuckets all true.\n2. Add aws.s3.BucketOwnershipControls with " +
			"objectOwnership BucketOwnerEnforced and drop ACLs.\n3. Remove public statements from the bucket policy.",
	},
	types: []string{awsfacts.TypeBucketPublicAccessBlock, awsfacts.TypeBucketV2, awsfacts.TypeBucket,
		awsfacts.TypeBucketACLV2, awsfacts.TypeBucketACL, awsfacts.TypeBucketPolicy, awsfacts.TypeBucketOwnershipControls},
	checkResource: checkBucketPrivate,
	checkStack:    stackBucketPrivate,
})

var publicCannedACLs = map[string]bool{"public-read": true, "public-read-write": true, "authenticated-read": true}

func checkBucketPrivate(rc *resourceCtx, _ *noConfig) []finding {
	var msgs []string
	switch string(rc.Type) {
	case awsfacts.TypeBucketPublicAccessBlock:
		var off []string
		for _, k := range []resource.PropertyKey{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
			if b, st := getBool(rc.Properties, k); st == missing || (st == known && !b) {
				off = append(off, string(k))
			}
		}
		if len(off) > 0 {
			msgs = append(msgs, fmt.Sprintf("The public access block leaves %s off.", strings.Join(off, ", ")))
		}
	case awsfacts.TypeBucketV2, awsfacts.TypeBucket, awsfacts.TypeBucketACLV2, awsfacts.TypeBucketACL:
		if acl := getString(rc.Properties, "acl"); acl.known() && publicCannedACLs[acl.s] {
			msgs = append(msgs, fmt.Sprintf("The canned ACL %q makes objects public.", acl.s))
		}
		if publicGrantee(rc.Properties) {
			msgs = append(msgs, "An ACL grant gives access to AllUsers or AuthenticatedUsers.")
		}
		if awsfacts.IsBucketType(string(rc.Type)) {
			msgs = append(msgs, publicPolicyMsgs(rc.docs, rc.Properties)...)
		}
	case awsfacts.TypeBucketPolicy:
		msgs = append(msgs, publicPolicyMsgs(rc.docs, rc.Properties)...)
	case awsfacts.TypeBucketOwnershipControls:
		if rules, _ := getObjects(rc.Properties, "rule"); len(rules) > 0 {
			if o := getString(rules[0], "objectOwnership"); o.known() && o.s != "BucketOwnerEnforced" {
				msgs = append(msgs, fmt.Sprintf("Object ownership %q keeps ACLs enabled; use BucketOwnerEnforced.", o.s))
			}
		}
	}
	if len(msgs) == 0 {
		return nil
	}
	return []finding{{urn: rc.URN, outcome: fail, msg: strings.Join(msgs, "\n")}}
}

func publicPolicyMsgs(docs *docCache, props resource.PropertyMap) []string {
	dv := docs.judgeValue(props, "policy")
	if dv.doc == nil {
		return nil
	}
	if idx := dv.doc.PublicAllows(); len(idx) > 0 {
		return []string{fmt.Sprintf("Bucket policy statement %d allows every principal (\"*\") with no condition.", idx[0])}
	}
	return nil
}

// publicGrantee finds grants to the AllUsers/AuthenticatedUsers groups in inline `grants` or an
// accessControlPolicy.
func publicGrantee(props resource.PropertyMap) bool {
	found := false
	for _, k := range []resource.PropertyKey{"grants", "accessControlPolicy"} {
		if v, ok := props[k]; ok {
			walkStrings(string(k), v, func(_, s string, _ bool) {
				if strings.Contains(s, "acs.amazonaws.com/groups/global/AllUsers") ||
					strings.Contains(s, "acs.amazonaws.com/groups/global/AuthenticatedUsers") {
					found = true
				}
			})
		}
	}
	return found
}

func stackBucketPrivate(g *stackCtx, _ *noConfig) []finding {
	withPAB := g.bucketsWith(awsfacts.TypeBucketPublicAccessBlock)
	var out []finding
	for _, i := range g.buckets() {
		urn := g.resources[i].URN
		if _, ok := withPAB[urn]; !ok {
			out = append(out, finding{urn: urn, outcome: fail, msg: fmt.Sprintf(
				"Bucket %s has no aws.s3.BucketPublicAccessBlock; AWS blocks public access on new buckets by "+
					"default, but an explicit block keeps it that way if account settings change.", urn.Name())})
		}
	}
	return out
}
