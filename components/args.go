package components

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/keyless-ecs/railsapp/internal/awscreds"
)

// ActiveStorageArgs configures one ActiveStorage component. Values are plain Go types on purpose:
// they must be known when the program runs so that they can be validated before anything is
// registered, and so that the IAM documents and container definitions built from them are known
// strings during `pulumi preview` (and visible to the policy pack).
//
// Each field's doc names its default. The lowerCamel name in a field's `key` tag is the name used in
// validation errors; the program's stack config uses the same names under the `railsapp:` namespace.
type ActiveStorageArgs struct {
	// Environment names the deployment (e.g. "dev", "prod") and prefixes every IAM name, as in the
	// seed. Required: letters, digits and '-', starting with a letter, at most 32 characters.
	Environment string `key:"environment"`

	// BucketName is the S3 bucket's name. Empty: Pulumi auto-names the bucket (the task policy then
	// depends on the bucket's ARN and is unknown during preview).
	BucketName string `key:"bucketName"`
	// ForceDestroy lets `pulumi destroy` delete a bucket that still holds objects (dev stacks).
	ForceDestroy bool `key:"forceDestroy"`
	// ProtectBucket marks the bucket `protect`, so no Pulumi operation can delete it.
	ProtectBucket bool `key:"protectBucket"`
	// Versioning enables bucket versioning and adds a rule expiring noncurrent versions.
	Versioning bool `key:"versioning"`
	// NoncurrentVersionExpirationDays: days before a noncurrent version is deleted (versioning only).
	// Default 30; 1 to 3650.
	NoncurrentVersionExpirationDays int `key:"noncurrentVersionExpirationDays"`
	// AbortIncompleteMultipartUploadDays: days before an unfinished multipart upload is aborted.
	// Default 7; 1 to 365.
	AbortIncompleteMultipartUploadDays int `key:"abortIncompleteMultipartUploadDays"`
	// AllowAbortMultipartUpload adds s3:AbortMultipartUpload on objects to the task policy, so that a
	// failed large upload can clean up after itself instead of waiting for the lifecycle rule.
	AllowAbortMultipartUpload bool `key:"allowAbortMultipartUpload"`
	// KMSKeyArn switches default encryption from SSE-S3 to SSE-KMS with this key, and grants the task
	// role kms:GenerateDataKey and kms:Decrypt on exactly this key. Must be a key ARN (not an alias).
	KMSKeyArn string `key:"kmsKeyArn"`
	// CORSOrigins enables CORS for Active Storage direct uploads (PUT) from these origins.
	CORSOrigins []string `key:"corsOrigins"`

	// PolicyName names the task role's S3 policy. Default "<environment>_allow_s3".
	PolicyName string `key:"policyName"`
	// TaskRoleName names the task role. Default "<environment>EcsTaskRole".
	TaskRoleName string `key:"taskRoleName"`
	// ExecutionRoleName names the created execution role. Default "<environment>EcsTaskExecutionRole".
	ExecutionRoleName string `key:"executionRoleName"`
	// ExecutionRoleArn uses an existing execution role instead of creating one.
	ExecutionRoleArn string `key:"executionRoleArn"`

	// Family is the task definition family. Default "<environment>-server".
	Family string `key:"family"`
	// ContainerName names the Rails container. Default "web".
	ContainerName string `key:"containerName"`
	// Image is the container image. Required.
	Image string `key:"image"`
	// ContainerPort is the port Rails listens on. Default 3000.
	ContainerPort int `key:"containerPort"`
	// CPU is the task's CPU units. Default 256.
	CPU int `key:"cpu"`
	// Memory is the task's memory in MiB. Default 512.
	Memory int `key:"memory"`
	// CPUArchitecture is X86_64 (default) or ARM64.
	CPUArchitecture string `key:"cpuArchitecture"`
	// LogRetentionDays is the log group's retention. Default 30; a value CloudWatch Logs accepts.
	LogRetentionDays int `key:"logRetentionDays"`
	// ContainerEnv is extra plain environment for the container. AWS credential variables and the
	// variables the component sets itself are refused.
	ContainerEnv map[string]string `key:"containerEnv"`
	// Secrets maps container environment names to SSM Parameter Store parameter or Secrets Manager
	// secret ARNs; ECS injects them, and the created execution role may read exactly these ARNs.
	Secrets map[string]string `key:"secrets"`
	// Tags are added to every taggable resource.
	Tags map[string]string `key:"tags"`
}

