package awsmock

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyless-ecs/railsapp/internal/awsfacts"
)

func register(m *Mocks, typ, name string, inputs map[string]any) (string, resource.PropertyMap, error) {
	return m.NewResource(pulumi.MockResourceArgs{TypeToken: typ, Name: name, Custom: true,
		Inputs: resource.NewPropertyMapFromMap(inputs)})
}

// The mocks answer as the stand-in provider does: its IDs, ARNs and auto-names after create,
// deterministic per resource.
func TestAnswersAsTheStandIn(t *testing.T) {
	m := New("111122223333", "eu-west-1", false)
	id, outs, err := register(m, awsfacts.TypeRole, "task-role", map[string]any{
		"name":             "devEcsTaskRole",
		"assumeRolePolicy": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`,
	})
	require.NoError(t, err)
	assert.Equal(t, "devEcsTaskRole", id)
	assert.Equal(t, "arn:aws:iam::111122223333:role/devEcsTaskRole", outs["arn"].StringValue())

	id, outs, err = register(m, awsfacts.TypeBucketV2, "My-Bucket", nil)
	require.NoError(t, err)
	assert.Regexp(t, `^my-bucket-[0-9a-f]{7}$`, id, "auto-named, lower-case")
	assert.Equal(t, "arn:aws:s3:::"+id, outs["arn"].StringValue())
	again, _, err := New("111122223333", "eu-west-1", false).NewResource(pulumi.MockResourceArgs{
		TypeToken: awsfacts.TypeBucketV2, Name: "My-Bucket", Custom: true, Inputs: resource.PropertyMap{}})
	require.NoError(t, err)
	assert.Equal(t, id, again, "auto-names are deterministic")
	assert.Len(t, m.ByType(awsfacts.TypeBucketV2), 1)
}

// In preview the computed outputs are left out, so the program sees them as unknown.
func TestPreviewLeavesComputedOutputsOut(t *testing.T) {
	m := New("111122223333", "eu-west-1", true)
	id, outs, err := register(m, awsfacts.TypeBucketV2, "b", map[string]any{"bucket": "images-example-com"})
	require.NoError(t, err)
	assert.Empty(t, id)
	assert.True(t, outs["arn"].IsComputed())
	assert.Equal(t, "images-example-com", outs["bucket"].StringValue())
}

// What the stand-in (and AWS) refuses, the mocks refuse.
func TestRefusesWhatTheStandInRefuses(t *testing.T) {
	m := New("111122223333", "eu-west-1", false)
	_, _, err := register(m, awsfacts.TypeBucketV2, "b", map[string]any{"bucket": "Not_A_Bucket"})
	assert.ErrorContains(t, err, "InvalidBucketName")
	_, _, err = register(m, awsfacts.TypeRole, "r", map[string]any{"name": "bad role", "assumeRolePolicy": "{}"})
	assert.Error(t, err)
}

func TestInvokes(t *testing.T) {
	m := New("111122223333", "eu-west-1", false)
	id, err := m.Call(pulumi.MockCallArgs{Token: awsfacts.InvokeGetCallerIdentity})
	require.NoError(t, err)
	assert.Equal(t, "111122223333", id["accountId"].StringValue())
	reg, err := m.Call(pulumi.MockCallArgs{Token: awsfacts.InvokeGetRegion})
	require.NoError(t, err)
	assert.Equal(t, "eu-west-1", reg["name"].StringValue())
	_, err = m.Call(pulumi.MockCallArgs{Token: "aws:index/getAvailabilityZones:getAvailabilityZones"})
	assert.Error(t, err)
	assert.Equal(t, []string{awsfacts.InvokeGetCallerIdentity, awsfacts.InvokeGetRegion,
		"aws:index/getAvailabilityZones:getAvailabilityZones"}, m.Invokes())
}
