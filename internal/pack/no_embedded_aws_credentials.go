package pack

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/keyless-ecs/railsapp/internal/awsfacts"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// credentialsConfig is the config of no-embedded-aws-credentials.
type credentialsConfig struct {
	ExtraForbiddenEnvNames []string `json:"extraForbiddenEnvNames"`
	ScanAllStringInputs    bool     `json:"scanAllStringInputs"`
}

// noEmbeddedCredentialsPolicy blocks static AWS credentials anywhere in a stack: IAM access keys,
// keys on the aws provider or in stack config, credential names in containers, Lambda
// environments and parameters, and credential-shaped values in any string, map key, asset or
// archive file. Values are inspected (secrets included) but never shown: messages carry at most a
// key ID's first four characters.
var noEmbeddedCredentialsPolicy = newPolicy(spec[credentialsConfig]{
	info: AnalyzerPolicyInfo{
		Name:        NoEmbeddedAWSCredentials,
		DisplayName: "No embedded AWS access keys",
		Description: "No aws.iam.AccessKey resources, no accessKey/secretKey/token on an aws provider or in " +
			"aws: stack config, no variable or name meant for an AWS key in a container definition, Lambda " +
			"environment, SSM parameter or any input, and no access-key-shaped value in any string, map key, " +
			"asset or archive file of any resource.",
		Message: "Use IAM roles instead of keys: the ECS task role for the application, OIDC or an assumed role " +
			"for deployments. Remove the key and rotate it if it was ever real.",
		EnforcementLevel: apitype.Mandatory,
		Severity:         apitype.PolicySeverityCritical,
		Type:             AnalyzerPolicyTypeResource,
		Tags:             []string{"iam", "credentials", "secrets"},
		RemediationSteps: "1. Delete the aws.iam.AccessKey, provider keys, or container variables.\n" +
			"2. Give the ECS task a task role with the permissions it needs; the AWS SDKs pick it up " +
			"automatically.\n3. For deployments, use `pulumi` with an assumed role or OIDC (aws:assumeRole, " +
			"AWS_PROFILE on the deployer machine), not keys in config.\n4. Deactivate and rotate any key that " +
			"was committed or deployed.",
		ConfigSchema: &AnalyzerPolicyConfigSchema{Properties: map[string]JSONSchema{
			"extraForbiddenEnvNames": stringListSchema(
				"Further variable names to forbid wherever a name is set (container environment and secrets, "+
					"Lambda environment, name/value pairs, map keys), compared case-insensitively.", nil),
			"scanAllStringInputs": boolSchema(
				"Scan every input of every resource (strings, map keys, assets and archives) for credentials, "+
					"not only containers, Lambda environments, SSM parameters, providers and stack config.", true),
		}},
	},
	types:         nil, // every resource: any string input may hold a key
	checkResource: checkEmbeddedCredentials,
})

// providerCredentialKeys are the aws provider inputs that carry static credentials.
var providerCredentialKeys = []resource.PropertyKey{"accessKey", "secretKey", "token"}

func checkEmbeddedCredentials(rc *resourceCtx, c *credentialsConfig) []finding {
	w := newCredWalk(c.ExtraForbiddenEnvNames)
	defer w.release()
	props := rc.Properties
	var skip []resource.PropertyKey
	scanAll := c.ScanAllStringInputs

	switch string(rc.Type) {
	case awsfacts.TypeAccessKey:
		w.add("aws.iam.AccessKey creates a long-lived access key for an IAM user.")
	case awsfacts.TypeProvider:
		for _, k := range providerCredentialKeys {
			if v := getString(props, k); v.state == unknown || (v.known() && v.s != "") {
				w.add(fmt.Sprintf("The aws provider sets %q (static credentials%s).", k, stackConfigHint(rc.URN, k)))
			}
		}
		skip = providerCredentialKeys
	case awsfacts.TypeStack:
		w.stackConfig(rc.stack)
	case awsfacts.TypeTaskDefinition:
		w.containers(&rc.containers)
		skip = []resource.PropertyKey{"containerDefinitions"}
	case awsfacts.TypeLambdaFunction:
		w.key(props, "environment")
		skip = []resource.PropertyKey{"environment"}
	case awsfacts.TypeSSMParameter:
		// A parameter is a name/value pair: its name says what its value is.
		scanAll = true
	}
	if scanAll {
		w.props(props, skip...)
	}
	return w.findings(rc.URN)
}

func stackConfigHint(provider resource.URN, k resource.PropertyKey) string {
	if strings.HasPrefix(provider.Name(), "default") {
		return fmt.Sprintf(", from stack config aws:%s", k)
	}
	return ""
}

// stackConfigKeys are the aws provider's credential settings in stack config.
var stackConfigKeys = []string{"aws:accessKey", "aws:secretKey", "aws:token"}

// stackConfig checks the stack config sent by ConfigureStack (preview and up only): every key
// and value, as the walk reads inputs.
func (w *credWalk) stackConfig(sc *StackConfig) {
	if sc == nil {
		return
	}
	w.label, w.root = "Stack config", "The stack config"
	defer func() { w.label, w.root = inputLabel, resourceRoot }()
	for _, k := range slices.Sorted(maps.Keys(sc.Config)) {
		v := sc.Config[k]
		if slices.Contains(stackConfigKeys, k) {
			if v != "" {
				w.add(fmt.Sprintf("Stack config sets %s (static credentials for the default aws provider).", k))
			}
			continue
		}
		w.pushKey(k)
		w.mapKey(k)
		w.value(resource.NewStringProperty(v), w.under(k), false)
		w.pop()
	}
}

// containers reads a task definition's container definitions: every field of every container,
// each under its JSON path, and each variable under its name.
func (w *credWalk) containers(c *containersOnce) {
	t := c.tree()
	switch t.state {
	case missing:
		return
	case unknown:
		w.undecided = append(w.undecided, "containerDefinitions is not known yet (it is built from other "+
			"resources' outputs); the pack reads every container field for credentials in the update, when it is known.")
		return
	}
	w.pushKey("containerDefinitions")
	defer w.pop()
	if _, _, err := c.get(); err != nil {
		w.add("The task definition's " + err.Error() + "; the pack cannot verify that no credential variable is set.")
	}
	if t.err != nil && t.text != "" {
		w.text(t.text, under{}, t.secret, true) // not JSON: still read as text
		return
	}
	w.value(t.value, w.under("containerDefinitions"), t.secret)
}

// key walks one top-level input.
func (w *credWalk) key(props resource.PropertyMap, k resource.PropertyKey) {
	v, ok := props[k]
	if !ok {
		return
	}
	w.pushKey(string(k))
	w.value(v, w.under(string(k)), false)
	w.pop()
}

// findings turns what the walk found into at most two findings: the violations, and what the
// pack cannot decide yet.
func (w *credWalk) findings(urn resource.URN) []finding {
	var out []finding
	if len(w.msgs) > 0 {
		lines := w.msgs
		if len(lines) > maxCredLines {
			lines = append(lines[:maxCredLines:maxCredLines], fmt.Sprintf("… and %d more.", len(w.msgs)-maxCredLines))
		}
		out = append(out, finding{urn: urn, outcome: fail, msg: strings.Join(lines, "\n")})
	}
	if w.files.capped {
		w.undecided = append(w.undecided, w.capNote())
	}
	if len(w.undecided) > 0 {
		out = append(out, finding{urn: urn, outcome: cannotDecide, msg: strings.Join(w.undecided, "\n")})
	}
	return out
}
