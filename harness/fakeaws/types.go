package fakeaws

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
)

// kind is the per-type behaviour of the stand-in. Types not in the table get genericKind:
// outputs = inputs, a random ID, every change an in-place update.
type kind struct {
	// label and service name the resource in errors, as the real provider does
	// ("creating IAM Role (name): operation error IAM: CreateRole, …").
	label, service, createOp string

	// nameProp is the property the provider auto-names when absent (prefixProp, when set,
	// asks for a generated name with that prefix instead); maxName bounds the name.
	nameProp, prefixProp string
	maxName              int
	lowerName            bool

	required []string
	defaults map[string]resource.PropertyValue
	// forceNew lists the properties whose change replaces the resource; allForceNew replaces on
	// any change (every task definition change is a new revision).
	forceNew    []string
	allForceNew bool
	// docs are the top-level properties holding IAM documents, normalised and checked in Check.
	docs map[string]docKind

	// check adds plan-time failures (Terraform schema validation) for known inputs.
	check func(props resource.PropertyMap) []plugin.CheckFailure
	// validate returns the error message the AWS API would return for these (known) inputs, as
	// "Code: message", or "".
	validate func(p *Provider, urnName string, props resource.PropertyMap) string
	// id computes the resource ID; outputs the computed outputs (arn, …) after creation.
	id      func(p *Provider, props resource.PropertyMap) string
	outputs func(p *Provider, id string, props resource.PropertyMap) resource.PropertyMap
	// computedKeys are the outputs that are unknown during preview.
	computedKeys []string
}

func str(s string) resource.PropertyValue { return resource.NewStringProperty(s) }

func bucketID(_ *Provider, props resource.PropertyMap) string {
	s, _ := stringProp(props, "bucket")
	return s
}

// bucketSubresource is the behaviour shared by the S3 bucket configuration resources, whose ID
// is the bucket name and which are replaced when the bucket changes.
func bucketSubresource(label, op string, extraRequired ...string) kind {
	return kind{
		label: label, service: "S3", createOp: op,
		required: append([]string{"bucket"}, extraRequired...),
		forceNew: []string{"bucket", "expectedBucketOwner"},
		id:       bucketID,
		outputs:  func(*Provider, string, resource.PropertyMap) resource.PropertyMap { return nil },
	}
}

