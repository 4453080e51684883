// Package audittest builds organizations of stacks for the audit's tests and benchmark, through
// Pulumi's own diy backend package: a stack made here is created and written exactly as
// `pulumi stack init` and `pulumi stack import` write it.
package audittest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/pulumi/pulumi/pkg/v3/backend/diy"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag/colors"
)

// Backend is a self-managed backend stacks are written to.
type Backend struct {
	be diy.Backend
}

// Open opens (creating its metadata if needed) a self-managed backend, e.g. "file:///tmp/x".
func Open(ctx context.Context, url string) (*Backend, error) {
	sink := diag.DefaultSink(io.Discard, io.Discard, diag.FormatOptions{Color: colors.Never})
	be, err := diy.New(ctx, sink, url, nil)
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", url, err)
	}
	return &Backend{be: be}, nil
}

// Export returns a stack's latest deployment ("organization/project/stack").
func (b *Backend) Export(ctx context.Context, fullName string) (*apitype.UntypedDeployment, error) {
	ref, err := b.be.ParseStackReference(fullName)
	if err != nil {
		return nil, err
	}
	st, err := b.be.GetStack(ctx, ref)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return nil, fmt.Errorf("no stack %s", fullName)
	}
	return b.be.ExportDeployment(ctx, st)
}

// Create creates project/stack with the given deployment as its state.
func (b *Backend) Create(ctx context.Context, project, stack string, dep *apitype.UntypedDeployment) error {
	ref, err := b.be.ParseStackReference("organization/" + project + "/" + stack)
	if err != nil {
		return err
	}
	if _, err := b.be.CreateStack(ctx, ref, "", dep, nil); err != nil {
		return fmt.Errorf("creating %s/%s: %w", project, stack, err)
	}
	return nil
}

// Rename returns a copy of a deployment moved from one project and stack to another, as if it had
// been deployed there: every URN (and the root stack resource's name) is rewritten.
func Rename(dep *apitype.UntypedDeployment, fromProject, fromStack, toProject, toStack string) (*apitype.UntypedDeployment, error) {
	if dep == nil {
		return nil, fmt.Errorf("no deployment to rename")
	}
	raw := []byte(dep.Deployment)
	raw = bytes.ReplaceAll(raw, []byte("urn:pulumi:"+fromStack+"::"+fromProject+"::"), []byte("urn:pulumi:"+toStack+"::"+toProject+"::"))
	raw = bytes.ReplaceAll(raw, []byte("pulumi:pulumi:Stack::"+fromProject+"-"+fromStack), []byte("pulumi:pulumi:Stack::"+toProject+"-"+toStack))
	if !json.Valid(raw) {
		return nil, fmt.Errorf("renaming %s/%s produced invalid JSON", fromProject, fromStack)
	}
	out := *dep
	out.Deployment = json.RawMessage(raw)
	return &out, nil
}
