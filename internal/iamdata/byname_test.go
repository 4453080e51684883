package iamdata

import "testing"

func TestManagedPoliciesNamed(t *testing.T) {
	got := ManagedPoliciesNamed("amazonecstaskexecutionrolepolicy")
	if len(got) != 1 || got[0].Path != "/service-role/" || got[0].Name != "AmazonECSTaskExecutionRolePolicy" {
		t.Fatalf("ManagedPoliciesNamed(AmazonECSTaskExecutionRolePolicy) = %+v", got)
	}
	if s3 := ManagedPoliciesNamed("AmazonS3FullAccess"); len(s3) != 1 || s3[0].Path != "/" || !s3[0].GrantsS3() {
		t.Errorf("ManagedPoliciesNamed(AmazonS3FullAccess) = %+v", s3)
	}
	for _, name := range []string{"", "service-role/AmazonECSTaskExecutionRolePolicy", "NoSuchPolicyAnywhere"} {
		if got := ManagedPoliciesNamed(name); len(got) != 0 {
			t.Errorf("ManagedPoliciesNamed(%q) = %+v, want none", name, got)
		}
	}
}
