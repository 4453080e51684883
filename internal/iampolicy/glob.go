package iampolicy

import "strings"

// IAM patterns are globs: `*` matches any run of characters and `?` exactly one (a byte here:
// action names and ARNs are ASCII but for object keys). Where a wildcard may match ':' depends on
// the reading, and the pack needs two: the widest one when a wider match can only make a verdict
// stricter (what an Allow's Action or Resource may reach), and IAM's documented one when a wider
// match would excuse something (what a NotAction or NotResource excludes).
//
// The matchers are written here because no kept library reads globs this way: path.Match and
// filepath.Match stop `*` at '/' (which an object key holds) and give '[' and '\' a meaning IAM
// does not, and the colon rules and the questions asked (does one glob meet another, does a set
// of globs cover one) are IAM's own. There are three, one per question: globMatch for the widest
// reading of one pattern against a text (the hot path), globSet for several patterns read with
// a wildcardRule (the automaton covers builds on), and intersects for two patterns.

// wildcardRule says where a wildcard may match ':', the separator of an ARN's six segments and of
// an action's service prefix and name.
type wildcardRule struct {
	// freeAfter is the number of colons after which wildcards match ':' as any other character
	// (an ARN's last segment, the resource, is free text): 0 means everywhere, -1 nowhere.
	freeAfter int
	// spill lets a `*` that ends a segment expand beyond colons.
	spill bool
}

var (
	// anywhere lets wildcards match every character.
	anywhere = wildcardRule{}
	// arnRule is IAM's documented reading of resource ARNs: a wildcard stays within its segment,
	// except that a `*` ending a segment may expand beyond colons; the last segment (the resource)
	// is free text.
	arnRule = wildcardRule{freeAfter: 5, spill: true}
	// actionRule reads an action the same way: service prefix, then the action name.
	actionRule = wildcardRule{freeAfter: -1, spill: true}
	// arnShape and actionShape describe well-formed names rather than policy patterns: a colon
	// only between segments (and anywhere in an ARN's resource).
	arnShape    = wildcardRule{freeAfter: 5}
	actionShape = wildcardRule{freeAfter: -1}
)

// maxColons is the colon count past which no rule distinguishes positions.
func maxColons(rules ...wildcardRule) int {
	m := 0
	for _, r := range rules {
		m = max(m, r.freeAfter)
	}
	return m
}

// accepts reports whether the wildcard p[i] may consume c when the text so far holds colons ':'.
func (r wildcardRule) accepts(p string, i int, c byte, colons int) bool {
	switch {
	case c != ':', r.freeAfter == 0, r.freeAfter > 0 && colons >= r.freeAfter:
		return true
	}
	return r.spill && p[i] == '*' && endsSegment(p, i)
}

// endsSegment reports whether the `*` at p[i] (with any `*` after it) ends its segment.
func endsSegment(p string, i int) bool {
	for i++; i < len(p) && p[i] == '*'; i++ {
	}
	return i == len(p) || p[i] == ':'
}

func hasWildcard(s string) bool { return strings.ContainsAny(s, "*?") }

