package components

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/keyless-ecs/railsapp/internal/awscreds"
	"github.com/keyless-ecs/railsapp/internal/awsfacts"
)

// checker collects the problems of one validation run.
type checker struct {
	args *ActiveStorageArgs // with defaults
	// region and partition are the stack's ("" when unknown: region-scoped checks are skipped).
	region, partition string

	// secretRefs and secretErrs are args.Secrets parsed once, for every check that reads them and
	// for the execution role's policy: the reference of each valid value, or why it is invalid,
	// by variable name.
	secretRefs map[string]awsfacts.SecretRef
	secretErrs map[string]error

	key      string // the setting being checked
	problems []FieldError
}

// parseSecrets fills secretRefs and secretErrs from args.Secrets.
func (c *checker) parseSecrets() {
	c.secretRefs, c.secretErrs = map[string]awsfacts.SecretRef{}, map[string]error{}
	for name, v := range c.args.Secrets {
		if ref, err := awsfacts.ParseSecretValueFrom(v); err != nil {
			c.secretErrs[name] = err
		} else {
			c.secretRefs[name] = ref
		}
	}
}

func (c *checker) fail(format string, args ...any) {
	c.problems = append(c.problems, FieldError{Field: c.key, Message: fmt.Sprintf(format, args...)})
}

// inRange returns a check of an integer range.
func inRange(lo, hi int, unit string) func(int, *checker) {
	return func(v int, c *checker) {
		if v < lo || v > hi {
			c.fail("%d is out of range; allowed: %d to %d%s", v, lo, hi, unit)
		}
	}
}

// inPartition reports an ARN (given as written, with its parsed partition) of another partition
// than the stack's (when the stack's is known).
func (c *checker) inPartition(what, arn, partition string) {
	if c.partition != "" && partition != c.partition {
		c.fail("%s %q is in partition %s, but the stack's region %s is in %s", what, arn, partition, c.region, c.partition)
	}
}

