package awsfacts

var accountIDRe = lazyMustCompile(`^\d{12}$`)

// IsAccountID reports whether s is an AWS account ID (12 digits).
func IsAccountID(s string) bool { return accountIDRe.MatchString(s) }

// PartitionOfARN returns the partition an ARN names, or "" when s is not an ARN.
func PartitionOfARN(s string) string {
	a, err := ParseARN(s)
	if err != nil {
		return ""
	}
	return a.Partition
}