// Defaults of ActiveStorageArgs (see the field docs).
const (
	DefaultNoncurrentVersionExpirationDays    = 30
	DefaultAbortIncompleteMultipartUploadDays = 7
	DefaultContainerName                      = "web"
	DefaultContainerPort                      = 3000
	DefaultCPU                                = 256
	DefaultMemory                             = 512
	DefaultCPUArchitecture                    = "X86_64"
	DefaultLogRetentionDays                   = 30
)

// Environment variables the component sets itself; user config may not override them.
const (
	EnvBucketName = "AWS_S3_BUCKET_NAME"
	EnvRegion     = "AWS_REGION"
)

// FieldError is one invalid argument. Field is the lowerCamel argument name, which is also the
// program's config key (without the `railsapp:` namespace).
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

// fargateMemory lists, per Fargate task CPU size, the memory sizes (MiB) Fargate accepts on Linux
// (AWS ECS developer guide, "Task CPU and memory").
var fargateMemory = map[int][]int{
	256:   {512, 1024, 2048},
	512:   steps(1024, 4096, 1024),
	1024:  steps(2048, 8192, 1024),
	2048:  steps(4096, 16384, 1024),
	4096:  steps(8192, 30720, 1024),
	8192:  steps(16384, 61440, 4096),
	16384: steps(32768, 122880, 8192),
}

func steps(from, to, step int) []int {
	var out []int
	for v := from; v <= to; v += step {
		out = append(out, v)
	}
	return out
}

// logRetentionValues are the retention periods CloudWatch Logs' PutRetentionPolicy accepts.
var logRetentionValues = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096,
	1827, 2192, 2557, 2922, 3288, 3653}

// cpuArchitectures are the runtimePlatform.cpuArchitecture values Fargate accepts.
var cpuArchitectures = []string{"X86_64", "ARM64"}

var (
	environmentRe   = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]{0,31}$`)
	bucketCharsRe   = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]*[a-z0-9]$`)
	ipv4Re          = regexp.MustCompile(`^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$`)
	iamRoleNameRe   = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	iamPolicyNameRe = regexp.MustCompile(`^[\w+=,.@-]{1,128}$`)
	familyRe        = regexp.MustCompile(`^[A-Za-z0-9_-]{1,255}$`)
	envNameRe       = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	partitionRe     = `aws(-[a-z]+)*`
	kmsKeyArnRe     = regexp.MustCompile(`^arn:` + partitionRe + `:kms:[a-z0-9-]+:\d{12}:key/(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$`)
	roleArnRe       = regexp.MustCompile(`^arn:` + partitionRe + `:iam::\d{12}:role/([\w+=,.@-]+/)*([\w+=,.@-]{1,64})$`)
	ssmParamArnRe   = regexp.MustCompile(`^arn:` + partitionRe + `:ssm:[a-z0-9-]+:\d{12}:parameter/[A-Za-z0-9_./-]+$`)
	secretArnRe     = regexp.MustCompile(`^arn:` + partitionRe + `:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$`)
	originHostRe    = regexp.MustCompile(`^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$`)
)

// bucket name prefixes and suffixes S3 reserves (S3 user guide, "General purpose bucket naming rules").
var (
	reservedBucketPrefixes = []string{"xn--", "sthree-", "amzn-s3-demo-"}
	reservedBucketSuffixes = []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"}
)

