// Package iampolicy models AWS IAM policy documents the way IAM reads them: Statement, Action,
// Resource and their Not* forms may each be one value or a list, actions are matched
// case-insensitively with `*` and `?` anywhere, and only Allow statements grant anything.
// Documents are parsed once into a Document and then queried.
//
// Whether a document reaches S3 is judged against a Catalog of the S3-family actions (by default
// the embedded AWS snapshot of internal/iamdata): Action wildcards are expanded against it,
// NotAction and NotResource count unless they provably exclude every S3-family action (present
// and future) and every S3-family resource, and conditions never excuse an Allow.
package iampolicy

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Effect is a statement's effect.
type Effect string

const (
	Allow Effect = "Allow"
	Deny  Effect = "Deny"
)

// Document is a parsed IAM policy document (identity, resource or trust policy).
type Document struct {
	Version    string
	Statements []Statement
}

// Statement is one normalized statement. Exactly one of Actions/NotActions is set (HasNotAction
// says which); Resources/NotResources likewise, except that trust policies carry neither.
type Statement struct {
	Sid            string
	Effect         Effect
	Actions        []string
	NotActions     []string
	HasNotAction   bool
	Resources      []string
	NotResources   []string
	HasNotResource bool
	HasResource    bool
	Principal      *Principal
	NotPrincipal   *Principal
	// Condition maps operator → condition key → values, values rendered as strings.
	Condition map[string]map[string][]string
}

// Principal is a normalized Principal element. Any is true for `"*"` (and `{"AWS": "*"}`).
type Principal struct {
	Any bool
	// ByType maps the principal type (AWS, Service, Federated, CanonicalUser) to its values.
	ByType map[string][]string
}

// Parse parses a policy document given either as a JSON string or as an already decoded
// object (map[string]any, as found in Pulumi property values).
func Parse(v any) (*Document, error) {
	switch d := v.(type) {
	case string:
		return ParseJSON(d)
	case []byte:
		return ParseJSON(string(d))
	case map[string]any:
		return fromObject(d)
	case nil:
		return nil, errors.New("policy document is empty")
	default:
		return nil, fmt.Errorf("policy document must be a JSON string or an object, not %T", v)
	}
}

// ParseJSON parses a policy document from its JSON text.
func ParseJSON(s string) (*Document, error) {
	if strings.TrimSpace(s) == "" {
		return nil, errors.New("policy document is empty")
	}
	var raw any
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("policy document is not valid JSON: %w", err)
	}
	if dec.More() {
		return nil, errors.New("policy document is not valid JSON: trailing data after the document")
	}
	obj, ok := raw.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("policy document must be a JSON object, not %s", jsonKind(raw))
	}
	return fromObject(obj)
}

func fromObject(obj map[string]any) (*Document, error) {
	doc := &Document{}
	if v, ok := obj["Version"]; ok {
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("Version must be a string, not %s", jsonKind(v))
		}
		doc.Version = s
	}
	raw, ok := obj["Statement"]
	if !ok {
		return nil, errors.New(`policy document has no "Statement"`)
	}
	var stmts []any
	switch s := raw.(type) {
	case []any:
		stmts = s
	case map[string]any:
		stmts = []any{s}
	default:
		return nil, fmt.Errorf("Statement must be an object or a list of objects, not %s", jsonKind(raw))
	}
	for i, s := range stmts {
		m, ok := s.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("statement %d must be an object, not %s", i+1, jsonKind(s))
		}
		st, err := parseStatement(m)
		if err != nil {
			return nil, fmt.Errorf("statement %d%s: %w", i+1, sidSuffix(m), err)
		}
		doc.Statements = append(doc.Statements, st)
	}
	return doc, nil
}

func sidSuffix(m map[string]any) string {
	if s, ok := m["Sid"].(string); ok && s != "" {
		return fmt.Sprintf(" (%q)", s)
	}
	return ""
}

