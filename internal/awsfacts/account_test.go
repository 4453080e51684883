package awsfacts

import "testing"

func TestIsAccountID(t *testing.T) {
	if !IsAccountID("123456789012") || IsAccountID("12345678901") || IsAccountID("aws") {
		t.Error("IsAccountID misclassifies")
	}
}
