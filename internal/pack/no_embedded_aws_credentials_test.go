package pack_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/keyless-ecs/railsapp/internal/awscreds"
	"github.com/keyless-ecs/railsapp/internal/awsfacts"
	"github.com/keyless-ecs/railsapp/internal/pack"
	pt "github.com/keyless-ecs/railsapp/internal/pack/packtest"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/asset"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
)

// TestCredentialFiles runs the cases whose assets and archives are files on disk, in the three
// modes.
func TestCredentialFiles(t *testing.T) {
	cases, err := pt.CredentialFiles(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	runCorpus(t, cases)
}

// TestCredentialFilesNeverBlock: the walk reads regular files only, so a FIFO (which would block
// a read forever) or a device in a directory archive is passed over, and a remote asset is never
// fetched.
func TestCredentialFilesNeverBlock(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.env"), 0o600); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	if err := os.Symlink("/dev/zero", filepath.Join(dir, "zero.env")); err != nil {
		t.Fatal(err)
	}
	var fetched atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fetched.Add(1)
		_, _ = w.Write([]byte("AWS_ACCESS_KEY_ID=" + pt.FakeKeyID("AKIA") + "\n"))
	}))
	defer srv.Close()
	fn := pt.New(awsfacts.TypeLambdaFunction, "fn", map[string]any{"runtime": "python3.12"}).Set("code", pt.FileArchive(dir))
	remote := pt.New(awsfacts.TypeBucketObjectV2, "obj", map[string]any{"bucket": "b", "key": "app.env"}).
		Set("source", resource.NewAssetProperty(&asset.Asset{Sig: asset.AssetSig, URI: srv.URL + "/app.env"}))
	for _, m := range pt.Modes {
		res, err := pt.Run(context.Background(), pt.Local(), pt.Case{Policy: pack.NoEmbeddedAWSCredentials,
			Resources: []pt.Resource{fn, remote}}, m)
		if err != nil {
			t.Fatal(err)
		}
		if v := pt.VerdictOf(res.Diagnostics, pack.NoEmbeddedAWSCredentials); v != pt.Pass {
			t.Errorf("%s: verdict %s, want pass:\n%s", m, v, pt.Messages(res.Diagnostics))
		}
	}
	if n := fetched.Load(); n != 0 {
		t.Errorf("the pack fetched a remote asset %d times", n)
	}
}

// TestCredentialPlacesWithoutScanAll: with scanAllStringInputs off, containers, Lambda
// environments, SSM parameters, providers and stack config are still read; other inputs are not.
func TestCredentialPlacesWithoutScanAll(t *testing.T) {
	off := map[string]plugin.AnalyzerPolicyConfig{pack.NoEmbeddedAWSCredentials: {
		EnforcementLevel: apitype.Mandatory, Properties: map[string]any{"scanAllStringInputs": false}}}
	id := pt.FakeKeyID("AKIA")
	for _, c := range []struct {
		name string
		r    pt.Resource
		want pt.Verdict
	}{
		{"container command", pt.TaskDef("app", "", "").Set("containerDefinitions", pt.Container(`"command":["run","`+id+`"]`)), pt.Block},
		{"Lambda environment", pt.New(awsfacts.TypeLambdaFunction, "fn", map[string]any{"environment": map[string]any{"variables": map[string]any{"K": id}}}), pt.Block},
		{"SSM parameter", pt.New(awsfacts.TypeSSMParameter, "p", map[string]any{"name": "/app/k", "value": id}), pt.Block},
		{"provider", pt.Provider("default", map[string]any{"accessKey": id}), pt.Block},
		{"any other input", pt.New(awsfacts.TypeBucketObjectV2, "o", map[string]any{"content": id}), pt.Pass},
		{"a Lambda function's other inputs", pt.New(awsfacts.TypeLambdaFunction, "fn", map[string]any{"description": id}), pt.Pass},
	} {
		res, err := pt.Run(context.Background(), pt.Local(), pt.Case{Policy: pack.NoEmbeddedAWSCredentials,
			Config: off, Resources: []pt.Resource{c.r}}, pt.Update)
		if err != nil {
			t.Fatal(err)
		}
		if got := pt.VerdictOf(res.Diagnostics, pack.NoEmbeddedAWSCredentials); got != c.want {
			t.Errorf("%s: verdict %s, want %s", c.name, got, c.want)
		}
	}
}

// TestCredentialMessagesAreBounded: an input full of keys gives one message of bounded length,
// which says how many findings it leaves out.
func TestCredentialMessagesAreBounded(t *testing.T) {
	vars := map[string]any{}
	for i := range 100 {
		vars[string(rune('A'+i%26))+string(rune('A'+i/26))] = pt.FakeKeyID("AKIA")
	}
	ds := analyze(t, newPack(), pt.New(awsfacts.TypeLambdaFunction, "fn",
		map[string]any{"environment": map[string]any{"variables": vars}}))
	got := filter(ds, pack.NoEmbeddedAWSCredentials, apitype.Mandatory)
	if len(got) != 1 {
		t.Fatalf("%d diagnostics, want one", len(got))
	}
	if n := len(got[0].Message); n > 4000 || !strings.Contains(got[0].Message, "and 75 more") {
		t.Errorf("message of %d bytes does not stop at 25 findings and say how many more", n)
	}
}

// TestSDKNamesAreCredentialNames: the credential scan looks a name up among the SDKs' variables
// only when it is a credential name, which every one of them must be.
func TestSDKNamesAreCredentialNames(t *testing.T) {
	for _, n := range awscreds.CredentialEnvNames() {
		for _, name := range []string{n, strings.ToLower(n)} {
			if !awscreds.IsCredentialName(name) {
				t.Errorf("%s is read by the SDKs but is not a credential name", name)
			}
		}
	}
}
