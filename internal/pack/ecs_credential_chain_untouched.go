package pack

import (
	"fmt"
	"strings"

	"github.com/keyless-ecs/railsapp/internal/awscreds"
	"github.com/keyless-ecs/railsapp/internal/awsfacts"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

// credentialChainPolicy warns about container settings that make the AWS SDKs look for
// credentials somewhere other than the task role (a profile, a web identity, another credentials
// endpoint), and about environment files the pack cannot read.
var ecsCredentialChainPolicy = newPolicy(spec[noConfig]{
	info: AnalyzerPolicyInfo{
		Name:        ECSCredentialChainUntouched,
		DisplayName: "Containers leave the SDK credential chain to the task role",
		Description: "No container sets AWS_PROFILE, AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE, AWS_ROLE_ARN, " +
			"AWS_WEB_IDENTITY_TOKEN_FILE or AWS_CONTAINER_CREDENTIALS_* (ECS sets the latter itself), and no " +
			"container loads environmentFiles, whose contents the pack cannot inspect.",
		Message:          "Remove the variable so the SDK uses the ECS task role; move environment files' values into environment or secrets.",
		EnforcementLevel: apitype.Advisory,
		Severity:         apitype.PolicySeverityMedium,
		Type:             AnalyzerPolicyTypeResource,
		Tags:             []string{"ecs", "credentials"},
		RemediationSteps: "Delete the listed variables from the container definition; for environmentFiles, " +
			"inline the values as environment variables or secrets so they can be checked.",
	},
	types:         []string{awsfacts.TypeTaskDefinition},
	checkResource: checkCredentialChain,
})

func checkCredentialChain(rc *resourceCtx, _ *noConfig) []finding {
	cs, state, err := rc.containers.get()
	if state != known || err != nil {
		return nil
	}
	var msgs []string
	for _, c := range cs {
		for _, e := range c.Environment {
			if awscreds.IsChainDivertingEnvName(e.Name) {
				msgs = append(msgs, fmt.Sprintf("Container %q sets %s.", c.Name, e.Name))
			}
		}
		for _, s := range c.Secrets {
			if awscreds.IsChainDivertingEnvName(s.Name) {
				msgs = append(msgs, fmt.Sprintf("Container %q injects %s.", c.Name, s.Name))
			}
		}
		if len(c.EnvironmentFiles) > 0 {
			msgs = append(msgs, fmt.Sprintf("Container %q loads %d environment file(s) from S3 that the pack cannot inspect for credentials.",
				c.Name, len(c.EnvironmentFiles)))
		}
	}
	if len(msgs) == 0 {
		return nil
	}
	return []finding{{urn: rc.URN, outcome: fail, msg: strings.Join(msgs, "\n")}}
}
