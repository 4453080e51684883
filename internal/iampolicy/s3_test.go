package iampolicy

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/keyless-ecs/railsapp/internal/awsfacts"
)

// allow renders a one-statement Allow document; elems are JSON members ("\"Action\":\"s3:*\"").
func allow(elems ...string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",` + strings.Join(elems, ",") + `}]}`
}

func jsonList(xs ...string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = fmt.Sprintf("%q", x)
	}
	return "[" + strings.Join(q, ",") + "]"
}

func TestCatalogComesFromData(t *testing.T) {
	c := DefaultCatalog()
	want := []string{"s3", "s3-object-lambda", "s3-outposts", "s3express", "s3files", "s3tables", "s3vectors"}
	if got := c.prefixes; !slices.Equal(got, want) {
		t.Fatalf("Prefixes = %v, want %v", got, want)
	}
	for _, a := range []string{"s3:GetObject", "s3:PutObject", "s3:GetBucketLocation", "s3:ListAllMyBuckets",
		"s3-object-lambda:GetObject", "s3express:CreateSession", "s3tables:GetTable", "s3vectors:GetVectors"} {
		if got := expand(c, a); !slices.Equal(got, []string{a}) {
			t.Errorf("%s is not in the catalog (%v)", a, got)
		}
	}
}

// expand returns the catalog actions an Action pattern allows, in catalog order.
func expand(c *Catalog, pattern string) []string {
	set, _ := c.actionReach(pattern)
	return c.names(set)
}

// grantActions returns the catalog actions a grant's statement allows, in catalog order.
func grantActions(g S3Grant) []string {
	if g.cat == nil {
		return nil
	}
	return g.cat.names(g.actions)
}

func TestNewCatalogRejects(t *testing.T) {
	for name, actions := range map[string][]string{
		"empty":     nil,
		"wildcard":  {"s3:Get*"},
		"no prefix": {"GetObject"},
		"no name":   {"s3:"},
		"twice":     {"s3:GetObject", "s3:getobject"},
		"space":     {"s3:Get Object"},
	} {
		if _, err := NewCatalog(actions); err == nil {
			t.Errorf("%s: NewCatalog(%q) accepted", name, actions)
		}
	}
}

func TestExpandAndFuture(t *testing.T) {
	c := DefaultCatalog()
	get := expand(c, "s3:Get*")
	if !slices.Contains(get, "s3:GetObject") || !slices.Contains(get, "s3:GetBucketPolicy") || slices.Contains(get, "s3:PutObject") {
		t.Errorf("Expand(s3:Get*) = %v", get)
	}
	for _, a := range get {
		if !strings.HasPrefix(a, "s3:Get") {
			t.Errorf("Expand(s3:Get*) holds %s", a)
		}
	}
	if got := expand(c, "S3:GETOBJECT"); !slices.Equal(got, []string{"s3:GetObject"}) {
		t.Errorf("Expand(S3:GETOBJECT) = %v", got)
	}
	if got := expand(c, "s?:GetObject"); !slices.Equal(got, []string{"s3:GetObject"}) {
		t.Errorf("Expand(s?:GetObject) = %v", got)
	}
	if got := expand(c, "*"); len(got) != len(c.actions) {
		t.Errorf("Expand(*) has %d actions, the catalog %d", len(got), len(c.actions))
	}
	cases := []struct {
		pattern      string
		known, maybe bool
	}{
		{"s3:GetObject", true, true},
		{"s3:Zz9NotYetAnAction", false, true},  // an action AWS may add
		{"s3express:Zz9*", false, true},        // a wildcard reaching only future actions
		{"s3-outposts:*", true, true},          // the whole namespace
		{"ec2:*", false, false},                // another service
		{"s3control:GetJob", false, false},     // not an IAM prefix of the family
		{"iam:*AccessKey*", false, false},      // names with "s3" elsewhere do not count
		{"sqs:*S3*", false, false},             // nor do patterns of other services
		{"*:GetObject", true, true},            // any service
		{"s3*:List*", true, true},              // any family prefix
		{"s3:GetObject?", false, true},         // only unknown names
		{"arn:aws:s3:::bucket", false, false},  // a resource, not an action
		{"s3", false, false},                   // no action name
		{"s3tables:getTABLE", true, true},      // letter case
		{"S3Vectors:QueryVectors", true, true}, // letter case of the prefix
	}
	for _, x := range cases {
		if got := len(expand(c, x.pattern)) > 0; got != x.known {
			t.Errorf("Expand(%q) non-empty = %v, want %v", x.pattern, got, x.known)
		}
		if got := c.MayMatchFamily(x.pattern); got != x.maybe {
			t.Errorf("MayMatchFamily(%q) = %v, want %v", x.pattern, got, x.maybe)
		}
	}
}

