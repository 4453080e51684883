package pack

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/keyless-ecs/railsapp/internal/awsfacts"
	"github.com/keyless-ecs/railsapp/internal/iampolicy"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// join is the execution-role join: which roles are ECS task execution roles (named by a task
// definition, or carrying AmazonECSTaskExecutionRolePolicy, or assumable by one of those), and
// what each role is granted. Analyze feeds the analyzer's join one resource at a time for the
// whole run, so that in an update with no preview whichever of a grant and the task definition
// arrives second is blocked before it is created; AnalyzeStack builds one from the whole stack,
// with the engine's dependencies. Both ask it the same questions.
//
// References are stored as written and resolved when asked, against everything known by then: a
// role's name, account and path, its unique ID, its namePrefix, and the engine's dependencies.
type join struct {
	mu    sync.Mutex
	facts map[resource.URN]*resourceFacts

	roles       map[resource.URN]*roleDecl
	rolesByName map[string][]*roleDecl // lower-cased name
	rolesByUID  map[string][]*roleDecl
	prefixRoles []*roleDecl // roles whose name is not known yet, with a namePrefix

	policies       map[resource.URN]*policyDecl
	policiesByName map[string][]*policyDecl
	policiesByARN  map[string]*policyDecl

	grants     map[refKey][]*grant
	setGrants  []*grant // Principal "*"/NotPrincipal statements
	lostGrants []*grant // grants to a role the pack cannot identify (unknown, no dependency)
	exec       map[refKey][]*execUse
	lostExec   []*execUse
	task       map[refKey][]*taskUse
	trust      map[refKey][]*roleDecl // roles whose trust policy names the key's role
	setTrust   []*roleDecl            // roles whose trust policy uses Principal "*" or NotPrincipal

	providerAccount map[resource.URN]string
}

// refKey indexes references: by lower-cased name, role resource URN or unique ID.
type refKey struct {
	kind byte // 'n', 'u' or 'i'
	v    string
}

// newJoin returns an empty join for about n resources (0 when not known).
func newJoin(n int) *join {
	return &join{
		facts:           make(map[resource.URN]*resourceFacts, n),
		roles:           map[resource.URN]*roleDecl{},
		rolesByName:     map[string][]*roleDecl{},
		rolesByUID:      map[string][]*roleDecl{},
		policies:        map[resource.URN]*policyDecl{},
		policiesByName:  map[string][]*policyDecl{},
		policiesByARN:   map[string]*policyDecl{},
		grants:          map[refKey][]*grant{},
		exec:            map[refKey][]*execUse{},
		task:            map[refKey][]*taskUse{},
		trust:           map[refKey][]*roleDecl{},
		providerAccount: map[resource.URN]string{},
	}
}

func refKeys(r roleRef) []refKey {
	keys := make([]refKey, 0, 1+len(r.urns))
	if r.id.Name != "" {
		keys = append(keys, refKey{'n', strings.ToLower(r.id.Name)})
	}
	for _, u := range r.urns {
		keys = append(keys, refKey{'u', string(u)})
	}
	if r.uniqueID != "" {
		keys = append(keys, refKey{'i', r.uniqueID})
	}
	return keys
}

func declKeys(d *roleDecl) []refKey {
	keys := make([]refKey, 0, 3)
	if d.urn != "" {
		keys = append(keys, refKey{'u', string(d.urn)})
	}
	if d.id.Name != "" {
		keys = append(keys, refKey{'n', strings.ToLower(d.id.Name)})
	}
	if d.uniqueID != "" {
		keys = append(keys, refKey{'i', d.uniqueID})
	}
	return keys
}

