// Package awsmock is a pulumi.MockResourceMonitor that answers from the offline stand-in for the
// aws provider (harness/fakeaws), so unit tests and the end-to-end tests see the same provider:
// the same auto-names, defaults, IDs and computed outputs (ARNs), the same plan-time and API
// rejections, and the same invokes (getCallerIdentity, getRegion, getPartition). In preview the
// computed outputs are left out, so they are unknown, as with a real provider. It records every
// registered resource and invoke for assertions.
package awsmock

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/keyless-ecs/railsapp/harness/fakeaws"
)

// Mocks implements pulumi.MockResourceMonitor.
type Mocks struct {
	Account string // 12-digit account ID getCallerIdentity returns
	Region  string // region getRegion returns
	DryRun  bool   // preview: leave computed outputs unknown

	provider *fakeaws.Provider

	mu        sync.Mutex
	resources []pulumi.MockResourceArgs
	invokes   []string
}

// New returns mocks for the given account and region.
func New(account, region string, dryRun bool) *Mocks {
	return &Mocks{Account: account, Region: region, DryRun: dryRun,
		provider: fakeaws.New(fakeaws.Options{Account: account, Region: region})}
}

// NewResource records the resource and returns what the stand-in provider would: Check (names,
// defaults, plan-time failures), then Create.
func (m *Mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	m.mu.Lock()
	m.resources = append(m.resources, args)
	m.mu.Unlock()

	if !args.Custom || !strings.HasPrefix(args.TypeToken, "aws:") {
		return "", args.Inputs.Copy(), nil
	}
	ctx := context.Background()
	typ := tokens.Type(args.TypeToken)
	urn := resource.NewURN("stack", "project", "", typ, args.Name)
	checked, err := m.provider.Check(ctx, plugin.CheckRequest{URN: urn, Name: args.Name, Type: typ,
		News: args.Inputs, RandomSeed: seed(args.TypeToken, args.Name)})
	if err != nil {
		return "", nil, err
	}
	var reasons []string
	for _, f := range checked.Failures {
		// The mock monitor drops unknown inputs, so in preview a missing property may just be
		// unknown (another resource's ID): the engine would pass it on as such.
		if _, given := args.Inputs[f.Property]; m.DryRun && !given {
			continue
		}
		reasons = append(reasons, string(f.Property)+": "+f.Reason)
	}
	if len(reasons) > 0 {
		return "", nil, fmt.Errorf("%s %s: %s", args.TypeToken, args.Name, strings.Join(reasons, "; "))
	}
	created, err := m.provider.Create(ctx, plugin.CreateRequest{URN: urn, Name: args.Name, Type: typ,
		Properties: checked.Properties, Preview: m.DryRun})
	if err != nil {
		return "", nil, err
	}
	return string(created.ID), created.Properties, nil
}

// seed makes the stand-in's auto-names deterministic per resource, as the engine's random seed
// does per deployment.
func seed(typ, name string) []byte {
	s := sha256.Sum256([]byte(typ + "::" + name))
	return s[:]
}

// Call answers invokes as the stand-in provider does.
func (m *Mocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	m.mu.Lock()
	m.invokes = append(m.invokes, args.Token)
	m.mu.Unlock()
	resp, err := m.provider.Invoke(context.Background(), plugin.InvokeRequest{Tok: tokens.ModuleMember(args.Token), Args: args.Args})
	if err != nil {
		return nil, err
	}
	if len(resp.Failures) > 0 {
		return nil, errors.New(resp.Failures[0].Reason)
	}
	return resp.Properties, nil
}

// Resources returns every resource registered so far, in registration order.
func (m *Mocks) Resources() []pulumi.MockResourceArgs {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]pulumi.MockResourceArgs(nil), m.resources...)
}

// Invokes returns the tokens of every invoke made so far.
func (m *Mocks) Invokes() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.invokes...)
}

// ByType returns the registered resources of one type token.
func (m *Mocks) ByType(token string) []pulumi.MockResourceArgs {
	var out []pulumi.MockResourceArgs
	for _, r := range m.Resources() {
		if r.TypeToken == token {
			out = append(out, r)
		}
	}
	return out
}

// ByName returns the registered resource with this logical name.
func (m *Mocks) ByName(name string) (pulumi.MockResourceArgs, bool) {
	for _, r := range m.Resources() {
		if r.Name == name {
			return r, true
		}
	}
	return pulumi.MockResourceArgs{}, false
}
