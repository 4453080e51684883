package pack

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

func TestContainersAreReadAsTheProviderReadsThem(t *testing.T) {
	str := resource.NewStringProperty
	list := func(vs ...resource.PropertyValue) resource.PropertyValue { return resource.NewArrayProperty(vs) }
	obj := func(kv ...any) resource.PropertyValue {
		m := resource.PropertyMap{}
		for i := 0; i < len(kv); i += 2 {
			m[resource.PropertyKey(kv[i].(string))] = kv[i+1].(resource.PropertyValue)
		}
		return resource.NewObjectProperty(m)
	}
	cases := []struct {
		name  string
		defs  resource.PropertyValue
		state valueState
		err   string // part of the error; "" for none
		want  string // the containers read, rendered by render below
	}{
		{name: "JSON, field names in any case",
			defs: str(`[{"Name":"web","ENVIRONMENT":[{"NAME":"A","Value":"1"},{"name":"B","value":2}],` +
				`"secrets":[{"name":"S","valueFrom":"arn:aws:ssm:us-east-1:111122223333:parameter/s"}],` +
				`"environmentFiles":[{"value":"arn:aws:s3:::b/k.env","type":"s3"}]}]`),
			state: known, want: "web env A=1 env B= secret S file arn:aws:s3:::b/k.env(s3)"},
		{name: "a field written twice in two cases is read twice",
			defs:  str(`[{"name":"web","environment":[{"name":"A"}],"Environment":[{"name":"B"}]}]`),
			state: known, want: "web env B= env A="}, // keys in order: upper case first
		{name: "a list the engine sends, with a secret",
			defs:  list(obj("name", str("web"), "environment", list(obj("name", resource.MakeSecret(str("A")))))),
			state: known, want: "web env A="},
		{name: "a part not known yet makes the whole unknown",
			defs:  list(obj("name", str("web"), "environment", list(obj("name", resource.MakeComputed(str("")))))),
			state: unknown},
		{name: "the whole not known yet", defs: resource.MakeComputed(str("")), state: unknown},
		{name: "null is no definitions", defs: resource.NewNullProperty(), state: missing},
		{name: "not JSON", defs: str(`[{"name":`), state: known, err: "containerDefinitions is not JSON"},
		{name: "JSON that is not a list", defs: str(`{"name":"web"}`), state: known,
			err: "containerDefinitions is not a JSON list of container definitions"},
		{name: "a list the engine sends that is not a list", defs: obj("name", str("web")), state: known,
			err: "containerDefinitions is not a JSON list of container definitions: it is an object, not a list"},
		{name: "a field of the wrong type, named by its path",
			defs: str(`[{"name":"web","environment":[{"name":"A","value":"1"},{"name":7}]}]`), state: known,
			err: "containerDefinitions is not a JSON list of container definitions: [0].environment[1].name is a number, not a string"},
		{name: "environment that is not a list", defs: str(`[{"environment":{"A":"1"}}]`), state: known,
			err: "[0].environment is an object, not a list"},
		{name: "a container that is not an object", defs: str(`["web"]`), state: known,
			err: "[0] is a string, not an object"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := containersOnce{props: resource.PropertyMap{"containerDefinitions": tc.defs}}
			cs, state, err := c.get()
			if state != tc.state {
				t.Errorf("state = %v, want %v", state, tc.state)
			}
			switch {
			case tc.err == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
				t.Fatalf("error = %v, want one containing %q", err, tc.err)
			}
			if got := render(cs); got != tc.want {
				t.Errorf("containers = %q, want %q", got, tc.want)
			}
		})
	}
}

func render(cs []container) string {
	var parts []string
	for _, c := range cs {
		parts = append(parts, c.Name)
		for _, e := range c.Environment {
			parts = append(parts, "env", e.Name+"="+e.Value)
		}
		for _, s := range c.Secrets {
			parts = append(parts, "secret", s.Name)
		}
		for _, f := range c.EnvironmentFiles {
			parts = append(parts, "file", f.Value+"("+f.Type+")")
		}
	}
	return strings.Join(parts, " ")
}

func TestMayListEnvFilesParsesOnlyWhatCanListThem(t *testing.T) {
	str := resource.NewStringProperty
	for _, tc := range []struct {
		defs resource.PropertyValue
		want bool
	}{
		{str(`[{"name":"web","environmentFiles":[{"value":"arn:aws:s3:::b/k.env","type":"s3"}]}]`), true},
		{str(`[{"name":"web","ENVIRONMENTFILES":[]}]`), true},
		{str(`[{"name":"web","environment":[{"name":"A","value":"1"}]}]`), false},
		{str(`[{"name":"environmentFile"}]`), false},
		{str(`environmentFiles`), true},
		{resource.MakeComputed(str("")), true}, // not known: the join must say so
		{resource.NewArrayProperty(nil), true}, // a list the engine sends is read as it is
	} {
		if got := mayListEnvFiles(resource.PropertyMap{"containerDefinitions": tc.defs}); got != tc.want {
			t.Errorf("mayListEnvFiles(%v) = %v, want %v", tc.defs, got, tc.want)
		}
	}
}
