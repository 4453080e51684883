package e2e

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"

	"github.com/keyless-ecs/railsapp/components"
	"github.com/keyless-ecs/railsapp/harness/fakeaws"
	"github.com/keyless-ecs/railsapp/harness/offline"
	"github.com/keyless-ecs/railsapp/internal/app"
)

// ledger is the stand-in provider with a record of what the engine made it do: every resource it
// holds (created or updated and not deleted since), by URN, and every delete it was asked for.
// It is served like fakeaws.Start and attached in place of the session's own stand-in.
type ledger struct {
	*fakeaws.Provider

	mu      sync.Mutex
	live    map[resource.URN]resource.PropertyMap
	deleted []resource.URN
}

func (l *ledger) Create(ctx context.Context, req plugin.CreateRequest) (plugin.CreateResponse, error) {
	resp, err := l.Provider.Create(ctx, req)
	l.hold(req.URN, resp.Properties, err == nil && !req.Preview)
	return resp, err
}

func (l *ledger) Update(ctx context.Context, req plugin.UpdateRequest) (plugin.UpdateResponse, error) {
	resp, err := l.Provider.Update(ctx, req)
	l.hold(req.URN, resp.Properties, err == nil && !req.Preview)
	return resp, err
}

// hold records what the stand-in now holds for urn, when done is true.
func (l *ledger) hold(urn resource.URN, props resource.PropertyMap, done bool) {
	if !done {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.live[urn] = props.Copy()
}

func (l *ledger) Delete(ctx context.Context, req plugin.DeleteRequest) (plugin.DeleteResponse, error) {
	resp, err := l.Provider.Delete(ctx, req)
	if err == nil {
		l.mu.Lock()
		delete(l.live, req.URN)
		l.deleted = append(l.deleted, req.URN)
		l.mu.Unlock()
	}
	return resp, err
}

// holds returns the resources the stand-in holds, by URN.
func (l *ledger) holds() map[resource.URN]resource.PropertyMap {
	l.mu.Lock()
	defer l.mu.Unlock()
	return maps.Clone(l.live)
}

// deletes returns the logical names of the resources the stand-in was asked to delete.
func (l *ledger) deletes() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, u := range l.deleted {
		out = append(out, u.Name())
	}
	slices.Sort(out)
	return out
}

// startLedger serves a ledger on a loopback port and returns it with the session options that
// attach the engine to it.
func startLedger(t *testing.T) (*ledger, offline.Options) {
	t.Helper()
	l := &ledger{Provider: fakeaws.New(fakeaws.Options{}), live: map[resource.URN]resource.PropertyMap{}}
	cancel := make(chan bool)
	h, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancel,
		Init: func(s *grpc.Server) error {
			pulumirpc.RegisterResourceProviderServer(s, plugin.NewProviderServer(l))
			return nil
		},
	})
	require.NoError(t, err)
	t.Cleanup(func() {
		close(cancel)
		<-h.Done
	})
	return l, offline.Options{Env: map[string]string{
		"PULUMI_DEBUG_PROVIDERS": fmt.Sprintf("aws:%d", h.Port),
		// The CLI takes this as --yes, which `pulumi destroy --preview-only` refuses; every
		// operation that needs it passes --yes itself.
		"PULUMI_SKIP_CONFIRMATIONS": "false",
	}}
}

// deployedProd deploys the real prod stack on a ledger.
func deployedProd(t *testing.T) (*ledger, *offline.Session) {
	t.Helper()
	l, opts := startLedger(t)
	s := realStack(t, "prod", opts)
	_, err := s.Up(context.Background())
	require.NoError(t, err)
	return l, s
}

// guardedResources are the logical names of prod's bucket and the resources that guard its data.
var guardedResources = []string{"bucket", "public-access-block", "ownership-controls", "encryption",
	"tls-only-policy", "versioning", "lifecycle"}