var kinds = map[string]kind{
	"aws:s3/bucketV2:BucketV2": {
		label: "S3 Bucket", service: "S3", createOp: "CreateBucket",
		nameProp: "bucket", prefixProp: "bucketPrefix", maxName: maxBucketNameLength, lowerName: true,
		defaults: map[string]resource.PropertyValue{"forceDestroy": resource.NewBoolProperty(false)},
		forceNew: []string{"bucket", "bucketPrefix", "objectLockEnabled"},
		validate: func(_ *Provider, _ string, props resource.PropertyMap) string {
			name, _ := stringProp(props, "bucket")
			if reason := validateBucketName(name); reason != "" {
				return "InvalidBucketName: The specified bucket is not valid (" + reason + ")."
			}
			return ""
		},
		id: bucketID,
		outputs: func(p *Provider, id string, _ resource.PropertyMap) resource.PropertyMap {
			return resource.PropertyMap{
				"arn":                      str(p.arn("s3", "", "", id)),
				"bucketDomainName":         str(id + ".s3.amazonaws.com"),
				"bucketRegionalDomainName": str(fmt.Sprintf("%s.s3.%s.amazonaws.com", id, p.currentRegion())),
				"hostedZoneId":             str("Z3AQBSTGFYJSTF"),
				"region":                   str(p.currentRegion()),
			}
		},
		computedKeys: []string{"arn", "bucketDomainName", "bucketRegionalDomainName", "hostedZoneId", "region"},
	},
	"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": bucketSubresource(
		"S3 Bucket Public Access Block", "PutPublicAccessBlock"),
	"aws:s3/bucketOwnershipControls:BucketOwnershipControls": bucketSubresource(
		"S3 Bucket Ownership Controls", "PutBucketOwnershipControls", "rule"),
	"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": bucketSubresource(
		"S3 Bucket Server-side Encryption Configuration", "PutBucketEncryption", "rules"),
	"aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2": bucketSubresource(
		"S3 Bucket Lifecycle Configuration", "PutBucketLifecycleConfiguration", "rules"),
	"aws:s3/bucketVersioningV2:BucketVersioningV2": bucketSubresource(
		"S3 Bucket Versioning", "PutBucketVersioning", "versioningConfiguration"),
	"aws:s3/bucketCorsConfigurationV2:BucketCorsConfigurationV2": bucketSubresource(
		"S3 Bucket CORS Configuration", "PutBucketCors", "corsRules"),
	"aws:s3/bucketPolicy:BucketPolicy": func() kind {
		k := bucketSubresource("S3 Bucket Policy", "PutBucketPolicy", "policy")
		k.docs = map[string]docKind{"policy": resourcePolicy}
		k.validate = func(_ *Provider, _ string, props resource.PropertyMap) string {
			doc, _ := stringProp(props, "policy")
			if msg := validatePolicyDocument(doc, resourcePolicy); msg != "" {
				return "MalformedPolicy: " + msg
			}
			if n := policySize(doc); n > maxBucketPolicySize {
				return fmt.Sprintf("PolicyTooLarge: Policies must be less than %d bytes (got %d).", maxBucketPolicySize, n)
			}
			return ""
		}
		return k
	}(),

	"aws:iam/role:Role": {
		label: "IAM Role", service: "IAM", createOp: "CreateRole",
		nameProp: "name", prefixProp: "namePrefix", maxName: maxRoleNameLength,
		required: []string{"assumeRolePolicy"},
		defaults: map[string]resource.PropertyValue{
			"path":                str("/"),
			"maxSessionDuration":  resource.NewNumberProperty(3600),
			"forceDetachPolicies": resource.NewBoolProperty(false),
		},
		forceNew: []string{"name", "namePrefix", "path"},
		docs:     map[string]docKind{"assumeRolePolicy": trustPolicy},
		check: func(props resource.PropertyMap) []plugin.CheckFailure {
			return checkIAMName(props, "name", maxRoleNameLength)
		},
		validate: validateRole,
		id:       idFrom("name"),
		outputs: func(p *Provider, id string, props resource.PropertyMap) resource.PropertyMap {
			path, _ := stringProp(props, "path")
			return resource.PropertyMap{
				"arn":        str(p.arn("iam", "", p.account, "role"+iamPath(path)+id)),
				"uniqueId":   str(uniqueID("AROA", id)),
				"createDate": str(p.now()),
			}
		},
		computedKeys: []string{"arn", "uniqueId", "createDate"},
	},
	"aws:iam/policy:Policy": {
		label: "IAM Policy", service: "IAM", createOp: "CreatePolicy",
		nameProp: "name", prefixProp: "namePrefix", maxName: maxPolicyNameLength,
		required: []string{"policy"},
		defaults: map[string]resource.PropertyValue{"path": str("/")},
		forceNew: []string{"name", "namePrefix", "path", "description"},
		docs:     map[string]docKind{"policy": identityPolicy},
		check: func(props resource.PropertyMap) []plugin.CheckFailure {
			return checkIAMName(props, "name", maxPolicyNameLength)
		},
		validate: func(_ *Provider, _ string, props resource.PropertyMap) string {
			doc, _ := stringProp(props, "policy")
			if msg := validatePolicyDocument(doc, identityPolicy); msg != "" {
				return "MalformedPolicyDocument: " + msg
			}
			if policySize(doc) > maxManagedPolicySize {
				return fmt.Sprintf("LimitExceeded: Cannot exceed quota for PolicySize: %d", maxManagedPolicySize)
			}
			return ""
		},
		id: func(p *Provider, props resource.PropertyMap) string {
			name, _ := stringProp(props, "name")
			path, _ := stringProp(props, "path")
			return p.arn("iam", "", p.account, "policy"+iamPath(path)+name)
		},
		outputs: func(_ *Provider, id string, props resource.PropertyMap) resource.PropertyMap {
			name, _ := stringProp(props, "name")
			return resource.PropertyMap{
				"arn":             str(id),
				"policyId":        str(uniqueID("ANPA", name)),
				"attachmentCount": resource.NewNumberProperty(0),
			}
		},
		computedKeys: []string{"arn", "policyId", "attachmentCount"},
	},
	"aws:iam/rolePolicy:RolePolicy": {
		label: "IAM Role Policy", service: "IAM", createOp: "PutRolePolicy",
		nameProp: "name", prefixProp: "namePrefix", maxName: maxPolicyNameLength,
		required: []string{"role", "policy"},
		forceNew: []string{"name", "namePrefix", "role"},
		docs:     map[string]docKind{"policy": identityPolicy},
		check: func(props resource.PropertyMap) []plugin.CheckFailure {
			return checkIAMName(props, "name", maxPolicyNameLength)
		},
		validate: validateRolePolicy,
		id: func(_ *Provider, props resource.PropertyMap) string {
			role, _ := stringProp(props, "role")
			name, _ := stringProp(props, "name")
			return role + ":" + name
		},
		outputs: func(*Provider, string, resource.PropertyMap) resource.PropertyMap { return nil },
	},
	"aws:iam/rolePolicyAttachment:RolePolicyAttachment": {
		label: "IAM Role Policy Attachment", service: "IAM", createOp: "AttachRolePolicy",
		required: []string{"role", "policyArn"},
		forceNew: []string{"role", "policyArn"},
		validate: func(_ *Provider, _ string, props resource.PropertyMap) string {
			arn, _ := stringProp(props, "policyArn")
			if !strings.HasPrefix(arn, "arn:") || !strings.Contains(arn, ":policy/") {
				return fmt.Sprintf("ValidationError: ARN %s is not valid.", arn)
			}
			return ""
		},
		id: func(p *Provider, props resource.PropertyMap) string {
			role, _ := stringProp(props, "role")
			return role + "-" + p.randomDigits(26)
		},
		outputs: func(*Provider, string, resource.PropertyMap) resource.PropertyMap { return nil },
	},
	"aws:iam/policyAttachment:PolicyAttachment": {
		label: "IAM Policy Attachment", service: "IAM", createOp: "AttachRolePolicy",
		required: []string{"name", "policyArn"},
		forceNew: []string{"name", "policyArn"},
		id:       idFrom("name"),
		outputs:  func(*Provider, string, resource.PropertyMap) resource.PropertyMap { return nil },
	},
	"aws:iam/user:User": {
		label: "IAM User", service: "IAM", createOp: "CreateUser",
		nameProp: "name", maxName: maxRoleNameLength,
		defaults: map[string]resource.PropertyValue{"path": str("/"), "forceDestroy": resource.NewBoolProperty(false)},
		forceNew: []string{"name"},
		check: func(props resource.PropertyMap) []plugin.CheckFailure {
			return checkIAMName(props, "name", maxRoleNameLength)
		},
		id: idFrom("name"),
		outputs: func(p *Provider, id string, props resource.PropertyMap) resource.PropertyMap {
			path, _ := stringProp(props, "path")
			return resource.PropertyMap{
				"arn":      str(p.arn("iam", "", p.account, "user"+iamPath(path)+id)),
				"uniqueId": str(uniqueID("AIDA", id)),
			}
		},
		computedKeys: []string{"arn", "uniqueId"},
	},
	"aws:iam/accessKey:AccessKey": {
		label: "IAM Access Key", service: "IAM", createOp: "CreateAccessKey",
		required: []string{"user"},
		forceNew: []string{"user", "pgpKey"},
		id: func(p *Provider, _ resource.PropertyMap) string {
			// Shaped like a long-term access key ID, assembled at run time so that secret scanners
			// do not flag this source file.
			return "AK" + "IA" + p.randomUpper(16)
		},
		outputs: func(p *Provider, _ string, _ resource.PropertyMap) resource.PropertyMap {
			return resource.PropertyMap{
				"secret":     resource.MakeSecret(str(p.randomUpper(40))),
				"status":     str("Active"),
				"createDate": str(p.now()),
			}
		},
		computedKeys: []string{"secret", "createDate"},
	},
	"aws:cloudwatch/logGroup:LogGroup": {
		label: "CloudWatch Logs Log Group", service: "CloudWatch Logs", createOp: "CreateLogGroup",
		nameProp: "name", prefixProp: "namePrefix", maxName: maxLogGroupNameLength,
		defaults: map[string]resource.PropertyValue{"retentionInDays": resource.NewNumberProperty(0), "logGroupClass": str("STANDARD")},
		forceNew: []string{"name", "namePrefix", "logGroupClass"},
		check:    checkLogGroup,
		id:       idFrom("name"),
		outputs: func(p *Provider, id string, _ resource.PropertyMap) resource.PropertyMap {
			return resource.PropertyMap{"arn": str(p.arn("logs", p.currentRegion(), p.account, "log-group:"+id))}
		},
		computedKeys: []string{"arn"},
	},
	"aws:ecs/taskDefinition:TaskDefinition": {
		label: "ECS Task Definition", service: "ECS", createOp: "RegisterTaskDefinition",
		required:    []string{"family", "containerDefinitions"},
		allForceNew: true,
		check:       checkTaskDefinition,
		validate:    validateTaskDefinition,
		id:          idFrom("family"),
		outputs: func(p *Provider, family string, _ resource.PropertyMap) resource.PropertyMap {
			rev := p.nextRevision(family)
			base := p.arn("ecs", p.currentRegion(), p.account, "task-definition/"+family)
			return resource.PropertyMap{
				"arn":                str(base + ":" + strconv.Itoa(rev)),
				"arnWithoutRevision": str(base),
				"revision":           resource.NewNumberProperty(float64(rev)),
			}
		},
		computedKeys: []string{"arn", "arnWithoutRevision", "revision"},
	},
	"aws:ssm/parameter:Parameter": {
		label: "SSM Parameter", service: "SSM", createOp: "PutParameter",
		nameProp: "name", maxName: maxSSMParameterNameLen,
		required: []string{"type"},
		forceNew: []string{"name"},
		id:       idFrom("name"),
		outputs: func(p *Provider, id string, _ resource.PropertyMap) resource.PropertyMap {
			return resource.PropertyMap{
				"arn":     str(p.arn("ssm", p.currentRegion(), p.account, "parameter/"+strings.TrimPrefix(id, "/"))),
				"version": resource.NewNumberProperty(1),
			}
		},
		computedKeys: []string{"arn", "version"},
	},
	"aws:lambda/function:Function": {
		label: "Lambda Function", service: "Lambda", createOp: "CreateFunction",
		nameProp: "name", maxName: 64,
		required: []string{"role"},
		forceNew: []string{"name"},
		id:       idFrom("name"),
		outputs: func(p *Provider, id string, _ resource.PropertyMap) resource.PropertyMap {
			arn := p.arn("lambda", p.currentRegion(), p.account, "function:"+id)
			return resource.PropertyMap{
				"arn":          str(arn),
				"qualifiedArn": str(arn + ":$LATEST"),
				"invokeArn": str(fmt.Sprintf("arn:%s:apigateway:%s:lambda:path/2015-03-31/functions/%s/invocations",
					p.partition(), p.currentRegion(), arn)),
				"version": str("$LATEST"),
			}
		},
		computedKeys: []string{"arn", "qualifiedArn", "invokeArn", "version"},
	},
}

