package pack

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

// noConfig is the config of a policy that has no properties.
type noConfig struct{}

// decodeConfig decodes a policy's properties into its config C: first the defaults its schema
// declares, then each property the engine sent. A property the schema does not declare is an
// error: the engine validates only the declared ones (a policy without a schema is not validated
// at all), and a property meant for another policy must not be taken silently.
func decodeConfig[C any](policyName string, schema *AnalyzerPolicyConfigSchema, props map[string]any) (C, error) {
	var c C
	var declared map[string]JSONSchema
	if schema != nil {
		declared = schema.Properties
	}
	for _, k := range slices.Sorted(maps.Keys(declared)) {
		if d, ok := declared[k]["default"]; ok {
			if err := decodeProperty(&c, k, d); err != nil {
				return c, fmt.Errorf("policy %s: the schema default of %s: %w", policyName, k, err)
			}
		}
	}
	for _, k := range slices.Sorted(maps.Keys(props)) {
		if _, ok := declared[k]; !ok {
			return c, fmt.Errorf("policy %s has no property %q", policyName, k)
		}
		if err := decodeProperty(&c, k, props[k]); err != nil {
			return c, fmt.Errorf("policy %s: property %s: %w", policyName, k, err)
		}
	}
	return c, nil
}

// decodeProperty sets one property of c through its JSON field tag; fields not named stay as
// they are. Unknown fields are an error, so a schema property without a field is caught.
func decodeProperty[C any](c *C, key string, v any) error {
	b, err := json.Marshal(map[string]any{key: v})
	if err != nil {
		return fmt.Errorf("cannot encode the value: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(c); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return fmt.Errorf("must be %s, not a JSON %s", jsonTypeName(typeErr.Type.Kind().String()), typeErr.Value)
		}
		return err
	}
	return nil
}

// ownerHint names the policy that declares a property, for the error about a misplaced one.
func ownerHint(key string) string {
	for _, p := range allPolicies {
		if p.info.ConfigSchema != nil {
			if _, ok := p.info.ConfigSchema.Properties[key]; ok {
				return fmt.Sprintf(" (it is a property of %s)", p.info.Name)
			}
		}
	}
	return ""
}

func jsonTypeName(kind string) string {
	switch kind {
	case "slice":
		return "a list"
	case "bool":
		return "a boolean"
	case "string":
		return "a string"
	default:
		return "a " + kind
	}
}

func stringListSchema(desc string, def []string) JSONSchema {
	s := JSONSchema{"type": "array", "items": map[string]any{"type": "string"}, "description": desc}
	if def != nil {
		d := make([]any, len(def))
		for i, v := range def {
			d[i] = v
		}
		s["default"] = d
	}
	return s
}

func boolSchema(desc string, def bool) JSONSchema {
	return JSONSchema{"type": "boolean", "description": desc, "default": def}
}

// boundPolicy is a policy enabled by the configuration, with its level and bound checks.
type boundPolicy struct {
	*policy
	level  apitype.EnforcementLevel
	checks checks
}

// configuredPack is one immutable configuration of the pack; Configure swaps it atomically.
type configuredPack struct {
	enabled []*boundPolicy
	// byType lists, per resource type some policy names, the policies whose resource check
	// applies to it (in pack order); anyType lists those that apply to every type.
	byType   map[string][]*boundPolicy
	anyType  []*boundPolicy
	usesJoin bool
}

// newConfiguredPack applies the engine's policy configuration: enforcement levels (disabled
// policies are left out) and each policy's own properties.
func newConfiguredPack(cfg map[string]AnalyzerPolicyConfig) (*configuredPack, error) {
	cp := &configuredPack{byType: map[string][]*boundPolicy{}}
	for _, p := range allPolicies {
		// Config for policy names this pack does not have is ignored: the engine passes on
		// whatever the file names, which may target a newer version of the pack.
		c := cfg[p.info.Name]
		level := p.info.EnforcementLevel
		if c.EnforcementLevel != "" {
			if !c.EnforcementLevel.IsValid() {
				return nil, fmt.Errorf("policy %s: invalid enforcement level %q", p.info.Name, c.EnforcementLevel)
			}
			level = c.EnforcementLevel
		}
		if level == apitype.Disabled {
			continue
		}
		if level == apitype.Remediate {
			// Nothing here rewrites resources; the engine would downgrade it to mandatory anyway.
			level = apitype.Mandatory
		}
		for k := range c.Properties {
			if p.info.ConfigSchema == nil || p.info.ConfigSchema.Properties[k] == nil {
				return nil, fmt.Errorf("policy %s has no property %q%s", p.info.Name, k, ownerHint(k))
			}
		}
		b, err := p.bind(c.Properties)
		if err != nil {
			return nil, err
		}
		cp.enabled = append(cp.enabled, &boundPolicy{policy: p, level: level, checks: b})
		cp.usesJoin = cp.usesJoin || p.usesJoin
	}
	for _, bp := range cp.enabled {
		for _, t := range bp.types {
			cp.byType[t] = nil
		}
	}
	for _, bp := range cp.enabled {
		if bp.checks.resource == nil {
			continue
		}
		if bp.types == nil {
			cp.anyType = append(cp.anyType, bp)
			for t := range cp.byType {
				cp.byType[t] = append(cp.byType[t], bp)
			}
			continue
		}
		for _, t := range bp.types {
			cp.byType[t] = append(cp.byType[t], bp)
		}
	}
	return cp, nil
}

// forType returns the enabled policies whose resource check applies to a resource type.
func (cp *configuredPack) forType(t string) []*boundPolicy {
	if ps, ok := cp.byType[t]; ok {
		return ps
	}
	return cp.anyType
}