// TestProdDestroyChangesNothing: `pulumi destroy` of prod, whose data is protected, fails on its
// first step (the protected destroy guard), so the state and the stand-in's resources are exactly
// what they were: no safeguard of the bucket is stripped, no role or task definition of the
// running app is deleted. The preview of the destroy fails the same way, prod is still fully
// deployed afterwards, and a new image still deploys.
func TestProdDestroyChangesNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l, s := deployedProd(t)

	stateBefore, heldBefore := stackState(t, s), l.holds()
	require.NotEmpty(t, heldBefore)
	for _, r := range stateBefore {
		if r.URN.Name() == app.ComponentName+"-bucket" {
			assert.True(t, r.Protect && r.RetainOnDelete, "the prod bucket is protected and retained")
		}
	}

	_, err := s.Stack.PreviewDestroy(ctx)
	require.Error(t, err, "the destroy preview fails")
	assert.Contains(t, err.Error(), "destroy-guard")

	rep, err := s.Destroy(ctx)
	require.Error(t, err, "the destroy is refused")
	msg := strings.Join(rep.Diagnostics, "\n")
	t.Logf("what the user sees:\n%s", msg)
	assert.Contains(t, msg, app.ComponentName+"-destroy-guard")
	assert.Contains(t, msg, "protected")

	assert.Empty(t, l.deletes(), "the stand-in was asked to delete nothing")
	assert.Equal(t, heldBefore, l.holds(), "the stand-in's resources are exactly what they were")
	assert.Equal(t, stateBefore, stackState(t, s), "prod's state is exactly what it was")

	_, err = s.Preview(ctx, optpreview.ExpectNoChanges())
	require.NoError(t, err, "prod is still fully deployed")

	// Protection does not get in the way of ordinary work: a new image replaces the task
	// definition (the guard depends on it, but a component is never replaced with it).
	require.NoError(t, s.Stack.SetConfig(ctx, app.Namespace+":image",
		auto.ConfigValue{Value: "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/railsapp:v1.0.1"}))
	rep, err = s.UpOnly(ctx)
	require.NoError(t, err, "a new image deploys")
	assert.Equal(t, 1, rep.Changes["replace"], "only the task definition is replaced: %v", rep.Changes)
}

// TestReallyDeletingProd follows docs/configuration.md: turning protectBucket off is a plain
// update that deletes nothing; the destroy then removes everything from the stack, while the
// bucket and its safeguards stay in AWS (retainBucket), never deleted.
func TestReallyDeletingProd(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l, s := deployedProd(t)

	require.NoError(t, s.Stack.SetConfig(ctx, app.Namespace+":protectBucket", auto.ConfigValue{Value: "false"}))
	rep, err := s.Up(ctx)
	require.NoError(t, err, "unprotecting is a plain update")
	assert.Zero(t, rep.Changes["delete"]+rep.Changes["replace"]+rep.Changes["create"], "unprotecting changes only flags: %v", rep.Changes)
	assert.Empty(t, l.deletes())
	for _, r := range stackState(t, s) {
		assert.False(t, r.Protect, "%s is still protected", r.URN.Name())
	}

	_, err = s.Destroy(ctx)
	require.NoError(t, err)
	assert.Empty(t, stackState(t, s).programResources(), "the stack is empty")
	held := map[string]bool{}
	for u := range l.holds() {
		held[u.Name()] = true
	}
	for _, name := range guardedResources {
		assert.True(t, held[app.ComponentName+"-"+name], "%s was deleted, but retainBucket keeps it in AWS", name)
		assert.NotContains(t, l.deletes(), app.ComponentName+"-"+name)
	}
	assert.Contains(t, l.deletes(), app.ComponentName+"-task-role", "what does not hold data is deleted")
}

// TestRenamedComponentKeepsProd: renaming the component with an alias replaces nothing (every
// child's former URN follows from the component's alias); renaming it without one is refused at
// preview, because the protected bucket would have to be deleted.
func TestRenamedComponentKeepsProd(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l, s := deployedProd(t)
	heldBefore := l.holds()

	renamed := func(aliases ...pulumi.Alias) pulumi.RunFunc {
		return func(ctx *pulumi.Context) error {
			args, err := app.LoadArgs(ctx)
			if err != nil {
				return err
			}
			c, err := components.NewActiveStorage(ctx, "storage", args, pulumi.Aliases(aliases))
			if err != nil {
				return err
			}
			ctx.Export("bucketName", c.BucketName)
			return nil
		}
	}

	s.Stack.Workspace().SetProgram(renamed())
	_, err := s.Preview(ctx)
	require.Error(t, err, "without an alias the rename would delete the protected bucket")
	assert.Contains(t, err.Error(), "protect")

	s.Stack.Workspace().SetProgram(renamed(pulumi.Alias{Name: pulumi.String(app.ComponentName)}))
	rep, err := s.UpOnly(ctx)
	require.NoError(t, err)
	for _, op := range []string{"create", "delete", "replace"} {
		assert.Zero(t, rep.Changes[op], "%s after a rename with an alias: %v", op, rep.Changes)
	}
	assert.Empty(t, l.deletes())
	assert.Equal(t, len(heldBefore), len(l.holds()))
	_, stillThere := stackState(t, s).find("storage-bucket")
	assert.True(t, stillThere, "the bucket now has the new name in the state")
}
