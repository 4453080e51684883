package pack

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/keyless-ecs/railsapp/internal/awscreds"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
)

// noEmbeddedCredentialsPolicy blocks static AWS credentials anywhere in a stack: IAM access keys,
// keys on the aws provider or in stack config, credential variables in containers, and
// credential-shaped values in any string input. Values are inspected (secrets included) but
// never shown: messages carry at most a key ID's first four characters.
var noEmbeddedCredentialsPolicy = &policy{
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
			propExtraForbiddenEnvNames: stringListSchema(
				"Further container environment/secret names to forbid (compared case-insensitively).", nil),
			propScanAllStringInputs: boolSchema(
				"Scan every string input of every resource for credential-shaped values.", true),
		}},
	},
	analyze: analyzeEmbeddedCredentials,
}

// providerCredentialKeys are the aws provider inputs that carry static credentials.
var providerCredentialKeys = []resource.PropertyKey{"accessKey", "secretKey", "token"}

func analyzeEmbeddedCredentials(rc *resourceCtx) []finding {
	var msgs []string
	typ := string(rc.Type)
	skipScan := map[string]bool{}

	switch typ {
	case typeAccessKey:
		msgs = append(msgs, "aws.iam.AccessKey creates a long-lived access key for an IAM user.")
	case typeAWSProvider:
		for _, k := range providerCredentialKeys {
			if v := getString(rc.Properties, k); v.state == unknown || (v.known() && v.s != "") {
				msgs = append(msgs, fmt.Sprintf("The aws provider sets %q (static credentials%s).", k, stackConfigHint(rc.URN, k)))
				skipScan[string(k)] = true
			}
		}
	case typeStack:
		msgs = append(msgs, stackConfigFindings(rc.stack)...)
	case typeTaskDefinition:
		m, scanned := containerCredentialFindings(rc)
		msgs = append(msgs, m...)
		if scanned {
			skipScan["containerDefinitions"] = true
		}
	case "aws:lambda/function:Function":
		if envs, _ := getObjects(rc.Properties, "environment"); len(envs) > 0 {
			if vars, ok := envs[0]["variables"]; ok {
				if plain, known := toPlain(vars); known {
					if mv, ok := plain.(map[string]any); ok {
						for _, name := range sortedKeys(mv) {
							if rc.forbiddenEnvName(name) {
								msgs = append(msgs, fmt.Sprintf("environment.variables sets %s.", name))
							}
						}
					}
				}
			}
		}
	}

	if rc.settings.scanAllStringInputs {
		msgs = append(msgs, scanProps(rc.Properties, skipScan)...)
	}
	if len(msgs) == 0 {
		return nil
	}
	return []finding{{urn: rc.URN, msg: strings.Join(msgs, "\n")}}
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
	for _, k := range sortedKeys(sc.Config) {
		v := sc.Config[k]
		switch k {
		case "aws:accessKey", "aws:secretKey", "aws:token":
			if v != "" {
				msgs = append(msgs, fmt.Sprintf("Stack config sets %s (static credentials for the default aws provider).", k))
			}
			continue
		}
		for _, f := range awscreds.Scan(v) {
			msgs = append(msgs, fmt.Sprintf("Stack config %s holds a value shaped like an AWS %s (%s).", k, f.Kind, f.Redacted))
		}
	}
	return msgs
}

func (rc *resourceCtx) forbiddenEnvName(name string) bool {
	if awscreds.IsCredentialEnvName(name) {
		return true
	}
	n := strings.TrimSpace(name)
	for _, extra := range rc.settings.extraForbiddenEnvNames {
		if strings.EqualFold(n, strings.TrimSpace(extra)) {
			return true
		}
	}
	return false
}

// container is the part of an ECS container definition the pack reads.
type container struct {
	Name        string `json:"name"`
	Environment []struct {
		Name  string `json:"name"`
		Value any    `json:"value"`
	} `json:"environment"`
	Secrets []struct {
		Name      string `json:"name"`
		ValueFrom string `json:"valueFrom"`
	} `json:"secrets"`
	EnvironmentFiles []struct {
		Value string `json:"value"`
	} `json:"environmentFiles"`
}

// containerDefs parses a task definition's containerDefinitions (a JSON string, or already a
// list). state is unknown during preview when the JSON interpolates other resources' outputs.
func containerDefs(props resource.PropertyMap) ([]container, valueState, error) {
	v, ok := props["containerDefinitions"]
	if !ok {
		return nil, missing, nil
	}
	plain, isKnown := toPlain(v)
	if !isKnown {
		return nil, unknown, nil
	}
	var raw []byte
	switch x := plain.(type) {
	case string:
		raw = []byte(x)
	case nil:
		return nil, missing, nil
	default:
		b, err := json.Marshal(x)
		if err != nil {
			return nil, known, fmt.Errorf("containerDefinitions: %w", err)
		}
		raw = b
	}
	var cs []container
	if err := json.Unmarshal(raw, &cs); err != nil {
		return nil, known, fmt.Errorf("containerDefinitions is not a JSON list of container definitions: %s", jsonErr(err))
	}
	return cs, known, nil
}

// jsonErr shortens a JSON error without echoing input (json errors never include values, but
// keep them terse).
func jsonErr(err error) string { return err.Error() }

func containerCredentialFindings(rc *resourceCtx) ([]string, bool) {
	cs, state, err := containerDefs(rc.Properties)
	switch {
	case state == unknown:
		return nil, false // nothing to read yet; scanned again at update with known values
	case err != nil:
		return []string{"The task definition's " + err.Error() + "; the pack cannot verify that no credential variable is set."}, false
	}
	var msgs []string
	for _, c := range cs {
		for _, e := range c.Environment {
			if rc.forbiddenEnvName(e.Name) {
				msgs = append(msgs, fmt.Sprintf("Container %q sets environment variable %s.", c.Name, e.Name))
			}
			if s, ok := e.Value.(string); ok {
				for _, f := range awscreds.Scan(s) {
					msgs = append(msgs, fmt.Sprintf("Container %q environment variable %s holds a value shaped like an AWS %s (%s).",
						c.Name, e.Name, f.Kind, f.Redacted))
				}
			}
		}
		for _, s := range c.Secrets {
			if rc.forbiddenEnvName(s.Name) {
				msgs = append(msgs, fmt.Sprintf("Container %q injects secret %s: the AWS SDK would use it instead of the task role.", c.Name, s.Name))
			}
		}
	}
	return msgs, true
}

// scanProps runs the credential scanner over every string input (secrets unwrapped), skipping
// the top-level keys in skip, and reports each finding with its property path.
func scanProps(props resource.PropertyMap, skip map[string]bool) []string {
	var msgs []string
	for _, k := range props.StableKeys() {
		if skip[string(k)] {
			continue
		}
		walkStrings(string(k), props[k], func(path, s string, secret bool) {
			for _, f := range awscreds.Scan(s) {
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

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
