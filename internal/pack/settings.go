package pack

import (
	"fmt"
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
)

// Property names of the policies' configuration (declared in each policy's schema).
const (
	propExtraS3ManagedPolicyArns  = "extraS3ManagedPolicyArns"
	propBlockUnverifiable         = "blockUnverifiableGrants"
	propExtraForbiddenEnvNames    = "extraForbiddenEnvNames"
	propScanAllStringInputs       = "scanAllStringInputs"
	propResourceWildcardActions   = "resourceWildcardAllowedActions"
	propRequireConfusedDeputyCond = "requireConfusedDeputyConditions"
)

// settings is one immutable configuration; Configure swaps it atomically.
type settings struct {
	levels                          map[string]apitype.EnforcementLevel
	extraS3ManagedPolicyArns        []string
	blockUnverifiableGrants         bool
	extraForbiddenEnvNames          []string
	scanAllStringInputs             bool
	resourceWildcardAllowedActions  []string
	requireConfusedDeputyConditions bool
}

var defaultWildcardResourceActions = []string{"s3:ListAllMyBuckets", "s3:ListAccessPoints", "s3:ListJobs", "s3:CreateJob"}

func defaultSettings() *settings {
	s := &settings{
		levels:                          map[string]apitype.EnforcementLevel{},
		scanAllStringInputs:             true,
		resourceWildcardAllowedActions:  defaultWildcardResourceActions,
		requireConfusedDeputyConditions: true,
	}
	for _, p := range allPolicies {
		s.levels[p.info.Name] = p.info.EnforcementLevel
	}
	return s
}

func (s *settings) level(policy string) apitype.EnforcementLevel {
	if l, ok := s.levels[policy]; ok {
		return l
	}
	return apitype.Advisory
}

// parseSettings builds settings from the engine's Configure request. The engine has already
// validated properties against the schemas; the checks here guard direct callers.
func parseSettings(cfg map[string]plugin.AnalyzerPolicyConfig) (*settings, error) {
	s := defaultSettings()
	names := make([]string, 0, len(cfg))
	for name := range cfg {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		c := cfg[name]
		if policyByName(name) == nil {
			continue // the engine may send config for policies a newer pack version had
		}
		if c.EnforcementLevel != "" {
			if !c.EnforcementLevel.IsValid() {
				return nil, fmt.Errorf("policy %s: invalid enforcement level %q", name, c.EnforcementLevel)
			}
			s.levels[name] = c.EnforcementLevel
		}
		for key, v := range c.Properties {
			var err error
			switch key {
			case propExtraS3ManagedPolicyArns:
				s.extraS3ManagedPolicyArns, err = stringListProp(v)
			case propBlockUnverifiable:
				s.blockUnverifiableGrants, err = boolProp(v)
			case propExtraForbiddenEnvNames:
				s.extraForbiddenEnvNames, err = stringListProp(v)
			case propScanAllStringInputs:
				s.scanAllStringInputs, err = boolProp(v)
			case propResourceWildcardActions:
				s.resourceWildcardAllowedActions, err = stringListProp(v)
			case propRequireConfusedDeputyCond:
				s.requireConfusedDeputyConditions, err = boolProp(v)
			}
			if err != nil {
				return nil, fmt.Errorf("policy %s: property %s: %w", name, key, err)
			}
		}
	}
	return s, nil
}

func stringListProp(v any) ([]string, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case []string:
		return x, nil
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("must be a list of strings, found %T", e)
			}
			out = append(out, s)
		}
		return out, nil
	default:
		return nil, fmt.Errorf("must be a list of strings, not %T", v)
	}
}

func boolProp(v any) (bool, error) {
	b, ok := v.(bool)
	if !ok {
		return false, fmt.Errorf("must be a boolean, not %T", v)
	}
	return b, nil
}

func stringListSchema(desc string, def []string) plugin.JSONSchema {
	s := plugin.JSONSchema{"type": "array", "items": map[string]any{"type": "string"}, "description": desc}
	if def != nil {
		d := make([]any, len(def))
		for i, v := range def {
			d[i] = v
		}
		s["default"] = d
	}
	return s
}

func boolSchema(desc string, def bool) plugin.JSONSchema {
	return plugin.JSONSchema{"type": "boolean", "description": desc, "default": def}
}
