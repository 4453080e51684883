package components

import (
	"strings"

	"github.com/keyless-ecs/railsapp/internal/awsfacts"
)

// ActiveStorageArgs configures one ActiveStorage component. Values are plain Go types on purpose:
// they must be known when the program runs so that they can be validated before anything is
// registered, and so that the IAM documents and container definitions built from them are known
// strings during `pulumi preview` (and visible to the policy pack).
//
// The zero value of every optional field is the safe choice: a protected, retained, versioned
// bucket, task definition revisions kept, no extra grant. The defaults, allowed values and what
// each field does are declared once, in Settings(); a field's setting key is the lowerCamel form
// of its name (Settings() lists them).
type ActiveStorageArgs struct {
	Environment string
	BucketName  string

	ForceDestroy bool
	// ProtectBucket, RetainBucket and Versioning are on unless set to false (nil means true).
	ProtectBucket *bool
	RetainBucket  *bool
	Versioning    *bool

	NoncurrentVersionExpirationDays    int
	AbortIncompleteMultipartUploadDays int
	AllowAbortMultipartUpload          bool
	KMSKeyArn                          string
	CORSOrigins                        []string

	PolicyName        string
	TaskRoleName      string
	ExecutionRoleName string
	ExecutionRoleArn  string

	Family           string
	ContainerName    string
	Image            string
	ContainerPort    int
	CPU              int
	Memory           int
	CPUArchitecture  string
	LogRetentionDays int

	ContainerEnv      map[string]string
	Secrets           map[string]string
	SecretsKMSKeyArns []string
	EnableExecCommand bool
	// KeepTaskDefinitionRevisions is on unless set to false (nil means true).
	KeepTaskDefinitionRevisions *bool

	Tags map[string]string
}

// Environment variables the component sets itself; user config may not override them.
const (
	EnvBucketName = "AWS_S3_BUCKET_NAME"
	EnvRegion     = "AWS_REGION"
)

// FieldError is one invalid argument. Field is the setting's key (Settings), which is also the
// program's config key without the `railsapp:` namespace.
type FieldError struct {
	Field   string
	Message string
}

func (e FieldError) Error() string { return e.Field + ": " + e.Message }

// ArgsError lists every invalid argument found, so that a user fixes them all in one go.
type ArgsError struct {
	Problems []FieldError
}

func (e *ArgsError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.Error()
	}
	return "invalid ActiveStorage arguments: " + strings.Join(parts, "; ")
}

// withDefaults returns a copy of a with every unset field given its default (Settings). Maps,
// slices and pointers are copied, so later changes by the caller do not reach the component.
func (a ActiveStorageArgs) withDefaults() ActiveStorageArgs {
	out := a
	for _, s := range settings {
		s.bind.applyDefault(&out)
	}
	return out
}

// Validate reports every problem with the arguments (after defaults) as an *ArgsError, or nil.
// region is the stack's AWS region (the provider's): with it, ARNs are also checked against the
// stack's region and partition (kmsKeyArn must be in the region, every ARN in its partition);
// with "", those checks are skipped. NewActiveStorage runs the same checks once, with the
// provider's region, before registering anything.
func (a ActiveStorageArgs) Validate(region string) error {
	_, err := a.validate(region)
	return err
}

// validate is Validate that also returns, when the arguments are valid, the secret references
// the checks parsed (by variable name), so that the builder need not parse them again.
func (a ActiveStorageArgs) validate(region string) (map[string]awsfacts.SecretRef, error) {
	d := a.withDefaults()
	c := &checker{args: &d, region: region}
	if region != "" {
		c.partition = awsfacts.PartitionOfRegion(region)
	}
	c.parseSecrets()
	for _, s := range settings {
		c.key = s.Key
		s.bind.check(&d, c)
	}
	if len(c.problems) > 0 {
		return nil, &ArgsError{Problems: c.problems}
	}
	return c.secretRefs, nil
}

// isTrue reads a defaulted *bool field: after withDefaults every pointer field is set.
func isTrue(p *bool) bool { return p != nil && *p }
