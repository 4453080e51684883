package pack

import "github.com/keyless-ecs/railsapp/internal/awscreds"

// credentialsIn is the pack's one credential scan of a value: every check that looks for keys in
// a value calls it, so the scanner can change without touching the policies. name is what the
// value sits under (a property path, a variable or config key; "" when none), which a scanner
// may use to recognise a secret key that stands alone.
func credentialsIn(name, value string) []awscreds.Finding {
	return awscreds.Scan(value)
}
