package pack

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
)

// TestConcurrentAnalyze calls Analyze from many goroutines, as the engine does (run with -race),
// and checks that every execution role granted S3 is still caught.
func TestConcurrentAnalyze(t *testing.T) {
	a := NewAnalyzer()
	const apps = 50
	var wg sync.WaitGroup
	var mu sync.Mutex
	blocked := map[string]bool{}
	for i := range apps {
		exec := fmt.Sprintf("exec-%d", i)
		fs := []fixture{role(exec, nil), rolePolicy("p-"+exec, exec, s3StarJSON), taskDef(fmt.Sprintf("app-%d", i), roleARN(exec), "")}
		for _, f := range fs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp, err := a.Analyze(context.Background(), f.resource())
				if err != nil {
					t.Error(err)
					return
				}
				if len(filter(resp.Diagnostics, NoS3OnExecutionRole, apitype.Mandatory)) > 0 {
					mu.Lock()
					blocked[exec] = true
					mu.Unlock()
				}
			}()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = a.GetAnalyzerInfo(context.Background())
			_ = a.Configure(context.Background(), map[string]plugin.AnalyzerPolicyConfig{S3BucketEncryption: {EnforcementLevel: apitype.Advisory}})
		}()
	}
	wg.Wait()
	// Whatever the interleaving, the later of grant and task definition saw the earlier one.
	if len(blocked) != apps {
		t.Fatalf("%d of %d execution roles with S3 were blocked", len(blocked), apps)
	}
}

func TestConfigure(t *testing.T) {
	a := NewAnalyzer()
	err := a.Configure(context.Background(), map[string]plugin.AnalyzerPolicyConfig{
		NoEmbeddedAWSCredentials: {EnforcementLevel: apitype.Mandatory, Properties: map[string]any{propExtraForbiddenEnvNames: "not-a-list"}},
	})
	if err == nil {
		t.Fatal("a property of the wrong type was accepted")
	}
	if err := a.Configure(context.Background(), map[string]plugin.AnalyzerPolicyConfig{
		"policy-from-a-newer-pack": {EnforcementLevel: apitype.Mandatory},
		S3BucketPrivate:            {EnforcementLevel: apitype.Remediate},
	}); err != nil {
		t.Fatal(err)
	}
	// Nothing here remediates: a remediate level reports as mandatory (as the engine would).
	ds := flatten(runAnalyze(t, a, bucketSub(typeBucketACLV2, "acl", "b", map[string]any{"acl": "public-read"})))
	if len(filter(ds, S3BucketPrivate, apitype.Mandatory)) != 1 {
		t.Fatalf("remediate level not reported as mandatory:\n%s", messages(ds))
	}
}

func TestAnalyzerInfo(t *testing.T) {
	info, err := NewAnalyzer().GetAnalyzerInfo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	levels := map[string]apitype.EnforcementLevel{}
	for _, p := range info.Policies {
		levels[p.Name] = p.EnforcementLevel
		if p.ConfigSchema != nil {
			if _, ok := p.ConfigSchema.Properties["enforcementLevel"]; ok {
				t.Errorf("%s declares enforcementLevel, which the engine injects", p.Name)
			}
		}
	}
	if levels[NoS3OnExecutionRole] != apitype.Mandatory || levels[NoEmbeddedAWSCredentials] != apitype.Mandatory {
		t.Fatal("mandatory policies are not mandatory by default")
	}
	for name, l := range levels {
		if name != NoS3OnExecutionRole && name != NoEmbeddedAWSCredentials && l != apitype.Advisory {
			t.Errorf("%s is %s by default, want advisory", name, l)
		}
	}
	pi, err := NewAnalyzer().GetPluginInfo(context.Background())
	if err != nil || pi.Version == nil || pi.Version.String() != Version {
		t.Fatalf("GetPluginInfo = %v, %v", pi, err)
	}
}

func TestCancel(t *testing.T) {
	a := NewAnalyzer()
	_ = a.Cancel(context.Background())
	if _, err := a.Analyze(context.Background(), role("x", nil).resource()); err == nil {
		t.Fatal("Analyze after Cancel succeeded")
	}
}
