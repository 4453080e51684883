package pack

import (
	"fmt"

	"github.com/keyless-ecs/railsapp/internal/awsfacts"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

// bucketTLSOnlyPolicy warns about buckets that accept plain HTTP (AWS Config
// s3-bucket-ssl-requests-only / Security Hub S3.5, cdk-nag S10, KICS 4bc4dd4c).
var s3BucketTLSOnlyPolicy = newPolicy(spec[noConfig]{
	info: AnalyzerPolicyInfo{
		Name:        S3BucketTLSOnly,
		DisplayName: "S3 buckets deny requests without TLS",
		Description: "Every bucket has a bucket policy with a Deny statement for Principal \"*\", all S3 actions, " +
			"on the bucket and bucket/*, when aws:SecureTransport is false.",
		Message:          "Add the DenyInsecureTransport statement to the bucket policy; the Ruby AWS SDK and presigned URLs already use HTTPS.",
		EnforcementLevel: apitype.Advisory,
		Severity:         apitype.PolicySeverityMedium,
		Type:             AnalyzerPolicyTypeResource,
		Tags:             []string{"s3", "tls"},
		RemediationSteps: "Add aws.s3.BucketPolicy with {\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\"," +
			"\"Resource\":[\"arn:aws:s3:::<bucket>\",\"arn:aws:s3:::<bucket>/*\"],\"Condition\":{\"Bool\":" +
			"{\"aws:SecureTransport\":\"false\"}}}.",
	},
	types:         []string{awsfacts.TypeBucketPolicy},
	checkResource: checkBucketTLS,
	checkStack:    stackBucketTLS,
})

func checkBucketTLS(rc *resourceCtx, _ *noConfig) []finding {
	dv := rc.docs.judgeValue(rc.Properties, "policy")
	switch {
	case dv.state == docAbsent || dv.state == docUnknown:
		return nil
	case dv.state == docMalformed:
		return []finding{{urn: rc.URN, outcome: fail, msg: "The bucket policy cannot be read, so it cannot deny insecure transport: " + dv.detail}}
	case !dv.doc.DeniesInsecureTransport(""):
		return []finding{{urn: rc.URN, outcome: fail, msg: "The bucket policy has no Deny statement for requests where aws:SecureTransport is false."}}
	}
	return nil
}

func stackBucketTLS(g *stackCtx, _ *noConfig) []finding {
	withPolicy := g.bucketsWith(awsfacts.TypeBucketPolicy)
	var out []finding
	for _, i := range g.buckets() {
		r := &g.resources[i]
		arn := getString(r.Properties, "arn")
		pi, ok := withPolicy[r.URN]
		if !ok {
			// Legacy inline policy on the bucket itself.
			if dv := g.docs.judgeValue(r.Properties, "policy"); dv.doc != nil && dv.doc.DeniesInsecureTransport(arn.s) {
				continue
			}
			out = append(out, finding{urn: r.URN, outcome: fail, msg: fmt.Sprintf("Bucket %s has no bucket policy denying requests without TLS.", r.URN.Name())})
			continue
		}
		if !arn.known() {
			continue
		}
		dv := g.docs.judgeValue(g.resources[pi].Properties, "policy")
		if dv.doc != nil && dv.doc.DeniesInsecureTransport("") && !dv.doc.DeniesInsecureTransport(arn.s) {
			out = append(out, finding{urn: g.resources[pi].URN, outcome: fail, msg: fmt.Sprintf(
				"The TLS-only statement of the policy for bucket %s does not cover both the bucket and bucket/*.", r.URN.Name())})
		}
	}
	return out
}