var genericKind = kind{
	label: "resource", service: "AWS", createOp: "Create",
	id:      func(p *Provider, _ resource.PropertyMap) string { return p.randomHex(16) },
	outputs: func(*Provider, string, resource.PropertyMap) resource.PropertyMap { return nil },
}

func kindOf(typ string) kind {
	if k, ok := kinds[typ]; ok {
		return k
	}
	return genericKind
}

// iamPath normalises an IAM path ("" → "/").
func iamPath(path string) string {
	if path == "" {
		return "/"
	}
	return path
}

// uniqueID derives a stable IAM-style unique ID (AROA…, ANPA…) from a name.
func uniqueID(prefix, name string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	h := uint64(1469598103934665603)
	for i := 0; i < len(name); i++ {
		h = (h ^ uint64(name[i])) * 1099511628211
	}
	var b strings.Builder
	b.WriteString(prefix)
	for i := 0; i < 17; i++ {
		b.WriteByte(alphabet[h%32])
		h = h*6364136223846793005 + 1442695040888963407
	}
	return b.String()
}

func checkIAMName(props resource.PropertyMap, key string, max int) []plugin.CheckFailure {
	name, ok := stringProp(props, key)
	if !ok {
		return nil
	}
	if len(name) < 1 || len(name) > max {
		return []plugin.CheckFailure{{Property: resource.PropertyKey(key),
			Reason: fmt.Sprintf("expected length of %s to be in the range (1 - %d), got %s", key, max, name)}}
	}
	if !iamNameChars.MatchString(name) {
		return []plugin.CheckFailure{{Property: resource.PropertyKey(key),
			Reason: fmt.Sprintf("invalid value for %s (must only contain alphanumeric characters and/or the following: +=,.@-_)", key)}}
	}
	return nil
}

