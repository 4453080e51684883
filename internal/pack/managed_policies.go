package pack

import (
	"fmt"
	"slices"
	"strings"

	"github.com/keyless-ecs/railsapp/internal/awsfacts"
)

// managedPolicyVerdict is the pack's one judgement of a managed policy known only by its ARN.
// decided is false for a customer managed policy the configuration does not name: its document
// must come from the stack. An AWS managed policy the pack does not know is never "no S3": it is
// reported as not verifiable (docUnknown), because AWS adds managed policies every week and
// hundreds of them grant S3.
//
// The lists below are a stopgap: they are to be replaced by a table generated from AWS's own
// managed policy documents. Those granting S3 are from the pack's first release; those known not
// to grant S3 are the ones execution roles commonly carry, each checked against AWS's documents
// (August 2026): none allows an action of the S3 family.
func managedPolicyVerdict(id awsfacts.IAMRef, arn string, extra []string) (v docVerdict, decided bool) {
	configured := slices.ContainsFunc(extra, func(e string) bool {
		e = strings.TrimSpace(e)
		return strings.EqualFold(e, arn) || (id.Account == awsfacts.AWSManagedPolicyAccount && strings.EqualFold(e, id.Name))
	})
	switch {
	case configured:
		return docVerdict{state: docGrantsS3, detail: fmt.Sprintf("managed policy %s is configured (extraS3ManagedPolicyArns) as granting S3", id.Name)}, true
	case id.Account != awsfacts.AWSManagedPolicyAccount:
		return docVerdict{}, false
	case containsFold(awsManagedGrantingS3, id.Name):
		return docVerdict{state: docGrantsS3, detail: fmt.Sprintf("AWS managed policy %s grants S3", id.Name)}, true
	case containsFold(awsManagedWithoutS3, id.Name):
		return docVerdict{state: docNoS3}, true
	}
	return docVerdict{state: docUnknown, detail: fmt.Sprintf(
		"AWS managed policy %s is not one the pack knows, so it cannot verify that it grants no S3 "+
			"(add it to extraS3ManagedPolicyArns if it does)", id.Name)}, true
}

var awsManagedGrantingS3 = []string{
	"AmazonS3FullAccess", "AmazonS3ReadOnlyAccess", "AmazonS3OutpostsFullAccess",
	"AmazonS3OutpostsReadOnlyAccess", "AmazonS3ObjectLambdaExecutionRolePolicy", "AmazonS3TablesFullAccess",
	"AdministratorAccess", "PowerUserAccess", "ReadOnlyAccess", "ViewOnlyAccess", "DataScientist",
	"AWSDataSyncFullAccess", "AmazonElasticMapReduceFullAccess",
}

var awsManagedWithoutS3 = []string{
	awsfacts.ExecutionRolePolicyName, "AmazonEC2ContainerRegistryReadOnly", "AmazonEC2ContainerRegistryPullOnly",
	"CloudWatchLogsFullAccess", "CloudWatchAgentServerPolicy", "AmazonSSMReadOnlyAccess", "AWSXrayWriteOnlyAccess",
}

func containsFold(list []string, s string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, s) })
}
