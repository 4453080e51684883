package iampolicy

import (
	"errors"
	"fmt"
	"iter"
	"maps"
	"math/bits"
	"slices"
	"strings"
	"sync"

	"github.com/keyless-ecs/railsapp/internal/iamdata"
)

// Catalog is the set of S3-family IAM actions known at some date: every action of the service
// prefixes that reach S3 data (s3, s3-object-lambda, s3express, …). The prefixes are those of the
// actions, so the family is whatever the data says. AWS adds actions all the time, so a pattern
// that may match an action of a family prefix that the catalog does not list still counts.
type Catalog struct {
	actions  []string // canonical spelling, sorted by lower-case form
	lower    []string // lower-case forms, same order
	prefixes []string // lower-case, sorted
}

// NewCatalog builds a catalog from action names ("prefix:Name"; no wildcards, no name twice in
// any letter case).
func NewCatalog(actions []string) (*Catalog, error) {
	if len(actions) == 0 {
		return nil, errors.New("the action catalog is empty")
	}
	type pair struct{ canon, lower string }
	ps := make([]pair, 0, len(actions))
	prefixes := map[string]bool{}
	for _, a := range actions {
		prefix, name, ok := strings.Cut(a, ":")
		if !ok || !validPrefix(prefix) || !validActionName(name) {
			return nil, fmt.Errorf("%q is not an action name (prefix:Name, letters and digits)", a)
		}
		lower := strings.ToLower(a)
		prefixes[lower[:len(prefix)]] = true
		ps = append(ps, pair{a, lower})
	}
	slices.SortFunc(ps, func(x, y pair) int { return strings.Compare(x.lower, y.lower) })
	c := &Catalog{}
	for i, p := range ps {
		if i > 0 && ps[i-1].lower == p.lower {
			return nil, fmt.Errorf("action %q is listed twice (IAM action names are case-insensitive)", p.canon)
		}
		c.actions = append(c.actions, p.canon)
		c.lower = append(c.lower, p.lower)
	}
	c.prefixes = slices.Sorted(maps.Keys(prefixes))
	return c, nil
}

func validPrefix(s string) bool { return s != "" && allBytes(s, isAlnum, '-') }

func validActionName(s string) bool { return s != "" && allBytes(s, isAlnum, 0) }