// globMatch matches s against p with `*` and `?` matching anything, iteratively (no backtracking
// blowup).
func globMatch(p, s string) bool {
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case pi < len(p) && (p[pi] == '?' || p[pi] == s[si]):
			pi++
			si++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// intersects reports whether some text matches both a (read with ra) and b (read with rb). It
// explores the product of the two patterns' positions and the colon count; patterns are short.
func intersects(a string, ra wildcardRule, b string, rb wildcardRule) bool {
	mc := maxColons(ra, rb)
	wa, wb := len(a)+1, len(b)+1
	seen := make([]bool, wa*wb*(mc+1))
	key := func(i, j, c int) int { return (c*wa+i)*wb + j }
	stack := []int{key(0, 0, 0)}
	push := func(i, j, c int) {
		if k := key(i, j, c); !seen[k] {
			stack = append(stack, k)
		}
	}
	for len(stack) > 0 {
		k := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[k] {
			continue
		}
		seen[k] = true
		j := k % wb
		i := (k / wb) % wa
		c := k / (wa * wb)
		if i == len(a) && j == len(b) {
			return true
		}
		// A `*` may match nothing.
		if i < len(a) && a[i] == '*' {
			push(i+1, j, c)
		}
		if j < len(b) && b[j] == '*' {
			push(i, j+1, c)
		}
		if i == len(a) || j == len(b) {
			continue
		}
		// Or both consume one common character: the literal one if either names one, else any
		// character but ':' (which every wildcard accepts) or ':' itself.
		var choices []byte
		switch {
		case a[i] != '*' && a[i] != '?':
			choices = []byte{a[i]}
		case b[j] != '*' && b[j] != '?':
			choices = []byte{b[j]}
		default:
			choices = []byte{0, ':'}
		}
		for _, x := range choices {
			ni, okA := stepOne(a, i, x, c, ra)
			nj, okB := stepOne(b, j, x, c, rb)
			if okA && okB {
				nc := c
				if x == ':' {
					nc = min(c+1, mc)
				}
				push(ni, nj, nc)
			}
		}
	}
	return false
}

// stepOne consumes x at position i of p, returning the next position.
func stepOne(p string, i int, x byte, colons int, r wildcardRule) (int, bool) {
	switch p[i] {
	case '*':
		return i, r.accepts(p, i, x, colons)
	case '?':
		return i + 1, r.accepts(p, i, x, colons)
	default:
		return i + 1, p[i] == x
	}
}

// coverBudget bounds the subset construction in covers: the states it may visit, and the work
// (positions stepped, summed over states and characters) it may spend. Policies written by
// people stay far below both; past either, the answer is "not covered".
type coverBudget struct{ states, work int }

var defaultCoverBudget = coverBudget{states: 1 << 12, work: 1 << 22}

// covers reports whether every text that target matches (read with tr) is matched by at least one
// of patterns (read with pr). It walks the subset construction of the patterns' automata next to
// the target's, over the characters the globs name plus ':' and one character none of them names.
// Past its budget it gives up and answers false, which every caller reads as "not covered": the
// fail-closed answer.
func covers(patterns []string, pr wildcardRule, target string, tr wildcardRule) bool {
	return coversWithin(defaultCoverBudget, patterns, pr, target, tr)
}

func coversWithin(budget coverBudget, patterns []string, pr wildcardRule, target string, tr wildcardRule) bool {
	// Only patterns that can match some text of the target matter.
	var pats []string
	for _, p := range patterns {
		if intersects(p, anywhere, target, anywhere) {
			pats = append(pats, p)
		}
	}
	if len(pats) == 0 {
		return false
	}
	tgt := newGlobSet([]string{target}, tr)
	set := newGlobSet(pats, pr)
	alphabet := alphabetOf(append(pats, target))
	mc := maxColons(pr, tr)

	start := coverState{t: tgt.start(), p: set.start()}
	if tgt.accepting(start.t) && !set.accepting(start.p) {
		return false
	}
	seen := map[string]bool{start.key(): true}
	queue := []coverState{start}
	work := 0
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		work += len(alphabet) * (len(s.p) + len(s.t))
		if work > budget.work {
			return false
		}
		for _, x := range alphabet {
			t := tgt.step(s.t, x, s.colons)
			if t.empty() {
				continue
			}
			n := coverState{t: t, p: set.step(s.p, x, s.colons), colons: s.colons}
			if x == ':' {
				n.colons = min(n.colons+1, mc)
			}
			if tgt.accepting(n.t) && !set.accepting(n.p) {
				return false
			}
			k := n.key()
			if seen[k] {
				continue
			}
			if len(seen) >= budget.states {
				return false
			}
			seen[k] = true
			queue = append(queue, n)
		}
	}
	return true
}

// coverState is one state of the subset construction in covers.
type coverState struct {
	t, p   posSet // positions of the target and of the patterns
	colons int
}

func (s coverState) key() string {
	b := make([]byte, 0, 8*(len(s.t)+len(s.p))+2)
	for _, w := range s.t {
		b = appendWord(b, w)
	}
	b = append(b, '|')
	for _, w := range s.p {
		b = appendWord(b, w)
	}
	return string(append(b, byte(s.colons)))
}

func appendWord(b []byte, w uint64) []byte {
	for range 8 {
		b = append(b, byte(w))
		w >>= 8
	}
	return b
}

// alphabetOf returns the characters the globs name literally, ':', and one character that none
// of them names (standing for every other character), if there is one.
func alphabetOf(globs []string) []byte {
	var named [256]bool
	named[':'] = true
	for _, g := range globs {
		for i := 0; i < len(g); i++ {
			if g[i] != '*' && g[i] != '?' {
				named[g[i]] = true
			}
		}
	}
	var out []byte
	other := -1
	for c := range 256 {
		switch {
		case named[c]:
			out = append(out, byte(c))
		case other < 0 && c != '*' && c != '?':
			other = c
		}
	}
	if other >= 0 {
		out = append(out, byte(other))
	}
	return out
}

