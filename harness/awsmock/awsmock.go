// Package awsmock is a pulumi.MockResourceMonitor for programs using the ActiveStorage component:
// it records every registered resource, answers the two invokes the component makes
// (getCallerIdentity, getRegion), and, outside preview, fills in the outputs AWS computes (ARNs,
// auto-generated bucket names). In preview it leaves them out, so they are unknown, as with a real
// provider.
package awsmock

import (
	"fmt"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Mocks implements pulumi.MockResourceMonitor.
type Mocks struct {
	Account string // 12-digit account ID getCallerIdentity returns
	Region  string // region getRegion returns
	DryRun  bool   // preview: leave computed outputs unknown

	mu        sync.Mutex
	resources []pulumi.MockResourceArgs
	invokes   []string
}

// New returns mocks for the given account and region.
func New(account, region string, dryRun bool) *Mocks {
	return &Mocks{Account: account, Region: region, DryRun: dryRun}
}

// NewResource records the resource and returns its outputs.
func (m *Mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	m.mu.Lock()
	m.resources = append(m.resources, args)
	m.mu.Unlock()

	outs := args.Inputs.Copy()
	if m.DryRun || !args.Custom {
		return args.Name + "-id", outs, nil
	}
	str := func(k string) string {
		if v, ok := args.Inputs[resource.PropertyKey(k)]; ok && v.IsString() {
			return v.StringValue()
		}
		return ""
	}
	set := func(k, v string) { outs[resource.PropertyKey(k)] = resource.NewStringProperty(v) }
	id := args.Name + "-id"
	switch args.TypeToken {
	case "aws:s3/bucketV2:BucketV2":
		name := str("bucket")
		if name == "" {
			name = args.Name + "-4f3a9c1" // Pulumi auto-naming: logical name + random suffix
			set("bucket", name)
		}
		set("arn", "arn:aws:s3:::"+name)
		id = name
	case "aws:iam/role:Role":
		set("arn", "arn:aws:iam::"+m.Account+":role/"+str("name"))
		id = str("name")
	case "aws:iam/policy:Policy":
		set("arn", "arn:aws:iam::"+m.Account+":policy/"+str("name"))
	case "aws:cloudwatch/logGroup:LogGroup":
		set("arn", "arn:aws:logs:"+m.Region+":"+m.Account+":log-group:"+str("name"))
		id = str("name")
	case "aws:ecs/taskDefinition:TaskDefinition":
		set("arn", "arn:aws:ecs:"+m.Region+":"+m.Account+":task-definition/"+str("family")+":1")
		set("revision", "1")
	}
	return id, outs, nil
}

// Call answers the invokes the component makes.
func (m *Mocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	m.mu.Lock()
	m.invokes = append(m.invokes, args.Token)
	m.mu.Unlock()
	switch args.Token {
	case "aws:index/getCallerIdentity:getCallerIdentity":
		return resource.NewPropertyMapFromMap(map[string]any{
			"accountId": m.Account,
			"arn":       "arn:aws:sts::" + m.Account + ":assumed-role/deployer/ci",
			"id":        m.Account,
			"userId":    "AROAEXAMPLEDEPLOYER:ci",
		}), nil
	case "aws:index/getRegion:getRegion":
		return resource.NewPropertyMapFromMap(map[string]any{
			"name":        m.Region,
			"id":          m.Region,
			"description": "mock region",
			"endpoint":    "ec2." + m.Region + ".amazonaws.com",
		}), nil
	}
	return nil, fmt.Errorf("awsmock: unexpected invoke %s", args.Token)
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