func parseStatement(m map[string]any) (Statement, error) {
	var st Statement
	if v, ok := m["Sid"]; ok {
		s, ok := v.(string)
		if !ok {
			return st, fmt.Errorf("Sid must be a string, not %s", jsonKind(v))
		}
		st.Sid = s
	}
	switch e := m["Effect"].(type) {
	case string:
		// IAM compares the effect case-sensitively; "allow" is rejected by AWS.
		if e != string(Allow) && e != string(Deny) {
			return st, fmt.Errorf(`Effect must be "Allow" or "Deny", not %q`, e)
		}
		st.Effect = Effect(e)
	case nil:
		return st, errors.New(`Effect is missing (must be "Allow" or "Deny")`)
	default:
		return st, fmt.Errorf("Effect must be a string, not %s", jsonKind(e))
	}

	var err error
	_, hasA := m["Action"]
	_, hasNA := m["NotAction"]
	switch {
	case hasA && hasNA:
		return st, errors.New("Action and NotAction cannot both be present")
	case hasA:
		if st.Actions, err = stringList("Action", m["Action"]); err != nil {
			return st, err
		}
	case hasNA:
		st.HasNotAction = true
		if st.NotActions, err = stringList("NotAction", m["NotAction"]); err != nil {
			return st, err
		}
	default:
		return st, errors.New("Action or NotAction is required")
	}

	_, hasR := m["Resource"]
	_, hasNR := m["NotResource"]
	switch {
	case hasR && hasNR:
		return st, errors.New("Resource and NotResource cannot both be present")
	case hasR:
		st.HasResource = true
		if st.Resources, err = stringList("Resource", m["Resource"]); err != nil {
			return st, err
		}
	case hasNR:
		st.HasNotResource = true
		if st.NotResources, err = stringList("NotResource", m["NotResource"]); err != nil {
			return st, err
		}
	}

	if v, ok := m["Principal"]; ok {
		if st.Principal, err = parsePrincipal("Principal", v); err != nil {
			return st, err
		}
	}
	if v, ok := m["NotPrincipal"]; ok {
		if st.NotPrincipal, err = parsePrincipal("NotPrincipal", v); err != nil {
			return st, err
		}
	}
	if v, ok := m["Condition"]; ok {
		if st.Condition, err = parseCondition(v); err != nil {
			return st, err
		}
	}
	return st, nil
}

func stringList(field string, v any) ([]string, error) {
	switch x := v.(type) {
	case string:
		return []string{x}, nil
	case []any:
		if len(x) == 0 {
			return nil, fmt.Errorf("%s must not be an empty list", field)
		}
		out := make([]string, 0, len(x))
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("%s entries must be strings, not %s", field, jsonKind(e))
			}
			out = append(out, s)
		}
		return out, nil
	case []string:
		return x, nil
	default:
		return nil, fmt.Errorf("%s must be a string or a list of strings, not %s", field, jsonKind(v))
	}
}

func parsePrincipal(field string, v any) (*Principal, error) {
	switch x := v.(type) {
	case string:
		if x != "*" {
			return nil, fmt.Errorf(`%s must be "*" or an object, not the string %q`, field, x)
		}
		return &Principal{Any: true}, nil
	case map[string]any:
		p := &Principal{ByType: map[string][]string{}}
		for k, val := range x {
			vals, err := stringList(field+"."+k, val)
			if err != nil {
				return nil, err
			}
			p.ByType[k] = vals
			if k == "AWS" && slices.Contains(vals, "*") {
				p.Any = true
			}
		}
		return p, nil
	default:
		return nil, fmt.Errorf(`%s must be "*" or an object, not %s`, field, jsonKind(v))
	}
}

func parseCondition(v any) (map[string]map[string][]string, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("Condition must be an object, not %s", jsonKind(v))
	}
	out := make(map[string]map[string][]string, len(m))
	for op, body := range m {
		bm, ok := body.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("Condition.%s must be an object, not %s", op, jsonKind(body))
		}
		keys := make(map[string][]string, len(bm))
		for k, val := range bm {
			var vals []any
			switch x := val.(type) {
			case []any:
				vals = x
			default:
				vals = []any{x}
			}
			for _, e := range vals {
				switch s := e.(type) {
				case string:
					keys[k] = append(keys[k], s)
				case bool:
					keys[k] = append(keys[k], fmt.Sprint(s))
				case json.Number:
					keys[k] = append(keys[k], s.String())
				case float64:
					keys[k] = append(keys[k], fmt.Sprint(s))
				default:
					return nil, fmt.Errorf("Condition.%s.%s values must be strings, numbers or booleans, not %s",
						op, k, jsonKind(e))
				}
			}
		}
		out[op] = keys
	}
	return out, nil
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number, float64, int:
		return "a number"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	default:
		return fmt.Sprintf("%T", v)
	}
}

// ConditionKeys returns the condition keys (lower-cased, as IAM compares them) used by any
// operator in the statement, sorted.
func (s Statement) ConditionKeys() []string {
	seen := map[string]bool{}
	for _, keys := range s.Condition {
		for k := range keys {
			seen[strings.ToLower(k)] = true
		}
	}
	return slices.Sorted(maps.Keys(seen))
}
