package awsfacts

import (
	"strings"
	"testing"
)

func TestECSTaskFacts(t *testing.T) {
	if !IsTaskFamily("prod-server") || IsTaskFamily("prod server") || IsTaskFamily(strings.Repeat("a", 256)) {
		t.Error("IsTaskFamily misclassifies")
	}
	if !IsContainerName("web_1") || IsContainerName("web:1") {
		t.Error("IsContainerName misclassifies")
	}
	acts := ExecCommandActions()
	if len(acts) != 4 {
		t.Fatalf("ExecCommandActions = %v", acts)
	}
	for _, a := range acts {
		if !strings.HasPrefix(a, "ssmmessages:") {
			t.Errorf("%s is not an ssmmessages action", a)
		}
	}
	acts[0] = "s3:*"
	if ExecCommandActions()[0] == "s3:*" {
		t.Error("ExecCommandActions exposes its list")
	}
}
