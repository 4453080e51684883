package iampolicy

import (
	"maps"
	"slices"
	"strings"

	"github.com/keyless-ecs/railsapp/internal/awsfacts"
)

// Services returns the service principals of an Allow statement's Principal (lower-cased).
func (p *Principal) Services() []string {
	if p == nil {
		return nil
	}
	var out []string
	for _, s := range p.ByType["Service"] {
		out = append(out, strings.ToLower(s))
	}
	return out
}

// Others returns every principal value that is not a service principal, as "Type:value".
func (p *Principal) Others() []string {
	if p == nil {
		return nil
	}
	if p.Any && len(p.ByType) == 0 {
		return []string{"*"}
	}
	var out []string
	for t, vals := range p.ByType {
		if t == "Service" {
			continue
		}
		for _, v := range vals {
			out = append(out, t+":"+v)
		}
	}
	return out
}

// AWSPrincipals returns the AWS principal values (ARNs, account IDs, "*") of a principal.
func (p *Principal) AWSPrincipals() []string {
	if p == nil {
		return nil
	}
	if p.Any && len(p.ByType) == 0 {
		return []string{"*"}
	}
	return p.ByType["AWS"]
}

// PrincipalRole is a role that an AWS principal value names: by its ARN, by the ARN of one of its
// sessions (arn:…:sts::…:assumed-role/<name>/<session>: a session acts as its role), or by its
// unique ID (then Role is zero).
type PrincipalRole struct {
	Role     awsfacts.IAMRef
	UniqueID string
	Value    string // as written, trimmed
}

// Roles returns the roles that p's AWS principals name. Account principals, users, "*" and
// other principal types name no role.
func (p *Principal) Roles() []PrincipalRole {
	var out []PrincipalRole
	for _, v := range p.AWSPrincipals() {
		v = strings.TrimSpace(v)
		if awsfacts.IsRoleUniqueID(v) {
			out = append(out, PrincipalRole{UniqueID: v, Value: v})
		} else if id, ok := awsfacts.ParseRoleARN(v); ok {
			out = append(out, PrincipalRole{Role: id, Value: v})
		} else if id, ok := awsfacts.ParseAssumedRoleARN(v); ok {
			out = append(out, PrincipalRole{Role: id, Value: v})
		}
	}
	return out
}

// Accounts returns the accounts that p's AWS principals name as a whole: a 12-digit account ID
// or the account's root ARN (arn:…:iam::<account>:root). Such a principal delegates to the
// account's own IAM policies; it does not by itself reach any role of the account.
func (p *Principal) Accounts() []string {
	var out []string
	for _, v := range p.AWSPrincipals() {
		v = strings.TrimSpace(v)
		if awsfacts.IsAccountID(v) {
			out = append(out, v)
		} else if a, err := awsfacts.ParseARN(v); err == nil && a.Service == "iam" && a.Resource == "root" {
			out = append(out, a.AccountID)
		}
	}
	return out
}

// The condition keys that name the calling principal's identity, lower-cased.
const (
	KeyPrincipalARN     = "aws:principalarn"
	KeyUserID           = "aws:userid"
	KeyPrincipalAccount = "aws:principalaccount"
)

// IdentityCondition is one condition of a statement on the calling principal's identity, its
// operator read the way IAM reads it.
type IdentityCondition struct {
	Key    string // KeyPrincipalARN, KeyUserID or KeyPrincipalAccount
	Like   bool   // wildcards apply (StringLike, ArnLike, ArnEquals: ARN operators match per part)
	Negate bool   // StringNotEquals, StringNotLike, ArnNotEquals, ArnNotLike
	Values []string
}