func allBytes(s string, ok func(byte) bool, also byte) bool {
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) && (also == 0 || s[i] != also) {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// defaultCatalog is built once, on first use, from the embedded snapshot.
var defaultCatalog = sync.OnceValue(func() *Catalog {
	c, err := NewCatalog(iamdata.S3Actions())
	if err != nil {
		// The embedded snapshot is verified by iamdata's tests; a pack built without it must not
		// judge anything (failing loudly blocks the run rather than passing grants).
		panic(fmt.Sprintf("iampolicy: the embedded S3 action catalog cannot be read: %v (%v)", err, iamdata.Load()))
	}
	return c
})

// DefaultCatalog returns the catalog of the embedded AWS snapshot (iamdata.SnapshotDate).
func DefaultCatalog() *Catalog { return defaultCatalog() }

// Actions returns the catalog's actions, sorted case-insensitively.
func (c *Catalog) Actions() []string { return slices.Clone(c.actions) }

// IsFamilyPrefix reports whether a service prefix (any letter case) is one of the S3 family.
func (c *Catalog) IsFamilyPrefix(prefix string) bool {
	_, ok := slices.BinarySearch(c.prefixes, strings.ToLower(prefix))
	return ok
}

// MayMatchFamily reports whether an Action pattern may allow an S3-family action: one of the
// catalog, or one AWS may add later (the pattern can match some "<prefix>:<name>" of a family
// prefix, or names an action of a family prefix that the catalog does not know).
func (c *Catalog) MayMatchFamily(pattern string) bool {
	set, future := c.actionReach(pattern)
	return future || !set.empty()
}

// actionReach returns the catalog actions an Action pattern matches and whether it may also
// match family actions the catalog does not list. A wildcard that reaches a family prefix counts
// as reaching its future actions.
func (c *Catalog) actionReach(pattern string) (actionSet, bool) {
	p := strings.ToLower(pattern)
	set := c.newSet()
	if !hasWildcard(p) {
		if i, ok := slices.BinarySearch(c.lower, p); ok {
			set.add(i)
			return set, false
		}
		prefix, _, ok := strings.Cut(p, ":")
		return set, ok && c.IsFamilyPrefix(prefix)
	}
	// Only the actions that start with the pattern's literal head can match it (the catalog is
	// sorted), and a literal service prefix decides the namespace.
	head := p[:strings.IndexAny(p, "*?")]
	// The most common shape, "s3:Get*", matches exactly the actions that start with its head.
	trailingStar := p == head+"*"
	c.addMatches(set, p, head, trailingStar)
	if prefix, name, ok := strings.Cut(head, ":"); ok {
		if !c.IsFamilyPrefix(prefix) {
			return set, false
		}
		if trailingStar && !strings.Contains(name, ":") {
			return set, true
		}
		return set, intersects(p, anywhere, prefix+":?*", actionShape)
	}
	return set, c.reachesNamespace(p)
}

// addMatches adds to set the catalog actions that start with head and match pattern (all of
// them when the pattern is head followed by one `*`).
func (c *Catalog) addMatches(set actionSet, pattern, head string, all bool) {
	i, _ := slices.BinarySearch(c.lower, head)
	for ; i < len(c.lower) && strings.HasPrefix(c.lower[i], head); i++ {
		if all || globMatch(pattern, c.lower[i]) {
			set.add(i)
		}
	}
}

// reachesNamespace reports whether a (lower-case) Action pattern can match some action of a
// family prefix, under the widest reading of its wildcards.
func (c *Catalog) reachesNamespace(p string) bool {
	for _, prefix := range c.prefixes {
		if intersects(p, anywhere, prefix+":?*", actionShape) {
			return true
		}
	}
	return false
}

// notActionReach returns what an Allow with NotAction grants in the family: the catalog actions
// no pattern excludes, and the prefixes whose future actions stay allowed because no pattern (or
// set of patterns) covers the whole namespace. Exclusion reads wildcards the IAM way (actionRule):
// a narrower reading can only leave more allowed.
func (c *Catalog) notActionReach(notActions []string) (actionSet, []string) {
	lower := make([]string, len(notActions))
	for i, p := range notActions {
		lower[i] = strings.ToLower(p)
	}
	excluded := newGlobSet(lower, actionRule)
	set := c.newSet()
	for i, a := range c.lower {
		if !excluded.matches(a) {
			set.add(i)
		}
	}
	var open []string
	for _, prefix := range c.prefixes {
		// A known action left allowed already leaves the namespace open; only a prefix whose
		// known actions are all excluded needs the full check.
		if c.anyOfPrefix(set, prefix) || !covers(lower, actionRule, prefix+":?*", actionShape) {
			open = append(open, prefix)
		}
	}
	return set, open
}

// anyOfPrefix reports whether set holds an action of a (lower-case) prefix.
func (c *Catalog) anyOfPrefix(set actionSet, prefix string) bool {
	head := prefix + ":"
	i, _ := slices.BinarySearch(c.lower, head)
	for ; i < len(c.lower) && strings.HasPrefix(c.lower[i], head); i++ {
		if set.has(i) {
			return true
		}
	}
	return false
}

// coversNamespaces returns the family prefixes whose every action, present and future, a single
// Action pattern matches (like `s3:*`, `s3*:*`, `*`).
func (c *Catalog) coversNamespaces(pattern string) []string {
	p := strings.ToLower(pattern)
	if !hasWildcard(p) {
		return nil // one action, never a whole namespace (and this is the common case)
	}
	var out []string
	for _, prefix := range c.prefixes {
		if covers([]string{p}, actionRule, prefix+":?*", actionShape) {
			out = append(out, prefix)
		}
	}
	return out
}

// names returns the actions of a set, in catalog order.
func (c *Catalog) names(s actionSet) []string {
	out := make([]string, 0, s.count())
	for i := range s.all() {
		out = append(out, c.actions[i])
	}
	return out
}

// actionSet is a set of catalog indexes.
type actionSet []uint64

func (c *Catalog) newSet() actionSet { return make(actionSet, (len(c.actions)+63)/64) }

func (s actionSet) add(i int)      { s[i/64] |= 1 << (i % 64) }
func (s actionSet) has(i int) bool { return s[i/64]&(1<<(i%64)) != 0 }

func (s actionSet) union(o actionSet) {
	for i := range s {
		s[i] |= o[i]
	}
}

func (s actionSet) empty() bool { return s.count() == 0 }

func (s actionSet) count() int {
	n := 0
	for _, w := range s {
		n += bits.OnesCount64(w)
	}
	return n
}

// all yields the indexes of the set in ascending order.
func (s actionSet) all() iter.Seq[int] {
	return func(yield func(int) bool) {
		for w, word := range s {
			for word != 0 {
				b := bits.TrailingZeros64(word)
				word &^= 1 << b
				if !yield(w*64 + b) {
					return
				}
			}
		}
	}
}
