package components

import (
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// guarded are the bucket and the resources that guard its data.
var guarded = []string{"railsapp-bucket", "railsapp-public-access-block", "railsapp-ownership-controls",
	"railsapp-encryption", "railsapp-tls-only-policy", "railsapp-versioning", "railsapp-lifecycle"}

// A library user who sets only what is required gets the safe choices: a protected, retained,
// versioned bucket, kept task definition revisions, no force destroy, no extra grants.
func TestZeroValuesAreSafe(t *testing.T) {
	r := mustRun(t, &ActiveStorageArgs{Environment: "prod", Image: testImage}, false)
	b := r.one(t, tBucket)
	assert.True(t, b.RegisterRPC.GetProtect())
	assert.True(t, b.RegisterRPC.GetRetainOnDelete())
	assert.False(t, input(b, "forceDestroy").BoolValue())
	assert.Len(t, r.mocks.ByType(tVersioning), 1)
	assert.True(t, input(r.one(t, tTaskDef), "skipDestroy").BoolValue(), "revisions are kept for rollback")
	assert.True(t, r.one(t, guardType).RegisterRPC.GetProtect())
	assert.Len(t, r.mocks.ByType(tRolePolicy), 0, "no ECS Exec, no secrets: no inline grants")
}

// Prod data survives mistakes: the bucket and everything guarding it are protected and retained;
// what does not hold data (roles, policy, log group, task definition, CORS) stays replaceable, so
// ordinary updates (a new image replaces the task definition) keep working.
func TestDataSafeguardsProtectedAndRetained(t *testing.T) {
	args := validArgs()
	args.CORSOrigins = []string{"https://www.example.com"}
	r := mustRun(t, args, false)
	for _, res := range r.mocks.Resources() {
		if !res.Custom {
			continue
		}
		want := slices.Contains(guarded, res.Name)
		assert.Equal(t, want, res.RegisterRPC.GetProtect(), "%s protect", res.Name)
		assert.Equal(t, want, res.RegisterRPC.GetRetainOnDelete(), "%s retainOnDelete", res.Name)
	}
	for _, name := range guarded {
		r.named(t, name) // all present
	}

	// Opting out removes both, from every resource.
	off := mustRun(t, unprotected(), false)
	for _, res := range off.mocks.Resources() {
		assert.False(t, res.RegisterRPC.GetProtect(), res.Name)
		assert.False(t, res.RegisterRPC.GetRetainOnDelete(), res.Name)
	}
	assert.True(t, input(off.one(t, tBucket), "forceDestroy").IsBool())

	// Retention without protection, and the reverse, are independent choices.
	args = validArgs()
	args.ProtectBucket = pulumi.BoolRef(false)
	only := mustRun(t, args, false)
	assert.False(t, only.one(t, tBucket).RegisterRPC.GetProtect())
	assert.True(t, only.one(t, tBucket).RegisterRPC.GetRetainOnDelete())
}

// The destroy guard is registered last and depends on every child, so a destroy, which deletes
// dependents first, reaches it before anything else; it is protected exactly when the bucket is.
func TestDestroyGuardDependsOnEveryChild(t *testing.T) {
	args := validArgs()
	args.CORSOrigins = []string{"https://www.example.com"}
	args.Secrets = map[string]string{"RAILS_MASTER_KEY": "arn:aws:ssm:ap-northeast-1:111122223333:parameter/k"}
	args.EnableExecCommand = true
	r := mustRun(t, args, false)
	all := r.mocks.Resources()
	guard := all[len(all)-1]
	require.Equal(t, guardType, guard.TypeToken, "the guard is registered last")
	assert.Equal(t, "railsapp-destroy-guard", guard.Name)
	assert.True(t, guard.RegisterRPC.GetProtect())
	assert.True(t, strings.HasSuffix(guard.RegisterRPC.GetParent(), "::railsapp"))
	deps := guard.RegisterRPC.GetDependencies()
	for _, res := range all {
		if res.Custom {
			assert.True(t, slices.ContainsFunc(deps, func(u string) bool { return strings.HasSuffix(u, "::"+res.Name) }),
				"the guard does not depend on %s", res.Name)
		}
	}

	off := mustRun(t, unprotected(), false)
	assert.False(t, off.one(t, guardType).RegisterRPC.GetProtect(),
		"unprotected stacks keep an unprotected guard, so turning protection off is a plain update")
}

func TestTaskDefinitionRevisions(t *testing.T) {
	r := mustRun(t, validArgs(), false)
	assert.True(t, input(r.one(t, tTaskDef), "skipDestroy").BoolValue())
	assert.False(t, r.one(t, tTaskDef).RegisterRPC.GetProtect(), "a new image must be able to replace it")

	args := validArgs()
	args.KeepTaskDefinitionRevisions = pulumi.BoolRef(false)
	r = mustRun(t, args, false)
	assert.False(t, input(r.one(t, tTaskDef), "skipDestroy").HasValue())
}

// Renaming the component (or its type) needs only an alias on the component: the engine derives
// each child's former URN from it, because every child is parented to the component and named
// with the component's name as prefix.
func TestAliasesOnTheComponentReachEveryChild(t *testing.T) {
	r, err := runNamed(t, "storage", validArgs(), false,
		pulumi.Aliases([]pulumi.Alias{{Name: pulumi.String("railsapp")}, {Type: pulumi.String("railsapp:index:ActiveStorage")}}))
	require.NoError(t, err)
	comp := r.named(t, "storage")
	assert.Len(t, comp.RegisterRPC.GetAliases(), 2, "the component carries both aliases")
	for _, res := range r.mocks.Resources() {
		if res.Name == "storage" {
			continue
		}
		assert.True(t, strings.HasPrefix(res.Name, "storage-"), "%s is not named after the component", res.Name)
		assert.True(t, strings.HasSuffix(res.RegisterRPC.GetParent(), "::"+ActiveStorageType+"::storage"), "%s is not a child", res.Name)
	}
}
