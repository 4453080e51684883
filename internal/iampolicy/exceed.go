package iampolicy

import (
	"fmt"
	"slices"
	"strings"
)

// Permission is one action allowed on one resource, both written out in full (no wildcards).
// Actions compare case-insensitively, resources exactly (ARNs are case-sensitive).
type Permission struct {
	Action   string
	Resource string
}

// Excess is an Allow statement that grants S3-family access beyond a set of permissions; Why says
// what goes beyond.
type Excess = StatementNote

// maxExcessReasons bounds how many reasons one Excess lists.
const maxExcessReasons = 3

// S3GrantsBeyond returns the Allow statements of d that grant some S3-family access other than
// the permitted (action, resource) pairs: a wildcard or NotAction on the action side, a wildcard,
// NotResource or missing Resource on the resource side, or an exact action on an exact resource
// that is not one of the pairs. A statement that grants nothing in the S3 family is never
// reported; conditions do not excuse anything (fail closed). Each (action, resource) pair of a
// statement is judged on its own, as IAM would grant it: an action and a resource permitted only
// in different pairs are still reported, so write each permitted action in a statement with
// exactly its resources.
func (c *Catalog) S3GrantsBeyond(d *Document, permitted []Permission) []Excess {
	if d == nil {
		return nil
	}
	var out []Excess
	for i, s := range d.Statements {
		if _, ok := c.reach(s); !ok {
			continue
		}
		if reasons := c.beyond(s, permitted); len(reasons) > 0 {
			if len(reasons) > maxExcessReasons {
				reasons = append(reasons[:maxExcessReasons], fmt.Sprintf("and %d more", len(reasons)-maxExcessReasons))
			}
			out = append(out, Excess{Index: i + 1, Sid: s.Sid, Why: strings.Join(reasons, "; ")})
		}
	}
	return out
}

// S3GrantsBeyond returns the statements that grant S3 beyond permitted, judged with DefaultCatalog.
func (d *Document) S3GrantsBeyond(permitted []Permission) []Excess {
	return DefaultCatalog().S3GrantsBeyond(d, permitted)
}

// beyond returns why an Allow statement that reaches S3 grants more than permitted, or nothing.
func (c *Catalog) beyond(s Statement, permitted []Permission) []string {
	var reasons, actions, resources []string
	if s.HasNotAction {
		reasons = append(reasons, fmt.Sprintf("NotAction %s allows every S3 action it does not list", quoteList(s.NotActions)))
	}
	for _, a := range s.Actions {
		set, future := c.actionReach(a)
		switch {
		case set.empty() && !future:
		case hasWildcard(a):
			reasons = append(reasons, fmt.Sprintf("Action %q allows %s", a, c.describe(set, future)))
		default:
			actions = append(actions, a)
		}
	}
	switch {
	case s.HasNotResource:
		reasons = append(reasons, fmt.Sprintf("NotResource %s applies to every S3 resource it does not list", quoteList(s.NotResources)))
	case !s.HasResource:
		reasons = append(reasons, "the statement has no Resource, so it applies to every resource")
	}
	for _, r := range s.Resources {
		switch {
		case !c.resourceReaches(r):
		case hasWildcard(r):
			reasons = append(reasons, fmt.Sprintf("Resource %q is a pattern, not the exact ARN of a permitted resource", r))
		default:
			resources = append(resources, r)
		}
	}
	for _, a := range actions {
		for _, r := range resources {
			ok := slices.ContainsFunc(permitted, func(p Permission) bool {
				return strings.EqualFold(p.Action, a) && p.Resource == r
			})
			if !ok {
				reasons = append(reasons, fmt.Sprintf("%s on %q is not permitted", a, r))
			}
		}
	}
	return reasons
}

// describe says in a few words which S3-family actions a set (and maybe future ones) stands for.
func (c *Catalog) describe(set actionSet, future bool) string {
	n := set.count()
	what := fmt.Sprintf("%d S3-family actions", n)
	switch {
	case n == 0:
		return "no S3-family action today, but any AWS adds"
	case n == 1:
		what = c.actions[firstIndex(set)]
	}
	if future {
		return what + " and any AWS adds"
	}
	return what
}

func firstIndex(s actionSet) int {
	i, _ := firstOf(s)
	return i
}
