package iampolicy

import (
	"fmt"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws/arn"

	"github.com/keyless-ecs/railsapp/internal/awsfacts"
)

// familyARN is the glob of every ARN of a family prefix's resources, in any partition, region and
// account: buckets, objects, access points, jobs, tables, and whatever resource types come next.
func familyARN(prefix string) string { return "arn:?*:" + prefix + ":*:*:*" }

// resourceReaches reports whether one Resource pattern of an Allow may name an S3-family resource:
// "*" (also the resource of account-level actions such as listing buckets), or an ARN of a family
// prefix in any partition. It reads the pattern the widest way (letter case ignored, wildcards
// matching across colons): a wider match can only count more grants.
func (c *Catalog) resourceReaches(pattern string) bool {
	p := strings.ToLower(pattern)
	if !hasWildcard(p) {
		a, err := arn.Parse(p)
		return err == nil && c.IsFamilyPrefix(a.Service)
	}
	if globMatch(p, "*") {
		return true
	}
	if parts := strings.SplitN(p, ":", 4); len(parts) == 4 && parts[0] == "arn" && !hasWildcard(parts[1]) && !hasWildcard(parts[2]) {
		// With the partition and the service written out, no wildcard can shift the service
		// segment: it alone decides.
		return c.IsFamilyPrefix(parts[2])
	}
	for _, prefix := range c.prefixes {
		if intersects(p, anywhere, familyARN(prefix), arnShape) {
			return true
		}
	}
	return false
}

// notResourceOpen reports whether an Allow with NotResource still applies to some S3-family
// resource, and names one for messages. Exclusion reads the patterns the IAM way (case-sensitive,
// arnRule): a narrower reading can only leave more reachable. Every form counts: "*", each
// family prefix's ARNs in every partition.
func (c *Catalog) notResourceOpen(notResources []string) (bool, string) {
	excluded := newGlobSet(notResources, arnRule)
	for _, form := range s3Forms() {
		if !c.IsFamilyPrefix(form.service) {
			continue
		}
		if !excluded.matches(form.Example) {
			return true, fmt.Sprintf("%ss such as %s", form.Kind, form.Example)
		}
	}
	if !excluded.matches("*") {
		return true, `"*", the resource of account-level actions such as listing buckets`
	}
	for _, prefix := range c.prefixes {
		if !covers(notResources, arnRule, familyARN(prefix), arnShape) {
			return true, fmt.Sprintf("all %s resources (arn:<partition>:%s:…, in every partition)", prefix, prefix)
		}
	}
	return false, ""
}

// s3Form is an S3-family resource form with the service prefix of its example ARN.
type s3Form struct {
	awsfacts.S3ResourceForm
	service string
}

// s3Forms are awsfacts's S3 resource forms, their examples parsed on first use (a form whose
// example does not parse is left out; a test checks that none is).
var s3Forms = sync.OnceValue(func() []s3Form {
	var out []s3Form
	for _, f := range awsfacts.S3ResourceForms() {
		if a, err := arn.Parse(f.Example); err == nil {
			out = append(out, s3Form{f, a.Service})
		}
	}
	return out
})
