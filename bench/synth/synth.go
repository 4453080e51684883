// Package synth builds synthetic stacks shaped the way the Pulumi engine hands them to a policy
// pack: K copies of what the ActiveStorage component creates (bucket and its settings, IAM policy,
// task and execution roles, attachments, log group, task definition), in registration order, with
// the checked inputs `Analyze` receives and the outputs, dependencies and property dependencies
// `AnalyzeStack` receives. In Preview mode the values a real preview cannot know (ARNs, documents
// built from them) are unknowns, as the engine sends them.
//
// A fixed share of the instances carries one mandatory violation each (every way S3 reaches an ECS
// execution role, a credential in a container's environment, an IAM access key), so that a
// benchmark measures the pack doing real work, and a test can check that the work is right.
package synth

import (
	"context"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// Names the synthetic stack lives under.
const (
	Project       = "railsapp"
	StackName     = "bench"
	Account       = "123456789012"
	Region        = "us-east-1"
	ComponentType = "railsapp:storage:ActiveStorage"
	awsVersion    = "6.83.4"
)

// The mandatory policies of the pack (stable names, see the team contract).
const (
	PolicyNoS3OnExecutionRole = "no-s3-on-ecs-execution-role"
	PolicyNoEmbeddedCreds     = "no-embedded-aws-credentials"
)

// Mode says which engine pass the values come from.
type Mode int

const (
	// Preview: ARNs and values derived from them are unknown; names (auto-named in Check) are known.
	Preview Mode = iota
	// Update: every value is known, as in the update pass of `pulumi up`.
	Update
)

func (m Mode) String() string {
	if m == Update {
		return "update"
	}
	return "preview"
}

// Kind is the violation an instance carries ("" for a compliant instance).
type Kind string

// The violations, one per way S3 reaches an execution role and one per way a key is embedded.
const (
	Clean                  Kind = ""
	ExecAttachStackPolicy  Kind = "exec-role:role-policy-attachment(stack policy)"
	ExecAttachManagedS3    Kind = "exec-role:role-policy-attachment(AmazonS3ReadOnlyAccess)"
	ExecRolePolicy         Kind = "exec-role:role-policy(s3:Get*)"
	ExecPolicyAttachment   Kind = "exec-role:policy-attachment(roles)"
	ExecInlinePolicies     Kind = "exec-role:inline-policies"
	ExecManagedPolicyArns  Kind = "exec-role:managed-policy-arns(AmazonS3FullAccess)"
	ExecBucketPolicyGrant  Kind = "exec-role:bucket-policy-principal"
	ContainerEnvCredential Kind = "credential-in-container-environment"
	IAMAccessKey           Kind = "iam-access-key"
)

// cycle: instances 1, 3, … 17 of every 20 carry one violation each; the others are compliant.
const cycle = 20

// Kinds lists every violation kind, in the order instances 1, 3, 5, … 17 (mod 20) carry them.
var Kinds = []Kind{
	ExecAttachStackPolicy, ExecAttachManagedS3, ExecRolePolicy, ExecPolicyAttachment,
	ExecInlinePolicies, ExecManagedPolicyArns, ExecBucketPolicyGrant, ContainerEnvCredential, IAMAccessKey,
}

// Policy is the mandatory policy that must report the kind.
func (k Kind) Policy() string {
	switch k {
	case Clean:
		return ""
	case ContainerEnvCredential, IAMAccessKey:
		return PolicyNoEmbeddedCreds
	default:
		return PolicyNoS3OnExecutionRole
	}
}

// KindOf is the violation instance i carries: 9 instances in every 20 violate, one kind each.
func KindOf(i int) Kind {
	j := i % cycle
	if j%2 == 1 && j/2 < len(Kinds) {
		return Kinds[j/2]
	}
	return Clean
}

// Stack is a synthetic stack.
type Stack struct {
	// Inputs are what `Analyze` receives, in registration order.
	Inputs []plugin.AnalyzerResource
	// Resources are what `AnalyzeStack` receives (outputs, dependencies), in the same order.
	Resources []plugin.AnalyzerStackResource
	// Instance maps each resource's URN to the component instance it belongs to (-1: stack level).
	Instance map[resource.URN]int
	// Kinds holds the violation of each instance that is complete in the stack.
	Kinds []Kind
}

// Instances returns a stack with k complete component instances.
func Instances(k int, mode Mode) *Stack {
	g := newGen(mode)
	for i := 0; i < k; i++ {
		g.instance(i)
	}
	return g.s
}

// Resources returns a stack of exactly n resources: the prefix of a stack with enough instances.
// Every dependency points backwards in registration order, so a prefix is a consistent graph.
func Resources(n int, mode Mode) *Stack {
	g := newGen(mode)
	for i := 0; len(g.s.Resources) < n; i++ {
		g.instance(i)
	}
	s := g.s
	if len(s.Resources) > n {
		for _, r := range s.Resources[n:] {
			delete(s.Instance, r.URN)
		}
		s.Inputs, s.Resources = s.Inputs[:n:n], s.Resources[:n:n]
		complete := 0
		for complete < len(g.end) && g.end[complete] <= n {
			complete++
		}
		s.Kinds = s.Kinds[:complete]
	}
	return s
}

type gen struct {
	mode     Mode
	s        *Stack
	stackURN resource.URN
	provider *plugin.AnalyzerProviderResource
	end      []int // end[i]: number of resources once instance i is complete
}

func newGen(mode Mode) *gen {
	g := &gen{mode: mode, s: &Stack{Instance: map[resource.URN]int{}}}
	g.stackURN = resource.NewURN(StackName, Project, "", "pulumi:pulumi:Stack", Project+"-"+StackName)
	g.add(spec{typ: "pulumi:pulumi:Stack", name: Project + "-" + StackName, inst: -1, component: true})
	provIn := props{"region": Region, "version": awsVersion, "skipCredentialsValidation": false}
	provURN := g.add(spec{typ: "pulumi:providers:aws", name: "default_" + strings.ReplaceAll(awsVersion, ".", "_"),
		inst: -1, parent: g.stackURN, in: provIn, noProvider: true})
	g.provider = &plugin.AnalyzerProviderResource{
		URN: provURN, Type: "pulumi:providers:aws", Name: "default_6_83_4", Properties: provIn.toMap(),
	}
	return g
}

type props map[string]any

func (p props) toMap() resource.PropertyMap {
	return resource.NewPropertyMapFromMapRepl(p, nil, func(v any) (resource.PropertyValue, bool) {
		pv, ok := v.(resource.PropertyValue)
		return pv, ok
	})
}

// spec describes one registration.
type spec struct {
	typ, name  string
	inst       int
	parent     resource.URN
	parentType tokens.Type
	component  bool
	noProvider bool
	in         props                     // checked inputs
	out        props                     // extra outputs (preview: unknown unless known at preview)
	propDeps   map[string][]resource.URN // input name -> resources its value came from
	dependsOn  []resource.URN
}

func urn(parentType tokens.Type, typ tokens.Type, n string) resource.URN {
	return resource.NewURN(StackName, Project, parentType, typ, n)
}

func (g *gen) add(sp spec) resource.URN {
	u := urn(sp.parentType, tokens.Type(sp.typ), sp.name)
	in := sp.in.toMap()
	outs := sp.in.toMap()
	for k, v := range sp.out.toMap() {
		outs[k] = v
	}
	var prov *plugin.AnalyzerProviderResource
	if !sp.component && !sp.noProvider {
		prov = g.provider
	}
	opts := plugin.AnalyzerResourceOptions{Parent: sp.parent}
	ar := plugin.AnalyzerResource{URN: u, Type: tokens.Type(sp.typ), Name: sp.name, Properties: in, Options: opts, Provider: prov}
	var deps []resource.URN
	seen := map[resource.URN]bool{}
	pdeps := map[resource.PropertyKey][]resource.URN{}
	for k, us := range sp.propDeps {
		pdeps[resource.PropertyKey(k)] = us
		for _, d := range us {
			if !seen[d] {
				seen[d] = true
				deps = append(deps, d)
			}
		}
	}
	for _, d := range sp.dependsOn {
		if !seen[d] {
			seen[d] = true
			deps = append(deps, d)
		}
	}
	outAR := ar
	outAR.Properties = outs
	g.s.Inputs = append(g.s.Inputs, ar)
	g.s.Resources = append(g.s.Resources, plugin.AnalyzerStackResource{
		AnalyzerResource: outAR, Parent: sp.parent, Dependencies: deps, PropertyDependencies: pdeps,
	})
	g.s.Instance[u] = sp.inst
	return u
}

// unknown is the value a preview sends for an output it cannot know yet.
var unknown = resource.MakeComputed(resource.NewStringProperty(""))

// late is a value known only after create: unknown in Preview mode.
func (g *gen) late(v string) any {
	if g.mode == Preview {
		return unknown
	}
	return v
}

// secretLate is a secret output (the provider marks it so) known only after create.
func (g *gen) secretLate(v string) any {
	if g.mode == Preview {
		return unknown
	}
	return resource.MakeSecret(resource.NewStringProperty(v))
}

// suffix is a deterministic stand-in for the provider's random auto-name suffix.
func suffix(i int, salt uint32) string {
	return fmt.Sprintf("%07x", (uint32(i)*2654435761+salt*40503)&0xfffffff)
}

func name(i int, what string) string { return fmt.Sprintf("app%d-%s", i, what) }

func roleARN(n string) string   { return "arn:aws:iam::" + Account + ":role/" + n }
func policyARN(n string) string { return "arn:aws:iam::" + Account + ":policy/" + n }
func awsManaged(n string) string {
	return "arn:aws:iam::aws:policy/" + n
}

const execManaged = "service-role/AmazonECSTaskExecutionRolePolicy"

func doc(statements ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(statements, ",") + `]}`
}

// instance registers one component instance i, in the order the component registers them.
func (g *gen) instance(i int) {
	kind := KindOf(i)
	g.s.Kinds = append(g.s.Kinds, kind)
	ct := tokens.Type(ComponentType)
	compName := fmt.Sprintf("app%d", i)
	comp := g.add(spec{typ: ComponentType, name: compName, inst: i, parent: g.stackURN, component: true,
		out: props{"bucketName": name(i, "uploads-"+suffix(i, 1))}})
	child := func(sp spec) resource.URN {
		sp.inst, sp.parent, sp.parentType = i, comp, ct
		return g.add(sp)
	}

	// Half the instances let the provider auto-name the bucket (so its ARN, and everything built
	// from it, is unknown at preview); the other half derive a deterministic name per stack.
	bucketName := name(i, "uploads-"+suffix(i, 1))
	bucketARN := "arn:aws:s3:::" + bucketName
	arnKnownEarly := i%2 == 1 || kind != Clean
	bucket := child(spec{typ: "aws:s3/bucketV2:BucketV2", name: name(i, "uploads"),
		in:  props{"bucket": bucketName, "forceDestroy": false, "tags": props{"app": compName, "stack": StackName}},
		out: props{"arn": g.late(bucketARN), "id": g.late(bucketName), "bucketDomainName": g.late(bucketName + ".s3.amazonaws.com"), "region": Region}})
	onBucket := map[string][]resource.URN{"bucket": {bucket}}
	pab := child(spec{typ: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", name: name(i, "uploads-pab"),
		in: props{"bucket": bucketName, "blockPublicAcls": true, "blockPublicPolicy": true,
			"ignorePublicAcls": true, "restrictPublicBuckets": true},
		out: props{"id": g.late(bucketName)}, propDeps: onBucket})
	child(spec{typ: "aws:s3/bucketOwnershipControls:BucketOwnershipControls", name: name(i, "uploads-ownership"),
		in:  props{"bucket": bucketName, "rule": props{"objectOwnership": "BucketOwnerEnforced"}},
		out: props{"id": g.late(bucketName)}, propDeps: onBucket})
	child(spec{typ: "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
		name: name(i, "uploads-sse"),
		in: props{"bucket": bucketName, "rules": []any{props{"bucketKeyEnabled": true,
			"applyServerSideEncryptionByDefault": props{"sseAlgorithm": "AES256"}}}},
		out: props{"id": g.late(bucketName)}, propDeps: onBucket})

	execRoleName := name(i, "exec-"+suffix(i, 3))
	execARN := roleARN(execRoleName)
	tlsOnly := `{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*",` +
		`"Resource":["` + bucketARN + `","` + bucketARN + `/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`
	var bucketPolicy any = doc(tlsOnly)
	bpDeps := map[string][]resource.URN{"bucket": {bucket}, "policy": {bucket}}
	if kind == ExecBucketPolicyGrant {
		// The execution role named as a principal, by an ARN built from the account and the role's
		// deterministic name, so the document is known at preview too.
		bucketPolicy = doc(tlsOnly, `{"Sid":"ExecRead","Effect":"Allow","Principal":{"AWS":"`+execARN+
			`"},"Action":["s3:GetObject"],"Resource":"`+bucketARN+`/*"}`)
	} else if !arnKnownEarly {
		bucketPolicy = g.late(doc(tlsOnly))
	}
	child(spec{typ: "aws:s3/bucketPolicy:BucketPolicy", name: name(i, "uploads-policy"),
		in:  props{"bucket": bucketName, "policy": bucketPolicy},
		out: props{"id": g.late(bucketName)}, propDeps: bpDeps, dependsOn: []resource.URN{pab}})
	child(spec{typ: "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", name: name(i, "uploads-lifecycle"),
		in: props{"bucket": bucketName, "rules": []any{props{"id": "abort-incomplete-multipart", "status": "Enabled",
			"filter":                         props{"prefix": ""},
			"abortIncompleteMultipartUpload": props{"daysAfterInitiation": 7}}}},
		out: props{"id": g.late(bucketName)}, propDeps: onBucket})

	// The task role's least-privilege S3 policy (rails-aws-semantics §1.3).
	s3Doc := doc(`{"Sid":"ListBucket","Effect":"Allow","Action":"s3:ListBucket","Resource":"`+bucketARN+`"}`,
		`{"Sid":"Objects","Effect":"Allow","Action":["s3:GetObject","s3:PutObject","s3:DeleteObject","s3:AbortMultipartUpload"],"Resource":"`+bucketARN+`/*"}`)
	var s3Policy any = s3Doc
	if !arnKnownEarly {
		s3Policy = g.late(s3Doc)
	}
	s3PolicyName := name(i, "s3-"+suffix(i, 2))
	s3PolicyARN := policyARN(s3PolicyName)
	policy := child(spec{typ: "aws:iam/policy:Policy", name: name(i, "s3"),
		in:       props{"name": s3PolicyName, "path": "/", "description": "Active Storage access for " + compName, "policy": s3Policy},
		out:      props{"arn": g.late(s3PolicyARN), "id": g.late(s3PolicyARN), "policyId": g.late("ANPA" + strings.ToUpper(suffix(i, 9)))},
		propDeps: map[string][]resource.URN{"policy": {bucket}}})

	trust := doc(`{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole",` +
		`"Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:ecs:` + Region + `:` + Account + `:*"},"StringEquals":{"aws:SourceAccount":"` + Account + `"}}}`)
	plainTrust := doc(`{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}`)
	taskRoleName := name(i, "task-"+suffix(i, 4))
	taskRole := child(spec{typ: "aws:iam/role:Role", name: name(i, "task"),
		in:  props{"name": taskRoleName, "assumeRolePolicy": trust, "path": "/", "maxSessionDuration": 3600},
		out: props{"arn": g.late(roleARN(taskRoleName)), "id": g.late(taskRoleName), "uniqueId": g.late("AROA" + strings.ToUpper(suffix(i, 5)))}})
	execIn := props{"name": execRoleName, "assumeRolePolicy": plainTrust, "path": "/", "maxSessionDuration": 3600}
	switch kind {
	case ExecInlinePolicies:
		execIn["inlinePolicies"] = []any{props{"name": "uploads",
			"policy": doc(`{"Effect":"Allow","Action":"S3:*","Resource":["` + bucketARN + `","` + bucketARN + `/*"]}`)}}
	case ExecManagedPolicyArns:
		execIn["managedPolicyArns"] = []any{awsManaged(execManaged), awsManaged("AmazonS3FullAccess")}
	}
	execRole := child(spec{typ: "aws:iam/role:Role", name: name(i, "exec"), in: execIn,
		out: props{"arn": g.late(execARN), "id": g.late(execRoleName), "uniqueId": g.late("AROA" + strings.ToUpper(suffix(i, 6)))}})
	onTaskRole := map[string][]resource.URN{"role": {taskRole}, "policyArn": {policy}}
	taskAttach := child(spec{typ: "aws:iam/rolePolicyAttachment:RolePolicyAttachment", name: name(i, "task-s3"),
		in:  props{"role": taskRoleName, "policyArn": g.late(s3PolicyARN)},
		out: props{"id": g.late(taskRoleName + "-" + suffix(i, 7))}, propDeps: onTaskRole})
	execAttach := child(spec{typ: "aws:iam/rolePolicyAttachment:RolePolicyAttachment", name: name(i, "exec-managed"),
		in:  props{"role": execRoleName, "policyArn": awsManaged(execManaged)},
		out: props{"id": g.late(execRoleName + "-" + suffix(i, 8))}, propDeps: map[string][]resource.URN{"role": {execRole}}})
	grants := []resource.URN{taskAttach, execAttach}

	// The violation's extra grant, registered before the task definition, as the component's
	// DependsOn orders its own grants.
	switch kind {
	case ExecAttachStackPolicy:
		grants = append(grants, child(spec{typ: "aws:iam/rolePolicyAttachment:RolePolicyAttachment", name: name(i, "exec-s3"),
			in:  props{"role": execRoleName, "policyArn": g.late(s3PolicyARN)},
			out: props{"id": g.late(execRoleName + "-s3")}, propDeps: map[string][]resource.URN{"role": {execRole}, "policyArn": {policy}}}))
	case ExecAttachManagedS3:
		grants = append(grants, child(spec{typ: "aws:iam/rolePolicyAttachment:RolePolicyAttachment", name: name(i, "exec-s3ro"),
			in:  props{"role": execRoleName, "policyArn": awsManaged("AmazonS3ReadOnlyAccess")},
			out: props{"id": g.late(execRoleName + "-s3ro")}, propDeps: map[string][]resource.URN{"role": {execRole}}}))
	case ExecRolePolicy:
		// A single statement object (not a list), wildcard in mixed case.
		grants = append(grants, child(spec{typ: "aws:iam/rolePolicy:RolePolicy", name: name(i, "exec-read"),
			in:  props{"role": execRoleName, "name": "read-uploads", "policy": `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:get*","Resource":"*"}}`},
			out: props{"id": execRoleName + ":read-uploads"}, propDeps: map[string][]resource.URN{"role": {execRole}}}))
	case ExecPolicyAttachment:
		grants = append(grants, child(spec{typ: "aws:iam/policyAttachment:PolicyAttachment", name: name(i, "exec-attach"),
			in:  props{"name": name(i, "exec-attach"), "roles": []any{execRoleName}, "policyArn": g.late(s3PolicyARN)},
			out: props{"id": name(i, "exec-attach")}, propDeps: map[string][]resource.URN{"roles": {execRole}, "policyArn": {policy}}}))
	}

	logGroup := "/ecs/" + compName + "-" + StackName
	child(spec{typ: "aws:cloudwatch/logGroup:LogGroup", name: name(i, "logs"),
		in:  props{"name": logGroup, "retentionInDays": 30, "skipDestroy": false},
		out: props{"arn": g.late("arn:aws:logs:" + Region + ":" + Account + ":log-group:" + logGroup)}})

	env := `{"name":"AWS_S3_BUCKET_NAME","value":"` + bucketName + `"},{"name":"AWS_REGION","value":"` + Region + `"}`
	if kind == ContainerEnvCredential {
		env += `,{"name":"AWS_ACCESS_KEY_ID","value":"` + FakeKeyID(i) + `"},{"name":"AWS_SECRET_ACCESS_KEY","value":"` + fakeSecret(i) + `"}`
	}
	containers := `[{"name":"web","image":"` + Account + `.dkr.ecr.` + Region + `.amazonaws.com/` + compName + `:v1","essential":true,` +
		`"portMappings":[{"containerPort":3000,"protocol":"tcp"}],"environment":[` + env + `],` +
		`"logConfiguration":{"logDriver":"awslogs","options":{"awslogs-group":"` + logGroup + `","awslogs-region":"` + Region + `","awslogs-stream-prefix":"web"}}}]`
	var containerDefs any = containers
	if kind == ContainerEnvCredential {
		// A program that takes the key from secret config makes the whole JSON a secret.
		containerDefs = resource.MakeSecret(resource.NewStringProperty(containers))
	}
	family := compName + "-" + StackName
	child(spec{typ: "aws:ecs/taskDefinition:TaskDefinition", name: name(i, "task"),
		in: props{"family": family, "cpu": "512", "memory": "1024", "networkMode": "awsvpc",
			"requiresCompatibilities": []any{"FARGATE"},
			"runtimePlatform":         props{"operatingSystemFamily": "LINUX", "cpuArchitecture": "X86_64"},
			"containerDefinitions":    containerDefs,
			"taskRoleArn":             g.late(roleARN(taskRoleName)), "executionRoleArn": g.late(execARN)},
		out: props{"arn": g.late("arn:aws:ecs:" + Region + ":" + Account + ":task-definition/" + family + ":1"),
			"revision": g.late("1")},
		propDeps: map[string][]resource.URN{"taskRoleArn": {taskRole}, "executionRoleArn": {execRole},
			"containerDefinitions": {bucket}},
		dependsOn: grants})

	if kind == IAMAccessKey {
		// A deploy user with a long-lived key, next to the component (stack level).
		userName := name(i, "deployer")
		user := g.add(spec{typ: "aws:iam/user:User", name: userName, inst: i, parent: g.stackURN,
			in: props{"name": userName, "path": "/"}, out: props{"arn": g.late("arn:aws:iam::" + Account + ":user/" + userName)}})
		g.add(spec{typ: "aws:iam/accessKey:AccessKey", name: name(i, "deployer-key"), inst: i, parent: g.stackURN,
			in:       props{"user": userName, "status": "Active"},
			out:      props{"id": g.late(FakeKeyID(i)), "secret": g.secretLate(fakeSecret(i))},
			propDeps: map[string][]resource.URN{"user": {user}}})
	}
	g.end = append(g.end, len(g.s.Resources))
}

// base32 is the alphabet of access key IDs after their four-letter prefix.
const base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

// FakeKeyID builds, at run time, an access-key-shaped ID that is not AWS's documentation example
// (which scanners allow-list), so it must be detected.
func FakeKeyID(i int) string {
	b := []byte("AK" + "IA")
	x := uint64(i)*0x9E3779B97F4A7C15 + 0x1234567
	for j := 0; j < 16; j++ {
		b = append(b, base32[x%32])
		x = x/32 ^ uint64(j+1)*0xBF58476D1CE4E5B9
	}
	return string(b)
}

func fakeSecret(i int) string {
	const alpha = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/"
	b := make([]byte, 0, 40)
	x := uint64(i)*0xD1B54A32D192ED03 + 7
	for j := 0; j < 40; j++ {
		b = append(b, alpha[x%64])
		x = x/64 ^ uint64(j+3)*0x94D049BB133111EB
	}
	return string(b)
}

// Configure configures a as the engine does when no policy config is given: every policy at its
// declared enforcement level, with the pack's initial config (GetAnalyzerInfo, then Configure).
func Configure(ctx context.Context, a plugin.Analyzer) error {
	info, err := a.GetAnalyzerInfo(ctx)
	if err != nil {
		return fmt.Errorf("GetAnalyzerInfo: %w", err)
	}
	cfg := make(map[string]plugin.AnalyzerPolicyConfig, len(info.Policies))
	for _, p := range info.Policies {
		c := plugin.AnalyzerPolicyConfig{EnforcementLevel: p.EnforcementLevel}
		if ic, ok := info.InitialConfig[p.Name]; ok {
			if ic.EnforcementLevel != "" {
				c.EnforcementLevel = ic.EnforcementLevel
			}
			c.Properties = ic.Properties
		}
		cfg[p.Name] = c
	}
	if err := a.Configure(ctx, cfg); err != nil {
		return fmt.Errorf("Configure: %w", err)
	}
	return nil
}