// record adds what a resource says, replacing what it said before (the update pass after a
// preview pass analyses every resource again).
func (j *join) record(f *resourceFacts) {
	if old := j.facts[f.urn]; old != nil {
		j.forget(old)
	}
	if f.empty() {
		return // most buckets: nothing to join, nothing to keep for the run
	}
	j.facts[f.urn] = f
	if f.account != "" {
		j.providerAccount[f.provider] = f.account
	}
	for _, g := range f.grants {
		switch {
		case g.set != nil:
			j.setGrants = append(j.setGrants, g)
		case !fileUnder(j.grants, refKeys(g.to), g):
			j.lostGrants = append(j.lostGrants, g)
		}
	}
	for _, u := range f.execUses {
		if !fileUnder(j.exec, refKeys(u.role), u) {
			j.lostExec = append(j.lostExec, u)
		}
	}
	for _, u := range f.taskUses {
		fileUnder(j.task, refKeys(u.role), u)
	}
	if d := f.role; d != nil {
		j.roles[d.urn] = d
		if !fileUnder(j.rolesByName, nameKey(d.id.Name), d) && d.prefix != "" {
			j.prefixRoles = append(j.prefixRoles, d)
		}
		fileUnder(j.rolesByUID, uidKey(d.uniqueID), d)
		for _, t := range d.trustees {
			if t.set != nil && !slices.Contains(j.setTrust, d) {
				j.setTrust = append(j.setTrust, d)
			}
			for _, r := range t.named {
				for _, k := range refKeys(r) {
					if !slices.Contains(j.trust[k], d) {
						j.trust[k] = append(j.trust[k], d)
					}
				}
			}
		}
	}
	if p := f.policy; p != nil {
		j.policies[p.urn] = p
		fileUnder(j.policiesByName, nameKey(p.id.Name), p)
		if p.arn != "" {
			j.policiesByARN[p.arn] = p
		}
	}
}

// forget removes what a resource said.
func (j *join) forget(f *resourceFacts) {
	delete(j.facts, f.urn)
	for _, g := range f.grants {
		unfile(j.grants, refKeys(g.to), g)
		j.setGrants = deleteItem(j.setGrants, g)
		j.lostGrants = deleteItem(j.lostGrants, g)
	}
	for _, u := range f.execUses {
		unfile(j.exec, refKeys(u.role), u)
		j.lostExec = deleteItem(j.lostExec, u)
	}
	for _, u := range f.taskUses {
		unfile(j.task, refKeys(u.role), u)
	}
	if d := f.role; d != nil {
		delete(j.roles, d.urn)
		unfile(j.rolesByName, nameKey(d.id.Name), d)
		j.prefixRoles = deleteItem(j.prefixRoles, d)
		unfile(j.rolesByUID, uidKey(d.uniqueID), d)
		j.setTrust = deleteItem(j.setTrust, d)
		for _, t := range d.trustees {
			for _, r := range t.named {
				unfile(j.trust, refKeys(r), d)
			}
		}
	}
	if p := f.policy; p != nil {
		delete(j.policies, p.urn)
		unfile(j.policiesByName, nameKey(p.id.Name), p)
		if j.policiesByARN[p.arn] == p {
			delete(j.policiesByARN, p.arn)
		}
	}
}

// fileUnder files x under each key of an index and reports whether there was any key.
func fileUnder[K comparable, T any](m map[K][]T, keys []K, x T) bool {
	for _, k := range keys {
		m[k] = append(m[k], x)
	}
	return len(keys) > 0
}

// unfile removes x from under each key of an index.
func unfile[K, T comparable](m map[K][]T, keys []K, x T) {
	for _, k := range keys {
		m[k] = deleteItem(m[k], x)
	}
}

// nameKey and uidKey are the keys of the by-name (lower-cased) and by-unique-ID indexes: none
// for an empty value.
func nameKey(name string) []string {
	if name == "" {
		return nil
	}
	return []string{strings.ToLower(name)}
}

func uidKey(uid string) []string {
	if uid == "" {
		return nil
	}
	return []string{uid}
}

func deleteItem[T comparable](s []T, x T) []T {
	return slices.DeleteFunc(s, func(y T) bool { return y == x })
}

// account is the account of a role: from its ARN, or else the account of the provider that
// manages the role (or the resource that names it).
func (j *join) account(id awsfacts.IAMRef, provider resource.URN) string {
	if id.Account != "" {
		return id.Account
	}
	return j.providerAccount[provider]
}

func (j *join) factsOf(d *roleDecl) roleFacts {
	id := d.id
	id.Account = j.account(id, d.provider)
	return roleFacts{id: id, uniqueID: d.uniqueID, prefix: d.prefix}
}

// compatible says whether a reference's identity parts agree with a role's, where both say.
func (j *join) compatible(r roleRef, d *roleDecl) bool {
	a, b := j.account(r.id, r.provider), j.account(d.id, d.provider)
	if a != "" && b != "" && a != b {
		return false
	}
	if r.id.Path != "" && d.id.Path != "" && !strings.EqualFold(r.id.Path, d.id.Path) {
		return false
	}
	return r.id.Partition == "" || d.id.Partition == "" || r.id.Partition == d.id.Partition
}

