package fakeaws

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"
)

// IAM quotas (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html), in
// characters with whitespace not counted, and the S3 bucket policy limit (20 KB).
const (
	maxManagedPolicySize   = 6144
	maxRoleInlinePolicies  = 10240
	maxTrustPolicySize     = 2048
	maxBucketPolicySize    = 20 * 1024
	maxManagedPerRole      = 10
	maxRoleNameLength      = 64
	maxPolicyNameLength    = 128
	maxBucketNameLength    = 63
	minBucketNameLength    = 3
	maxLogGroupNameLength  = 512
	maxTaskFamilyLength    = 255
	maxSSMParameterNameLen = 2048
)

// docKind says which grammar an IAM document follows: identity policies must not name a
// principal, resource-based and trust policies must.
type docKind int

const (
	identityPolicy docKind = iota
	trustPolicy
	resourcePolicy
)

// policySize is the size IAM counts: the document without insignificant whitespace.
func policySize(doc string) int {
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(doc)); err != nil {
		return len(doc)
	}
	return b.Len()
}

// checkPolicyJSON is the plan-time check the Terraform provider makes (verify.ValidIAMPolicyJSON):
// the value must be a JSON object.
func checkPolicyJSON(doc string) string {
	trimmed := strings.TrimSpace(doc)
	if trimmed == "" {
		return "policy contains an invalid JSON policy: empty document"
	}
	if !strings.HasPrefix(trimmed, "{") {
		return fmt.Sprintf("policy contains an invalid JSON policy: not a JSON object, leading character %q", trimmed[:1])
	}
	var v any
	if err := json.Unmarshal([]byte(trimmed), &v); err != nil {
		return fmt.Sprintf("policy contains an invalid JSON: %v", err)
	}
	return ""
}

// validatePolicyDocument mimics IAM's MalformedPolicyDocument checks for what our program and the
// test programs can produce. It returns "" for a document IAM would accept.
func validatePolicyDocument(doc string, kind docKind) string {
	var m map[string]any
	if err := json.Unmarshal([]byte(doc), &m); err != nil {
		return "Syntax errors in policy."
	}
	for k := range m {
		switch k {
		case "Version", "Id", "Statement":
		default:
			return fmt.Sprintf("Policy document should not contain the field %q.", k)
		}
	}
	if v, ok := m["Version"]; ok {
		if s, _ := v.(string); s != "2012-10-17" && s != "2008-10-17" {
			return "The policy failed legacy parsing"
		}
	}
	raw, ok := m["Statement"]
	if !ok {
		return "Syntax errors in policy."
	}
	var stmts []any
	switch s := raw.(type) {
	case []any:
		stmts = s
	case map[string]any:
		stmts = []any{s}
	default:
		return "Syntax errors in policy."
	}
	if len(stmts) == 0 {
		return "Syntax errors in policy."
	}
	for _, raw := range stmts {
		st, ok := raw.(map[string]any)
		if !ok {
			return "Syntax errors in policy."
		}
		if msg := validateStatement(st, kind); msg != "" {
			return msg
		}
	}
	return ""
}

func validateStatement(st map[string]any, kind docKind) string {
	for k := range st {
		switch k {
		case "Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal",
			"NotPrincipal", "Condition":
		default:
			return fmt.Sprintf("Statement contains an unknown field %q.", k)
		}
	}
	if e, _ := st["Effect"].(string); e != "Allow" && e != "Deny" {
		return "Syntax errors in policy."
	}
	_, hasAction := st["Action"]
	_, hasNotAction := st["NotAction"]
	if hasAction == hasNotAction {
		return "Policy statement must contain actions."
	}
	actions := st["Action"]
	if hasNotAction {
		actions = st["NotAction"]
	}
	list, ok := stringList(actions)
	if !ok || len(list) == 0 {
		return "Syntax errors in policy."
	}
	for _, a := range list {
		if a != "*" && !strings.Contains(a, ":") {
			return "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
		}
	}
	_, hasPrincipal := st["Principal"]
	_, hasNotPrincipal := st["NotPrincipal"]
	_, hasResource := st["Resource"]
	_, hasNotResource := st["NotResource"]
	switch kind {
	case identityPolicy:
		if hasPrincipal || hasNotPrincipal {
			return "Policy document should not specify a principal."
		}
		if !hasResource && !hasNotResource {
			return "Policy statement must contain resources."
		}
	case trustPolicy, resourcePolicy:
		if !hasPrincipal && !hasNotPrincipal {
			return "Missing required field Principal"
		}
	}
	res := st["Resource"]
	if hasNotResource {
		res = st["NotResource"]
	}
	if hasResource || hasNotResource {
		list, ok := stringList(res)
		if !ok || len(list) == 0 {
			return "Syntax errors in policy."
		}
		for _, r := range list {
			if r != "*" && !strings.HasPrefix(r, "arn:") {
				return fmt.Sprintf("Resource %s must be in ARN format or \"*\".", r)
			}
		}
	}
	return ""
}

