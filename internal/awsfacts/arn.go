package awsfacts

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
)

// ARN is a parsed ARN (aws-sdk-go-v2's type: Partition, Service, Region, AccountID, Resource).
type ARN = arn.ARN

// ParseARN parses an ARN with aws-sdk-go-v2's parser.
func ParseARN(s string) (ARN, error) {
	a, err := arn.Parse(s)
	if err != nil {
		return ARN{}, fmt.Errorf("%q is not an ARN: %w", s, err)
	}
	return a, nil
}

// IsARN reports whether s has the shape of an ARN.
func IsARN(s string) bool { return arn.IsARN(s) }

// BucketARN is the ARN of a general purpose bucket; S3 bucket ARNs carry neither region nor account.
func BucketARN(partition, bucket string) string {
	return ARN{Partition: partition, Service: "s3", Resource: bucket}.String()
}

// ObjectsARN is the ARN pattern of every object of a bucket.
func ObjectsARN(partition, bucket string) string { return BucketARN(partition, bucket) + "/*" }

// IAMRef is an IAM role, user or policy identified by ARN parts: the account ("aws" for AWS
// managed policies), the path ("/" by default, with both slashes) and the name. IAM names are
// unique per account case-insensitively; Key gives the form to join on.
type IAMRef struct {
	Partition string
	Account   string
	Path      string
	Name      string
}

// Key is the case-folded account/name pair that identifies the entity (IAM role and policy
// names are unique within an account whatever their path and letter case).
func (r IAMRef) Key() string { return r.Account + "/" + strings.ToLower(r.Name) }

// String renders the reference for messages, as an ARN when the account is known.
func (r IAMRef) String() string {
	if r.Account == "" {
		return r.Name
	}
	return r.Path + r.Name + " in account " + r.Account
}

// RoleARN is the ARN of a role; path "" means the default path "/".
func RoleARN(partition, account, path, name string) string {
	return ARN{Partition: partition, Service: "iam", AccountID: account, Resource: "role" + normPath(path) + name}.String()
}

// PolicyARN is the ARN of a customer managed policy; path "" means "/".
func PolicyARN(partition, account, path, name string) string {
	return ARN{Partition: partition, Service: "iam", AccountID: account, Resource: "policy" + normPath(path) + name}.String()
}

// ParseRoleARN returns the role an IAM role ARN (arn:<p>:iam::<account>:role/<path/>name) names.
func ParseRoleARN(s string) (IAMRef, bool) { return parseIAM(s, "role") }

// ParsePolicyARN returns the policy an IAM policy ARN names; Account is "aws" for AWS managed policies.
func ParsePolicyARN(s string) (IAMRef, bool) { return parseIAM(s, "policy") }

// ParseAssumedRoleARN returns the role of an STS assumed-role session ARN
// (arn:<p>:sts::<account>:assumed-role/<name>/<session>); the path is not part of that form.
func ParseAssumedRoleARN(s string) (IAMRef, bool) {
	a, err := arn.Parse(s)
	if err != nil || a.Service != "sts" {
		return IAMRef{}, false
	}
	rest, ok := strings.CutPrefix(a.Resource, "assumed-role/")
	if !ok {
		return IAMRef{}, false
	}
	name, _, _ := strings.Cut(rest, "/")
	if name == "" {
		return IAMRef{}, false
	}
	return IAMRef{Partition: a.Partition, Account: a.AccountID, Name: name}, true
}

func parseIAM(s, kind string) (IAMRef, bool) {
	a, err := arn.Parse(strings.TrimSpace(s))
	if err != nil || a.Service != "iam" {
		return IAMRef{}, false
	}
	rest, ok := strings.CutPrefix(a.Resource, kind+"/")
	if !ok || rest == "" || strings.HasSuffix(rest, "/") {
		return IAMRef{}, false
	}
	i := strings.LastIndexByte(rest, '/')
	return IAMRef{Partition: a.Partition, Account: a.AccountID, Path: "/" + rest[:i+1], Name: rest[i+1:]}, true
}

func normPath(p string) string {
	if p == "" || p == "/" {
		return "/"
	}
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p
}
