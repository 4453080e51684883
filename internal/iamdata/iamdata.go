// Package iamdata holds what AWS's own data says about IAM, for the policy pack to judge grants
// the way IAM does instead of from hand-written lists: every S3-family action, and for every AWS
// managed policy whether and which of them it grants. The table (snapshot.txt) is derived from
// AWS's documents in source/ by the generator in gen/, which evaluates each document with
// internal/iampolicy, the code the pack judges documents with; a test checks that the committed
// table is what the generator makes of the committed source.
//
// AWS adds managed policies and actions every week: a policy that is not in the snapshot is "not
// found", never "grants nothing", and messages should name SnapshotDate.
package iamdata

//go:generate go run ./gen

import (
	_ "embed"
	"slices"
	"strings"
	"sync"

	"github.com/keyless-ecs/railsapp/internal/awsfacts"
)

//go:embed snapshot.txt
var embedded string

// The embedded table is read on first use, in two steps: its head (date and action catalog) when
// the catalog is needed, its policy lines (indexed, parsed one at a time when looked up) when a
// managed policy is.
var (
	loadHead  = sync.OnceValues(func() (*head, error) { return readHead(embedded) })
	loadIndex = sync.OnceValues(func() (*index, error) {
		h, err := loadHead()
		if err != nil {
			return nil, err
		}
		return h.index()
	})
)

// Load reads the whole embedded table if it has not been read yet and reports whether it can be.
func Load() error {
	_, err := loadIndex()
	return err
}

// SnapshotDate returns the date (YYYY-MM-DD) of the AWS data the table was derived from, or ""
// if the embedded table cannot be read.
func SnapshotDate() string {
	h, err := loadHead()
	if err != nil {
		return ""
	}
	return h.date
}

// S3Actions returns every S3-family IAM action in the snapshot, sorted case-insensitively
// (nil if the embedded table cannot be read).
func S3Actions() []string {
	h, err := loadHead()
	if err != nil {
		return nil
	}
	return slices.Clone(h.actions)
}

// Entry is what the snapshot says about one AWS managed policy.
type Entry struct {
	Policy
	catalog []string
}

// ManagedPolicy returns the snapshot's entry for an AWS managed policy, given by its parsed ARN
// (awsfacts.ParsePolicyARN), in any partition (arn:aws:iam::aws:policy/…, arn:aws-cn:…). The path
// is part of the identity: policy/service-role/X and policy/X are different policies. Names
// compare case-insensitively, as IAM names are unique. It returns false for a policy that is not
// an AWS managed policy and for an AWS managed policy the snapshot does not hold: the caller must
// treat that one as not verifiable, never as granting nothing.
func ManagedPolicy(ref awsfacts.IAMRef) (Entry, bool) {
	if ref.Account != awsfacts.AWSManagedPolicyAccount {
		return Entry{}, false
	}
	ix, err := loadIndex()
	if err != nil {
		return Entry{}, false
	}
	line, ok := ix.lookup(strings.TrimPrefix(ref.Path, "/") + ref.Name)
	if !ok {
		return Entry{}, false
	}
	p, err := parsePolicy(line, len(ix.actions))
	if err != nil {
		return Entry{}, false
	}
	return Entry{Policy: p, catalog: ix.actions}, true
}

// ARN returns the policy's ARN in a partition ("aws", "aws-cn", …).
func (e Entry) ARN(partition string) string {
	return awsfacts.PolicyARN(partition, awsfacts.AWSManagedPolicyAccount, e.Path, e.Name)
}

// GrantsS3 reports whether the policy grants any S3-family action on an S3-family resource
// (conditions count as grants).
func (e Entry) GrantsS3() bool { return len(e.Actions) > 0 || e.Future }

// S3Actions returns the S3-family actions of the catalog that the policy grants, sorted
// case-insensitively.
func (e Entry) S3Actions() []string {
	out := make([]string, len(e.Actions))
	for i, a := range e.Actions {
		out[i] = e.catalog[a]
	}
	return out
}
