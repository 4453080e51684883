package fakeaws

import (
	"context"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
)

// regionDescriptions names a few regions as getRegion does; others get an empty description.
var regionDescriptions = map[string]string{
	"us-east-1":    "US East (N. Virginia)",
	"us-east-2":    "US East (Ohio)",
	"us-west-2":    "US West (Oregon)",
	"eu-west-1":    "Europe (Ireland)",
	"eu-central-1": "Europe (Frankfurt)",
}

// Invoke answers the data sources the program uses.
func (p *Provider) Invoke(_ context.Context, req plugin.InvokeRequest) (plugin.InvokeResponse, error) {
	switch req.Tok {
	case "aws:index/getCallerIdentity:getCallerIdentity":
		return plugin.InvokeResponse{Properties: resource.PropertyMap{
			"accountId": str(p.account),
			"arn":       str(p.arn("iam", "", p.account, "user/offline")),
			"id":        str(p.account),
			"userId":    str(uniqueID("AIDA", "offline")),
		}}, nil
	case "aws:index/getRegion:getRegion":
		name, ok := stringProp(req.Args, "name")
		if !ok || name == "" {
			name = p.currentRegion()
		}
		return plugin.InvokeResponse{Properties: resource.PropertyMap{
			"name":        str(name),
			"id":          str(name),
			"description": str(regionDescriptions[name]),
			"endpoint":    str("ec2." + name + ".amazonaws.com"),
		}}, nil
	case "aws:index/getPartition:getPartition":
		part := p.partition()
		suffix, reverse := "amazonaws.com", "com.amazonaws"
		if part == "aws-cn" {
			suffix, reverse = "amazonaws.com.cn", "cn.com.amazonaws"
		}
		return plugin.InvokeResponse{Properties: resource.PropertyMap{
			"id":               str(part),
			"partition":        str(part),
			"dnsSuffix":        str(suffix),
			"reverseDnsPrefix": str(reverse),
		}}, nil
	}
	return plugin.InvokeResponse{}, fmt.Errorf("invoke %s is not simulated by the offline aws stand-in "+
		"(harness/fakeaws)", req.Tok)
}
