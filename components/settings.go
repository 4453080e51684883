package components

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Type is the type of a setting's value, as stack config and the docs name it.
type Type string

// The setting types.
const (
	TypeString     Type = "string"
	TypeBool       Type = "bool"
	TypeInt        Type = "int"
	TypeStringList Type = "list of strings"
	TypeStringMap  Type = "map string→string"
)

// Setting is the one declaration of an ActiveStorage setting. The list (Settings) drives the
// component's defaults, its validation, the inputs it records, the program's config loading
// (key `railsapp:<Key>`) and the tables in README.md and docs/configuration.md.
type Setting struct {
	// Key is the lowerCamel name: the config key under `railsapp:`, the component input's name
	// and FieldError.Field.
	Key  string
	Type Type
	// Default is the default as the docs show it (derived defaults with "<environment>"), or,
	// for a setting without one, what leaving it unset means.
	Default string
	// Allowed describes the accepted values.
	Allowed string
	// Doc says in one line what the setting does.
	Doc string

	bind binding
}

// Set parses a stack config value (its text; lists and maps as JSON) into the setting's field
// of a. The error does not repeat the value when the value is a list or a map.
func (s Setting) Set(a *ActiveStorageArgs, text string) error { return s.bind.set(a, text) }

// Settings returns the declaration of every setting, in documentation order.
func Settings() []Setting { return slices.Clone(settings) }

// binding ties a Setting to its field of ActiveStorageArgs.
type binding interface {
	set(a *ActiveStorageArgs, text string) error
	isSet(a *ActiveStorageArgs) bool
	applyDefault(a *ActiveStorageArgs)
	check(a *ActiveStorageArgs, c *checker)
	input(a *ActiveStorageArgs) pulumi.Input
	// field returns a pointer to the field, so tests can prove every field has one setting.
	field(a *ActiveStorageArgs) any
	typ() Type
}

// field is a binding for a field of type T (string, bool, *bool, int, []string or
// map[string]string).
type field[T any] struct {
	ptr func(*ActiveStorageArgs) *T
	// def returns the value to use for v, given the other arguments (nil: no default).
	def func(a *ActiveStorageArgs, v T) T
	// validate reports the value's problems through c.
	validate func(v T, c *checker)
}

func (f field[T]) field(a *ActiveStorageArgs) any { return f.ptr(a) }

func (f field[T]) typ() Type {
	var zero T
	switch any(zero).(type) {
	case bool, *bool:
		return TypeBool
	case int:
		return TypeInt
	case []string:
		return TypeStringList
	case map[string]string:
		return TypeStringMap
	}
	return TypeString
}

func (f field[T]) isSet(a *ActiveStorageArgs) bool { return !isZero(*f.ptr(a)) }

func (f field[T]) applyDefault(a *ActiveStorageArgs) {
	p := f.ptr(a)
	v := *p
	if f.def != nil {
		v = f.def(a, v)
	}
	*p = cloneValue(v)
}

func (f field[T]) check(a *ActiveStorageArgs, c *checker) {
	if f.validate != nil {
		f.validate(*f.ptr(a), c)
	}
}

func (f field[T]) input(a *ActiveStorageArgs) pulumi.Input {
	switch v := any(*f.ptr(a)).(type) {
	case string:
		if v != "" {
			return pulumi.String(v)
		}
	case bool:
		return pulumi.Bool(v)
	case *bool:
		return pulumi.Bool(isTrue(v))
	case int:
		return pulumi.Int(v)
	case []string:
		if len(v) > 0 {
			return pulumi.ToStringArray(v)
		}
	case map[string]string:
		if len(v) > 0 {
			return pulumi.ToStringMap(v)
		}
	}
	return nil
}

// errZeroInt: an integer setting's zero means "the default", so stack config may not say 0.
var errZeroInt = errors.New("0 is out of range; leave the key unset for the default")

func (f field[T]) set(a *ActiveStorageArgs, text string) error {
	p := f.ptr(a)
	trimmed := strings.TrimSpace(text)
	switch p := any(p).(type) {
	case *string:
		*p = trimmed
	case *bool, **bool:
		b, err := strconv.ParseBool(trimmed)
		if err != nil {
			return fmt.Errorf("%q is not a boolean; allowed: true, false", text)
		}
		if bp, ok := p.(*bool); ok {
			*bp = b
		} else {
			*p.(**bool) = &b
		}
	case *int:
		n, err := strconv.Atoi(trimmed)
		if err != nil {
			return fmt.Errorf("%q is not an integer", text)
		}
		if n == 0 {
			return errZeroInt
		}
		*p = n
	case *[]string:
		var v []string
		if err := json.Unmarshal([]byte(text), &v); err != nil {
			return errors.New(`must be a list of strings, e.g. ["https://www.example.com"]`)
		}
		*p = v
	case *map[string]string:
		var v map[string]string
		if err := json.Unmarshal([]byte(text), &v); err != nil {
			return errors.New(`must be a map of string to string, e.g. {"RAILS_ENV": "production"}`)
		}
		*p = v
	}
	return nil
}

func isZero(v any) bool {
	switch v := v.(type) {
	case string:
		return v == ""
	case bool:
		return !v
	case *bool:
		return v == nil
	case int:
		return v == 0
	case []string:
		return len(v) == 0
	case map[string]string:
		return len(v) == 0
	}
	return v == nil
}

// cloneValue copies slices, maps and pointers so the component never shares them with its caller.
func cloneValue[T any](v T) T {
	switch x := any(v).(type) {
	case *bool:
		if x != nil {
			b := *x
			return any(&b).(T)
		}
	case []string:
		return any(slices.Clone(x)).(T)
	case map[string]string:
		return any(maps.Clone(x)).(T)
	}
	return v
}

// orDefault returns a default function giving zero values the constant d.
func orDefault[T comparable](d T) func(*ActiveStorageArgs, T) T {
	return func(_ *ActiveStorageArgs, v T) T {
		var zero T
		if v == zero {
			return d
		}
		return v
	}
}

// boolDefault returns a default function for an on-unless-false *bool field.
func boolDefault(d bool) func(*ActiveStorageArgs, *bool) *bool {
	return func(_ *ActiveStorageArgs, v *bool) *bool {
		if v == nil {
			return &d
		}
		return v
	}
}

// fromEnvironment returns a default function for a name derived from the environment.
func fromEnvironment(format string) func(*ActiveStorageArgs, string) string {
	return func(a *ActiveStorageArgs, v string) string {
		if v == "" {
			return fmt.Sprintf(format, a.Environment)
		}
		return v
	}
}

// defaultDoc renders a setting's default as the docs show it: derived from an environment named
// "<environment>".
func defaultDoc(b binding) string {
	a := &ActiveStorageArgs{Environment: "<environment>"}
	b.applyDefault(a)
	if !b.isSet(a) {
		return ""
	}
	switch v := b.field(a).(type) {
	case *string:
		return "`" + *v + "`"
	case **bool:
		return "`" + strconv.FormatBool(**v) + "`"
	case *int:
		return "`" + strconv.Itoa(*v) + "`"
	case *map[string]string:
		var parts []string
		for _, k := range slices.Sorted(maps.Keys(*v)) {
			parts = append(parts, k+"="+(*v)[k])
		}
		return "`" + strings.Join(parts, "`, `") + "`"
	}
	return ""
}