func checkLogGroup(props resource.PropertyMap) []plugin.CheckFailure {
	var fs []plugin.CheckFailure
	if name, ok := stringProp(props, "name"); ok && (len(name) > maxLogGroupNameLength || !logGroupChars.MatchString(name)) {
		fs = append(fs, plugin.CheckFailure{Property: "name",
			Reason: fmt.Sprintf("invalid value for name (must be 1-%d characters: letters, digits, '_', '-', '/', '.', '#')", maxLogGroupNameLength)})
	}
	if v, ok := props["retentionInDays"]; ok {
		if v, _ = unwrap(v); v.IsNumber() && !logRetentionDays[int(v.NumberValue())] {
			fs = append(fs, plugin.CheckFailure{Property: "retentionInDays",
				Reason: fmt.Sprintf("expected retentionInDays to be one of [0 1 3 5 7 14 30 60 90 120 150 180 365 400 545 731 1096 1827 2192 2557 2922 3288 3653], got %v", v.NumberValue())})
		}
	}
	return fs
}

func checkTaskDefinition(props resource.PropertyMap) []plugin.CheckFailure {
	var fs []plugin.CheckFailure
	if fam, ok := stringProp(props, "family"); ok && (len(fam) > maxTaskFamilyLength || !taskFamilyChars.MatchString(fam)) {
		fs = append(fs, plugin.CheckFailure{Property: "family",
			Reason: "invalid value for family (up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores are allowed)"})
	}
	if defs, ok := stringProp(props, "containerDefinitions"); ok {
		var v []map[string]any
		if err := json.Unmarshal([]byte(defs), &v); err != nil {
			fs = append(fs, plugin.CheckFailure{Property: "containerDefinitions",
				Reason: fmt.Sprintf("ECS Task Definition container_definitions is invalid: %v", err)})
		}
	}
	return fs
}