// environmentRe: the environment prefixes IAM names (at most 64 characters for a role, so the
// prefix stays short) and the task family.
var environmentRe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]{0,31}$`)

func checkEnvironment(v string, c *checker) {
	if !environmentRe.MatchString(v) {
		c.fail("%q is not a valid environment name; use 1-32 letters, digits or '-', starting with a letter (it prefixes IAM names, e.g. \"dev\", \"prod\")", v)
	}
}

func checkBucketName(v string, c *checker) {
	if v == "" {
		return
	}
	if msg := awsfacts.BucketNameProblem(v); msg != "" {
		c.fail("%q is not a valid S3 bucket name: %s", v, msg)
	}
}

func checkKMSKeyArn(v string, c *checker) {
	if v == "" {
		return
	}
	key, err := awsfacts.ParseKMSKeyARN(v)
	if err != nil {
		c.fail("%v; allowed: arn:<partition>:kms:<region>:<account>:key/<key-id> (an alias ARN cannot be granted in IAM)", err)
		return
	}
	c.inPartition("the key", key.String(), key.Partition)
	if c.region != "" && key.Region != c.region {
		// S3 does not check the key at PutBucketEncryption; every upload would fail instead.
		c.fail("%q is a key in %s, but the bucket is in %s; S3 encrypts only with a key of the bucket's region (use a key, or a multi-Region key's replica, in %s)", v, key.Region, c.region, c.region)
	}
}

func checkCORSOrigins(v []string, c *checker) {
	seen := map[string]bool{}
	for _, o := range v {
		if msg := originProblem(o); msg != "" {
			c.fail("%q is not an allowed origin: %s; allowed: scheme://host[:port], e.g. https://www.example.com", o, msg)
		} else if seen[o] {
			c.fail("%q is listed twice", o)
		}
		seen[o] = true
	}
}

var originHostRe = regexp.MustCompile(`^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$`)

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

func checkPolicyName(v string, c *checker) {
	if !awsfacts.IsPolicyName(v) {
		c.fail("%q is not a valid IAM policy name; allowed: 1-128 of letters, digits and +=,.@_-", v)
	}
}

func checkRoleName(v string, c *checker) {
	if !awsfacts.IsRoleName(v) {
		c.fail("%q is not a valid IAM role name; allowed: 1-64 of letters, digits and +=,.@_-", v)
	}
}

func checkExecutionRoleName(v string, c *checker) {
	switch {
	case c.args.ExecutionRoleArn != "":
		if v != "" {
			c.fail("set together with executionRoleArn; give one: a role to create, or an existing role's ARN")
		}
	case !awsfacts.IsRoleName(v):
		checkRoleName(v, c)
	case strings.EqualFold(v, c.args.TaskRoleName):
		c.fail("%q is also the task role's name; the two roles must differ", v)
	}
}

func checkExecutionRoleArn(v string, c *checker) {
	if v == "" {
		return
	}
	if strings.TrimSpace(v) != v {
		// AWS takes the ARN as written, spaces included, and would refuse it at deploy time.
		c.fail("%q has spaces around it; give the role ARN alone", v)
		return
	}
	role, ok := awsfacts.ParseRoleARN(v)
	if !ok {
		c.fail("%q is not an IAM role ARN; allowed: arn:<partition>:iam::<account>:role/<name>", v)
		return
	}
	if strings.EqualFold(role.Name, c.args.TaskRoleName) {
		c.fail("%q is the task role; the execution role must be a different role", v)
	}
	c.inPartition("the role", v, role.Partition)
}

func checkFamily(v string, c *checker) {
	if !awsfacts.IsTaskFamily(v) {
		c.fail("%q is not a valid task definition family; allowed: 1-255 of letters, digits, '_' and '-'", v)
	}
}

func checkContainerName(v string, c *checker) {
	if !awsfacts.IsContainerName(v) {
		c.fail("%q is not a valid container name; allowed: 1-255 of letters, digits, '_' and '-'", v)
	}
}

func checkImage(v string, c *checker) {
	switch {
	case strings.TrimSpace(v) == "":
		c.fail("is empty; set the container image, e.g. <account>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag>")
	case strings.ContainsAny(v, " \t\r\n"):
		c.fail("%q contains whitespace", v)
	case len(v) > awsfacts.MaxImageLength:
		c.fail("is %d characters long; allowed: at most %d", len(v), awsfacts.MaxImageLength)
	}
}

func checkCPU(v int, c *checker) {
	if !slices.Contains(awsfacts.FargateCPUs(), v) {
		c.fail("%d is not a Fargate task CPU size; allowed: %s", v, joinInts(awsfacts.FargateCPUs()))
	}
}

func checkMemory(v int, c *checker) {
	cpu := c.args.CPU
	if slices.Contains(awsfacts.FargateCPUs(), cpu) && !awsfacts.IsFargateSize(cpu, v) {
		c.fail("%d MiB is not valid with cpu %d on Fargate; allowed with cpu %d: %s", v, cpu, cpu, describeMemory(cpu))
	}
}

func checkCPUArchitecture(v string, c *checker) {
	if !slices.Contains(awsfacts.CPUArchitectures, v) {
		c.fail("%q is not a Fargate CPU architecture; allowed: %s", v, strings.Join(awsfacts.CPUArchitectures, ", "))
	}
}

func checkLogRetention(v int, c *checker) {
	if !awsfacts.IsLogRetention(v) {
		c.fail("%d is not a retention CloudWatch Logs accepts; allowed: %s", v, joinInts(awsfacts.LogRetentionDays()))
	}
}

func checkContainerEnv(v map[string]string, c *checker) {
	for _, name := range sortedKeys(v) {
		if msg := envNameProblem(name); msg != "" {
			c.fail("%s", msg)
		} else if found := awscreds.ScanNamed(name, v[name]); len(found) > 0 {
			// The name counts too: a lone secret under S3_SECRET_ACCESS_KEY is a key, as the pack says.
			// Never echo the value: it may be a live key.
			c.fail("the value of %s looks like an AWS %s; refused, the task role needs no key", name, found[0].Kind)
		}
	}
}

// secretsARNForms is the allowed-values hint of a secret reference.
const secretsARNForms = "arn:<partition>:ssm:<region>:<account>:parameter/<name> or " +
	"arn:<partition>:secretsmanager:<region>:<account>:secret:<name>-<6 characters>[:<json-key>:<version-stage>:<version-id>]"

func checkSecrets(v map[string]string, c *checker) {
	for _, name := range sortedKeys(v) {
		if msg := envNameProblem(name); msg != "" {
			c.fail("%s", msg)
			continue
		}
		if _, dup := c.args.ContainerEnv[name]; dup {
			c.fail("%s is also set in containerEnv; give each variable once", name)
		}
		if err := c.secretErrs[name]; err != nil {
			c.fail("%s: %v; allowed: %s", name, err, secretsARNForms)
			continue
		}
		ref := c.secretRefs[name]
		c.inPartition(name+": the secret", ref.ARN.String(), ref.ARN.Partition)
	}
}

func checkSecretsKMSKeyArns(v []string, c *checker) {
	if len(v) == 0 {
		return
	}
	if len(c.args.Secrets) == 0 {
		c.fail("set without secrets; the keys are only granted for reading secrets")
	}
	if c.args.ExecutionRoleArn != "" {
		c.fail("set with executionRoleArn; the component then creates no execution role, so grant kms:Decrypt in that role yourself")
	}
	secretRegions := map[string]bool{}
	for _, ref := range c.secretRefs {
		secretRegions[ref.ARN.Region] = true
	}
	seen := map[string]bool{}
	for _, s := range v {
		key, err := awsfacts.ParseKMSKeyARN(s)
		switch {
		case err != nil:
			c.fail("%v; allowed: arn:<partition>:kms:<region>:<account>:key/<key-id>", err)
			continue
		case seen[s]:
			c.fail("%q is listed twice", s)
		case len(secretRegions) > 0 && !secretRegions[key.Region]:
			c.fail("%q is in %s, where no configured secret is; a secret is encrypted with a key of its own region", s, key.Region)
		}
		seen[s] = true
		c.inPartition("the key", key.String(), key.Partition)
	}
}

func checkTags(v map[string]string, c *checker) {
	if len(v) > awsfacts.MaxTags {
		c.fail("%d tags; allowed: at most %d", len(v), awsfacts.MaxTags)
	}
	for _, k := range sortedKeys(v) {
		if msg := awsfacts.TagProblem(k, v[k]); msg != "" {
			c.fail("%s", msg)
		}
	}
}

// envNameRe is a portable environment variable name.
var envNameRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

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

// describeMemory lists the memory sizes Fargate accepts with cpu, as a range when they are steps.
func describeMemory(cpu int) string {
	mems := awsfacts.FargateMemory(cpu)
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