func TestActionGrants(t *testing.T) {
	cases := []struct {
		name    string
		doc     string
		grants  bool
		future  bool
		actions []string // a subset of what must be granted
		not     []string // must not be granted
	}{
		{"exact", allow(`"Action":"s3:GetObject"`, `"Resource":"arn:aws:s3:::b/*"`), true, false, []string{"s3:GetObject"}, []string{"s3:PutObject"}},
		{"read wildcards", allow(`"Action":["s3:Get*","s3:List*"]`, `"Resource":"*"`), true, true, []string{"s3:GetObject", "s3:ListBucket"}, []string{"s3:PutObject", "s3:DeleteObject"}},
		{"star", allow(`"Action":"*"`, `"Resource":"*"`), true, true, []string{"s3:PutObject", "s3tables:DeleteTable", "s3vectors:PutVectors"}, nil},
		{"service star", allow(`"Action":"*:*"`, `"Resource":"*"`), true, true, []string{"s3:PutObject"}, nil},
		{"family prefix wildcard", allow(`"Action":"s3*:Put*"`, `"Resource":"*"`), true, true, []string{"s3:PutObject", "s3tables:PutTableBucketPolicy"}, []string{"s3:GetObject"}},
		{"a wildcard read the widest way", allow(`"Action":"*t"`, `"Resource":"*"`), true, true, []string{"s3:GetObject", "s3:PutObject"}, []string{"s3:ListAllMyBuckets"}},
		{"unknown action", allow(`"Action":"s3:Zz9FutureAction"`, `"Resource":"*"`), true, true, nil, []string{"s3:GetObject"}},
		{"directory buckets", allow(`"Action":"s3express:CreateSession"`, `"Resource":"arn:aws:s3express:us-east-1:111122223333:bucket/b--use1-az4--x-s3"`), true, false, []string{"s3express:CreateSession"}, nil},
		{"outposts", allow(`"Action":"s3-outposts:GetObject"`, `"Resource":"*"`), true, false, []string{"s3-outposts:GetObject"}, nil},
		{"vectors", allow(`"Action":"s3vectors:*"`, `"Resource":"*"`), true, true, []string{"s3vectors:QueryVectors"}, []string{"s3:GetObject"}},
		{"files", allow(`"Action":"s3files:ClientMount"`, `"Resource":"*"`), true, false, []string{"s3files:ClientMount"}, nil},
		{"other services", allow(`"Action":["logs:*","ecr:*","sqs:*","kms:Decrypt"]`, `"Resource":"*"`), false, false, nil, nil},
	}
	for _, x := range cases {
		t.Run(x.name, func(t *testing.T) {
			d := mustParse(t, x.doc)
			g := d.S3Grants()
			if (len(g) > 0) != x.grants {
				t.Fatalf("grants = %v, want %v (%v)", len(g) > 0, x.grants, g)
			}
			actions, future := DefaultCatalog().S3Actions(d)
			if future != x.future {
				t.Errorf("future = %v, want %v", future, x.future)
			}
			for _, a := range x.actions {
				if !slices.Contains(actions, a) {
					t.Errorf("%s not granted (%d granted)", a, len(actions))
				}
			}
			for _, a := range x.not {
				if slices.Contains(actions, a) {
					t.Errorf("%s granted", a)
				}
			}
			if x.grants && !slices.Equal(grantActions(g[0]), actions) {
				t.Errorf("the one statement's Actions() differ from the document's")
			}
		})
	}
}

