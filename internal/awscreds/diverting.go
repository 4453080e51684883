package awscreds

import "slices"

// chainDivertingEnvNames are variables that make the AWS SDKs take credentials from somewhere
// other than the ECS task role (a profile, a web identity, another container endpoint) even when
// no key is set. They are not keys themselves, so they warrant a warning rather than a block.
var chainDivertingEnvNames = []string{
	"AWS_PROFILE",
	"AWS_DEFAULT_PROFILE",
	"AWS_SHARED_CREDENTIALS_FILE",
	"AWS_CONFIG_FILE",
	"AWS_ROLE_ARN",
	"AWS_WEB_IDENTITY_TOKEN_FILE",
	"AWS_CONTAINER_CREDENTIALS_FULL_URI",
	"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
	"AWS_CONTAINER_AUTHORIZATION_TOKEN",
}

// ChainDivertingEnvNames returns a copy of the list of variables that divert the SDK credential
// chain away from the task role.
func ChainDivertingEnvNames() []string { return slices.Clone(chainDivertingEnvNames) }

// IsChainDivertingEnvName reports whether name (case-insensitively) diverts the credential chain.
func IsChainDivertingEnvName(name string) bool {
	return isEnvNameIn(chainDivertingEnvNames, name)
}