// posSet is a set of positions in a globSet.
type posSet []uint64

func (s posSet) has(i int) bool { return s[i/64]&(1<<(i%64)) != 0 }
func (s posSet) add(i int)      { s[i/64] |= 1 << (i % 64) }

func (s posSet) empty() bool {
	for _, w := range s {
		if w != 0 {
			return false
		}
	}
	return true
}

func (s posSet) intersects(o posSet) bool {
	for i, w := range s {
		if w&o[i] != 0 {
			return true
		}
	}
	return false
}

// globSet is the automaton of several globs side by side, run bit-parallel: position base[k]+i
// is "pattern k has matched its first i characters", and one step of a character is a few word
// operations whatever the number of live positions.
type globSet struct {
	pats  []string
	base  []int
	n     int
	rule  wildcardRule
	litOf [256]uint8 // character → 1 + its index in lits; 0 when no position holds it
	lits  []posSet   // positions holding each literal character
	one   posSet     // positions holding a `?`
	star  posSet     // positions holding a `*`
	spill posSet     // stars that end a segment
	ends  posSet     // the position after each pattern's last character
}

func newGlobSet(pats []string, r wildcardRule) *globSet {
	g := &globSet{pats: pats, rule: r}
	for _, p := range pats {
		g.base = append(g.base, g.n)
		g.n += len(p) + 1
	}
	g.one, g.star, g.spill, g.ends = g.newSet(), g.newSet(), g.newSet(), g.newSet()
	for k, p := range pats {
		b := g.base[k]
		for i := 0; i < len(p); i++ {
			switch c := p[i]; c {
			case '*':
				g.star.add(b + i)
				if endsSegment(p, i) {
					g.spill.add(b + i)
				}
			case '?':
				g.one.add(b + i)
			default:
				if g.litOf[c] == 0 { // at most 254 characters are literal: the index fits
					g.lits = append(g.lits, g.newSet())
					g.litOf[c] = uint8(len(g.lits))
				}
				g.lits[g.litOf[c]-1].add(b + i)
			}
		}
		g.ends.add(b + len(p))
	}
	return g
}

func (g *globSet) newSet() posSet { return make(posSet, (g.n+63)/64) }

func (g *globSet) start() posSet {
	s := g.newSet()
	for _, b := range g.base {
		s.add(b)
	}
	g.closeStars(s)
	return s
}

// closeStars adds the positions reached by letting each `*` match nothing.
func (g *globSet) closeStars(s posSet) {
	for {
		grew := false
		carry := uint64(0)
		for w := range s {
			from := s[w] & g.star[w]
			add := (from<<1 | carry) &^ s[w]
			carry = from >> 63
			if add != 0 {
				s[w] |= add
				grew = true
			}
		}
		if !grew {
			return
		}
	}
}

// step consumes x after colons ':' from the positions of s.
func (g *globSet) step(s posSet, x byte, colons int) posSet {
	out := g.newSet()
	g.stepInto(out, s, x, colons)
	return out
}

// stepInto is step writing into out (which must not be s).
func (g *globSet) stepInto(out, s posSet, x byte, colons int) {
	r := g.rule
	free := x != ':' || r.freeAfter == 0 || (r.freeAfter > 0 && colons >= r.freeAfter)
	var lit posSet
	if i := g.litOf[x]; i != 0 {
		lit = g.lits[i-1]
	}
	carry := uint64(0)
	for w := range s {
		var adv uint64
		if lit != nil {
			adv = s[w] & lit[w]
		}
		stay := s[w] & g.star[w]
		if free {
			adv |= s[w] & g.one[w]
		} else if r.spill {
			stay = s[w] & g.spill[w]
		} else {
			stay = 0
		}
		// End positions hold no character, so an advance never leaves its pattern.
		out[w] = adv<<1 | carry | stay
		carry = adv >> 63
	}
	g.closeStars(out)
}

func (g *globSet) accepting(s posSet) bool { return s.intersects(g.ends) }

// matches reports whether some glob of the set matches s.
func (g *globSet) matches(s string) bool {
	cur, next := g.start(), g.newSet()
	colons := 0
	for i := 0; i < len(s); i++ {
		g.stepInto(next, cur, s[i], colons)
		cur, next = next, cur
		if cur.empty() {
			return false
		}
		if s[i] == ':' {
			colons++
		}
	}
	return g.accepting(cur)
}
