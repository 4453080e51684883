package awsfacts

// IsAccountID reports whether s is an AWS account ID (12 digits). A loop, not a regexp: the pack
// calls it for every principal it reads.
func IsAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
