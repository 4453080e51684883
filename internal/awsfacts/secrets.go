package awsfacts

import (
	"fmt"
	"strings"
)

// Actions the ECS task execution role needs to inject a secret into a container.
const (
	SSMGetParameters             = "ssm:GetParameters"
	SecretsManagerGetSecretValue = "secretsmanager:GetSecretValue"
)

const (
	// secretsManagerRandomSuffixLen is the length of the suffix Secrets Manager appends to a
	// secret's name in its ARN (after a hyphen).
	secretsManagerRandomSuffixLen = 6
	maxSSMParameterNameLength     = 1011
)

var (
	// ssmParameterNameRe: letters, digits and _.-/ (SSM PutParameter); hierarchies are paths.
	ssmParameterNameRe = lazyMustCompile(`^[A-Za-z0-9_./-]+$`)
	// secretNameRe: letters, digits and /_+=.@- (Secrets Manager CreateSecret), at most 512.
	secretNameRe = lazyMustCompile(`^[A-Za-z0-9/_+=.@-]{1,512}$`)
	// secretSuffixRe is the "-" and six random characters Secrets Manager appends to a name.
	secretSuffixRe = lazyMustCompile(`-[A-Za-z0-9]{6}$`)
	// secretVersionIDRe: a version ID is 32 to 64 characters (a UUID in practice).
	secretVersionIDRe = lazyMustCompile(`^[A-Za-z0-9-]{32,64}$`)
)

// SecretSource is where ECS reads a container secret from.
type SecretSource string

// The two stores ECS injects secrets from.
const (
	SSMParameter         SecretSource = "ssm"
	SecretsManagerSecret SecretSource = "secretsmanager"
)

// SecretRef is a container definition's secrets[].valueFrom, parsed.
type SecretRef struct {
	Source SecretSource
	// ARN is the parameter's or secret's ARN, without ECS's JSON-key and version fields.
	ARN ARN
	// Partial is true for a Secrets Manager ARN without the random suffix Secrets Manager
	// appends to the name (arn:…:secret:<name> rather than …:secret:<name>-AbCdEf).
	Partial bool
	// JSONKey, VersionStage and VersionID are ECS's optional fields of a Secrets Manager
	// reference (…:secret:<name>-AbCdEf:<json-key>:<version-stage>:<version-id>).
	JSONKey, VersionStage, VersionID string
}

// Action is the IAM action that reads the secret.
func (r SecretRef) Action() string {
	if r.Source == SSMParameter {
		return SSMGetParameters
	}
	return SecretsManagerGetSecretValue
}

// GrantResource is the IAM resource that grants reading the secret. IAM matches a secret's full
// ARN, suffix included, so a partial ARN is granted as <arn>-?????? (AWS's documented pattern):
// granting the partial ARN as written deploys, but the task then fails to start.
func (r SecretRef) GrantResource() string {
	if r.Partial {
		return r.ARN.String() + "-" + strings.Repeat("?", secretsManagerRandomSuffixLen)
	}
	return r.ARN.String()
}

// ParseSecretValueFrom parses what ECS accepts as a secret's valueFrom given as an ARN: an SSM
// parameter ARN (arn:<p>:ssm:<region>:<account>:parameter/<name>) or a Secrets Manager secret
// ARN (arn:<p>:secretsmanager:<region>:<account>:secret:<name>[-<6 chars>]), the latter
// optionally followed by ECS's ":<json-key>:<version-stage>:<version-id>" (fields may be
// empty; a stage and an ID exclude each other).
//
// A Secrets Manager name whose last six characters follow a hyphen is taken as a full ARN, as
// Secrets Manager itself does: such a name cannot be given as a partial ARN.
func ParseSecretValueFrom(s string) (SecretRef, error) {
	a, err := ParseARN(s)
	if err != nil {
		return SecretRef{}, err
	}
	if a.Service != "ssm" && a.Service != "secretsmanager" {
		return SecretRef{}, fmt.Errorf("%q is a %s ARN, not an SSM parameter or Secrets Manager secret", s, a.Service)
	}
	if !IsAccountID(a.AccountID) || !IsRegion(a.Region) {
		return SecretRef{}, fmt.Errorf("%q needs a region and a 12-digit account ID", s)
	}
	if a.Service == "ssm" {
		name, ok := strings.CutPrefix(a.Resource, "parameter/")
		if !ok || !ssmParameterNameRe.MatchString(name) || len(name) > maxSSMParameterNameLength {
			return SecretRef{}, fmt.Errorf("%q does not name an SSM parameter (parameter/<name>)", s)
		}
		return SecretRef{Source: SSMParameter, ARN: a}, nil
	}
	return parseSecretsManagerRef(s, a)
}

// parseSecretsManagerRef parses the resource part of a Secrets Manager valueFrom.
func parseSecretsManagerRef(s string, a ARN) (SecretRef, error) {
	rest, ok := strings.CutPrefix(a.Resource, "secret:")
	if !ok {
		return SecretRef{}, fmt.Errorf("%q does not name a Secrets Manager secret (secret:<name>)", s)
	}
	fields := strings.Split(rest, ":")
	ref := SecretRef{Source: SecretsManagerSecret}
	switch len(fields) {
	case 1:
	case 4:
		ref.JSONKey, ref.VersionStage, ref.VersionID = fields[1], fields[2], fields[3]
	default:
		return SecretRef{}, fmt.Errorf("%q: after the secret's name ECS takes exactly :<json-key>:<version-stage>:<version-id> (each may be empty)", s)
	}
	name := fields[0]
	switch {
	case !secretNameRe.MatchString(name):
		return SecretRef{}, fmt.Errorf("%q does not name a Secrets Manager secret (letters, digits and /_+=.@-)", s)
	case ref.VersionStage != "" && ref.VersionID != "":
		return SecretRef{}, fmt.Errorf("%q gives both a version stage and a version ID; ECS takes one", s)
	case ref.VersionID != "" && !secretVersionIDRe.MatchString(ref.VersionID):
		return SecretRef{}, fmt.Errorf("%q: the version ID must be 32 to 64 letters, digits or '-'", s)
	}
	a.Resource = "secret:" + name
	ref.ARN = a
	ref.Partial = !secretSuffixRe.MatchString(name)
	return ref, nil
}
