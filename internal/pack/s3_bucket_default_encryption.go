package pack

import (
	"fmt"

	"github.com/keyless-ecs/railsapp/internal/awsfacts"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

// bucketEncryptionPolicy asks for an explicit default-encryption configuration (checkov CKV_AWS_19,
// Security Hub S3.4). S3 encrypts new objects with SSE-S3 since January 2023, so this is low
// severity: it documents intent and keeps scanners quiet.
var s3BucketEncryptionPolicy = newPolicy(spec[noConfig]{
	info: AnalyzerPolicyInfo{
		Name:        S3BucketEncryption,
		DisplayName: "S3 buckets declare default encryption",
		Description: "Every bucket has a server-side encryption configuration whose default algorithm is " +
			"AES256, aws:kms or aws:kms:dsse.",
		Message:          "Add aws.s3.BucketServerSideEncryptionConfigurationV2 (AES256, or aws:kms with bucketKeyEnabled).",
		EnforcementLevel: apitype.Advisory,
		Severity:         apitype.PolicySeverityLow,
		Type:             AnalyzerPolicyTypeResource,
		Tags:             []string{"s3", "encryption"},
		RemediationSteps: "Add aws.s3.BucketServerSideEncryptionConfigurationV2 with " +
			"rules[0].applyServerSideEncryptionByDefault.sseAlgorithm = \"AES256\" (or \"aws:kms\" with a key).",
	},
	types:         []string{awsfacts.TypeBucketSSEV2, awsfacts.TypeBucketSSE},
	checkResource: checkBucketEncryption,
	checkStack:    stackBucketEncryption,
})

var validSSE = map[string]bool{"AES256": true, "aws:kms": true, "aws:kms:dsse": true}

func checkBucketEncryption(rc *resourceCtx, _ *noConfig) []finding {
	rules, _ := getObjects(rc.Properties, "rules")
	for _, r := range rules {
		defs, _ := getObjects(r, "applyServerSideEncryptionByDefault")
		for _, d := range defs {
			if a := getString(d, "sseAlgorithm"); a.known() && !validSSE[a.s] {
				return []finding{{urn: rc.URN, outcome: fail, msg: fmt.Sprintf("Default encryption algorithm %q is not one of AES256, aws:kms, aws:kms:dsse.", a.s)}}
			}
		}
	}
	return nil
}

func stackBucketEncryption(g *stackCtx, _ *noConfig) []finding {
	withSSE := g.bucketsWith(awsfacts.TypeBucketSSEV2, awsfacts.TypeBucketSSE)
	var out []finding
	for _, i := range g.buckets() {
		r := &g.resources[i]
		if _, ok := withSSE[r.URN]; ok {
			continue
		}
		if inline, _ := getObjects(r.Properties, "serverSideEncryptionConfiguration"); len(inline) > 0 {
			continue
		}
		if inline, _ := getObjects(r.Properties, "serverSideEncryptionConfigurations"); len(inline) > 0 {
			continue
		}
		out = append(out, finding{urn: r.URN, outcome: fail, msg: fmt.Sprintf("Bucket %s has no default encryption configuration.", r.URN.Name())})
	}
	return out
}