// withDefaults returns a copy of a with every unset optional field given its default. Maps and
// slices are copied, so later changes by the caller do not reach the component.
func (a ActiveStorageArgs) withDefaults() ActiveStorageArgs {
	out := a
	env := a.Environment
	if out.NoncurrentVersionExpirationDays == 0 {
		out.NoncurrentVersionExpirationDays = DefaultNoncurrentVersionExpirationDays
	}
	if out.AbortIncompleteMultipartUploadDays == 0 {
		out.AbortIncompleteMultipartUploadDays = DefaultAbortIncompleteMultipartUploadDays
	}
	if out.PolicyName == "" {
		out.PolicyName = env + "_allow_s3"
	}
	if out.TaskRoleName == "" {
		out.TaskRoleName = env + "EcsTaskRole"
	}
	if out.ExecutionRoleName == "" && out.ExecutionRoleArn == "" {
		out.ExecutionRoleName = env + "EcsTaskExecutionRole"
	}
	if out.Family == "" {
		out.Family = env + "-server"
	}
	if out.ContainerName == "" {
		out.ContainerName = DefaultContainerName
	}
	if out.ContainerPort == 0 {
		out.ContainerPort = DefaultContainerPort
	}
	if out.CPU == 0 {
		out.CPU = DefaultCPU
	}
	if out.Memory == 0 {
		out.Memory = DefaultMemory
	}
	if out.CPUArchitecture == "" {
		out.CPUArchitecture = DefaultCPUArchitecture
	}
	if out.LogRetentionDays == 0 {
		out.LogRetentionDays = DefaultLogRetentionDays
	}
	out.CORSOrigins = slices.Clone(a.CORSOrigins)
	out.ContainerEnv = cloneMap(a.ContainerEnv)
	out.Secrets = cloneMap(a.Secrets)
	out.Tags = cloneMap(a.Tags)
	return out
}

func cloneMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Validate reports every problem with the arguments (after defaults are applied) as an *ArgsError,
// or nil. NewActiveStorage calls it before registering anything.
func (a ActiveStorageArgs) Validate() error {
	d := a.withDefaults()
	var probs []FieldError
	add := func(field, format string, args ...any) {
		probs = append(probs, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}

	if !environmentRe.MatchString(d.Environment) {
		add("environment", "%q is not a valid environment name; use 1-32 letters, digits or '-', starting with a letter (it prefixes IAM names, e.g. \"dev\", \"prod\")", d.Environment)
	}
	if d.BucketName != "" {
		if msg := bucketNameProblem(d.BucketName); msg != "" {
			add("bucketName", "%q is not a valid S3 bucket name: %s", d.BucketName, msg)
		}
	}
	if d.NoncurrentVersionExpirationDays < 1 || d.NoncurrentVersionExpirationDays > 3650 {
		add("noncurrentVersionExpirationDays", "%d is out of range; allowed: 1 to 3650 days", d.NoncurrentVersionExpirationDays)
	}
	if d.AbortIncompleteMultipartUploadDays < 1 || d.AbortIncompleteMultipartUploadDays > 365 {
		add("abortIncompleteMultipartUploadDays", "%d is out of range; allowed: 1 to 365 days", d.AbortIncompleteMultipartUploadDays)
	}
	if d.KMSKeyArn != "" && !kmsKeyArnRe.MatchString(d.KMSKeyArn) {
		add("kmsKeyArn", "%q is not a KMS key ARN; allowed: arn:<partition>:kms:<region>:<account>:key/<key-id> (an alias ARN cannot be granted in IAM)", d.KMSKeyArn)
	}
	seenOrigin := map[string]bool{}
	for _, o := range d.CORSOrigins {
		if msg := originProblem(o); msg != "" {
			add("corsOrigins", "%q is not an allowed origin: %s; allowed: scheme://host[:port], e.g. https://www.example.com", o, msg)
		} else if seenOrigin[o] {
			add("corsOrigins", "%q is listed twice", o)
		}
		seenOrigin[o] = true
	}

	if !iamPolicyNameRe.MatchString(d.PolicyName) {
		add("policyName", "%q is not a valid IAM policy name; allowed: 1-128 of letters, digits and +=,.@_-", d.PolicyName)
	}
	if !iamRoleNameRe.MatchString(d.TaskRoleName) {
		add("taskRoleName", "%q is not a valid IAM role name; allowed: 1-64 of letters, digits and +=,.@_-", d.TaskRoleName)
	}
	if d.ExecutionRoleArn != "" {
		m := roleArnRe.FindStringSubmatch(d.ExecutionRoleArn)
		switch {
		case m == nil:
			add("executionRoleArn", "%q is not an IAM role ARN; allowed: arn:<partition>:iam::<account>:role/<name>", d.ExecutionRoleArn)
		case strings.EqualFold(m[len(m)-1], d.TaskRoleName):
			add("executionRoleArn", "%q is the task role; the execution role must be a different role", d.ExecutionRoleArn)
		}
		if a.ExecutionRoleName != "" {
			add("executionRoleName", "set together with executionRoleArn; give one: a role to create, or an existing role's ARN")
		}
	} else {
		if !iamRoleNameRe.MatchString(d.ExecutionRoleName) {
			add("executionRoleName", "%q is not a valid IAM role name; allowed: 1-64 of letters, digits and +=,.@_-", d.ExecutionRoleName)
		} else if strings.EqualFold(d.ExecutionRoleName, d.TaskRoleName) {
			add("executionRoleName", "%q is also the task role's name; the two roles must differ", d.ExecutionRoleName)
		}
	}

	if !familyRe.MatchString(d.Family) {
		add("family", "%q is not a valid task definition family; allowed: 1-255 of letters, digits, '_' and '-'", d.Family)
	}
	if !familyRe.MatchString(d.ContainerName) {
		add("containerName", "%q is not a valid container name; allowed: 1-255 of letters, digits, '_' and '-'", d.ContainerName)
	}
	switch img := d.Image; {
	case strings.TrimSpace(img) == "":
		add("image", "is empty; set the container image, e.g. <account>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag>")
	case strings.ContainsAny(img, " \t\r\n"):
		add("image", "%q contains whitespace", img)
	case len(img) > 255:
		add("image", "is %d characters long; allowed: at most 255", len(img))
	}
	if d.ContainerPort < 1 || d.ContainerPort > 65535 {
		add("containerPort", "%d is out of range; allowed: 1 to 65535", d.ContainerPort)
	}
	if mems, ok := fargateMemory[d.CPU]; !ok {
		add("cpu", "%d is not a Fargate task CPU size; allowed: %s", d.CPU, joinInts(sortedKeys(fargateMemory)))
	} else if !slices.Contains(mems, d.Memory) {
		add("memory", "%d MiB is not valid with cpu %d on Fargate; allowed with cpu %d: %s", d.Memory, d.CPU, d.CPU, describeMemory(d.CPU))
	}
	if !slices.Contains(cpuArchitectures, d.CPUArchitecture) {
		add("cpuArchitecture", "%q is not a Fargate CPU architecture; allowed: %s", d.CPUArchitecture, strings.Join(cpuArchitectures, ", "))
	}
	if !slices.Contains(logRetentionValues, d.LogRetentionDays) {
		add("logRetentionDays", "%d is not a retention CloudWatch Logs accepts; allowed: %s", d.LogRetentionDays, joinInts(logRetentionValues))
	}

	for _, name := range sortedStringKeys(d.ContainerEnv) {
		if msg := envNameProblem(name); msg != "" {
			add("containerEnv", "%s", msg)
		} else if found := awscreds.Scan(d.ContainerEnv[name]); len(found) > 0 {
			// Never echo the value: it may be a live key.
			add("containerEnv", "the value of %s looks like an AWS %s; refused, the task role needs no key", name, found[0].Kind)
		}
	}
	for _, name := range sortedStringKeys(d.Secrets) {
		if msg := envNameProblem(name); msg != "" {
			add("secrets", "%s", msg)
			continue
		}
		if _, dup := d.ContainerEnv[name]; dup {
			add("secrets", "%s is also set in containerEnv; give each variable once", name)
		}
		if arn := d.Secrets[name]; !ssmParamArnRe.MatchString(arn) && !secretArnRe.MatchString(arn) {
			add("secrets", "%s: %q is not an SSM parameter or Secrets Manager secret ARN; allowed: arn:<partition>:ssm:<region>:<account>:parameter/<name> or arn:<partition>:secretsmanager:<region>:<account>:secret:<name>", name, arn)
		}
	}

	if len(d.Tags) > 50 {
		add("tags", "%d tags; allowed: at most 50", len(d.Tags))
	}
	for _, k := range sortedStringKeys(d.Tags) {
		switch {
		case k == "" || len(k) > 128:
			add("tags", "tag key %q must be 1 to 128 characters", k)
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			add("tags", "tag key %q uses the reserved prefix aws:", k)
		case len(d.Tags[k]) > 256:
			add("tags", "the value of tag %q is longer than 256 characters", k)
		}
	}

	if len(probs) > 0 {
		return &ArgsError{Problems: probs}
	}
	return nil
}

// bucketNameProblem returns why name breaks S3's general purpose bucket naming rules, or "".
func bucketNameProblem(name string) string {
	switch {
	case len(name) < 3 || len(name) > 63:
		return "it must be 3 to 63 characters long"
	case !bucketCharsRe.MatchString(name):
		return "use only lowercase letters, digits, '.' and '-', and begin and end with a letter or digit"
	case strings.Contains(name, ".."):
		return "it must not contain two adjacent periods"
	case strings.Contains(name, ".-") || strings.Contains(name, "-."):
		return "a period must not be next to a hyphen"
	case ipv4Re.MatchString(name):
		return "it must not be formatted as an IP address"
	}
	for _, p := range reservedBucketPrefixes {
		if strings.HasPrefix(name, p) {
			return fmt.Sprintf("the prefix %q is reserved", p)
		}
	}
	for _, s := range reservedBucketSuffixes {
		if strings.HasSuffix(name, s) {
			return fmt.Sprintf("the suffix %q is reserved", s)
		}
	}
	return ""
}

// originProblem returns why o is not an acceptable CORS origin for direct uploads, or "".
func originProblem(o string) string {
	if o == "*" {
		return "any origin would let every web site upload through a presigned URL leaked to it"
	}
	u, err := url.Parse(o)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "not a URL origin"
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return "the scheme must be https or http"
	}
	if u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "an origin has no path, query, fragment or user info"
	}
	if !originHostRe.MatchString(u.Hostname()) {
		return "the host is not a DNS name (a wildcard may only be the leftmost label, as in https://*.example.com)"
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return "the port is out of range"
		}
	}
	return ""
}