// prefixMatches says whether a name is one the provider generates from a namePrefix: the prefix
// and a suffix of hex digits (Terraform's unique ID).
func prefixMatches(prefix, name string) bool {
	rest, ok := strings.CutPrefix(strings.ToLower(name), strings.ToLower(prefix))
	if !ok || len(rest) < 8 {
		return false
	}
	return strings.Trim(rest, "0123456789abcdef") == ""
}

// resolve returns the roles a reference is: roles of the stack when the engine's dependencies,
// the name, the unique ID or a namePrefix say so; otherwise a role outside the stack known only
// by the reference. nil when the reference cannot be known (a value unknown at preview with no
// dependency on a role).
func (j *join) resolve(r roleRef) []*roleDecl {
	var out []*roleDecl
	for _, u := range r.urns {
		if d, ok := j.roles[u]; ok {
			out = append(out, d)
		}
	}
	if len(out) > 0 {
		return out
	}
	if r.uniqueID != "" {
		if ds := j.rolesByUID[r.uniqueID]; len(ds) > 0 {
			return ds
		}
		return []*roleDecl{{uniqueID: r.uniqueID, provider: r.provider}}
	}
	if r.id.Name == "" {
		return nil
	}
	for _, d := range j.rolesByName[strings.ToLower(r.id.Name)] {
		if j.compatible(r, d) {
			out = append(out, d)
		}
	}
	for _, d := range j.prefixRoles {
		if prefixMatches(d.prefix, r.id.Name) && j.compatible(r, d) {
			out = append(out, d)
		}
	}
	if len(out) > 0 {
		return out
	}
	return []*roleDecl{{id: r.id, provider: r.provider}}
}

// same says whether two resolved roles are one role.
func (j *join) same(a, b *roleDecl) bool {
	if a == b || (a.urn != "" && a.urn == b.urn) {
		return true
	}
	if a.urn != "" && b.urn != "" {
		return false
	}
	if a.uniqueID != "" && b.uniqueID != "" {
		return a.uniqueID == b.uniqueID
	}
	ra := roleRef{id: a.id, provider: a.provider}
	switch {
	case a.id.Name != "" && b.id.Name != "":
		return strings.EqualFold(a.id.Name, b.id.Name) && j.compatible(ra, b)
	case b.id.Name == "" && b.prefix != "" && a.id.Name != "":
		return prefixMatches(b.prefix, a.id.Name) && j.compatible(ra, b)
	case a.id.Name == "" && a.prefix != "" && b.id.Name != "":
		return prefixMatches(a.prefix, b.id.Name) && j.compatible(roleRef{id: b.id, provider: b.provider}, a)
	}
	return false
}

// refIs says whether a reference resolves to the role.
func (j *join) refIs(r roleRef, d *roleDecl) bool {
	for _, x := range j.resolve(r) {
		if j.same(x, d) {
			return true
		}
	}
	return false
}

// lookupKeys returns the index keys under which references to the role may be filed.
func (j *join) lookupKeys(d *roleDecl, idx map[refKey]int) []refKey {
	keys := declKeys(d)
	if d.id.Name == "" && d.prefix != "" {
		// The generated name is not known here; references by that name are filed under it.
		for k := range idx {
			if k.kind == 'n' && prefixMatches(d.prefix, k.v) {
				keys = append(keys, k)
			}
		}
	}
	return keys
}

// nameKeys lists the name keys of an index, for the rare lookup of a role known by namePrefix.
func nameKeys[V any](m map[refKey]V) map[refKey]int {
	out := map[refKey]int{}
	for k := range m {
		if k.kind == 'n' {
			out[k] = 0
		}
	}
	return out
}

// execUsesOf returns what makes the role itself an execution role.
func (j *join) execUsesOf(d *roleDecl) []*execUse {
	var idx map[refKey]int
	if d.id.Name == "" && d.prefix != "" {
		idx = nameKeys(j.exec)
	}
	var out []*execUse
	for _, k := range j.lookupKeys(d, idx) {
		for _, u := range j.exec[k] {
			if slices.Contains(out, u) || !j.refIs(u.role, d) {
				continue
			}
			if u.managedPolicy && d.trust.doc != nil && !trustsECSTasks(d.trust.doc) {
				continue // the managed policy on a role no ECS task can assume
			}
			out = append(out, u)
		}
	}
	// The managed policy first, then the task definitions, each by the resource that makes it.
	slices.SortFunc(out, func(a, b *execUse) int {
		return cmp.Or(cmp.Compare(boolInt(a.byTaskDef), boolInt(b.byTaskDef)), cmp.Compare(a.source, b.source))
	})
	return out
}

