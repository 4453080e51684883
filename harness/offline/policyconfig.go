package offline

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

// PolicyConfigNames returns the policy names a policy pack config file (the JSON file of
// `pulumi … --policy-pack-config`) refers to: the policies it configures and the policies its
// exceptions match, each sorted and without repeats. "all" (every policy) is left out.
//
// It reads the two formats the CLI reads: version 2 ({"version": 2, "policies": {…},
// "exceptions": {…}}) and the unversioned one, whose keys other than "environments" are policy
// names. The CLI passes names it does not know on to the pack, which ignores them (a newer pack
// may have dropped a policy), so a misspelled name silently configures nothing: callers that
// know which pack runs compare these names with its GetAnalyzerInfo.
func PolicyConfigNames(file string) (configured, excepted []string, err error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, nil, fmt.Errorf("reading the policy pack config: %w", err)
	}
	if strings.TrimSpace(string(b)) == "" {
		return nil, nil, nil
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil {
		return nil, nil, fmt.Errorf("policy pack config %s is not a JSON object: %w", file, err)
	}
	var version float64
	if v, ok := top["version"]; ok && json.Unmarshal(v, &version) == nil {
		if version != 2 {
			return nil, nil, fmt.Errorf("policy pack config %s: \"version\" must be 2", file)
		}
		var v2 struct {
			Policies   map[string]json.RawMessage         `json:"policies"`
			Exceptions map[string]apitype.PolicyException `json:"exceptions"`
		}
		if err := json.Unmarshal(b, &v2); err != nil {
			return nil, nil, fmt.Errorf("policy pack config %s: %w", file, err)
		}
		for name := range v2.Policies {
			configured = append(configured, name)
		}
		for _, e := range v2.Exceptions {
			for _, m := range e.Match {
				excepted = append(excepted, m.Policies...)
			}
		}
	} else {
		for name := range top {
			if name != "environments" {
				configured = append(configured, name)
			}
		}
	}
	return names(configured), names(excepted), nil
}

// names sorts, dedupes and drops "all".
func names(in []string) []string {
	slices.Sort(in)
	in = slices.Compact(in)
	return slices.DeleteFunc(in, func(s string) bool { return s == "all" })
}
