package awsfacts

import "testing"

func TestLazyRegexp(t *testing.T) {
	re := lazyMustCompile(`^a{1,3}$`)
	if !re.MatchString("aa") || re.MatchString("aaaa") || re.MatchString("") {
		t.Error("lazyRegexp matches differently from its pattern")
	}
	// Every pattern of the package compiles (a bad one would only panic on first use).
	for _, r := range []*lazyRegexp{taskNameRe, roleNameRe, policyNameRe, roleUniqueIDRe, kmsKeyIDRe,
		regionRe, bucketCharsRe, ipv4Re, ssmParameterNameRe, secretNameRe, secretSuffixRe, secretVersionIDRe} {
		r.MatchString("")
	}
}