// trustsECSTasks says whether a trust policy lets ECS tasks assume the role.
func trustsECSTasks(doc *iampolicy.Document) bool {
	for _, st := range doc.Statements {
		if st.Effect == iampolicy.Allow && st.ActionsMatch("sts:AssumeRole") &&
			slices.Contains(st.Principal.Services(), awsfacts.ECSTasksPrincipal) {
			return true
		}
	}
	return false
}

// maxChain bounds how many roles deep the pack follows role assumption.
const maxChain = 4

// chainsTo returns how execution roles can become the role by assuming roles, as phrases like
// `execution role "E" can assume it (its trust policy, statement 1)`.
func (j *join) chainsTo(d *roleDecl) []string {
	var out []string
	var walk func(x *roleDecl, through []string, stmt int, seen []*roleDecl)
	walk = func(x *roleDecl, through []string, stmt int, seen []*roleDecl) {
		if x.urn == "" || len(seen) > maxChain {
			return // the trust policy of a role outside the stack is not known
		}
		seen = append(seen, x)
		visit := func(y *roleDecl, st int) {
			if slices.ContainsFunc(seen, func(s *roleDecl) bool { return j.same(s, y) }) {
				return
			}
			if x == d {
				stmt = st
			}
			if len(j.execUsesOf(y)) > 0 {
				phrase := fmt.Sprintf("execution role %q can assume it", y.display())
				if len(through) > 0 {
					phrase += " through role " + strings.Join(through, ", then role ")
				}
				out = append(out, fmt.Sprintf("%s (its trust policy, statement %d)", phrase, stmt))
				return
			}
			walk(y, append([]string{strconv.Quote(y.display())}, through...), stmt, seen)
		}
		for _, t := range x.trustees {
			for _, r := range t.named {
				for _, y := range j.resolve(r) {
					visit(y, t.stmt)
				}
			}
			if t.set != nil {
				for _, y := range j.directExecRoles() {
					if t.set.reaches(j.factsOf(y), func(r roleRef) tri { return boolTri(j.refIs(r, y)) }) != no {
						visit(y, t.stmt)
					}
				}
			}
		}
	}
	walk(d, nil, 0, nil)
	slices.Sort(out)
	return slices.Compact(out)
}

func boolTri(b bool) tri {
	if b {
		return yes
	}
	return no
}

// assumableBy returns the roles a role can assume, directly or through other roles.
func (j *join) assumableBy(d *roleDecl) []*roleDecl {
	var out []*roleDecl
	queue := []*roleDecl{d}
	for depth := 0; len(queue) > 0 && depth < maxChain; depth++ {
		var next []*roleDecl
		for _, x := range queue {
			var idx map[refKey]int
			if x.id.Name == "" && x.prefix != "" {
				idx = nameKeys(j.trust)
			}
			add := func(t *roleDecl) {
				if t == d || slices.Contains(out, t) {
					return
				}
				out = append(out, t)
				next = append(next, t)
			}
			for _, k := range j.lookupKeys(x, idx) {
				for _, t := range j.trust[k] {
					for _, te := range t.trustees {
						if slices.ContainsFunc(te.named, func(r roleRef) bool { return j.refIs(r, x) }) {
							add(t)
						}
					}
				}
			}
			for _, t := range j.setTrust {
				for _, te := range t.trustees {
					if te.set != nil && te.set.reaches(j.factsOf(x), func(r roleRef) tri { return boolTri(j.refIs(r, x)) }) != no {
						add(t)
					}
				}
			}
		}
		queue = next
	}
	return out
}

// directExecRoles returns every role some use makes an execution role.
func (j *join) directExecRoles() []*roleDecl {
	var out []*roleDecl
	seen := map[string]bool{}
	for _, us := range j.exec {
		for _, u := range us {
			for _, d := range j.resolve(u.role) {
				if k := j.roleKey(d); !seen[k] {
					seen[k] = true
					if len(j.execUsesOf(d)) > 0 {
						out = append(out, d)
					}
				}
			}
		}
	}
	slices.SortFunc(out, func(a, b *roleDecl) int { return cmp.Compare(j.roleKey(a), j.roleKey(b)) })
	return out
}