func TestNotAction(t *testing.T) {
	c := DefaultCatalog()
	prefixes := c.prefixes
	namespaces := make([]string, len(prefixes))
	for i, p := range prefixes {
		namespaces[i] = p + ":*"
	}
	var s3expressKnown []string
	for _, a := range c.Actions() {
		if strings.HasPrefix(a, "s3express:") {
			s3expressKnown = append(s3expressKnown, a)
		}
	}
	allButExpress := slices.DeleteFunc(slices.Clone(namespaces), func(n string) bool { return n == "s3express:*" })

	cases := []struct {
		name       string
		notAction  []string
		grants     bool
		future     bool
		why        string
		noneOfThem string // a prefix of actions none of which may be granted; "" checks s3:GetObject is
	}{
		{"another service", []string{"iam:*"}, true, true, `does not exclude`, ""},
		{"PowerUserAccess shape", []string{"iam:*", "organizations:*", "account:*"}, true, true, "does not exclude", ""},
		{"s3 only", []string{"s3:*"}, true, true, "(s3-object-lambda:", "s3:"},
		{"s3 reads only", []string{"s3:Get*", "s3:List*"}, true, true, "does not exclude", "s3:Get"},
		{"every namespace", namespaces, false, false, "", ""},
		{"family wildcard", []string{"s3*:*"}, false, false, "", ""},
		{"family wildcard without the colon", []string{"S3*"}, false, false, "", ""},
		{"everything", []string{"*"}, false, false, "", ""},
		{"every service", []string{"*:*"}, false, false, "", ""},
		{"every known s3express action but not the namespace", append(slices.Clone(allButExpress), s3expressKnown...), true, true, `"s3express:*"`, "s3express:"},
		// IAM's reading: a `*` inside a segment does not reach over the colon, so "*t" excludes no
		// action (an Action "*t" is read the widest way, and grants s3:GetObject).
		{"a wildcard that cannot cross the colon", append(slices.Clone(namespaces[1:]), "*t"), true, true, "(s3:", ""},
	}
	for _, x := range cases {
		t.Run(x.name, func(t *testing.T) {
			d := mustParse(t, allow(`"NotAction":`+jsonList(x.notAction...), `"Resource":"*"`))
			g := d.S3Grants()
			if (len(g) > 0) != x.grants {
				t.Fatalf("grants = %v, want %v (%v)", len(g) > 0, x.grants, g)
			}
			if !x.grants {
				return
			}
			if g[0].Future != x.future {
				t.Errorf("Future = %v, want %v", g[0].Future, x.future)
			}
			if !strings.Contains(g[0].Why, x.why) {
				t.Errorf("Why = %q, want it to contain %q", g[0].Why, x.why)
			}
			if x.noneOfThem == "" && !slices.Contains(grantActions(g[0]), "s3:GetObject") {
				t.Errorf("s3:GetObject is not granted")
			}
			if x.noneOfThem != "" {
				for _, a := range grantActions(g[0]) {
					if strings.HasPrefix(a, x.noneOfThem) {
						t.Errorf("%s is granted though NotAction lists it", a)
					}
				}
			}
		})
	}
}

func TestNotResource(t *testing.T) {
	forms := awsfacts.S3ResourceForms()
	// "?" stands for the one-character resource "*" of account-level actions: a NotResource "*"
	// would exclude everything.
	every := []string{"?"}
	for _, f := range forms {
		every = append(every, f.Example)
	}
	// Each form alone left out of an otherwise complete NotResource keeps the Allow a grant, and the
	// message names it.
	for _, f := range forms {
		t.Run(f.Kind, func(t *testing.T) {
			others := slices.DeleteFunc(slices.Clone(every), func(e string) bool { return e == f.Example })
			g := mustParse(t, allow(`"Action":"*"`, `"NotResource":`+jsonList(others...))).S3Grants()
			if len(g) != 1 || !strings.Contains(g[0].Why, f.Kind) {
				t.Fatalf("S3Grants = %v, want one grant naming %q", g, f.Kind)
			}
		})
	}
	cases := []struct {
		name        string
		notResource []string
		grants      bool
		why         string
	}{
		{"one bucket's objects", []string{"arn:aws:s3:::other/*"}, true, "general purpose buckets"},
		{"every general purpose bucket", []string{"arn:aws:s3:::*", "?"}, true, "access points"},
		{"every example but not the namespaces", every, true, "all s3 resources"},
		{"the list resource", []string{"arn:*", "arn:*:s3*:*"}, true, `"*"`},
		{"another partition", []string{"arn:aws:*", "?"}, true, "in every partition"},
		{"every family ARN and the list resource", []string{"arn:*:s3*:*", "?"}, false, ""},
		{"every ARN and the list resource", []string{"arn:*", "?"}, false, ""},
		{"everything", []string{"*"}, false, ""},
		{"letter case matters", []string{"ARN:*", "?"}, true, ""},
	}
	for _, x := range cases {
		t.Run(x.name, func(t *testing.T) {
			g := mustParse(t, allow(`"Action":"s3:GetObject"`, `"NotResource":`+jsonList(x.notResource...))).S3Grants()
			if (len(g) > 0) != x.grants {
				t.Fatalf("grants = %v, want %v (%v)", len(g) > 0, x.grants, g)
			}
			if x.grants && !strings.Contains(g[0].Why, "NotResource") || x.grants && !strings.Contains(g[0].Why, x.why) {
				t.Errorf("Why = %q, want it to name NotResource and %q", g[0].Why, x.why)
			}
		})
	}
}

