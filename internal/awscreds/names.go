// Package awscreds knows what an AWS credential looks like: the environment variable names the
// AWS SDKs read static credentials from, and (scan.go) credential-shaped values inside strings.
// The component uses it to reject bad config before anything is registered; the policy pack uses
// it to block deployments, so both sides agree on one list.
package awscreds

import "strings"

// credentialEnvNames are the environment variables from which the AWS SDKs (the Ruby SDK's
// env_credentials provider reads all eight) take static credentials. Any of them set in a
// container makes the SDK ignore the ECS task role.
var credentialEnvNames = []string{
	"AWS_ACCESS_KEY_ID",
	"AWS_SECRET_ACCESS_KEY",
	"AWS_SESSION_TOKEN",
	"AMAZON_ACCESS_KEY_ID",
	"AMAZON_SECRET_ACCESS_KEY",
	"AMAZON_SESSION_TOKEN",
	"AWS_ACCESS_KEY",
	"AWS_SECRET_KEY",
}

// CredentialEnvNames returns a copy of the built-in list of credential variable names.
func CredentialEnvNames() []string { return append([]string(nil), credentialEnvNames...) }

// IsCredentialEnvName reports whether name is one of the built-in credential variable names
// (compared case-insensitively: environment names on Linux are case-sensitive, but a
// lower-case variant in a task definition is a mistake worth the same refusal).
func IsCredentialEnvName(name string) bool {
	return isEnvNameIn(credentialEnvNames, name)
}

// isEnvNameIn reports whether name, trimmed and upper-cased, is in the list.
func isEnvNameIn(list []string, name string) bool {
	n := strings.ToUpper(strings.TrimSpace(name))
	for _, c := range list {
		if n == c {
			return true
		}
	}
	return false
}