// execRelevantRoles returns the execution roles and the roles they can assume.
func (j *join) execRelevantRoles() []*roleDecl {
	out := j.directExecRoles()
	seen := map[string]bool{}
	for _, d := range out {
		seen[j.roleKey(d)] = true
	}
	for _, d := range slices.Clone(out) {
		for _, t := range j.assumableBy(d) {
			if k := j.roleKey(t); !seen[k] {
				seen[k] = true
				out = append(out, t)
			}
		}
	}
	return out
}

// reachOf says whether a grant reaches a role.
type reachOf struct {
	g *grant
	t tri
}

// grantsTo returns the grants that reach a role.
func (j *join) grantsTo(d *roleDecl) []reachOf {
	var idx map[refKey]int
	if d.id.Name == "" && d.prefix != "" {
		idx = nameKeys(j.grants)
	}
	var out []reachOf
	for _, k := range j.lookupKeys(d, idx) {
		for _, g := range j.grants[k] {
			if !slices.ContainsFunc(out, func(r reachOf) bool { return r.g == g }) && j.refIs(g.to, d) {
				out = append(out, reachOf{g, yes})
			}
		}
	}
	for _, g := range j.setGrants {
		if t := g.set.reaches(j.factsOf(d), func(r roleRef) tri { return boolTri(j.refIs(r, d)) }); t != no {
			out = append(out, reachOf{g, t})
		}
	}
	return out
}

// link is a grant that reaches an execution role, or a role an execution role can assume.
type link struct {
	grant  *grant
	role   *roleDecl
	uses   []*execUse // what makes the role itself an execution role
	chains []string   // how execution roles can become the role
	maybe  bool       // whether the grant reaches the role depends on what the pack does not know
	// unmatched: a grant by unique ID that the pack cannot match to a role in this call.
	unmatched bool
	// policy is the stack's customer managed policy an attachment names, when found.
	policy *policyDecl
	id     linkID
}

func (l *link) vias() []string {
	out := make([]string, 0, len(l.uses)+len(l.chains))
	for _, u := range l.uses {
		out = append(out, u.via())
	}
	out = append(out, l.chains...)
	return slices.Compact(out)
}

// envFiles returns what the role's task definitions list in environmentFiles. The exception is
// for the execution role itself: ECS never reads environment files through a role it assumes.
func (l *link) envFiles() (files []string, unknown bool) {
	for _, u := range l.uses {
		files = append(files, u.envFiles...)
		unknown = unknown || u.envUnknown
	}
	return files, unknown
}

// linkID identifies a link within one answer and across Analyze and AnalyzeStack. One resource
// makes several grants in one place (the managed policies of a list, the statements of a
// resource policy), each judged on its own: policyARN and stmt tell them apart.
type linkID struct {
	source    resource.URN
	where     path
	policyARN string
	stmt      int
	role      string
}

func (j *join) roleKey(d *roleDecl) string {
	if d.urn != "" {
		return string(d.urn)
	}
	if d.uniqueID != "" {
		return "id:" + d.uniqueID
	}
	return j.account(d.id, d.provider) + "/" + strings.ToLower(d.id.Name)
}

func (j *join) idOf(l *link) linkID {
	g := l.grant
	return linkID{source: g.source, where: g.where, policyARN: g.policyARN, stmt: g.stmt, role: j.roleKey(l.role)}
}

// newLink returns the link of a grant to a role, or false when the role is no execution role.
func (j *join) newLink(g *grant, d *roleDecl, t tri) (link, bool) {
	l := link{grant: g, role: d, maybe: t == maybe, uses: j.execUsesOf(d)}
	l.chains = j.chainsTo(d)
	if len(l.uses) == 0 && len(l.chains) == 0 {
		return link{}, false
	}
	if g.kind == viaManagedPolicy {
		l.policy = j.policyFor(g)
	}
	return l, true
}

// policyFor finds the stack's customer managed policy an attachment names: by the engine's
// dependency, then by ARN, then by name within the account.
func (j *join) policyFor(g *grant) *policyDecl {
	for _, d := range g.policyDeps {
		if p, ok := j.policies[d]; ok {
			return p
		}
	}
	if p, ok := j.policiesByARN[g.policyARN]; ok {
		return p
	}
	id := g.policyID
	if !g.policyOK || id.Account == awsfacts.AWSManagedPolicyAccount {
		return nil
	}
	for _, p := range j.policiesByName[strings.ToLower(id.Name)] {
		if a := j.account(p.id, p.provider); a == "" || a == id.Account {
			return p
		}
	}
	return nil
}

