package pack

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// container is the part of an ECS container definition the pack reads.
type container struct {
	Name             string
	Environment      []envVar
	Secrets          []secretVar
	EnvironmentFiles []envFile
}

type envVar struct{ Name, Value string } // Value "" when it is not a string
type secretVar struct{ Name, ValueFrom string }
type envFile struct{ Value, Type string }

// containersOnce parses a resource's container definitions once for every check that reads them:
// the JSON is decoded once, into a property tree with every field (tree, which the credential
// scan walks whole), and the fields most checks read are taken from that tree (get).
type containersOnce struct {
	props    resource.PropertyMap
	treeDone bool
	t        containerTree

	done  bool
	cs    []container
	state valueState
	err   error
}

func (c *containersOnce) get() ([]container, valueState, error) {
	if !c.done {
		c.cs, c.state, c.err = containersOf(c.tree())
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

// containersOf reads the containers of a parsed containerDefinitions. Its state is unknown during
// preview when some part interpolates other resources' outputs.
func containersOf(t *containerTree) ([]container, valueState, error) {
	switch {
	case t.state != known:
		return nil, t.state, nil
	case t.err != nil:
		return nil, known, t.err
	}
	var d containerReader
	cs := d.list(t.value)
	switch {
	case d.unknown:
		return nil, unknown, nil
	case d.err != "":
		return nil, known, fmt.Errorf("containerDefinitions is not a JSON list of container definitions: %s", d.err)
	}
	return cs, known, nil
}

// containerReader takes the fields the checks read from a container definition tree, as the
// provider decodes them: field names without letter case, a value of the wrong type an error (a
// field written twice in different cases is read twice, so no check misses either). It is kept
// by hand, rather than encoding the tree back to JSON for encoding/json, because that round trip
// was the pack's largest cost per task definition. Its path, like the credential walk's, is
// rendered only for an error.
type containerReader struct {
	path    []pathElem
	unknown bool
	err     string // the first problem: a path and what is wrong there, never a value
}

// value unwraps secrets and known outputs; false when the value is not known (or reading stopped).
func (d *containerReader) value(v resource.PropertyValue) (resource.PropertyValue, bool) {
	u, isKnown, _ := unwrap(v)
	if !isKnown {
		d.unknown = true
	}
	return u, isKnown && !u.IsNull() && !d.unknown && d.err == ""
}

// want reads a value that must be of one kind (is), recording the first one that is not.
func (d *containerReader) want(v resource.PropertyValue, kind string, is func(resource.PropertyValue) bool) (resource.PropertyValue, bool) {
	u, ok := d.value(v)
	if !ok {
		return u, false
	}
	if !is(u) {
		at := renderPath(d.path)
		if at == "" {
			at = "it"
		}
		d.err = fmt.Sprintf("%s is %s, not %s", at, jsonKind(u), kind)
		return u, false
	}
	return u, true
}

// jsonKind names the JSON type of a known value.
func jsonKind(u resource.PropertyValue) string {
	switch {
	case u.IsString():
		return "a string"
	case u.IsNumber():
		return "a number"
	case u.IsBool():
		return "a boolean"
	case u.IsArray():
		return "a list"
	case u.IsObject():
		return "an object"
	}
	return "not JSON" // assets, archives, resource references
}

func (d *containerReader) str(v resource.PropertyValue) string {
	if u, ok := d.want(v, "a string", resource.PropertyValue.IsString); ok {
		return u.StringValue()
	}
	return ""
}

func (d *containerReader) list(v resource.PropertyValue) []container {
	var cs []container
	readObjects(d, v, &cs, func(c *container, key string, e resource.PropertyValue) {
		switch {
		case strings.EqualFold(key, "name"):
			c.Name = d.str(e)
		case strings.EqualFold(key, "environment"):
			readObjects(d, e, &c.Environment, func(ev *envVar, key string, e resource.PropertyValue) {
				switch {
				case strings.EqualFold(key, "name"):
					ev.Name = d.str(e)
				case strings.EqualFold(key, "value"):
					if u, ok := d.value(e); ok && u.IsString() {
						ev.Value = u.StringValue()
					}
				}
			})
		case strings.EqualFold(key, "secrets"):
			readPairs(d, e, &c.Secrets, "name", "valueFrom",
				func(s *secretVar) (*string, *string) { return &s.Name, &s.ValueFrom })
		case strings.EqualFold(key, "environmentFiles"):
			readPairs(d, e, &c.EnvironmentFiles, "value", "type",
				func(f *envFile) (*string, *string) { return &f.Value, &f.Type })
		}
	})
	return cs
}

// readPairs reads a list of objects with two string fields, a and b, into items.
func readPairs[T any](d *containerReader, v resource.PropertyValue, items *[]T, a, b string,
	fields func(*T) (*string, *string),
) {
	readObjects(d, v, items, func(item *T, key string, e resource.PropertyValue) {
		pa, pb := fields(item)
		switch {
		case strings.EqualFold(key, a):
			*pa = d.str(e)
		case strings.EqualFold(key, b):
			*pb = d.str(e)
		}
	})
}

// readObjects reads a list of objects into items, one item per object, calling field for each of
// its fields in key order, with the reader's path at the field. A list read twice into the same
// items (a field written twice in different cases) appends.
func readObjects[T any](d *containerReader, v resource.PropertyValue, items *[]T,
	field func(item *T, key string, e resource.PropertyValue),
) {
	u, ok := d.want(v, "a list", resource.PropertyValue.IsArray)
	if !ok {
		return
	}
	for i, e := range u.ArrayValue() {
		d.path = append(d.path, pathElem{index: i, isIndex: true})
		if eu, ok := d.want(e, "an object", resource.PropertyValue.IsObject); ok {
			var item T
			obj := eu.ObjectValue()
			for _, k := range obj.StableKeys() {
				d.path = append(d.path, pathElem{key: string(k)})
				field(&item, string(k), obj[k])
				d.path = d.path[:len(d.path)-1]
			}
			*items = append(*items, item)
		}
		d.path = d.path[:len(d.path)-1]
		if d.err != "" {
			return
		}
	}
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
