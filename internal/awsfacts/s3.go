package awsfacts

import (
	"fmt"
	"strings"
)

// Bucket name limits and reserved affixes of general purpose buckets (S3 user guide, "General
// purpose bucket naming rules").
const (
	MinBucketNameLength = 3
	MaxBucketNameLength = 63
)

var (
	reservedBucketPrefixes = []string{"xn--", "sthree-", "amzn-s3-demo-"}
	reservedBucketSuffixes = []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"}
	bucketCharsRe          = lazyMustCompile(`^[a-z0-9][a-z0-9.-]*[a-z0-9]$`)
	ipv4Re                 = lazyMustCompile(`^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$`)
)

// BucketNameProblem returns why name breaks S3's general purpose bucket naming rules, or "".
func BucketNameProblem(name string) string {
	switch {
	case len(name) < MinBucketNameLength || len(name) > MaxBucketNameLength:
		return fmt.Sprintf("it must be %d to %d characters long", MinBucketNameLength, MaxBucketNameLength)
	case !bucketCharsRe.MatchString(name):
		return "use only lowercase letters, digits, '.' and '-', and begin and end with a letter or digit"
	case strings.Contains(name, ".."):
		return "it must not contain two adjacent periods"
	case strings.Contains(name, ".-") || strings.Contains(name, "-."):
		return "a period must not be next to a hyphen"
	case ipv4Re.MatchString(name):
		return "it must not be formatted as an IP address"
	}
	for _, p := range reservedBucketPrefixes {
		if strings.HasPrefix(name, p) {
			return fmt.Sprintf("the prefix %q is reserved", p)
		}
	}
	for _, s := range reservedBucketSuffixes {
		if strings.HasSuffix(name, s) {
			return fmt.Sprintf("the suffix %q is reserved", s)
		}
	}
	return ""
}
