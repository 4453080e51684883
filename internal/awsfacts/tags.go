package awsfacts

import (
	"fmt"
	"strings"
)

// Tag limits shared by S3, IAM, ECS and CloudWatch Logs (AWS tagging best practices).
const (
	MaxTags           = 50
	MaxTagKeyLength   = 128
	MaxTagValueLength = 256
	reservedTagPrefix = "aws:"
)

// TagProblem returns why AWS refuses the tag key=value, or "".
func TagProblem(key, value string) string {
	switch {
	case key == "" || len(key) > MaxTagKeyLength:
		return fmt.Sprintf("tag key %q must be 1 to %d characters", key, MaxTagKeyLength)
	case strings.HasPrefix(strings.ToLower(key), reservedTagPrefix):
		return fmt.Sprintf("tag key %q uses the reserved prefix %s", key, reservedTagPrefix)
	case len(value) > MaxTagValueLength:
		return fmt.Sprintf("the value of tag %q is longer than %d characters", key, MaxTagValueLength)
	}
	return ""
}
