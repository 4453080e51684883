package pack

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/keyless-ecs/railsapp/internal/awscreds"
	"github.com/keyless-ecs/railsapp/internal/awsfacts"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
)

// credentialsConfig is the config of no-embedded-aws-credentials.
type credentialsConfig struct {
	ExtraForbiddenEnvNames []string `json:"extraForbiddenEnvNames"`
	ScanAllStringInputs    bool     `json:"scanAllStringInputs"`
}

// noEmbeddedCredentialsPolicy blocks static AWS credentials anywhere in a stack: IAM access keys,
// keys on the aws provider or in stack config, credential variables in containers, and
// credential-shaped values in any string input. Values are inspected (secrets included) but
// never shown: messages carry at most a key ID's first four characters.
var noEmbeddedCredentialsPolicy = newPolicy(spec[credentialsConfig]{
	info: plugin.AnalyzerPolicyInfo{
		Name:        NoEmbeddedAWSCredentials,
		DisplayName: "No embedded AWS access keys",
		Description: "No aws.iam.AccessKey resources, no accessKey/secretKey/token on an aws provider or in " +
			"aws: stack config, no container environment or secrets named like AWS SDK credential variables, " +
			"and no access-key-shaped value in any string input.",
		Message: "Use IAM roles instead of keys: the ECS task role for the application, OIDC or an assumed role " +
			"for deployments. Remove the key and rotate it if it was ever real.",
		EnforcementLevel: apitype.Mandatory,
		Severity:         apitype.PolicySeverityCritical,
		Type:             plugin.AnalyzerPolicyTypeResource,
		Tags:             []string{"iam", "credentials", "secrets"},
		RemediationSteps: "1. Delete the aws.iam.AccessKey, provider keys, or container variables.\n" +
			"2. Give the ECS task a task role with the permissions it needs; the AWS SDKs pick it up " +
			"automatically.\n3. For deployments, use `pulumi` with an assumed role or OIDC (aws:assumeRole, " +
			"AWS_PROFILE on the deployer machine), not keys in config.\n4. Deactivate and rotate any key that " +
			"was committed or deployed.",
		ConfigSchema: &plugin.AnalyzerPolicyConfigSchema{Properties: map[string]plugin.JSONSchema{
			"extraForbiddenEnvNames": stringListSchema(
				"Further container environment/secret names to forbid (compared case-insensitively).", nil),
			"scanAllStringInputs": boolSchema(
				"Scan every string input of every resource for credential-shaped values.", true),
		}},
	},
	types:         nil, // every resource: any string input may hold a key
	checkResource: checkEmbeddedCredentials,
})

// providerCredentialKeys are the aws provider inputs that carry static credentials.
var providerCredentialKeys = []resource.PropertyKey{"accessKey", "secretKey", "token"}

func checkEmbeddedCredentials(rc *resourceCtx, c *credentialsConfig) []finding {
	var msgs []string
	skipScan := map[string]bool{}

	switch string(rc.Type) {
	case awsfacts.TypeAccessKey:
		msgs = append(msgs, "aws.iam.AccessKey creates a long-lived access key for an IAM user.")
	case awsfacts.TypeProvider:
		for _, k := range providerCredentialKeys {
			if v := getString(rc.Properties, k); v.state == unknown || (v.known() && v.s != "") {
				msgs = append(msgs, fmt.Sprintf("The aws provider sets %q (static credentials%s).", k, stackConfigHint(rc.URN, k)))
				skipScan[string(k)] = true
			}
		}
	case awsfacts.TypeStack:
		msgs = append(msgs, stackConfigFindings(rc.stack)...)
	case awsfacts.TypeTaskDefinition:
		m, scanned := c.containerFindings(&rc.containers)
		msgs = append(msgs, m...)
		if scanned {
			skipScan["containerDefinitions"] = true
		}
	case awsfacts.TypeLambdaFunction:
		if envs, _ := getObjects(rc.Properties, "environment"); len(envs) > 0 {
			if vars, ok := envs[0]["variables"]; ok {
				if plain, known := toPlain(vars); known {
					if mv, ok := plain.(map[string]any); ok {
						for _, name := range slices.Sorted(maps.Keys(mv)) {
							if c.forbiddenEnvName(name) {
								msgs = append(msgs, fmt.Sprintf("environment.variables sets %s.", name))
							}
						}
					}
				}
			}
		}
	}

	if c.ScanAllStringInputs {
		msgs = append(msgs, scanProps(rc.Properties, skipScan)...)
	}
	if len(msgs) == 0 {
		return nil
	}
	return []finding{{urn: rc.URN, outcome: fail, msg: strings.Join(msgs, "\n")}}
}

