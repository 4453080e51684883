package pack

import (
	"strconv"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// valueState says whether a property is absent, not yet known (preview) or known.
type valueState int

const (
	missing valueState = iota
	unknown
	known
)

// unwrap strips secret and output wrappers. It reports whether the value is known and whether
// any wrapper was secret. Secrets are unwrapped so that the pack can inspect them; callers must
// never print the value.
func unwrap(v resource.PropertyValue) (resource.PropertyValue, bool, bool) {
	secret := false
	for {
		switch {
		case v.IsSecret():
			secret = true
			v = v.SecretValue().Element
		case v.IsOutput():
			o := v.OutputValue()
			secret = secret || o.Secret
			if !o.Known {
				return v, false, secret
			}
			v = o.Element
		case v.IsComputed():
			return v, false, secret
		default:
			return v, true, secret
		}
	}
}

// str is a string property read from a resource.
type str struct {
	s      string
	state  valueState
	secret bool
}

func (s str) known() bool { return s.state == known }

// getString reads props[key] as a string. Non-string values count as missing, null too.
func getString(props resource.PropertyMap, key resource.PropertyKey) str {
	v, ok := props[key]
	if !ok {
		return str{}
	}
	u, isKnown, secret := unwrap(v)
	if !isKnown {
		return str{state: unknown, secret: secret}
	}
	if !u.IsString() {
		return str{secret: secret}
	}
	return str{s: u.StringValue(), state: known, secret: secret}
}

// getStrings reads props[key] as a list of strings (a single string counts as a one-element list).
// Unknown elements are reported through the second result; known ones are still returned.
func getStrings(props resource.PropertyMap, key resource.PropertyKey) ([]string, bool) {
	return getList(props, key, func(v resource.PropertyValue) (string, bool) {
		if !v.IsString() {
			return "", false
		}
		return v.StringValue(), true
	})
}

// getObjects reads props[key] as a list of objects (a single object counts as one), like getStrings.
func getObjects(props resource.PropertyMap, key resource.PropertyKey) ([]resource.PropertyMap, bool) {
	return getList(props, key, func(v resource.PropertyValue) (resource.PropertyMap, bool) {
		if !v.IsObject() {
			return nil, false
		}
		return v.ObjectValue(), true
	})
}

// getList reads props[key] as a list of the elements elem accepts, a single accepted value
// counting as a one-element list; elements of other kinds are skipped. The second result says
// whether the value or any element is unknown.
func getList[T any](props resource.PropertyMap, key resource.PropertyKey,
	elem func(resource.PropertyValue) (T, bool),
) ([]T, bool) {
	v, ok := props[key]
	if !ok {
		return nil, false
	}
	u, isKnown, _ := unwrap(v)
	if !isKnown {
		return nil, true
	}
	if one, ok := elem(u); ok {
		return []T{one}, false
	}
	if !u.IsArray() {
		return nil, false
	}
	var out []T
	anyUnknown := false
	for _, e := range u.ArrayValue() {
		ev, ek, _ := unwrap(e)
		if !ek {
			anyUnknown = true
			continue
		}
		if x, ok := elem(ev); ok {
			out = append(out, x)
		}
	}
	return out, anyUnknown
}

// getBool reads props[key] as a bool.
func getBool(props resource.PropertyMap, key resource.PropertyKey) (bool, valueState) {
	v, ok := props[key]
	if !ok {
		return false, missing
	}
	u, isKnown, _ := unwrap(v)
	if !isKnown {
		return false, unknown
	}
	if !u.IsBool() {
		return false, missing
	}
	return u.BoolValue(), known
}

// toPlain converts a property value to plain Go values (map[string]any, []any, string, float64,
// bool, nil), unwrapping secrets. ok is false if any part is unknown.
func toPlain(v resource.PropertyValue) (any, bool) {
	u, isKnown, _ := unwrap(v)
	if !isKnown {
		return nil, false
	}
	switch {
	case u.IsNull():
		return nil, true
	case u.IsString():
		return u.StringValue(), true
	case u.IsBool():
		return u.BoolValue(), true
	case u.IsNumber():
		return u.NumberValue(), true
	case u.IsArray():
		arr := u.ArrayValue()
		out := make([]any, 0, len(arr))
		for _, e := range arr {
			p, ok := toPlain(e)
			if !ok {
				return nil, false
			}
			out = append(out, p)
		}
		return out, true
	case u.IsObject():
		obj := u.ObjectValue()
		out := make(map[string]any, len(obj))
		for k, e := range obj {
			p, ok := toPlain(e)
			if !ok {
				return nil, false
			}
			out[string(k)] = p
		}
		return out, true
	default:
		return nil, true
	}
}

// walkStrings calls fn for every known string in v (recursing into objects, arrays and secrets)
// with a dotted path, and reports whether some part of v was unknown.
func walkStrings(path string, v resource.PropertyValue, fn func(path, s string, secret bool)) bool {
	return walk(path, v, false, fn)
}

func walk(path string, v resource.PropertyValue, secret bool, fn func(string, string, bool)) bool {
	u, isKnown, sec := unwrap(v)
	secret = secret || sec
	if !isKnown {
		return true
	}
	anyUnknown := false
	switch {
	case u.IsString():
		fn(path, u.StringValue(), secret)
	case u.IsArray():
		for i, e := range u.ArrayValue() {
			if walk(path+"["+strconv.Itoa(i)+"]", e, secret, fn) {
				anyUnknown = true
			}
		}
	case u.IsObject():
		for k, e := range u.ObjectValue() {
			p := string(k)
			if path != "" {
				p = path + "." + p
			}
			if walk(p, e, secret, fn) {
				anyUnknown = true
			}
		}
	}
	return anyUnknown
}
