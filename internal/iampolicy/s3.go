package iampolicy

import (
	"fmt"
	"strings"
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

// S3Grant is an Allow statement that grants some S3 action; Why names the element that does.
type S3Grant = StatementNote

// Broad is a statement that grants S3 more widely than least privilege allows; Why says how.
type Broad = StatementNote

// S3Grants returns the Allow statements that grant at least one S3 action on a resource that can
// be an S3 resource. Deny statements grant nothing and are skipped; conditions only narrow an
// Allow, so a conditional Allow still counts (fail closed).
func (d *Document) S3Grants() []S3Grant {
	if d == nil {
		return nil
	}
	var out []S3Grant
	for i, s := range d.Statements {
		if s.Effect != Allow {
			continue
		}
		why := s.s3ActionWhy()
		if why == "" || !s.resourceMayBeS3() {
			continue
		}
		out = append(out, S3Grant{Index: i + 1, Sid: s.Sid, Why: why})
	}
	return out
}

// GrantsS3 reports whether the document allows any S3 action.
func (d *Document) GrantsS3() bool { return len(d.S3Grants()) > 0 }

// s3ActionWhy returns why the statement's actions include an S3 action, or "".
func (s Statement) s3ActionWhy() string {
	if s.HasNotAction {
		// Allow + NotAction grants every action not listed.
		for _, probe := range s3ActionProbes {
			excluded := false
			for _, p := range s.NotActions {
				if MatchAction(p, probe) {
					excluded = true
					break
				}
			}
			if !excluded {
				return fmt.Sprintf("NotAction %s does not exclude %s", quoteList(s.NotActions), probe)
			}
		}
		return ""
	}
	for _, a := range s.Actions {
		if patternMayMatchS3(a) {
			return fmt.Sprintf("Action %q", a)
		}
	}
	return ""
}

func (s Statement) resourceMayBeS3() bool {
	switch {
	case s.HasResource:
		for _, r := range s.Resources {
			if resourceMayBeS3(r) {
				return true
			}
		}
		return false
	case s.HasNotResource:
		// Everything except the listed resources: S3 stays reachable unless a listed pattern
		// covers every S3 ARN and `*`.
		for _, r := range s.NotResources {
			if globMatch(r, "arn:aws:s3:::zz9-probe") && globMatch(r, "arn:aws:s3:::zz9-probe/key") {
				return false
			}
		}
		return true
	default:
		// IAM rejects identity statements without a resource; if one gets this far, fail closed.
		return true
	}
}

// BroadS3Statements returns the Allow statements that grant S3 broadly: every S3 action (`s3:*`,
// `*`, `*:*` …), an Allow with NotAction, or S3 actions on every resource (`*`, `arn:aws:s3:::*`,
// NotResource). Object-key wildcards inside one bucket (`arn:aws:s3:::bucket/*`) are scoped and
// not reported. allowedOnStar lists actions that only accept Resource "*" (e.g. s3:ListAllMyBuckets).
func (d *Document) BroadS3Statements(allowedOnStar []string) []Broad {
	if d == nil {
		return nil
	}
	var out []Broad
	for i, s := range d.Statements {
		if s.Effect != Allow || s.s3ActionWhy() == "" || !s.resourceMayBeS3() {
			continue
		}
		var reasons []string
		if s.HasNotAction {
			reasons = append(reasons, fmt.Sprintf("Allow with NotAction %s grants every other action", quoteList(s.NotActions)))
		}
		for _, a := range s.Actions {
			if patternCoversAllS3(a) {
				reasons = append(reasons, fmt.Sprintf("Action %q grants every S3 action", a))
			}
		}
		if s.HasNotResource {
			reasons = append(reasons, fmt.Sprintf("NotResource %s applies to every other resource", quoteList(s.NotResources)))
		}
		for _, r := range s.Resources {
			if isWildcardS3Resource(r) && !onlyActionsAllowedOnStar(s, allowedOnStar) {
				reasons = append(reasons, fmt.Sprintf("Resource %q covers every bucket", r))
			}
		}
		if len(reasons) > 0 {
			out = append(out, Broad{Index: i + 1, Sid: s.Sid, Why: strings.Join(reasons, "; ")})
		}
	}
	return out
}

// isWildcardS3Resource reports whether a resource pattern spans every bucket: `*`, or an S3 ARN
// whose bucket part is a wildcard (`arn:aws:s3:::*`, `arn:aws:s3:::*/*`, `arn:*:s3:::*`).
func isWildcardS3Resource(r string) bool {
	if r == "*" {
		return true
	}
	parts := strings.SplitN(r, ":", 6)
	if len(parts) < 6 || !strings.EqualFold(parts[0], "arn") {
		return false
	}
	if !strings.HasPrefix(parts[2], "s3") && !strings.Contains(parts[2], "*") {
		return false
	}
	bucket, _, _ := strings.Cut(parts[5], "/")
	return bucket == "" || strings.HasPrefix(bucket, "*")
}

func onlyActionsAllowedOnStar(s Statement, allowed []string) bool {
	if len(allowed) == 0 || s.HasNotAction {
		return false
	}
	for _, a := range s.Actions {
		if !patternMayMatchS3(a) {
			continue
		}
		ok := false
		for _, al := range allowed {
			if strings.EqualFold(a, al) {
				ok = true
				break
			}
		}
		if !ok {
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