func stackConfigHint(provider resource.URN, k resource.PropertyKey) string {
	if strings.HasPrefix(provider.Name(), "default") {
		return fmt.Sprintf(", from stack config aws:%s", k)
	}
	return ""
}

// stackConfigFindings checks the stack config sent by ConfigureStack (preview and up only).
func stackConfigFindings(sc *StackConfig) []string {
	if sc == nil {
		return nil
	}
	var msgs []string
	for _, k := range slices.Sorted(maps.Keys(sc.Config)) {
		v := sc.Config[k]
		switch k {
		case "aws:accessKey", "aws:secretKey", "aws:token":
			if v != "" {
				msgs = append(msgs, fmt.Sprintf("Stack config sets %s (static credentials for the default aws provider).", k))
			}
			continue
		}
		for _, f := range credentialsIn(k, v) {
			msgs = append(msgs, fmt.Sprintf("Stack config %s holds a value shaped like an AWS %s (%s).", k, f.Kind, f.Redacted))
		}
	}
	return msgs
}

func (c *credentialsConfig) forbiddenEnvName(name string) bool {
	if awscreds.IsCredentialEnvName(name) {
		return true
	}
	n := strings.TrimSpace(name)
	return slices.ContainsFunc(c.ExtraForbiddenEnvNames, func(extra string) bool {
		return strings.EqualFold(n, strings.TrimSpace(extra))
	})
}

// containerFindings checks a task definition's containers; scanned is false when the container
// definitions could not be read (so the generic scan still looks at them).
func (c *credentialsConfig) containerFindings(containers *containersOnce) (msgs []string, scanned bool) {
	cs, state, err := containers.get()
	switch {
	case state == unknown:
		return nil, false // nothing to read yet; scanned again at update with known values
	case err != nil:
		return []string{"The task definition's " + err.Error() + "; the pack cannot verify that no credential variable is set."}, false
	}
	for _, ct := range cs {
		for _, e := range ct.Environment {
			if c.forbiddenEnvName(e.Name) {
				msgs = append(msgs, fmt.Sprintf("Container %q sets environment variable %s.", ct.Name, e.Name))
			}
			if s, ok := e.Value.(string); ok {
				for _, f := range credentialsIn(e.Name, s) {
					msgs = append(msgs, fmt.Sprintf("Container %q environment variable %s holds a value shaped like an AWS %s (%s).",
						ct.Name, e.Name, f.Kind, f.Redacted))
				}
			}
		}
		for _, s := range ct.Secrets {
			if c.forbiddenEnvName(s.Name) {
				msgs = append(msgs, fmt.Sprintf("Container %q injects secret %s: the AWS SDK would use it instead of the task role.", ct.Name, s.Name))
			}
		}
	}
	return msgs, true
}

// scanProps runs the credential scan over every string input (secrets unwrapped), skipping the
// top-level keys in skip, and reports each finding with its property path.
func scanProps(props resource.PropertyMap, skip map[string]bool) []string {
	var msgs []string
	for _, k := range props.StableKeys() {
		if skip[string(k)] {
			continue
		}
		walkStrings(string(k), props[k], func(path, s string, secret bool) {
			for _, f := range credentialsIn(path, s) {
				where := path
				if secret {
					where += " (a secret value)"
				}
				msgs = append(msgs, fmt.Sprintf("Input %s holds a value shaped like an AWS %s (%s).", where, f.Kind, f.Redacted))
			}
		})
	}
	return msgs
}
