package pack

import (
	"github.com/keyless-ecs/railsapp/internal/awsfacts"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// stackCtx is the stack as AnalyzeStack sees it, indexed once so that every lookup is a map
// lookup (linear in the number of resources).
type stackCtx struct {
	docs         *docCache
	resources    []AnalyzerStackResource
	byURN        map[resource.URN]int
	byType       map[string][]int
	bucketByName map[string]resource.URN // bucket name, id or ARN → bucket

	// join is the execution-role join of the whole stack, when a policy that uses it is enabled;
	// reported holds the links Analyze already reported in this run.
	join     *join
	reported map[linkID]bool
	// wasAnalyzed says whether Analyze saw a resource in this run; the others got their
	// resource checks from AnalyzeStack.
	wasAnalyzed func(resource.URN) bool
}

func newStackCtx(resources []AnalyzerStackResource, docs *docCache) *stackCtx {
	sc := &stackCtx{
		docs:         docs,
		resources:    resources,
		byURN:        make(map[resource.URN]int, len(resources)),
		byType:       map[string][]int{},
		bucketByName: map[string]resource.URN{},
	}
	for i := range resources {
		r := &resources[i]
		typ := string(r.Type)
		sc.byURN[r.URN] = i
		sc.byType[typ] = append(sc.byType[typ], i)
		if awsfacts.IsBucketType(typ) {
			for _, k := range []resource.PropertyKey{"bucket", "id", "arn"} {
				if v := getString(r.Properties, k); v.known() && v.s != "" {
					sc.bucketByName[v.s] = r.URN
				}
			}
		}
	}
	return sc
}

// bucketOf resolves the bucket a bucket sub-resource (policy, public access block …) applies to.
func (sc *stackCtx) bucketOf(i int) (resource.URN, bool) {
	r := &sc.resources[i]
	for _, d := range r.PropertyDependencies["bucket"] {
		if awsfacts.IsBucketType(string(d.Type())) {
			return d, true
		}
	}
	if v := getString(r.Properties, "bucket"); v.known() {
		urn, ok := sc.bucketByName[v.s]
		return urn, ok
	}
	return "", false
}

// bucketsWith returns the buckets that some resource of one of the given types applies to.
func (sc *stackCtx) bucketsWith(types ...string) map[resource.URN]int {
	out := map[resource.URN]int{}
	for _, t := range types {
		for _, i := range sc.byType[t] {
			if b, ok := sc.bucketOf(i); ok {
				out[b] = i
			}
		}
	}
	return out
}

// buckets returns the indexes of every bucket in the stack.
func (sc *stackCtx) buckets() []int {
	return append(append([]int(nil), sc.byType[awsfacts.TypeBucketV2]...), sc.byType[awsfacts.TypeBucket]...)
}
