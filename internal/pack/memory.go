package pack

import (
	"sort"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// memory is what per-resource Analyze calls remember within one run (one analyzer process):
// grants to each role, the roles task definitions use, and the customer managed policies seen.
// Per-resource Analyze has no dependency information, so this is how the pack links a grant to a
// task definition in an update with no preview (Automation API Up) and blocks whichever of the
// two arrives second. Entries are keyed by the source URN, so analysing a resource again (the
// update pass after a preview pass) replaces what it said before.
type memory struct {
	mu       sync.Mutex
	grants   map[string]map[resource.URN][]grant // role key → source → grants
	exec     map[string]map[resource.URN]string  // role key → source → how it makes the role an execution role
	task     map[string]map[resource.URN]bool    // role key → task definitions naming it as task role
	policies map[string]policyFact               // lower-cased policy name → judged document
	reported map[string]bool                     // role keys with an execution-role violation reported
}

func newMemory() *memory {
	return &memory{
		grants:   map[string]map[resource.URN][]grant{},
		exec:     map[string]map[resource.URN]string{},
		task:     map[string]map[resource.URN]bool{},
		policies: map[string]policyFact{},
		reported: map[string]bool{},
	}
}

// execLink is a grant of this resource that goes to an execution role, or a grant from elsewhere
// to a role this resource makes an execution role.
type execLink struct {
	grant grant
	role  string   // display name of the role
	via   []string // how the role is an execution role
}

// observations is what record found out about the resource being analysed.
type observations struct {
	links []execLink
	// isTaskRole says whether a role is named as a task role by a task definition seen so far.
	isTaskRole bool
}

// record stores the facts of one resource and returns what they mean together with everything
// remembered so far. Attachments to customer managed policies are resolved here against the
// policies already seen (in an update the policy always comes first: the attachment needs its ARN).
func (m *memory) record(urn resource.URN, f *facts) observations {
	m.mu.Lock()
	defer m.mu.Unlock()

	if f.policy != nil && f.policy.name != "" {
		m.policies[f.policy.name] = *f.policy
	}
	for i := range f.grants {
		g := &f.grants[i]
		if g.v == unresolved && g.policyARN != "" {
			if name, _, ok := policyNameFromARN(g.policyARN); ok {
				if p, ok := m.policies[strings.ToLower(name)]; ok {
					g.docVerdict = p.docVerdict
					g.path += " of policy " + name
				}
			}
		}
	}
	byKey := map[string][]grant{}
	for _, g := range f.grants {
		if g.target.key != "" {
			byKey[g.target.key] = append(byKey[g.target.key], g)
		}
	}
	for key, gs := range byKey {
		putNested(m.grants, key, urn, gs)
	}
	for _, u := range f.execUses {
		if u.target.key != "" {
			putNested(m.exec, u.target.key, urn, u.via)
		}
	}
	for _, u := range f.taskUses {
		if u.target.key != "" {
			putNested(m.task, u.target.key, urn, true)
		}
	}
	var obs observations
	// This resource's grants that reach an execution role.
	for _, g := range f.grants {
		if g.target.key == "" || g.v == noS3 {
			continue
		}
		if vias := sortedValues(m.exec[g.target.key]); len(vias) > 0 {
			obs.links = append(obs.links, execLink{grant: g, role: displayRole(g.target), via: vias})
		}
	}
	// Grants from other resources to the roles this resource makes execution roles.
	for _, u := range f.execUses {
		if u.target.key == "" {
			continue
		}
		for src, gs := range m.grants[u.target.key] {
			if src == urn {
				continue // reported above
			}
			for _, g := range gs {
				if g.v != noS3 {
					obs.links = append(obs.links, execLink{grant: g, role: displayRole(u.target), via: []string{u.via}})
				}
			}
		}
	}
	sort.SliceStable(obs.links, func(i, j int) bool { return obs.links[i].grant.source < obs.links[j].grant.source })
	for _, l := range obs.links {
		if l.grant.v == grantsS3 || l.grant.v == malformed {
			m.reported[l.grant.target.key] = true
		}
	}
	if f.role != nil && f.role.key != "" {
		obs.isTaskRole = len(m.task[f.role.key]) > 0
	}
	return obs
}

// reportedRoles returns the role keys with an execution-role violation already reported by
// Analyze in this run, so that AnalyzeStack does not report the same problem twice.
func (m *memory) reportedRoles() map[string]bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make(map[string]bool, len(m.reported))
	for k := range m.reported {
		out[k] = true
	}
	return out
}

func putNested[V any](m map[string]map[resource.URN]V, key string, urn resource.URN, v V) {
	inner := m[key]
	if inner == nil {
		inner = map[resource.URN]V{}
		m[key] = inner
	}
	inner[urn] = v
}

func sortedValues(m map[resource.URN]string) []string {
	out := make([]string, 0, len(m))
	for _, via := range m {
		out = append(out, via)
	}
	sort.Strings(out)
	return out
}

func displayRole(t roleTarget) string {
	if t.display != "" {
		return t.display
	}
	return t.key
}
