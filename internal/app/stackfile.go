package app

import (
	"encoding/json"
	"fmt"
	"os"

	"gopkg.in/yaml.v3"
)

// ReadStackConfig reads a Pulumi.<stack>.yaml into the flat key → text map the engine hands a
// program (objects and lists as JSON, scalars as their text). Secure values are refused: the
// shipped stack files hold no secrets.
func ReadStackConfig(path string) (map[string]string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read stack config: %w", err)
	}
	var file struct {
		Config map[string]yaml.Node `yaml:"config"`
	}
	if err := yaml.Unmarshal(raw, &file); err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	out := map[string]string{}
	for k, node := range file.Config {
		if node.Kind == yaml.ScalarNode {
			out[k] = node.Value
			continue
		}
		var v any
		if err := node.Decode(&v); err != nil {
			return nil, fmt.Errorf("%s: %s: %w", path, k, err)
		}
		if m, ok := v.(map[string]any); ok {
			if _, secure := m["secure"]; secure {
				return nil, fmt.Errorf("%s: %s is a secret; the shipped stack files hold none", path, k)
			}
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", path, k, err)
		}
		out[k] = string(b)
	}
	return out, nil
}