// envNameProblem returns why name may not be set in the container's environment, or "".
func envNameProblem(name string) string {
	switch {
	case !envNameRe.MatchString(name):
		return fmt.Sprintf("%q is not a valid environment variable name; allowed: letters, digits and '_', not starting with a digit", name)
	case awscreds.IsCredentialEnvName(name):
		return fmt.Sprintf("%s is an AWS credential variable; refused, because a static key overrides the ECS task role (the app gets S3 access from the task role, no key needed); not allowed: %s",
			name, strings.Join(awscreds.CredentialEnvNames(), ", "))
	case awscreds.IsChainDivertingEnvName(name):
		// The policy pack only warns about these; the program refuses them outright, since
		// it has no reason to set any of them.
		return fmt.Sprintf("%s diverts the AWS SDK's credential chain away from the ECS task role; not allowed: %s",
			name, strings.Join(awscreds.ChainDivertingEnvNames(), ", "))
	case strings.EqualFold(name, EnvBucketName) || strings.EqualFold(name, EnvRegion):
		return fmt.Sprintf("%s is set by the component itself; not allowed: %s, %s", name, EnvBucketName, EnvRegion)
	}
	return ""
}

func describeMemory(cpu int) string {
	mems := fargateMemory[cpu]
	if len(mems) <= 3 {
		return joinInts(mems)
	}
	return fmt.Sprintf("%d to %d in steps of %d", mems[0], mems[len(mems)-1], mems[1]-mems[0])
}

func joinInts(vs []int) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = strconv.Itoa(v)
	}
	return strings.Join(parts, ", ")
}

func sortedKeys(m map[int][]int) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Ints(out)
	return out
}

func sortedStringKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
