package pack

import (
	"maps"
	"slices"
	"strings"

	"github.com/keyless-ecs/railsapp/internal/awsfacts"
	"github.com/keyless-ecs/railsapp/internal/iampolicy"
)

// tri is a three-valued answer: whether a statement reaches a role can depend on what the pack
// does not know yet (an account, a unique ID).
type tri int8

const (
	no tri = iota
	maybe
	yes
)

func minTri(a, b tri) tri { return min(a, b) }

// principalSet is who an Allow statement reaches when it does not list roles by name: every
// principal (Principal "*" or {"AWS": "*"}) narrowed by identity conditions, or every principal
// but those a NotPrincipal lists. Conditions on anything but the principal's identity (source
// VPC or IP, organization, tags) only narrow the set; the pack cannot prove they leave a role
// out, but neither do they name it, so a bare Principal "*" with only such conditions is not
// attributed to any role (s3-bucket-private judges public statements).
type principalSet struct {
	notPrincipal bool
	except       []roleRef // NotPrincipal: roles it leaves out
	exceptAcct   []string  // NotPrincipal: accounts it leaves out
	conds        []identityCond
}

// identityCond is one condition on the calling principal's identity.
type identityCond struct {
	key    string // lower-cased: aws:principalarn, aws:userid or aws:principalaccount
	like   bool   // wildcards apply (StringLike, ArnLike, ArnEquals: ARN operators match per part)
	negate bool   // StringNotEquals, StringNotLike, ArnNotEquals, ArnNotLike
	values []string
}

// identityKeys are the condition keys that name the calling principal.
var identityKeys = []string{"aws:principalarn", "aws:userid", "aws:principalaccount"}

// principalsOf reads who an Allow statement of a resource or trust policy reaches: the roles it
// names (role ARNs, assumed-role session ARNs, role unique IDs) and, for Principal "*" narrowed
// by identity conditions or NotPrincipal, a set decided role by role. Account principals
// ("123456789012", "arn:aws:iam::123456789012:root") delegate to the account's own IAM policies
// and do not by themselves reach a role, so they name none.
func principalsOf(st *iampolicy.Statement) ([]roleRef, *principalSet) {
	if st.Effect != iampolicy.Allow {
		return nil, nil
	}
	if st.NotPrincipal != nil {
		s := &principalSet{notPrincipal: true, conds: identityConds(st)}
		for _, p := range st.NotPrincipal.AWSPrincipals() {
			if r, ok := principalRef(p); ok {
				s.except = append(s.except, r)
			} else if acct, ok := accountPrincipal(p); ok {
				s.exceptAcct = append(s.exceptAcct, acct)
			}
		}
		return nil, s
	}
	if st.Principal == nil {
		return nil, nil
	}
	var named []roleRef
	for _, p := range st.Principal.AWSPrincipals() {
		if r, ok := principalRef(p); ok {
			named = append(named, r)
		}
	}
	if st.Principal.Any {
		if conds := identityConds(st); len(conds) > 0 {
			return named, &principalSet{conds: conds}
		}
	}
	return named, nil
}

// principalRef reads one AWS principal value as a role: a role ARN, an assumed-role session ARN
// (the session of a role is that role), or a role's unique ID.
func principalRef(p string) (roleRef, bool) {
	p = strings.TrimSpace(p)
	if awsfacts.IsRoleUniqueID(p) {
		return roleRef{uniqueID: p, text: p}, true
	}
	if id, ok := awsfacts.ParseRoleARN(p); ok {
		return roleRef{id: id, text: p}, true
	}
	if id, ok := awsfacts.ParseAssumedRoleARN(p); ok {
		return roleRef{id: id, text: p}, true
	}
	return roleRef{}, false
}

// accountPrincipal reads an account principal: a 12-digit ID or the account's root ARN.
func accountPrincipal(p string) (string, bool) {
	p = strings.TrimSpace(p)
	if awsfacts.IsAccountID(p) {
		return p, true
	}
	if a, err := awsfacts.ParseARN(p); err == nil && a.Service == "iam" && a.Resource == "root" {
		return a.AccountID, true
	}
	return "", false
}