func TestResourcePatterns(t *testing.T) {
	cases := []struct {
		resource string
		grants   bool
	}{
		{"*", true},
		{"arn:aws:s3:::*", true},
		{"arn:aws:s3:::b/*", true},
		{"arn:*:s3*:*", true},
		{"arn:*:s3:::b", true},
		{"arn:aws-cn:s3:::b/*", true},
		{"arn:aws-us-gov:s3:::b", true},
		{"arn:aws-iso-b:s3:::b", true},
		{"arn:aws:s3:us-east-1:111122223333:accesspoint/ap/object/*", true},
		{"arn:aws:s3::111122223333:accesspoint/mfzwi23gnjvgw.mrap", true},
		{"arn:aws:s3-object-lambda:us-east-1:111122223333:accesspoint/olap", true},
		{"arn:aws:s3-outposts:us-east-1:111122223333:outpost/op-1/bucket/b", true},
		{"arn:aws:s3express:us-east-1:111122223333:bucket/b--use1-az4--x-s3", true},
		{"arn:aws:s3tables:us-east-1:111122223333:bucket/t", true},
		{"arn:aws:s3vectors:us-east-1:111122223333:bucket/v/index/i", true},
		{"arn:aws:*", true},
		{"arn:aws:s?:::b", true},
		{"ARN:AWS:S3:::B", true}, // IAM would not match it; counting it errs on the safe side
		{"arn:aws:sqs:us-east-1:111122223333:queue", false},
		{"arn:aws:logs:us-east-1:111122223333:log-group:s3:*", false},
		{"arn:aws:secretsmanager:us-east-1:111122223333:secret:s3-key-*", false},
		{"arn:aws:ssm:us-east-1:111122223333:parameter/s3/*", false},
		{"bucket-name", false},
		{"arn:aws:s3", false},
	}
	for _, x := range cases {
		g := mustParse(t, allow(`"Action":"s3:GetObject"`, `"Resource":`+jsonList(x.resource))).S3Grants()
		if (len(g) > 0) != x.grants {
			t.Errorf("Resource %q: grants = %v, want %v", x.resource, len(g) > 0, x.grants)
		}
	}
}

func TestConditionsAndDeny(t *testing.T) {
	conditional := allow(`"Action":"s3:GetObject"`, `"Resource":"*"`, `"Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1"},"Bool":{"aws:SecureTransport":true}}`)
	if !mustParse(t, conditional).GrantsS3() {
		t.Error("a conditional Allow must count as a grant")
	}
	denyThenAllow := `{"Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"},{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"}]}`
	g := mustParse(t, denyThenAllow).S3Grants()
	if len(g) != 1 || g[0].Index != 2 {
		t.Errorf("S3Grants = %v, want only statement 2 (a Deny removes nothing the pack can prove)", g)
	}
	if mustParse(t, `{"Statement":[{"Effect":"Deny","NotAction":"s3:GetObject","NotResource":"*"}]}`).GrantsS3() {
		t.Error("a Deny grants nothing")
	}
}

