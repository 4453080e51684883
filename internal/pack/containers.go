package pack

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// container is the part of an ECS container definition the pack reads.
type container struct {
	Name        string `json:"name"`
	Environment []struct {
		Name  string `json:"name"`
		Value any    `json:"value"`
	} `json:"environment"`
	Secrets []struct {
		Name      string `json:"name"`
		ValueFrom string `json:"valueFrom"`
	} `json:"secrets"`
	EnvironmentFiles []struct {
		Value string `json:"value"`
		Type  string `json:"type"`
	} `json:"environmentFiles"`
}

// containersOnce parses a resource's container definitions once for every check that reads them:
// into the fields most checks read (get), and, for the credential scan, with every field (tree).
type containersOnce struct {
	props resource.PropertyMap
	done  bool
	cs    []container
	state valueState
	err   error

	treeDone bool
	t        containerTree
}

func (c *containersOnce) get() ([]container, valueState, error) {
	if !c.done {
		c.cs, c.state, c.err = containerDefs(c.props)
		c.done = true
	}
	return c.cs, c.state, c.err
}

func (c *containersOnce) tree() *containerTree {
	if !c.treeDone {
		c.t = containerDefsTree(c.props)
		c.treeDone = true
	}
	return &c.t
}

// containerDefs parses a task definition's containerDefinitions (a JSON string, or already a
// list). state is unknown during preview when the JSON interpolates other resources' outputs.
func containerDefs(props resource.PropertyMap) ([]container, valueState, error) {
	v, ok := props["containerDefinitions"]
	if !ok {
		return nil, missing, nil
	}
	plain, isKnown := toPlain(v)
	if !isKnown {
		return nil, unknown, nil
	}
	var raw []byte
	switch x := plain.(type) {
	case string:
		raw = []byte(x)
	case nil:
		return nil, missing, nil
	default:
		b, err := json.Marshal(x)
		if err != nil {
			return nil, known, fmt.Errorf("containerDefinitions: %w", err)
		}
		raw = b
	}
	var cs []container
	if err := json.Unmarshal(raw, &cs); err != nil {
		// encoding/json's errors name types and offsets, never the input's values.
		return nil, known, fmt.Errorf("containerDefinitions is not a JSON list of container definitions: %w", err)
	}
	return cs, known, nil
}

// containerTree is a task definition's containerDefinitions with every field, for the checks
// that read all of them: the JSON string parsed into a property value, or the value itself when
// the engine sent a list. secret says the string was a Pulumi secret.
type containerTree struct {
	value  resource.PropertyValue
	state  valueState
	secret bool
	// text is the string that does not parse (err set): it is still scanned as text.
	text string
	err  error
}

// containerDefsTree reads containerDefinitions with every field. Unlike containerDefs it keeps
// the parts of a list that are not known yet, and secrets, as they are.
func containerDefsTree(props resource.PropertyMap) containerTree {
	v, ok := props["containerDefinitions"]
	if !ok {
		return containerTree{state: missing}
	}
	u, isKnown, secret := unwrap(v)
	switch {
	case !isKnown:
		return containerTree{state: unknown, secret: secret}
	case u.IsNull():
		return containerTree{state: missing}
	case !u.IsString():
		return containerTree{value: u, state: known, secret: secret}
	}
	var x any
	if err := json.Unmarshal([]byte(u.StringValue()), &x); err != nil {
		// encoding/json's errors name types and offsets, never the input's values.
		return containerTree{state: known, secret: secret, text: u.StringValue(),
			err: fmt.Errorf("containerDefinitions is not JSON: %w", err)}
	}
	if _, isList := x.([]any); !isList {
		return containerTree{value: jsonProperty(x), state: known, secret: secret,
			err: fmt.Errorf("containerDefinitions is not a JSON list of container definitions")}
	}
	return containerTree{value: jsonProperty(x), state: known, secret: secret}
}

// jsonProperty makes a property value of what encoding/json decoded into an any. Its strings,
// numbers, booleans and nulls already are what a property value holds, so only objects and
// lists are built (resource.NewPropertyValue would rebuild every value through reflection).
func jsonProperty(x any) resource.PropertyValue {
	switch v := x.(type) {
	case map[string]any:
		m := make(resource.PropertyMap, len(v))
		for k, e := range v {
			m[resource.PropertyKey(k)] = jsonProperty(e)
		}
		return resource.NewObjectProperty(m)
	case []any:
		l := make([]resource.PropertyValue, len(v))
		for i, e := range v {
			l[i] = jsonProperty(e)
		}
		return resource.NewArrayProperty(l)
	}
	return resource.PropertyValue{V: x} // string, float64, bool or nil
}