// stringList accepts IAM's "one value or a list" form.
func stringList(v any) ([]string, bool) {
	switch t := v.(type) {
	case string:
		return []string{t}, true
	case []any:
		out := make([]string, 0, len(t))
		for _, e := range t {
			s, ok := e.(string)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	}
	return nil, false
}

var (
	bucketNameChars = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]*[a-z0-9]$`)
	iamNameChars    = regexp.MustCompile(`^[\w+=,.@-]+$`)
	logGroupChars   = regexp.MustCompile(`^[\.\-_/#A-Za-z0-9]+$`)
	taskFamilyChars = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
)

// validateBucketName applies S3's general purpose bucket naming rules
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html). It returns ""
// for a valid name and a reason otherwise.
func validateBucketName(name string) string {
	switch {
	case len(name) < minBucketNameLength || len(name) > maxBucketNameLength:
		return "bucket names must be between 3 and 63 characters long"
	case !bucketNameChars.MatchString(name):
		return "bucket names can consist only of lowercase letters, numbers, periods and hyphens, and must begin and end with a letter or number"
	case strings.Contains(name, ".."):
		return "bucket names must not contain two adjacent periods"
	case net.ParseIP(name) != nil:
		return "bucket names must not be formatted as an IP address"
	}
	for _, p := range []string{"xn--", "sthree-", "amzn-s3-demo-"} {
		if strings.HasPrefix(name, p) {
			return fmt.Sprintf("bucket names must not start with the prefix %q", p)
		}
	}
	for _, s := range []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"} {
		if strings.HasSuffix(name, s) {
			return fmt.Sprintf("bucket names must not end with the suffix %q", s)
		}
	}
	return ""
}

// fargateMemory lists, per task cpu (in CPU units), the memory values (MiB) Fargate accepts
// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size).
func fargateMemoryAllowed(cpu, mem int) bool {
	in := func(lo, hi, step int) bool { return mem >= lo && mem <= hi && (mem-lo)%step == 0 }
	switch cpu {
	case 256:
		return mem == 512 || mem == 1024 || mem == 2048
	case 512:
		return in(1024, 4096, 1024)
	case 1024:
		return in(2048, 8192, 1024)
	case 2048:
		return in(4096, 16384, 1024)
	case 4096:
		return in(8192, 30720, 1024)
	case 8192:
		return in(16384, 61440, 4096)
	case 16384:
		return in(32768, 122880, 8192)
	}
	return false
}

// parseTaskSize reads ECS's task size forms: "256" (units or MiB), "1 vCPU", "0.5 vcpu", "2 GB".
func parseTaskSize(s string, unit string, perUnit float64) (int, bool) {
	s = strings.TrimSpace(s)
	if n, err := strconv.Atoi(s); err == nil {
		return n, true
	}
	fields := strings.Fields(s)
	if len(fields) != 2 || !strings.EqualFold(fields[1], unit) {
		return 0, false
	}
	f, err := strconv.ParseFloat(fields[0], 64)
	if err != nil {
		return 0, false
	}
	return int(f * perUnit), true
}

func validateFargateSize(cpu, mem string) string {
	c, okc := parseTaskSize(cpu, "vCPU", 1024)
	m, okm := parseTaskSize(mem, "GB", 1024)
	if !okc || !okm || !fargateMemoryAllowed(c, m) {
		return fmt.Sprintf("No Fargate configuration exists for given values: %s CPU, %s memory. "+
			"See the Amazon ECS documentation for the valid values.", cpu, mem)
	}
	return ""
}

// logRetentionDays are the values CloudWatch Logs accepts for retentionInDays (0 = never expire).
var logRetentionDays = map[int]bool{
	0: true, 1: true, 3: true, 5: true, 7: true, 14: true, 30: true, 60: true, 90: true, 120: true,
	150: true, 180: true, 365: true, 400: true, 545: true, 731: true, 1096: true, 1827: true,
	2192: true, 2557: true, 2922: true, 3288: true, 3653: true,
}
