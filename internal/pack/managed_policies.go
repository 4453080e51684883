package pack

import (
	"fmt"
	"slices"
	"strings"

	"github.com/keyless-ecs/railsapp/internal/awscreds"
	"github.com/keyless-ecs/railsapp/internal/awsfacts"
	"github.com/keyless-ecs/railsapp/internal/iamdata"
)

// managedPolicyVerdict is the pack's one judgement of a managed policy known only by its ARN
// (id, parsed once when the attachment is read).
// An AWS managed policy is judged by AWS's own data (iamdata): what its document grants, or, for
// one the snapshot does not hold, not verifiable (AWS adds managed policies every week and
// hundreds grant S3, so an unknown one is never "no S3"). A customer managed policy the
// configuration lists (extraS3ManagedPolicyArns) grants S3. decided is false for any other
// customer managed policy: its document must come from the stack.
func (c *execRoleConfig) managedPolicyVerdict(id awsfacts.IAMRef) (v docVerdict, decided bool) {
	switch {
	case c.lists(id):
		return docVerdict{state: docGrantsS3, detail: fmt.Sprintf(
			"the organization lists customer managed policy %s%s of account %s as granting S3 (extraS3ManagedPolicyArns)",
			strings.TrimPrefix(id.Path, "/"), id.Name, id.Account)}, true
	case id.Account != awsfacts.AWSManagedPolicyAccount:
		return docVerdict{}, false
	}
	e, ok := iamdata.ManagedPolicy(id)
	switch {
	case !ok:
		return notInSnapshot(id), true
	case !e.GrantsS3():
		return docVerdict{state: docNoS3}, true
	}
	return docVerdict{state: docGrantsS3, detail: fmt.Sprintf("AWS managed policy %s%s grants %s (%s), per AWS's data (snapshot of %s)",
		e.Name, deprecatedNote(e), s3ActionsSummary(e), e.Why, iamdata.SnapshotDate())}, true
}

// notInSnapshot is the verdict on an AWS managed policy ARN the snapshot does not hold: a policy
// AWS added later, or an ARN that does not exist (most often a wrong path, which the data can tell).
func notInSnapshot(id awsfacts.IAMRef) docVerdict {
	date := iamdata.SnapshotDate()
	v := docVerdict{state: docUnknown}
	if same := iamdata.ManagedPoliciesNamed(id.Name); len(same) > 0 {
		e := same[0]
		verdict := "grants no S3"
		if e.GrantsS3() {
			verdict = "grants " + s3ActionsSummary(e)
		}
		v.detail = fmt.Sprintf("AWS has no managed policy %s%s (AWS's data, snapshot of %s); its policy of that name is %s, which %s",
			strings.TrimPrefix(id.Path, "/"), id.Name, date, e.ARN(id.Partition), verdict)
		v.fix = fmt.Sprintf("correct the ARN to %s (the path is part of an AWS managed policy's ARN)", e.ARN(id.Partition))
		if e.GrantsS3() {
			v.fix += ", which the execution role must not carry either: attach S3 policies to the task role (taskRoleArn)"
		}
		return v
	}
	v.detail = fmt.Sprintf("AWS managed policy %s%s is not in the pack's AWS data (snapshot of %s), so the pack cannot "+
		"verify that it grants no S3", strings.TrimPrefix(id.Path, "/"), id.Name, date)
	v.fix = "check the ARN; if AWS added the policy after " + date + ", read its document (aws iam get-policy-version) " +
		"and attach a customer managed policy with only what the execution role needs instead, or use a release of the " +
		"pack with newer AWS data"
	return v
}

func deprecatedNote(e iamdata.Entry) string {
	if e.Deprecated {
		return " (deprecated by AWS)"
	}
	return ""
}

// maxNamedActions bounds how many S3 actions a message names.
const maxNamedActions = 3

// s3ActionsSummary says which S3-family actions a managed policy grants: all of them when they
// are few, else their number and a few of them, reads and writes of objects first (what a leaked
// execution role exposes).
func s3ActionsSummary(e iamdata.Entry) string {
	acts := e.S3Actions()
	named := slices.DeleteFunc([]string{actGetObject, actPutObject}, func(a string) bool {
		return !slices.Contains(acts, a)
	})
	for _, a := range acts {
		if len(named) == maxNamedActions {
			break
		}
		if !slices.Contains(named, a) {
			named = append(named, a)
		}
	}
	var s string
	switch {
	case len(acts) == 0:
		return "the S3-family actions AWS adds after the snapshot"
	case len(acts) <= maxNamedActions:
		s = strings.Join(named, ", ")
	default:
		s = fmt.Sprintf("%d S3-family actions, among them %s", len(acts), strings.Join(named, ", "))
	}
	if e.Future {
		s += ", and those AWS adds"
	}
	return s
}

// lists reports whether the configuration lists a customer managed policy as granting S3.
func (c *execRoleConfig) lists(id awsfacts.IAMRef) bool {
	return slices.ContainsFunc(c.listed, func(l awsfacts.IAMRef) bool {
		return l.Partition == id.Partition && l.Account == id.Account && l.Path == id.Path && strings.EqualFold(l.Name, id.Name)
	})
}

// validate reads extraS3ManagedPolicyArns. It holds customer managed policies outside the stack
// that the organization knows grant S3, by ARN. AWS managed policies are judged from AWS's data,
// so listing one is refused rather than silently ignored, as is anything that is not a policy ARN
// (the names the list once took).
func (c *execRoleConfig) validate() error {
	c.listed = nil
	for _, s := range c.ExtraS3ManagedPolicyArns {
		id, ok := awsfacts.ParsePolicyARN(s)
		switch {
		case !ok:
			return fmt.Errorf("extraS3ManagedPolicyArns: %q is not a policy ARN: list customer managed policies outside "+
				"the stack by ARN (arn:aws:iam::<account>:policy/<path><name>); AWS managed policies need no entry, the "+
				"pack judges them from AWS's own data", awscreds.RedactAll(s))
		case id.Account == awsfacts.AWSManagedPolicyAccount:
			return fmt.Errorf("extraS3ManagedPolicyArns: %q is an AWS managed policy, which the pack judges from AWS's own "+
				"data (snapshot of %s); remove it (to block AWS managed policies newer than the snapshot, set "+
				"blockUnverifiableGrants)", awscreds.RedactAll(s), iamdata.SnapshotDate())
		}
		c.listed = append(c.listed, id)
	}
	return nil
}
