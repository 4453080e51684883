package awsfacts

import "testing"

func TestAccountAndPartition(t *testing.T) {
	if !IsAccountID("123456789012") || IsAccountID("12345678901") || IsAccountID("aws") {
		t.Error("IsAccountID misclassifies")
	}
	if PartitionOfARN("arn:aws-cn:sts::123456789012:assumed-role/x/y") != "aws-cn" || PartitionOfARN("nope") != "" {
		t.Error("PartitionOfARN misreads")
	}
}