func validateTaskDefinition(_ *Provider, _ string, props resource.PropertyMap) string {
	var defs []map[string]any
	s, _ := stringProp(props, "containerDefinitions")
	if err := json.Unmarshal([]byte(s), &defs); err != nil || len(defs) == 0 {
		return "ClientException: Container definitions are invalid."
	}
	fargate := false
	if v, ok := props["requiresCompatibilities"]; ok {
		v, _ = unwrap(v)
		if v.IsArray() {
			for _, e := range v.ArrayValue() {
				if e, _ = unwrap(e); e.IsString() && e.StringValue() == "FARGATE" {
					fargate = true
				}
			}
		}
	}
	if !fargate {
		return ""
	}
	if mode, _ := stringProp(props, "networkMode"); mode != "awsvpc" {
		return "ClientException: Fargate only supports network mode 'awsvpc'."
	}
	cpu, okc := numberOrString(props, "cpu")
	mem, okm := numberOrString(props, "memory")
	if !okc || !okm {
		return "ClientException: Fargate requires that 'cpu' and 'memory' be defined at the task level."
	}
	if msg := validateFargateSize(cpu, mem); msg != "" {
		return "ClientException: " + msg
	}
	if _, ok := stringProp(props, "executionRoleArn"); !ok {
		for _, d := range defs {
			if lc, ok := d["logConfiguration"].(map[string]any); ok && lc["logDriver"] == "awslogs" {
				return "ClientException: Fargate requires task definition to have execution role ARN to support log driver awslogs."
			}
			if _, ok := d["secrets"]; ok {
				return "ClientException: Fargate requires task definition to have execution role ARN to support secrets."
			}
		}
	}
	return ""
}

