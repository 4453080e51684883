package iampolicy

import (
	"slices"
	"strings"
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
