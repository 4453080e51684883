package fakeaws

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// unwrap strips a secret wrapper, reporting whether there was one.
func unwrap(v resource.PropertyValue) (resource.PropertyValue, bool) {
	secret := false
	for v.IsSecret() {
		secret = true
		v = v.SecretValue().Element
	}
	return v, secret
}

// stringProp returns a known string property (secrets unwrapped) and whether it is one.
func stringProp(props resource.PropertyMap, key string) (string, bool) {
	v, ok := props[resource.PropertyKey(key)]
	if !ok {
		return "", false
	}
	v, _ = unwrap(v)
	if !v.IsString() {
		return "", false
	}
	return v.StringValue(), true
}

// numberOrString reads properties such as cpu/memory that the SDK sends as strings but a user
// may give as numbers.
func numberOrString(props resource.PropertyMap, key string) (string, bool) {
	v, ok := props[resource.PropertyKey(key)]
	if !ok {
		return "", false
	}
	v, _ = unwrap(v)
	switch {
	case v.IsString():
		return v.StringValue(), true
	case v.IsNumber():
		return fmt.Sprintf("%g", v.NumberValue()), true
	}
	return "", false
}

// known reports whether a property is present and contains no unknowns.
func known(props resource.PropertyMap, key string) bool {
	v, ok := props[resource.PropertyKey(key)]
	return ok && !v.ContainsUnknowns()
}

// present reports whether a property is set (unknown counts: it will be set).
func present(props resource.PropertyMap, key string) bool {
	v, ok := props[resource.PropertyKey(key)]
	return ok && !v.IsNull()
}

// plain converts a fully known property value to plain Go values for JSON encoding. ok is false
// when the value contains unknowns.
func plain(v resource.PropertyValue) (any, bool) {
	v, _ = unwrap(v)
	switch {
	case v.IsComputed() || (v.IsOutput() && !v.OutputValue().Known):
		return nil, false
	case v.IsOutput():
		return plain(v.OutputValue().Element)
	case v.IsNull():
		return nil, true
	case v.IsBool():
		return v.BoolValue(), true
	case v.IsNumber():
		return v.NumberValue(), true
	case v.IsString():
		return v.StringValue(), true
	case v.IsArray():
		out := make([]any, 0, len(v.ArrayValue()))
		for _, e := range v.ArrayValue() {
			pe, ok := plain(e)
			if !ok {
				return nil, false
			}
			out = append(out, pe)
		}
		return out, true
	case v.IsObject():
		out := make(map[string]any, len(v.ObjectValue()))
		for k, e := range v.ObjectValue() {
			pe, ok := plain(e)
			if !ok {
				return nil, false
			}
			out[string(k)] = pe
		}
		return out, true
	}
	return nil, false
}

// normaliseDocument turns an IAM document given as an object into the JSON string the real
// provider stores (its schema types these properties as strings). Strings, unknowns and other
// values are returned unchanged; a secret object becomes a secret string.
func normaliseDocument(v resource.PropertyValue) resource.PropertyValue {
	inner, secret := unwrap(v)
	if !inner.IsObject() {
		return v
	}
	if inner.ContainsUnknowns() {
		return resource.MakeComputed(resource.NewStringProperty(""))
	}
	p, _ := plain(inner)
	b, err := json.Marshal(p)
	if err != nil {
		return v
	}
	out := resource.NewStringProperty(string(b))
	if secret || inner.ContainsSecrets() {
		out = resource.MakeSecret(out)
	}
	return out
}

func computedString() resource.PropertyValue {
	return resource.MakeComputed(resource.NewStringProperty(""))
}
