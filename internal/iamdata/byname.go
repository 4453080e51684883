package iamdata

import "strings"

// ManagedPoliciesNamed returns the snapshot's AWS managed policies of a name at any path (names
// compare case-insensitively), in table order: what an ARN with the wrong path most likely meant
// (policy/AmazonECSTaskExecutionRolePolicy for policy/service-role/…). It scans the table, so it
// is for the rare ARN that ManagedPolicy does not find.
func ManagedPoliciesNamed(name string) []Entry {
	ix, err := loadIndex()
	if err != nil || name == "" {
		return nil
	}
	var out []Entry
	for _, line := range ix.lines {
		key, _, _ := strings.Cut(line, "\t")
		if compareFold(key[strings.LastIndexByte(key, '/')+1:], name) != 0 {
			continue
		}
		if p, err := parsePolicy(line, len(ix.actions)); err == nil {
			out = append(out, Entry{Policy: p, catalog: ix.actions})
		}
	}
	return out
}
