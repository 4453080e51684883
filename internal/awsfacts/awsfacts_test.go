package awsfacts

import "testing"

func TestRoleARNRoundTrip(t *testing.T) {
	for _, c := range []struct{ partition, account, path, name, want string }{
		{"aws", "123456789012", "", "devEcsTaskRole", "arn:aws:iam::123456789012:role/devEcsTaskRole"},
		{"aws-cn", "123456789012", "/ecs/", "exec", "arn:aws-cn:iam::123456789012:role/ecs/exec"},
		{"aws", "123456789012", "team/a", "r", "arn:aws:iam::123456789012:role/team/a/r"},
	} {
		got := RoleARN(c.partition, c.account, c.path, c.name)
		if got != c.want {
			t.Errorf("RoleARN = %q, want %q", got, c.want)
		}
		r, ok := ParseRoleARN(got)
		if !ok || r.Name != c.name || r.Account != c.account || r.Partition != c.partition {
			t.Errorf("ParseRoleARN(%q) = %+v, %v", got, r, ok)
		}
	}
	for _, bad := range []string{"", "devEcsTaskRole", "arn:aws:iam::123456789012:user/x", "arn:aws:iam::123456789012:role/",
		"arn:aws:s3:::bucket", "arn:aws:iam::123456789012:role/path/"} {
		if r, ok := ParseRoleARN(bad); ok {
			t.Errorf("ParseRoleARN(%q) = %+v, want no role", bad, r)
		}
	}
}

func TestRolesOfDifferentAccountsDiffer(t *testing.T) {
	a, _ := ParseRoleARN("arn:aws:iam::111111111111:role/ecsTaskExecutionRole")
	b, _ := ParseRoleARN("arn:aws:iam::222222222222:role/ECSTaskExecutionRole")
	c, _ := ParseRoleARN("arn:aws:iam::111111111111:role/service/EcsTaskExecutionRole")
	if a.Key() == b.Key() {
		t.Error("roles of two accounts share a key")
	}
	if a.Key() != c.Key() {
		t.Error("role names are unique per account whatever their path and case")
	}
}

func TestExecutionRolePolicyARN(t *testing.T) {
	if got := ExecutionRolePolicyARN("aws"); got != "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy" {
		t.Errorf("ExecutionRolePolicyARN = %q", got)
	}
	isExec := func(arn string) bool { id, ok := ParsePolicyARN(arn); return ok && IsExecutionRolePolicy(id) }
	if !isExec(ExecutionRolePolicyARN("aws-us-gov")) || isExec("arn:aws:iam::123456789012:policy/AmazonECSTaskExecutionRolePolicy") {
		t.Error("IsExecutionRolePolicy misclassifies")
	}
}

func TestPartitionOfRegion(t *testing.T) {
	for region, want := range map[string]string{"ap-northeast-1": "aws", "cn-north-1": "aws-cn", "us-gov-west-1": "aws-us-gov",
		"us-iso-east-1": "aws-iso", "us-isob-east-1": "aws-iso-b"} {
		if got := PartitionOfRegion(region); got != want {
			t.Errorf("PartitionOfRegion(%q) = %q, want %q", region, got, want)
		}
		if !IsRegion(region) {
			t.Errorf("IsRegion(%q) = false", region)
		}
	}
	if IsRegion("tokyo") || IsRegion("ap-northeast") {
		t.Error("IsRegion accepts a non-region")
	}
}

func TestBucketNameProblem(t *testing.T) {
	for _, ok := range []string{"images-example-com", "abc", "a.b-c"} {
		if p := BucketNameProblem(ok); p != "" {
			t.Errorf("%q: %s", ok, p)
		}
	}
	for _, bad := range []string{"ab", "Images", "a..b", "a.-b", "192.168.1.1", "xn--abc", "abc-s3alias", "abc--x-s3", "-abc"} {
		if BucketNameProblem(bad) == "" {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestFargateSizes(t *testing.T) {
	if !IsFargateSize(256, 512) || IsFargateSize(256, 4096) || IsFargateSize(300, 512) || !IsFargateSize(16384, 122880) {
		t.Error("IsFargateSize misclassifies")
	}
	if cpus := FargateCPUs(); len(cpus) != 7 || cpus[0] != 256 || cpus[6] != 16384 {
		t.Errorf("FargateCPUs = %v", cpus)
	}
	m := FargateMemory(256)
	m[0] = 1
	if FargateMemory(256)[0] != 512 {
		t.Error("FargateMemory exposes its table")
	}
}
