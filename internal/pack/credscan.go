package pack

import (
	"slices"
	"strings"

	"github.com/keyless-ecs/railsapp/internal/awscreds"
)

// The pack's one credential scan: every check that looks for AWS keys in a value, a text, a
// command or a name calls these, so the scanner can change without touching the policies.

// credentialsIn scans a value kept under a name (a property key, a variable or parameter name, a
// config key; "" when none): the name lets a secret access key stand alone when it says so.
func credentialsIn(name, value string) []awscreds.Finding {
	return awscreds.ScanNamed(name, value)
}

// credentialsInText scans a string that may be a file (an asset, a script, a .env, a JSON or YAML
// config): credential-shaped values, and credential names assigned a value, whatever the value.
func credentialsInText(text string) []awscreds.TextFinding {
	return awscreds.ScanText(text)
}

// credentialsInArgs scans a list of strings as a command: each string as text, each under the
// name of the one before it (--aws-secret-access-key <key>).
func credentialsInArgs(args []string) []awscreds.ArgFinding {
	return awscreds.ScanArgs(args)
}

// credentialNameKind says what a name (a variable, a map key, a parameter name) is meant to hold.
type credentialNameKind int

const (
	notCredentialName credentialNameKind = iota
	// sdkCredentialName is a variable the AWS SDKs read static credentials from (or one the
	// organization forbids): set at all, it takes the place of the task role.
	sdkCredentialName
	// keyCredentialName is any other name meant to hold an AWS key (S3_SECRET_ACCESS_KEY,
	// awsSecretKey, /app/aws_secret_access_key): its value is scanned as a key, and a value the
	// pack cannot see is taken for one.
	keyCredentialName
)

// classifyCredentialName tells what a name is meant to hold; extra are the organization's
// further forbidden variable names.
func classifyCredentialName(name string, extra []string) credentialNameKind {
	switch {
	case name == "":
		return notCredentialName
	case len(extra) > 0 && isNameIn(extra, name):
		return sdkCredentialName
	case !awscreds.IsCredentialName(name):
		// Every name the SDKs read is a credential name too (a test keeps it so); most names
		// are neither, and IsCredentialName tells that fastest.
		return notCredentialName
	case awscreds.IsCredentialEnvName(name):
		return sdkCredentialName
	}
	return keyCredentialName
}

// isNameIn reports whether name, trimmed, is in list, ignoring case.
func isNameIn(list []string, name string) bool {
	n := strings.TrimSpace(name)
	return slices.ContainsFunc(list, func(c string) bool { return strings.EqualFold(n, strings.TrimSpace(c)) })
}
