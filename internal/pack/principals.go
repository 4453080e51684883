package pack

import (
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
	conds        []iampolicy.IdentityCondition
}

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
		return nil, &principalSet{notPrincipal: true, conds: st.IdentityConditions(),
			except: roleRefs(st.NotPrincipal.Roles()), exceptAcct: st.NotPrincipal.Accounts()}
	}
	if st.Principal == nil {
		return nil, nil
	}
	named := roleRefs(st.Principal.Roles())
	if st.Principal.Any {
		if conds := st.IdentityConditions(); len(conds) > 0 {
			return named, &principalSet{conds: conds}
		}
	}
	return named, nil
}

// roleRefs returns references to the roles principals name.
func roleRefs(rs []iampolicy.PrincipalRole) []roleRef {
	var out []roleRef
	for _, r := range rs {
		out = append(out, roleRef{id: r.Role, uniqueID: r.UniqueID, text: r.Value})
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
		t = minTri(t, holds(c, r))
	}
	return t
}

// holds says whether the role's sessions meet an identity condition.
func holds(c iampolicy.IdentityCondition, r roleFacts) tri {
	best := no
	for _, v := range c.Values {
		best = max(best, matchValue(c, v, r))
	}
	if !c.Negate {
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

func matchValue(c iampolicy.IdentityCondition, v string, r roleFacts) tri {
	switch c.Key {
	case iampolicy.KeyPrincipalAccount:
		switch {
		case r.id.Account == "":
			return maybe
		case globOrEqual(c.Like, v, r.id.Account):
			return yes
		}
		return no
	case iampolicy.KeyUserID:
		// A role session's user ID is "<role unique ID>:<session name>"; ECS picks the session name.
		if r.uniqueID == "" {
			return maybe
		}
		if globOrEqual(c.Like, strings.ToLower(v), strings.ToLower(r.uniqueID)+":ecs-session") {
			return yes
		}
		return no
	default: // aws:PrincipalArn: for a role session it is the role's ARN
		return roleARNMatches(c.Like, v, r)
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
