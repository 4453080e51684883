package synth

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

func TestResourcesIsExactAndConsistent(t *testing.T) {
	for _, mode := range []Mode{Preview, Update} {
		for _, n := range []int{1, 10, 37, 1000} {
			s := Resources(n, mode)
			if len(s.Resources) != n || len(s.Inputs) != n {
				t.Fatalf("%s n=%d: got %d resources, %d inputs", mode, n, len(s.Resources), len(s.Inputs))
			}
			pos := map[resource.URN]int{}
			for i, r := range s.Resources {
				if _, dup := pos[r.URN]; dup {
					t.Fatalf("%s n=%d: duplicate URN %s", mode, n, r.URN)
				}
				pos[r.URN] = i
				// The engine registers a resource after everything its inputs came from.
				for _, d := range r.Dependencies {
					if j, ok := pos[d]; !ok || j >= i {
						t.Fatalf("%s n=%d: %s depends on %s, not registered before it", mode, n, r.URN, d)
					}
				}
				if r.Parent != "" {
					if _, ok := pos[r.Parent]; !ok {
						t.Fatalf("%s n=%d: %s has unregistered parent %s", mode, n, r.URN, r.Parent)
					}
				}
			}
			if len(s.Instance) != n {
				t.Fatalf("%s n=%d: instance map has %d entries", mode, n, len(s.Instance))
			}
		}
	}
}

func TestPreviewHasUnknownsAndUpdateHasNone(t *testing.T) {
	prev, upd := Instances(20, Preview), Instances(20, Update)
	var unknownARNs, unknownExecRoleArns int
	for _, r := range prev.Resources {
		if v, ok := r.Properties["arn"]; ok && v.IsComputed() {
			unknownARNs++
		}
		if r.Type == "aws:ecs/taskDefinition:TaskDefinition" {
			if !r.Properties["executionRoleArn"].IsComputed() {
				t.Fatalf("preview: %s executionRoleArn is known", r.URN)
			}
			if len(r.PropertyDependencies["executionRoleArn"]) != 1 {
				t.Fatalf("preview: %s has no property dependency for executionRoleArn", r.URN)
			}
			unknownExecRoleArns++
		}
	}
	if unknownARNs == 0 || unknownExecRoleArns != 20 {
		t.Fatalf("preview: %d unknown ARNs, %d unknown execution role ARNs", unknownARNs, unknownExecRoleArns)
	}
	for _, r := range upd.Resources {
		if r.Properties.ContainsUnknowns() {
			t.Fatalf("update: %s has unknowns", r.URN)
		}
	}
}

func TestEveryKindOnceInTwentyAndDocumentsAreJSON(t *testing.T) {
	s := Instances(20, Update)
	seen := map[Kind]int{}
	for _, k := range s.Kinds {
		seen[k]++
	}
	for _, k := range Kinds {
		if seen[k] != 1 {
			t.Errorf("kind %s appears %d times in 20 instances", k, seen[k])
		}
	}
	for _, r := range s.Inputs {
		for _, key := range []resource.PropertyKey{"policy", "assumeRolePolicy", "containerDefinitions"} {
			v, ok := r.Properties[key]
			if !ok {
				continue
			}
			if v.IsSecret() {
				v = v.SecretValue().Element
			}
			if !json.Valid([]byte(v.StringValue())) {
				t.Errorf("%s.%s is not JSON", r.URN, key)
			}
		}
	}
}

func TestFakeKeyIsKeyShapedButNotTheDocumentationExample(t *testing.T) {
	for i := 0; i < 100; i++ {
		k := FakeKeyID(i)
		if len(k) != 20 || !strings.HasPrefix(k, "AKIA") || strings.Contains(k, "EXAMPLE") {
			t.Fatalf("key %d is not a plausible access key ID (starts %q)", i, k[:4])
		}
		if strings.Trim(k[4:], base32) != "" {
			t.Fatalf("key %d has characters outside the key alphabet", i)
		}
	}
}
