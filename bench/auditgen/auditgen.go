// Package auditgen writes organizations of synthetic stacks into a self-managed backend, for the
// audit's benchmark: each stack is one ActiveStorage component as the engine records it (the
// bench/synth stack, turned into a state by Pulumi's own snapshot serializer and created by
// Pulumi's diy backend), and every tenth carries a mandatory violation.
package auditgen

import (
	"context"
	"encoding/json"
	"fmt"

	pkgresource "github.com/pulumi/pulumi/pkg/v3/resource"
	"github.com/pulumi/pulumi/pkg/v3/resource/deploy"
	"github.com/pulumi/pulumi/pkg/v3/resource/stack"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/keyless-ecs/railsapp/bench/synth"
	"github.com/keyless-ecs/railsapp/internal/audit/audittest"
)

// Projects are the projects stacks are spread over.
var Projects = []string{"storefront", "billing", "search"}

// ViolatingEvery is how often a stack violates (stack i violates when i % ViolatingEvery == 1).
const ViolatingEvery = 10

// Generate creates n stacks in the backend at url and returns how many violate.
func Generate(ctx context.Context, url string, n int) (violating int, err error) {
	be, err := audittest.Open(ctx, url)
	if err != nil {
		return 0, err
	}
	clean, err := template(synth.Instances(1, synth.Update), -1)
	if err != nil {
		return 0, err
	}
	// Instance 1 of synth's cycle grants S3 to its execution role; keep it alone.
	bad, err := template(synth.Instances(2, synth.Update), 0)
	if err != nil {
		return 0, err
	}
	for i := range n {
		project := Projects[i%len(Projects)]
		name := fmt.Sprintf("stack-%04d", i)
		tpl := clean
		if i%ViolatingEvery == 1 {
			tpl = bad
			violating++
		}
		dep, err := audittest.Rename(tpl, synth.Project, synth.StackName, project, name)
		if err != nil {
			return 0, err
		}
		if err := be.Create(ctx, project, name, dep); err != nil {
			return 0, err
		}
	}
	return violating, nil
}

// template turns a synthetic stack into a deployment, leaving out the resources of instance skip.
func template(s *synth.Stack, skip int) (*apitype.UntypedDeployment, error) {
	var states []*pkgresource.State
	providerRef := map[resource.URN]string{}
	for i, r := range s.Resources {
		if s.Instance[r.URN] == skip && skip >= 0 {
			continue
		}
		st := &pkgresource.State{
			Type:                 r.Type,
			URN:                  r.URN,
			Inputs:               s.Inputs[i].Properties,
			Outputs:              r.Properties,
			Parent:               r.Parent,
			Dependencies:         r.Dependencies,
			PropertyDependencies: r.PropertyDependencies,
		}
		if r.Type == "pulumi:providers:aws" {
			st.Custom, st.ID = true, "prov-0"
			providerRef[r.URN] = string(r.URN) + "::prov-0"
		}
		if r.Provider != nil {
			st.Custom, st.ID = true, resource.ID(fmt.Sprintf("id-%d", i))
			st.Provider = providerRef[r.Provider.URN]
		}
		states = append(states, st)
	}
	snap := deploy.NewSnapshot(deploy.Manifest{Version: "v3.274.1"}, nil, states, nil, deploy.SnapshotMetadata{}, nil, nil)
	dep, err := stack.SerializeDeployment(context.Background(), snap, false)
	if err != nil {
		return nil, fmt.Errorf("serializing a synthetic stack: %w", err)
	}
	raw, err := json.Marshal(dep)
	if err != nil {
		return nil, err
	}
	return &apitype.UntypedDeployment{Version: apitype.DeploymentSchemaVersionCurrent, Deployment: raw}, nil
}