// identityConds returns the statement's conditions on the principal's identity. Operators may
// carry the ForAnyValue:/ForAllValues: set prefixes and the IfExists suffix; the three keys are
// single-valued, so those do not change the reading.
func identityConds(st *iampolicy.Statement) []identityCond {
	var out []identityCond
	for _, op := range slices.Sorted(maps.Keys(st.Condition)) {
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
		for _, k := range slices.Sorted(maps.Keys(st.Condition[op])) {
			lk := strings.ToLower(k)
			if slices.Contains(identityKeys, lk) {
				out = append(out, identityCond{key: lk, like: like, negate: negate, values: st.Condition[op][k]})
			}
		}
	}
	return out
}

// roleFacts is what a principal check needs to know about a role.
type roleFacts struct {
	id       awsfacts.IAMRef // Account filled in from the provider when the role's own ARN does not say
	uniqueID string
	prefix   string // namePrefix of a role whose name is not known yet
}

// reaches says whether the set includes the role.
func (s *principalSet) reaches(r roleFacts, names func(roleRef) tri) tri {
	t := yes
	if s.notPrincipal {
		for _, e := range s.except {
			switch names(e) {
			case yes:
				return no
			case maybe:
				t = maybe
			}
		}
		for _, a := range s.exceptAcct {
			switch {
			case r.id.Account == a:
				return no
			case r.id.Account == "":
				t = maybe
			}
		}
	}
	for _, c := range s.conds {
		t = minTri(t, c.holds(r))
	}
	return t
}

// holds says whether the role's sessions meet the condition.
func (c identityCond) holds(r roleFacts) tri {
	best := no
	for _, v := range c.values {
		best = max(best, c.matchValue(v, r))
	}
	if !c.negate {
		return best
	}
	switch best {
	case yes:
		return no
	case maybe:
		return maybe
	default:
		return yes
	}
}

func (c identityCond) matchValue(v string, r roleFacts) tri {
	switch c.key {
	case "aws:principalaccount":
		switch {
		case r.id.Account == "":
			return maybe
		case globOrEqual(c.like, v, r.id.Account):
			return yes
		}
		return no
	case "aws:userid":
		// A role session's user ID is "<role unique ID>:<session name>"; ECS picks the session name.
		if r.uniqueID == "" {
			return maybe
		}
		if globOrEqual(c.like, strings.ToLower(v), strings.ToLower(r.uniqueID)+":ecs-session") {
			return yes
		}
		return no
	default: // aws:principalarn: for a role session it is the role's ARN
		return roleARNMatches(c.like, v, r)
	}
}

func globOrEqual(like bool, pattern, s string) bool {
	if like {
		return iampolicy.MatchResource(pattern, s)
	}
	return pattern == s
}

// roleARNMatches says whether a role's ARN matches an ARN pattern, part by part as ArnLike does.
// Parts the pack does not know (partition, account, path) match as "maybe" where the pattern
// pins them. Role names are compared without letter case, as IAM keeps them unique.
func roleARNMatches(like bool, pattern string, r roleFacts) tri {
	if like && strings.Trim(pattern, "*") == "" {
		return yes // "*" matches every principal
	}
	a, err := awsfacts.ParseARN(strings.ToLower(pattern))
	if err != nil {
		return no
	}
	m := func(p, s string) bool { return globOrEqual(like, p, s) }
	if !m(a.Service, "iam") || !m(a.Region, "") {
		return no
	}
	t := yes
	unknownPart := func(p, s string) {
		switch {
		case s != "":
			if !m(p, strings.ToLower(s)) {
				t = no
			}
		case p != "*":
			t = minTri(t, maybe)
		}
	}
	// A stack lives in one partition: an unknown partition is not a reason for doubt.
	if r.id.Partition != "" && !m(a.Partition, r.id.Partition) {
		return no
	}
	unknownPart(a.AccountID, r.id.Account)
	if t == no {
		return no
	}
	res := a.Resource
	name := strings.ToLower(r.id.Name)
	switch {
	case name == "" && r.prefix != "":
		if strings.HasPrefix(res, "role/") {
			return minTri(t, maybe)
		}
		return no
	case name == "":
		return minTri(t, maybe)
	case r.id.Path != "":
		if m(res, "role"+strings.ToLower(r.id.Path)+name) {
			return t
		}
		return no
	case m(res, "role/"+name):
		return t
	case strings.HasPrefix(res, "role/") && m(res[strings.LastIndexByte(res, '/')+1:], name):
		return minTri(t, maybe) // the role's path is not known
	}
	return no
}
