package iampolicy

import (
	"strings"
	"testing"
)

// FuzzParse checks that no input makes the parser or the queries panic, and that the queries
// agree with one another.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`,
		`{"Statement":[{"Effect":"Allow","NotAction":["iam:*"],"NotResource":"arn:aws:s3:::b/*","Principal":{"AWS":"*"},"Condition":{"Bool":{"aws:SecureTransport":false}}}]}`,
		`{"Statement":[{"Effect":"Deny","Principal":"*","Action":"*","Resource":["arn:aws:s3:::*"]}]}`,
		`[]`, `null`, `{"Statement":7}`, `{"Statement":[{"Effect":"Allow","Action":"**?*","Resource":"?*"}]}`,
		`{"Statement":[{"Effect":"Allow","NotAction":["s3*:*","*t"],"NotResource":["arn:*:s3*:*","?"]}]}`,
		`{"Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:GetBucketLocation"],"Resource":["arn:aws:s3:::b/k","arn:aws:s3:::b"]}]}`,
	} {
		f.Add(s)
	}
	permitted := []Permission{{"s3:GetObject", "arn:aws:s3:::b/k"}, {"s3:GetBucketLocation", "arn:aws:s3:::b"}}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseJSON(s)
		if err != nil {
			if d != nil {
				t.Fatal("document returned with an error")
			}
			return
		}
		c := DefaultCatalog()
		grants := c.S3Grants(d)
		actions, future := c.S3Actions(d)
		if len(grants) == 0 && (len(actions) > 0 || future) {
			t.Fatal("actions granted without a grant")
		}
		// Whatever a statement grants beyond nothing is a grant, and a grant is beyond nothing.
		if beyond := c.S3GrantsBeyond(d, nil); len(beyond) != len(grants) {
			t.Fatalf("%d grants but %d statements beyond no permission", len(grants), len(beyond))
		}
		if len(c.S3GrantsBeyond(d, permitted)) > len(grants) {
			t.Fatal("more statements beyond the permissions than grants")
		}
		for _, b := range c.BroadS3Statements(d, []string{"s3:ListAllMyBuckets"}) {
			if !containsIndex(grants, b.Index) {
				t.Fatalf("statement %d is broad but grants nothing", b.Index)
			}
		}
		_ = d.DeniesInsecureTransport("arn:aws:s3:::b")
		_ = d.PublicAllows()
		for _, st := range d.Statements {
			_ = st.Principal.Services()
			_ = st.Principal.Others()
			_ = st.ActionsMatch("s3:GetObject")
		}
	})
}

func containsIndex(gs []S3Grant, i int) bool {
	for _, g := range gs {
		if g.Index == i {
			return true
		}
	}
	return false
}

// FuzzGlob checks the matchers against one another: the automaton of a glob matches a text exactly
// when the glob intersects it (a product walk written apart), IAM's reading never matches more than
// the widest one, and a set of patterns that covers a target matches every text the target names.
func FuzzGlob(f *testing.F) {
	for _, s := range [][2]string{
		{"s3:get*", "s3:getobject"}, {"arn:*:s3*:*", "arn:aws:s3:::b/k"}, {"*", ""}, {"?*?", "ab"},
		{"arn:a*s:s3:::b", "arn:a:x:s:s3:::b"}, {"s3*", "s3express:createsession"}, {"a**b?:*c", "axb::c"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, p, s string) {
		if len(p) > 64 || len(s) > 64 {
			return
		}
		wide := globMatch(p, s)
		for _, r := range []wildcardRule{anywhere, arnRule, actionRule, arnShape, actionShape} {
			m := newGlobSet([]string{p}, r).matches(s)
			if m && !wide {
				t.Fatalf("glob %q read with %+v matches %q, which the widest reading does not", p, r, s)
			}
			if r == anywhere && m != wide {
				t.Fatalf("the automaton and globMatch disagree on %q, %q", p, s)
			}
			if !hasWildcard(s) && intersects(p, r, s, anywhere) != m {
				t.Fatalf("the automaton and intersects disagree on %q, %q, %+v", p, s, r)
			}
		}
		pats := strings.Split(p, "|")
		if !hasWildcard(s) && covers(pats, arnRule, s, arnShape) != newGlobSet(pats, arnRule).matches(s) {
			t.Fatalf("covers(%q, %q) disagrees with matching it", pats, s)
		}
		_ = MatchAction(p, s)
		_ = MatchResource(p, s)
	})
}
