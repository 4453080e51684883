package awsfacts

import (
	"strings"
	"testing"
)

func TestTagProblem(t *testing.T) {
	if TagProblem("Environment", "prod") != "" {
		t.Error("a valid tag refused")
	}
	for _, kv := range [][2]string{{"", "x"}, {"aws:x", "y"}, {"AWS:x", "y"}, {strings.Repeat("k", 129), ""}, {"k", strings.Repeat("v", 257)}} {
		if TagProblem(kv[0], kv[1]) == "" {
			t.Errorf("%q=%q accepted", kv[0], kv[1])
		}
	}
}
