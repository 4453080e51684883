package awsfacts

import (
	"fmt"
	"strings"
)

// kmsKeyIDRe matches a KMS key ID: a UUID, or "mrk-" and 32 hex digits for a multi-Region key.
var kmsKeyIDRe = lazyMustCompile(`^(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$`)

// KMS actions a principal needs on a customer managed key.
const (
	// KMSDecrypt reads data encrypted with the key (S3 GetObject, SSM SecureString and Secrets
	// Manager values).
	KMSDecrypt = "kms:Decrypt"
	// KMSGenerateDataKey encrypts new data with the key (S3 PutObject and multipart uploads).
	KMSGenerateDataKey = "kms:GenerateDataKey"
)

// ParseKMSKeyARN parses the ARN of a KMS key (arn:<partition>:kms:<region>:<account>:key/<key-id>).
// An alias ARN is refused: IAM evaluates a key's ARN, never an alias, so it cannot be granted.
func ParseKMSKeyARN(s string) (ARN, error) {
	a, err := ParseARN(s)
	if err != nil {
		return ARN{}, err
	}
	id, isKey := strings.CutPrefix(a.Resource, "key/")
	switch {
	case a.Service != "kms":
		return ARN{}, fmt.Errorf("%q is a %s ARN, not a KMS key ARN", s, a.Service)
	case strings.HasPrefix(a.Resource, "alias/"):
		return ARN{}, fmt.Errorf("%q is a KMS alias ARN; IAM grants need the key's ARN (key/<key-id>)", s)
	case !isKey || !kmsKeyIDRe.MatchString(id):
		return ARN{}, fmt.Errorf("%q does not name a KMS key (key/<key-id>, the id a UUID or mrk-<32 hex>)", s)
	case !IsRegion(a.Region):
		return ARN{}, fmt.Errorf("%q has no valid region", s)
	case !IsAccountID(a.AccountID):
		return ARN{}, fmt.Errorf("%q has no 12-digit account ID", s)
	}
	return a, nil
}