func TestS3GrantsBeyond(t *testing.T) {
	const (
		obj    = "arn:aws:s3:::cfg-bucket/prod/app.env"
		bucket = "arn:aws:s3:::cfg-bucket"
	)
	permitted := []Permission{{Action: "s3:GetObject", Resource: obj}, {Action: "s3:GetBucketLocation", Resource: bucket}}
	within := map[string]string{
		"as AWS documents it": `{"Version":"2012-10-17","Statement":[
		  {"Effect":"Allow","Action":["s3:GetObject"],"Resource":["` + obj + `"]},
		  {"Effect":"Allow","Action":["s3:GetBucketLocation"],"Resource":["` + bucket + `"]}]}`,
		"letter case of actions": allow(`"Action":"S3:getobject"`, `"Resource":"`+obj+`"`),
		"with a condition":       allow(`"Action":"s3:GetObject"`, `"Resource":"`+obj+`"`, `"Condition":{"StringEquals":{"aws:ResourceAccount":"111122223333"}}`),
		"other services beside": `{"Statement":[{"Effect":"Allow","Action":["kms:Decrypt","ssm:GetParameters"],"Resource":"*"},
		  {"Effect":"Allow","Action":"s3:GetObject","Resource":"` + obj + `"},{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}`,
		"an S3 action on another service's resource": allow(`"Action":["s3:GetObject","logs:PutLogEvents"]`, `"Resource":"arn:aws:logs:us-east-1:111122223333:log-group:x:*"`),
	}
	for name, doc := range within {
		if ex := mustParse(t, doc).S3GrantsBeyond(permitted); len(ex) != 0 {
			t.Errorf("%s: reported %v", name, ex)
		}
	}
	beyond := []struct{ name, doc, why string }{
		{"every object of the bucket", allow(`"Action":"s3:GetObject"`, `"Resource":"`+bucket+`/*"`), `Resource "arn:aws:s3:::cfg-bucket/*" is a pattern`},
		{"a read wildcard", allow(`"Action":"s3:Get*"`, `"Resource":"`+obj+`"`), `Action "s3:Get*" allows`},
		{"a write beside the read", allow(`"Action":["s3:GetObject","s3:PutObject"]`, `"Resource":"`+obj+`"`), `s3:PutObject on "` + obj + `" is not permitted`},
		{"another object", allow(`"Action":"s3:GetObject"`, `"Resource":"`+bucket+`/prod/other.env"`), "is not permitted"},
		{"the same key in another partition", allow(`"Action":"s3:GetObject"`, `"Resource":"arn:aws-cn:s3:::cfg-bucket/prod/app.env"`), "is not permitted"},
		{"listing the bucket", allow(`"Action":"s3:ListBucket"`, `"Resource":"`+bucket+`"`), "s3:ListBucket on"},
		{"NotAction", allow(`"NotAction":"iam:*"`, `"Resource":"`+obj+`"`), "NotAction"},
		{"NotResource", allow(`"Action":"s3:GetObject"`, `"NotResource":"arn:aws:s3:::other/*"`), "NotResource"},
		{"every resource", allow(`"Action":"s3:GetObject"`, `"Resource":"*"`), `Resource "*"`},
		{"no resource", allow(`"Action":"s3:GetObject"`), "no Resource"},
		{"an unknown S3 action", allow(`"Action":"s3:Zz9FutureAction"`, `"Resource":"`+obj+`"`), "s3:Zz9FutureAction on"},
		{"actions and resources crossed in one statement", allow(`"Action":["s3:GetObject","s3:GetBucketLocation"]`, `"Resource":["`+obj+`","`+bucket+`"]`), `s3:GetObject on "` + bucket + `"`},
		{"resource letter case", allow(`"Action":"s3:GetObject"`, `"Resource":"arn:aws:s3:::cfg-bucket/PROD/app.env"`), "is not permitted"},
	}
	for _, x := range beyond {
		t.Run(x.name, func(t *testing.T) {
			ex := mustParse(t, x.doc).S3GrantsBeyond(permitted)
			if len(ex) != 1 || !strings.Contains(ex[0].Why, x.why) {
				t.Fatalf("S3GrantsBeyond = %v, want one statement whose reason contains %q", ex, x.why)
			}
		})
	}
	// Nothing is permitted when nothing is listed.
	if ex := mustParse(t, within["as AWS documents it"]).S3GrantsBeyond(nil); len(ex) != 2 {
		t.Errorf("with no permission: %v, want both statements", ex)
	}
}

func TestBroadS3StatementsFamily(t *testing.T) {
	cases := map[string]string{
		`Action "s3*:*" grants every S3-family action`: allow(`"Action":"s3*:*"`, `"Resource":"arn:aws:s3:::b/*"`),
		`Action "s3tables:*" grants every s3tables action`: allow(`"Action":"s3tables:*"`,
			`"Resource":"arn:aws:s3tables:us-east-1:111122223333:bucket/t"`),
		`covers every bucket`: allow(`"Action":"s3:GetObject"`, `"Resource":"arn:aws:s3:us-east-1:111122223333:accesspoint/*"`),
	}
	for want, doc := range cases {
		b := mustParse(t, doc).BroadS3Statements(nil)
		if len(b) != 1 || !strings.Contains(b[0].Why, want) {
			t.Errorf("BroadS3Statements = %v, want %q", b, want)
		}
	}
	scoped := allow(`"Action":["s3:GetObject","s3:PutObject"]`, `"Resource":"arn:aws:s3:us-east-1:111122223333:accesspoint/uploads/object/*"`)
	if b := mustParse(t, scoped).BroadS3Statements(nil); len(b) != 0 {
		t.Errorf("objects of one access point reported broad: %v", b)
	}
}
