package iampolicy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
)

// StatementNote points at one statement of a document and says, in a few words, why it matters
// (e.g. `Action "s3:Get*"`).
type StatementNote struct {
	// Index is the statement's 1-based position in the document.
	Index int
	Sid   string
	Why   string
}

// String renders the note for messages.
func (n StatementNote) String() string {
	if n.Sid != "" {
		return fmt.Sprintf("statement %d (%q): %s", n.Index, n.Sid, n.Why)
	}
	return fmt.Sprintf("statement %d: %s", n.Index, n.Why)
}

// S3Grant is an Allow statement that grants some S3-family action on a resource that can be an
// S3-family resource; Why names the element that does.
type S3Grant struct {
	StatementNote
	// Future is true when the statement may also allow S3-family actions the catalog does not
	// list: a wildcard or a NotAction reaching the actions AWS adds, or an action name the catalog
	// does not know.
	Future bool

	cat     *Catalog
	actions actionSet
}

// Broad is a statement that grants S3 more widely than least privilege allows; Why says how.
type Broad = StatementNote

// s3Reach is what one Allow statement grants in the S3 family.
type s3Reach struct {
	actions     actionSet
	future      bool
	actionWhy   string // the element that grants an S3-family action
	resourceWhy string // what a NotResource leaves reachable; "" otherwise
}

func (r s3Reach) why() string {
	if r.resourceWhy == "" {
		return r.actionWhy
	}
	return r.actionWhy + "; " + r.resourceWhy
}

// reach decides whether a statement grants some S3-family action on some S3-family resource,
// the IAM way: only Allow grants; conditions only narrow an Allow, so a conditional Allow still
// counts (fail closed); an Allow counts unless it provably cannot reach S3.
func (c *Catalog) reach(s Statement) (s3Reach, bool) {
	if s.Effect != Allow {
		return s3Reach{}, false
	}
	r := s3Reach{actions: c.newSet()}
	if s.HasNotAction {
		set, open := c.notActionReach(s.NotActions)
		if set.empty() && len(open) == 0 {
			return r, false
		}
		r.actions, r.future = set, len(open) > 0
		if first, ok := firstOf(set); ok {
			r.actionWhy = fmt.Sprintf("NotAction %s does not exclude %s (%s)", quoteList(s.NotActions), c.describe(set, r.future), c.actions[first])
		} else {
			r.actionWhy = fmt.Sprintf("NotAction %s excludes every %s action known today but not the namespace (%q), so the actions AWS adds stay allowed",
				quoteList(s.NotActions), open[0], open[0]+":*")
		}
	} else {
		for _, a := range s.Actions {
			set, future := c.actionReach(a)
			if set.empty() && !future {
				continue
			}
			r.actions.union(set)
			r.future = r.future || future
			if r.actionWhy == "" {
				r.actionWhy = c.actionWhy(a, set, future)
			}
		}
		if r.actionWhy == "" {
			return r, false
		}
	}
	switch {
	case s.HasResource:
		if !slices.ContainsFunc(s.Resources, c.resourceReaches) {
			return r, false
		}
	case s.HasNotResource:
		open, what := c.notResourceOpen(s.NotResources)
		if !open {
			return r, false
		}
		r.resourceWhy = fmt.Sprintf("NotResource %s does not exclude %s", quoteList(s.NotResources), what)
	default:
		// IAM rejects identity statements without a resource; if one gets this far, fail closed.
	}
	return r, true
}

// actionWhy names an Action pattern that reaches the family, with what it reaches when that is
// not the pattern itself.
func (c *Catalog) actionWhy(a string, set actionSet, future bool) string {
	switch {
	case hasWildcard(a):
		return fmt.Sprintf("Action %q (%s)", a, c.describe(set, future))
	case future:
		return fmt.Sprintf("Action %q (an S3-family action the catalog does not list)", a)
	default:
		return fmt.Sprintf("Action %q", a)
	}
}

func firstOf(s actionSet) (int, bool) {
	for i := range s.all() {
		return i, true
	}
	return 0, false
}

// S3Grants returns the Allow statements of d that grant at least one S3-family action on a
// resource that can be an S3-family resource. Deny statements grant nothing and are skipped.
func (c *Catalog) S3Grants(d *Document) []S3Grant {
	if d == nil {
		return nil
	}
	var out []S3Grant
	for i, s := range d.Statements {
		r, ok := c.reach(s)
		if !ok {
			continue
		}
		out = append(out, S3Grant{StatementNote: StatementNote{Index: i + 1, Sid: s.Sid, Why: r.why()},
			Future: r.future, cat: c, actions: r.actions})
	}
	return out
}

