package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Merge combines the JSON reports of the shards of one audit into one report. The shards must
// come from the same audit: the same shard count, pack versions, policy config and scope, each
// shard at most once, and no stack in two of them. missing lists the shards that were not given
// (a merge of some shards is allowed, and says which ones it covers).
func Merge(reports []*Report) (merged *Report, missing []Shard, err error) {
	if len(reports) == 0 {
		return nil, nil, fmt.Errorf("nothing to merge")
	}
	first := reports[0]
	out := &Report{Kind: first.Kind, Tool: first.Tool, Scope: first.Scope, PolicyPacks: first.PolicyPacks}
	out.Scope.Shards = nil
	seenShard := map[int]string{}
	seenStack := map[string]int{}
	count := 0
	for i, r := range reports {
		if r.Kind != first.Kind {
			return nil, nil, fmt.Errorf("report %d is a %s report, report 1 a %s report", i+1, r.Kind, first.Kind)
		}
		if !samePacks(r.PolicyPacks, first.PolicyPacks) {
			return nil, nil, fmt.Errorf("report %d ran %s, report 1 ran %s: shards of one audit run the same packs",
				i+1, packList(r.PolicyPacks), packList(first.PolicyPacks))
		}
		if r.Scope.PolicyConfigDigest != first.Scope.PolicyConfigDigest {
			return nil, nil, fmt.Errorf("report %d used a different policy config than report 1", i+1)
		}
		if r.Scope.Backend != first.Scope.Backend || r.Scope.Organization != first.Scope.Organization ||
			!slices.Equal(r.Scope.Projects, first.Scope.Projects) || !slices.Equal(r.Scope.StackGlobs, first.Scope.StackGlobs) {
			return nil, nil, fmt.Errorf("report %d audited a different scope than report 1", i+1)
		}
		for _, sh := range r.Scope.Shards {
			if count == 0 {
				count = sh.Count
			}
			if sh.Count != count {
				return nil, nil, fmt.Errorf("report %d covers shard %s, but another report splits the audit in %d", i+1, sh, count)
			}
			if prev, ok := seenShard[sh.Index]; ok {
				return nil, nil, fmt.Errorf("shard %s is in report %d and in %s", sh, i+1, prev)
			}
			seenShard[sh.Index] = fmt.Sprintf("report %d", i+1)
			out.Scope.Shards = append(out.Scope.Shards, sh)
		}
		if len(r.Scope.Shards) == 0 && len(reports) > 1 {
			return nil, nil, fmt.Errorf("report %d is not a shard (no --shard), so it cannot be merged with others", i+1)
		}
		for _, s := range r.Stacks {
			if prev, ok := seenStack[s.FullName()]; ok {
				return nil, nil, fmt.Errorf("stack %s is in report %d and in report %d", s.FullName(), prev, i+1)
			}
			seenStack[s.FullName()] = i + 1
			out.Stacks = append(out.Stacks, s)
		}
		if r.GeneratedAt > out.GeneratedAt {
			out.GeneratedAt = r.GeneratedAt
		}
	}
	slices.SortFunc(out.Scope.Shards, func(a, b Shard) int { return cmp.Compare(a.Index, b.Index) })
	for i := 1; i <= count; i++ {
		if _, ok := seenShard[i]; !ok {
			missing = append(missing, Shard{Index: i, Count: count})
		}
	}
	// A complete merge is the whole audit: it no longer reads as a shard.
	if len(missing) == 0 {
		out.Scope.Shards = nil
	}
	out.Normalize()
	return out, missing, nil
}

func samePacks(a, b []PolicyPack) bool {
	return packList(a) == packList(b)
}

func packList(ps []PolicyPack) string {
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.Name + "@" + p.Version
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// Combine puts the reports of single operations (one per stack, from event logs) into one: their
// stacks, and every pack that ran in any of them. The kind is the first report's.
func Combine(reports []*Report) *Report {
	if len(reports) == 0 {
		return &Report{Kind: KindPreview}
	}
	out := &Report{Kind: reports[0].Kind, Tool: reports[0].Tool, Scope: reports[0].Scope}
	for _, r := range reports {
		out.Stacks = append(out.Stacks, r.Stacks...)
		for _, p := range r.PolicyPacks {
			if !hasPack(out.PolicyPacks, p.Name) {
				out.PolicyPacks = append(out.PolicyPacks, p)
			}
		}
	}
	out.Normalize()
	return out
}
