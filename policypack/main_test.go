package main

import (
	"bufio"
	"context"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/keyless-ecs/railsapp/internal/pack"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// startPack runs the policy pack's main loop in-process, as the engine would start the
// executable, and returns a client connected to the port it prints.
func startPack(t *testing.T) pulumirpc.AnalyzerClient {
	t.Helper()
	pr, pw := io.Pipe()
	cancel := make(chan bool, 1)
	done := make(chan error, 1)
	go func() { done <- run([]string{"--logtostderr", "-v=9", "127.0.0.1:1"}, pw, cancel) }()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the port: %v", err)
	}
	port, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil || port <= 0 || port > 65535 {
		t.Fatalf("first stdout line %q is not a port", line)
	}
	conn, err := grpc.NewClient("127.0.0.1:"+strconv.Itoa(port), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = conn.Close()
		cancel <- true
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("server: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Error("server did not stop")
		}
	})
	return pulumirpc.NewAnalyzerClient(conn)
}

func marshal(t *testing.T, m resource.PropertyMap) *structpb.Struct {
	t.Helper()
	s, err := plugin.MarshalProperties(m, plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestAnalyzerOverGRPC(t *testing.T) {
	ctx := context.Background()
	c := startPack(t)

	info, err := c.GetPluginInfo(ctx, &emptypb.Empty{})
	if err != nil || info.GetVersion() != pack.Version {
		t.Fatalf("GetPluginInfo = %v, %v", info, err)
	}
	ai, err := c.GetAnalyzerInfo(ctx, &emptypb.Empty{})
	if err != nil {
		t.Fatal(err)
	}
	if !ai.GetSupportsConfig() || len(ai.GetPolicies()) != len(pack.PolicyNames()) {
		t.Fatalf("GetAnalyzerInfo: supportsConfig=%v, %d policies", ai.GetSupportsConfig(), len(ai.GetPolicies()))
	}
	for _, p := range ai.GetPolicies() {
		if p.GetDescription() == "" || p.GetMessage() == "" || p.GetRemediationSteps() == "" ||
			p.GetSeverity() == pulumirpc.PolicySeverity_POLICY_SEVERITY_UNSPECIFIED {
			t.Errorf("policy %s lacks metadata", p.GetName())
		}
	}
	if _, err := c.Handshake(ctx, &pulumirpc.AnalyzerHandshakeRequest{EngineAddress: "127.0.0.1:1"}); err != nil {
		t.Fatal(err)
	}
	keyID := "AKIA" + "Z7QX2MWR" + "5TBN4HJK"
	if _, err := c.ConfigureStack(ctx, &pulumirpc.AnalyzerStackConfigureRequest{Stack: "dev", Project: "railsapp", DryRun: true,
		Config: map[string]string{"aws:region": "us-east-1", "aws:accessKey": keyID}, ConfigSecretKeys: []string{"aws:accessKey"}}); err != nil {
		t.Fatal(err)
	}
	// Configure as the engine does after reconciling the config file: every policy, schema defaults filled in.
	cfg := map[string]*pulumirpc.PolicyConfig{}
	for _, name := range pack.PolicyNames() {
		cfg[name] = &pulumirpc.PolicyConfig{EnforcementLevel: pulumirpc.EnforcementLevel_ADVISORY}
	}
	cfg[pack.NoS3OnExecutionRole].EnforcementLevel = pulumirpc.EnforcementLevel_MANDATORY
	cfg[pack.NoEmbeddedAWSCredentials].EnforcementLevel = pulumirpc.EnforcementLevel_MANDATORY
	cfg[pack.S3BucketEncryption].EnforcementLevel = pulumirpc.EnforcementLevel_DISABLED
	if _, err := c.Configure(ctx, &pulumirpc.ConfigureAnalyzerRequest{PolicyConfig: cfg}); err != nil {
		t.Fatal(err)
	}

	stackURN := "urn:pulumi:dev::railsapp::pulumi:pulumi:Stack::railsapp-dev"
	resp, err := c.Analyze(ctx, &pulumirpc.AnalyzeRequest{Urn: stackURN, Type: "pulumi:pulumi:Stack", Name: "railsapp-dev",
		Properties: marshal(t, resource.PropertyMap{})})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.GetDiagnostics()) != 1 || resp.GetDiagnostics()[0].GetPolicyName() != pack.NoEmbeddedAWSCredentials ||
		resp.GetDiagnostics()[0].GetEnforcementLevel() != pulumirpc.EnforcementLevel_MANDATORY {
		t.Fatalf("stack config key not reported: %d diagnostics", len(resp.GetDiagnostics()))
	}

	// A provider whose accessKey is a secret and a role policy whose document is unknown.
	provider := &pulumirpc.AnalyzerProviderResource{Urn: "urn:pulumi:dev::railsapp::pulumi:providers:aws::default_6_83_4",
		Type: "pulumi:providers:aws", Name: "default_6_83_4",
		Properties: marshal(t, resource.PropertyMap{"accessKey": resource.MakeSecret(resource.NewStringProperty(keyID))})}
	resp, err = c.Analyze(ctx, &pulumirpc.AnalyzeRequest{Urn: provider.Urn, Type: provider.Type, Name: provider.Name,
		Properties: provider.Properties})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.GetDiagnostics()) == 0 {
		t.Fatal("secret provider accessKey not reported")
	}
	for _, d := range resp.GetDiagnostics() {
		if strings.Contains(d.GetMessage(), keyID[:5]) {
			t.Fatal("a message shows more than four characters of the key")
		}
	}
	roleURN := "urn:pulumi:dev::railsapp::aws:iam/role:Role::exec"
	if _, err := c.Analyze(ctx, &pulumirpc.AnalyzeRequest{Urn: roleURN, Type: "aws:iam/role:Role", Name: "exec", Provider: provider,
		Properties: marshal(t, resource.PropertyMap{"name": resource.NewStringProperty("exec"),
			"arn": resource.MakeComputed(resource.NewStringProperty(""))})}); err != nil {
		t.Fatal(err)
	}

	// AnalyzeStack at preview: unknown ARNs, linked by property dependencies.
	rpURN := "urn:pulumi:dev::railsapp::aws:iam/rolePolicy:RolePolicy::exec-s3"
	tdURN := "urn:pulumi:dev::railsapp::aws:ecs/taskDefinition:TaskDefinition::app"
	unknown := resource.MakeComputed(resource.NewStringProperty(""))
	sresp, err := c.AnalyzeStack(ctx, &pulumirpc.AnalyzeStackRequest{Resources: []*pulumirpc.AnalyzerResource{
		{Urn: roleURN, Type: "aws:iam/role:Role", Name: "exec", Properties: marshal(t, resource.PropertyMap{
			"name": resource.NewStringProperty("exec"), "arn": unknown})},
		{Urn: rpURN, Type: "aws:iam/rolePolicy:RolePolicy", Name: "exec-s3", Properties: marshal(t, resource.PropertyMap{
			"role":   resource.NewStringProperty("exec"),
			"policy": resource.NewStringProperty(`{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`)}),
			PropertyDependencies: map[string]*pulumirpc.AnalyzerPropertyDependencies{"role": {Urns: []string{roleURN}}}},
		{Urn: tdURN, Type: "aws:ecs/taskDefinition:TaskDefinition", Name: "app", Properties: marshal(t, resource.PropertyMap{
			"executionRoleArn": unknown, "containerDefinitions": unknown}),
			PropertyDependencies: map[string]*pulumirpc.AnalyzerPropertyDependencies{"executionRoleArn": {Urns: []string{roleURN}}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, d := range sresp.GetDiagnostics() {
		if d.GetPolicyName() == pack.NoS3OnExecutionRole && d.GetUrn() == rpURN &&
			d.GetEnforcementLevel() == pulumirpc.EnforcementLevel_MANDATORY {
			found = true
		}
	}
	if !found {
		t.Fatalf("execution-role violation not reported on the role policy: %v", sresp.GetDiagnostics())
	}
	if _, err := c.Remediate(ctx, &pulumirpc.AnalyzeRequest{Urn: rpURN, Type: "aws:iam/rolePolicy:RolePolicy",
		Properties: marshal(t, resource.PropertyMap{})}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Cancel(ctx, &emptypb.Empty{}); err != nil {
		t.Fatal(err)
	}
}

// TestPulumiPolicyYAML checks that Pulumi's own loader accepts the project file and that its
// version (which the engine prefers over the plugin's) matches the pack's.
func TestPulumiPolicyYAML(t *testing.T) {
	p, err := workspace.LoadPolicyPack(filepath.Join(".", "PulumiPolicy.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if p.Runtime.Name() != "go" || p.Version != pack.Version || p.Description == nil {
		t.Fatalf("PulumiPolicy.yaml: runtime %q, version %q, description set %v", p.Runtime.Name(), p.Version, p.Description != nil)
	}
}