func validateRole(p *Provider, _ string, props resource.PropertyMap) string {
	trust, _ := stringProp(props, "assumeRolePolicy")
	if msg := validatePolicyDocument(trust, trustPolicy); msg != "" {
		return "MalformedPolicyDocument: " + msg
	}
	if policySize(trust) > maxTrustPolicySize {
		return fmt.Sprintf("LimitExceeded: Cannot exceed quota for ACLSizePerRole: %d", maxTrustPolicySize)
	}
	name, _ := stringProp(props, "name")
	total := 0
	if v, ok := props["inlinePolicies"]; ok {
		if v, _ = unwrap(v); v.IsArray() {
			for _, e := range v.ArrayValue() {
				e, _ = unwrap(e)
				if !e.IsObject() {
					continue
				}
				doc, ok := stringProp(e.ObjectValue(), "policy")
				if !ok {
					continue
				}
				if msg := validatePolicyDocument(doc, identityPolicy); msg != "" {
					return "MalformedPolicyDocument: " + msg
				}
				total += policySize(doc)
			}
		}
	}
	if total+p.rolePolicySize(name, "") > maxRoleInlinePolicies {
		return fmt.Sprintf("LimitExceeded: Maximum policy size of %d bytes exceeded for role %s", maxRoleInlinePolicies, name)
	}
	if v, ok := props["managedPolicyArns"]; ok {
		if v, _ = unwrap(v); v.IsArray() && len(v.ArrayValue()) > maxManagedPerRole {
			return fmt.Sprintf("LimitExceeded: Cannot exceed quota for PoliciesPerRole: %d", maxManagedPerRole)
		}
	}
	return ""
}

func validateRolePolicy(p *Provider, _ string, props resource.PropertyMap) string {
	doc, _ := stringProp(props, "policy")
	if msg := validatePolicyDocument(doc, identityPolicy); msg != "" {
		return "MalformedPolicyDocument: " + msg
	}
	role, _ := stringProp(props, "role")
	name, _ := stringProp(props, "name")
	if policySize(doc)+p.roleInlineSize(role)+p.rolePolicySize(role, name) > maxRoleInlinePolicies {
		return fmt.Sprintf("LimitExceeded: Maximum policy size of %d bytes exceeded for role %s", maxRoleInlinePolicies, role)
	}
	return ""
}

// idFrom makes a resource's ID its (possibly auto-generated) input prop, as AWS does for IAM
// names, log group names and task definition families.
func idFrom(prop string) func(*Provider, resource.PropertyMap) string {
	return func(_ *Provider, props resource.PropertyMap) string {
		s, _ := stringProp(props, prop)
		return s
	}
}
