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

// containersOnce parses a resource's container definitions once for every check that reads them.
type containersOnce struct {
	props resource.PropertyMap
	done  bool
	cs    []container
	state valueState
	err   error
}

func (c *containersOnce) get() ([]container, valueState, error) {
	if !c.done {
		c.cs, c.state, c.err = containerDefs(c.props)
		c.done = true
	}
	return c.cs, c.state, c.err
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
