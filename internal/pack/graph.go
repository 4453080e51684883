package pack

import (
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
)

// graph is the stack as AnalyzeStack sees it, indexed once so that every join is a map lookup
// (linear in the number of resources).
type graph struct {
	settings  *settings
	docs      *docCache
	resources []plugin.AnalyzerStackResource
	facts     []facts
	byURN     map[resource.URN]int
	byType    map[string][]int

	roleByName   map[string]resource.URN // lower-cased role name → role
	roleByARN    map[string]resource.URN
	roleKeyOf    map[resource.URN]string // role → lower-cased name
	policyByURN  map[resource.URN]policyFact
	policyByName map[string]policyFact
	policyByARN  map[string]policyFact
	bucketByName map[string]resource.URN // bucket name, id or ARN → bucket

	// reportedInRun holds role keys whose execution-role violation Analyze already reported.
	reportedInRun map[string]bool
}

func buildGraph(resources []plugin.AnalyzerStackResource, s *settings, docs *docCache) *graph {
	g := &graph{
		settings:     s,
		docs:         docs,
		resources:    resources,
		facts:        make([]facts, len(resources)),
		byURN:        make(map[resource.URN]int, len(resources)),
		byType:       map[string][]int{},
		roleByName:   map[string]resource.URN{},
		roleByARN:    map[string]resource.URN{},
		roleKeyOf:    map[resource.URN]string{},
		policyByURN:  map[resource.URN]policyFact{},
		policyByName: map[string]policyFact{},
		policyByARN:  map[string]policyFact{},
		bucketByName: map[string]resource.URN{},
	}
	for i := range resources {
		r := &resources[i]
		typ := string(r.Type)
		g.byURN[r.URN] = i
		g.byType[typ] = append(g.byType[typ], i)
		g.facts[i] = extractFacts(r.URN, typ, r.Properties, r.PropertyDependencies, s.extraS3ManagedPolicyArns, docs)
		switch {
		case typ == typeRole:
			if n := getString(r.Properties, "name"); n.known() && n.s != "" {
				key := strings.ToLower(n.s)
				g.roleByName[key] = r.URN
				g.roleKeyOf[r.URN] = key
			}
			if a := getString(r.Properties, "arn"); a.known() && a.s != "" {
				g.roleByARN[a.s] = r.URN
			}
		case typ == typePolicy:
			pf := *g.facts[i].policy
			g.policyByURN[r.URN] = pf
			if pf.name != "" {
				g.policyByName[pf.name] = pf
			}
			if pf.arn != "" {
				g.policyByARN[pf.arn] = pf
			}
		case isBucketType(typ):
			for _, k := range []resource.PropertyKey{"bucket", "id", "arn"} {
				if v := getString(r.Properties, k); v.known() && v.s != "" {
					g.bucketByName[v.s] = r.URN
				}
			}
		}
	}
	return g
}

// roleNode identifies a role: "urn:<URN>" for roles in the stack, "name:<key>" for roles outside.
type roleNode string

// roleNodes resolves a role reference: the engine's dependencies first (they hold even when the
// ARN is unknown at preview), then the ARN or name. It returns nil when the role cannot be known.
func (g *graph) roleNodes(t roleTarget) []roleNode {
	var out []roleNode
	for _, d := range t.deps {
		if d.Type() == typeRole {
			if _, ok := g.byURN[d]; ok {
				out = append(out, roleNode("urn:"+string(d)))
			}
		}
	}
	if len(out) > 0 {
		return out
	}
	if t.display != "" {
		if urn, ok := g.roleByARN[t.display]; ok {
			return []roleNode{roleNode("urn:" + string(urn))}
		}
	}
	if t.key != "" {
		if urn, ok := g.roleByName[t.key]; ok {
			return []roleNode{roleNode("urn:" + string(urn))}
		}
		return []roleNode{roleNode("name:" + t.key)}
	}
	return nil
}

// nodeKey returns the role name key of a node ("" when the role's name is not known).
func (g *graph) nodeKey(n roleNode) string {
	if urn, ok := strings.CutPrefix(string(n), "urn:"); ok {
		return g.roleKeyOf[resource.URN(urn)]
	}
	return strings.TrimPrefix(string(n), "name:")
}

func (g *graph) nodeDisplay(n roleNode) string {
	if urn, ok := strings.CutPrefix(string(n), "urn:"); ok {
		return resource.URN(urn).Name()
	}
	return strings.TrimPrefix(string(n), "name:")
}

// resolvePolicy judges an attachment whose policy is a customer managed policy: by dependency,
// then ARN, then name. ok is false when the policy is not in the stack.
func (g *graph) resolvePolicy(gr grant) (docVerdict, string, bool) {
	for _, d := range gr.policyDeps {
		if pf, ok := g.policyByURN[d]; ok {
			return pf.docVerdict, d.Name(), true
		}
	}
	if pf, ok := g.policyByARN[gr.policyARN]; ok {
		return pf.docVerdict, pf.name, true
	}
	if name, _, ok := policyNameFromARN(gr.policyARN); ok {
		if pf, ok := g.policyByName[strings.ToLower(name)]; ok {
			return pf.docVerdict, name, true
		}
	}
	return docVerdict{}, "", false
}

// bucketOf resolves the bucket a bucket sub-resource (policy, public access block …) applies to.
func (g *graph) bucketOf(i int) (resource.URN, bool) {
	r := &g.resources[i]
	for _, d := range r.PropertyDependencies["bucket"] {
		if isBucketType(string(d.Type())) {
			return d, true
		}
	}
	if v := getString(r.Properties, "bucket"); v.known() {
		urn, ok := g.bucketByName[v.s]
		return urn, ok
	}
	return "", false
}

// bucketsWith returns the buckets that some resource of one of the given types applies to.
func (g *graph) bucketsWith(types ...string) map[resource.URN]int {
	out := map[resource.URN]int{}
	for _, t := range types {
		for _, i := range g.byType[t] {
			if b, ok := g.bucketOf(i); ok {
				out[b] = i
			}
		}
	}
	return out
}

// buckets returns the indexes of every bucket in the stack.
func (g *graph) buckets() []int {
	return append(append([]int(nil), g.byType[typeBucketV2]...), g.byType[typeBucket]...)
}
