package awsfacts

import "testing"

func TestHasAccessKeyIDPrefix(t *testing.T) {
	for s, want := range map[string]bool{
		"AKIAZ": true, "ASIAZ": true, "ABIAZ": true, "ACCAZ": true, "A3TX": true, "A3T7": true,
		"AROAZ": false, "AIDAZ": false, "A3Tx": false, "A3T": false, "akia": false, "": false,
	} {
		if got := HasAccessKeyIDPrefix(s); got != want {
			t.Errorf("HasAccessKeyIDPrefix(%q) = %v, want %v", s, got, want)
		}
	}
	for _, p := range UniqueIDPrefixes() {
		if HasAccessKeyIDPrefix(p + "Z") {
			t.Errorf("unique ID prefix %s is taken for a credential", p)
		}
	}
}

func TestIsDocumentationExampleKey(t *testing.T) {
	if !IsDocumentationExampleKey("AKIAIOSFODNN7EXAMPLE") || !IsDocumentationExampleKey("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY") ||
		IsDocumentationExampleKey("AKIAZ7QX2MWR5TBN4HJK") {
		t.Error("IsDocumentationExampleKey misclassifies")
	}
}