// IdentityConditions returns the statement's conditions on the caller's identity, by operator
// then key. Operators may carry the ForAnyValue:/ForAllValues: set prefixes and the IfExists
// suffix; the three keys are single-valued, so those do not change the reading. Conditions under
// other operators (Null, Bool, numeric, date, IP) are left out.
func (s Statement) IdentityConditions() []IdentityCondition {
	var out []IdentityCondition
	for _, op := range slices.Sorted(maps.Keys(s.Condition)) {
		base := op
		if _, after, ok := strings.Cut(base, ":"); ok {
			base = after
		}
		base = strings.TrimSuffix(base, "IfExists")
		var like, negate bool
		switch base {
		case "StringEquals", "StringEqualsIgnoreCase":
		case "StringLike", "ArnLike", "ArnEquals":
			like = true
		case "StringNotEquals", "StringNotEqualsIgnoreCase":
			negate = true
		case "StringNotLike", "ArnNotLike", "ArnNotEquals":
			like, negate = true, true
		default:
			continue
		}
		for _, k := range slices.Sorted(maps.Keys(s.Condition[op])) {
			switch lk := strings.ToLower(k); lk {
			case KeyPrincipalARN, KeyUserID, KeyPrincipalAccount:
				out = append(out, IdentityCondition{Key: lk, Like: like, Negate: negate, Values: s.Condition[op][k]})
			}
		}
	}
	return out
}

// HasCondition reports whether the statement has any condition on one of the given keys
// (compared case-insensitively, as IAM compares condition keys).
func (s Statement) HasCondition(keys ...string) bool {
	have := s.ConditionKeys()
	return slices.ContainsFunc(keys, func(k string) bool { return slices.Contains(have, strings.ToLower(k)) })
}

// ConditionValues returns the values of a condition key under an operator (operator compared
// exactly, key case-insensitively).
func (s Statement) ConditionValues(op, key string) []string {
	for k, v := range s.Condition[op] {
		if strings.EqualFold(k, key) {
			return v
		}
	}
	return nil
}

// ActionsMatch reports whether the statement's Action element matches the given action
// (NotAction statements match every action they do not list).
func (s Statement) ActionsMatch(action string) bool {
	matches := func(p string) bool { return MatchAction(p, action) }
	if s.HasNotAction {
		return !slices.ContainsFunc(s.NotActions, matches)
	}
	return slices.ContainsFunc(s.Actions, matches)
}

// ResourcesMatch reports whether the statement applies to the given resource ARN.
func (s Statement) ResourcesMatch(arn string) bool {
	matches := func(p string) bool { return MatchResource(p, arn) }
	switch {
	case s.HasResource:
		return slices.ContainsFunc(s.Resources, matches)
	case s.HasNotResource:
		return !slices.ContainsFunc(s.NotResources, matches)
	default:
		return true
	}
}

// DeniesInsecureTransport reports whether the document has a Deny statement for every principal
// and all S3 actions when aws:SecureTransport is false, covering both the bucket ARN and its
// objects (the AWS Config s3-bucket-ssl-requests-only / cdk-nag S10 shape). An empty bucketARN
// checks the statement shape only.
func (d *Document) DeniesInsecureTransport(bucketARN string) bool {
	if d == nil {
		return false
	}
	for _, s := range d.Statements {
		if s.Effect != Deny || s.Principal == nil || !s.Principal.Any {
			continue
		}
		if !s.ActionsMatch("s3:GetObject") || !s.ActionsMatch("s3:PutObject") || !s.ActionsMatch("s3:ListBucket") {
			continue
		}
		insecure := false
		for _, v := range s.ConditionValues("Bool", "aws:SecureTransport") {
			if strings.EqualFold(v, "false") {
				insecure = true
			}
		}
		if !insecure {
			continue
		}
		if bucketARN == "" || (s.ResourcesMatch(bucketARN) && s.ResourcesMatch(bucketARN+"/zz9-key")) {
			return true
		}
	}
	return false
}

// PublicAllows returns the Allow statements open to every principal ("*" or {"AWS": "*"}) with no
// condition at all: those make a bucket public unless Block Public Access stops them.
func (d *Document) PublicAllows() []int {
	if d == nil {
		return nil
	}
	var out []int
	for i, s := range d.Statements {
		if s.Effect == Allow && s.Principal != nil && s.Principal.Any && len(s.Condition) == 0 {
			out = append(out, i+1)
		}
	}
	return out
}