// S3Actions returns the catalog actions that d's Allow statements grant on S3-family resources,
// in catalog order, and whether they may also grant actions the catalog does not list.
func (c *Catalog) S3Actions(d *Document) (actions []string, future bool) {
	all := c.newSet()
	for _, g := range c.S3Grants(d) {
		all.union(g.actions)
		future = future || g.Future
	}
	return c.names(all), future
}

// S3Grants returns the statements that grant S3, judged with DefaultCatalog.
func (d *Document) S3Grants() []S3Grant { return DefaultCatalog().S3Grants(d) }

// GrantsS3 reports whether the document allows any S3-family action (DefaultCatalog).
func (d *Document) GrantsS3() bool { return len(d.S3Grants()) > 0 }

// BroadS3Statements returns the Allow statements of d that grant S3 broadly: every action of an
// S3-family prefix (`s3:*`, `*`, `s3*:*` …), an Allow with NotAction, or S3 actions on every
// resource (`*`, `arn:aws:s3:::*`, NotResource). Object-key wildcards inside one bucket
// (`arn:aws:s3:::bucket/*`) are scoped and not reported. allowedOnStar lists actions that only
// accept Resource "*" (e.g. s3:ListAllMyBuckets).
func (c *Catalog) BroadS3Statements(d *Document, allowedOnStar []string) []Broad {
	if d == nil {
		return nil
	}
	var out []Broad
	for i, s := range d.Statements {
		if _, ok := c.reach(s); !ok {
			continue
		}
		var reasons []string
		if s.HasNotAction {
			reasons = append(reasons, fmt.Sprintf("Allow with NotAction %s grants every other action", quoteList(s.NotActions)))
		}
		for _, a := range s.Actions {
			switch ns := c.coversNamespaces(a); {
			case len(ns) == len(c.prefixes):
				reasons = append(reasons, fmt.Sprintf("Action %q grants every S3-family action", a))
			case len(ns) > 0:
				reasons = append(reasons, fmt.Sprintf("Action %q grants every %s action", a, strings.Join(ns, " and ")))
			}
		}
		if s.HasNotResource {
			reasons = append(reasons, fmt.Sprintf("NotResource %s applies to every other resource", quoteList(s.NotResources)))
		}
		for _, r := range s.Resources {
			if c.isWildcardS3Resource(r) && !c.onlyActionsAllowedOnStar(s, allowedOnStar) {
				reasons = append(reasons, fmt.Sprintf("Resource %q covers every bucket", r))
			}
		}
		if len(reasons) > 0 {
			out = append(out, Broad{Index: i + 1, Sid: s.Sid, Why: strings.Join(reasons, "; ")})
		}
	}
	return out
}

// BroadS3Statements returns the broad S3 statements, judged with DefaultCatalog.
func (d *Document) BroadS3Statements(allowedOnStar []string) []Broad {
	return DefaultCatalog().BroadS3Statements(d, allowedOnStar)
}

// isWildcardS3Resource reports whether a resource pattern may reach S3 and spans every bucket
// (or access point, table bucket …): `*`, or an S3-family ARN whose name is a wildcard
// (`arn:aws:s3:::*`, `arn:*:s3:::*/*`, `arn:aws:s3:us-east-1:111122223333:accesspoint/*`).
func (c *Catalog) isWildcardS3Resource(r string) bool {
	if !c.resourceReaches(r) {
		return false
	}
	a, err := arn.Parse(r)
	if err != nil {
		// Not ARN-shaped, yet may reach S3: "*" or a pattern like "arn:*".
		return true
	}
	name := a.Resource
	if a.Region != "" || a.AccountID != "" {
		// Regional forms name a type first: accesspoint/<name>, bucket/<name>, job/<id> …
		typ, rest, ok := strings.Cut(name, "/")
		if !ok || hasWildcard(typ) {
			return true
		}
		name = rest
	}
	name, _, _ = strings.Cut(name, "/")
	return name == "" || name[0] == '*' || name[0] == '?'
}

func (c *Catalog) onlyActionsAllowedOnStar(s Statement, allowed []string) bool {
	if len(allowed) == 0 || s.HasNotAction {
		return false
	}
	for _, a := range s.Actions {
		if !c.MayMatchFamily(a) {
			continue
		}
		if !slices.ContainsFunc(allowed, func(al string) bool { return strings.EqualFold(a, al) }) {
			return false
		}
	}
	return true
}

func quoteList(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = fmt.Sprintf("%q", x)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