// linkSet collects links once each.
type linkSet struct {
	j    *join
	seen map[linkID]bool
	out  []link
}

func (s *linkSet) add(l link) {
	l.id = s.j.idOf(&l)
	if s.seen[l.id] {
		return
	}
	s.seen[l.id] = true
	s.out = append(s.out, l)
}

func (s *linkSet) sorted() []link {
	slices.SortFunc(s.out, func(a, b link) int {
		return cmp.Or(cmp.Compare(a.grant.source, b.grant.source), cmp.Compare(a.grant.where.what, b.grant.where.what),
			cmp.Compare(a.id.role, b.id.role), cmp.Compare(a.id.stmt, b.id.stmt), cmp.Compare(a.id.policyARN, b.id.policyARN))
	})
	return s.out
}

// linksCompletedBy returns the links the resource just recorded completes: its own grants to
// execution roles, and grants from earlier resources to the roles it makes execution roles (or
// lets an execution role assume).
func (j *join) linksCompletedBy(urn resource.URN) []link {
	f := j.facts[urn]
	if f == nil {
		return nil
	}
	s := &linkSet{j: j, seen: map[linkID]bool{}}
	for _, g := range f.grants {
		if g.set != nil {
			for _, d := range j.execRelevantRoles() {
				if r := g.set.reaches(j.factsOf(d), func(r roleRef) tri { return boolTri(j.refIs(r, d)) }); r != no {
					if l, ok := j.newLink(g, d, r); ok {
						s.add(l)
					}
				}
			}
			continue
		}
		for _, d := range j.resolve(g.to) {
			if l, ok := j.newLink(g, d, yes); ok {
				s.add(l)
			} else if d.urn == "" && d.id.Name == "" && d.uniqueID != "" && len(j.exec) > 0 {
				// A principal by unique ID: role unique IDs are outputs, which Analyze does not see.
				s.add(link{grant: g, role: d, unmatched: true})
			}
		}
	}
	var roots []*roleDecl
	for _, u := range f.execUses {
		roots = append(roots, j.resolve(u.role)...)
	}
	if f.role != nil {
		roots = append(roots, f.role)
	}
	for _, r := range roots {
		for _, d := range append([]*roleDecl{r}, j.assumableBy(r)...) {
			for _, ro := range j.grantsTo(d) {
				if ro.g.source == urn {
					continue // reported above
				}
				if l, ok := j.newLink(ro.g, d, ro.t); ok {
					s.add(l)
				}
			}
		}
	}
	return s.sorted()
}

// allLinks returns every link in the join.
func (j *join) allLinks() []link {
	s := &linkSet{j: j, seen: map[linkID]bool{}}
	for _, d := range j.execRelevantRoles() {
		for _, ro := range j.grantsTo(d) {
			if l, ok := j.newLink(ro.g, d, ro.t); ok {
				s.add(l)
			}
		}
	}
	return s.sorted()
}

// isTaskRole says whether a task definition names the role as its task role.
func (j *join) isTaskRole(d *roleDecl) bool {
	for _, k := range declKeys(d) {
		for _, u := range j.task[k] {
			if j.refIs(u.role, d) {
				return true
			}
		}
	}
	return false
}

// linkMessage is the one wording of a link and what the policy decided about it: the path the
// grant takes, the role, why it is (or can act as) an execution role, what is granted, the fix.
func linkMessage(l *link, jd judgement) string {
	verb := "grants S3 to"
	switch {
	case jd.unreadable:
		verb = "has a policy document the pack cannot read, for"
	case jd.unverified || l.maybe:
		verb = "may grant S3 to"
	}
	var b strings.Builder
	switch vias := l.vias(); {
	case l.unmatched:
		fmt.Fprintf(&b, "%s %s the role with unique ID %q, which may be an ECS task execution role",
			capitalize(l.grant.where.String()), verb, l.role.uniqueID)
	case len(l.uses) == 0:
		fmt.Fprintf(&b, "%s %s role %q, which an ECS task execution role can become (%s)",
			capitalize(l.grant.where.String()), verb, l.role.display(), strings.Join(vias, "; "))
	default:
		fmt.Fprintf(&b, "%s %s role %q, which is an ECS task execution role (%s)",
			capitalize(l.grant.where.String()), verb, l.role.display(), strings.Join(vias, "; "))
	}
	if jd.detail != "" {
		b.WriteString(": " + jd.detail)
	}
	b.WriteString(". Fix: " + jd.fix + ".")
	return b.String()
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
