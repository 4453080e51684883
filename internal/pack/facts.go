package pack

import (
	"fmt"
	"strings"

	"github.com/keyless-ecs/railsapp/internal/awsfacts"
	"github.com/keyless-ecs/railsapp/internal/iampolicy"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// roleRef is a reference to an IAM role as a property makes it: a name, an ARN, a unique ID, or
// (AnalyzeStack, or a role's reference to itself) the role resources it is known to be.
type roleRef struct {
	id       awsfacts.IAMRef // Name "" when not known; Account and Path "" when the reference does not say
	uniqueID string
	urns     []resource.URN
	provider resource.URN // provider of the referring resource: a bare name is a role of its account
	unknown  bool         // the value is not known yet (preview)
	text     string       // as written, for messages
}

// roleRefFromName reads a property that holds a role name or a role ARN.
func roleRefFromName(s str, deps []resource.URN, provider resource.URN) roleRef {
	r := roleRef{urns: roleURNs(deps), provider: provider}
	switch s.state {
	case unknown:
		r.unknown = true
	case known:
		v := strings.TrimSpace(s.s)
		r.text = v
		switch {
		case awsfacts.IsARN(v):
			if id, ok := awsfacts.ParseRoleARN(v); ok {
				r.id = id
			} // any other ARN is not a role
		case v != "":
			r.id = awsfacts.IAMRef{Name: v}
		}
	}
	return r
}

func roleURNs(deps []resource.URN) []resource.URN {
	var out []resource.URN
	for _, d := range deps {
		if string(d.Type()) == awsfacts.TypeRole {
			out = append(out, d)
		}
	}
	return out
}

// roleDecl is an IAM role: one declared in the stack (urn set), or one outside it known only by a
// reference.
type roleDecl struct {
	urn      resource.URN
	id       awsfacts.IAMRef // Name "" while not known (namePrefix, preview); Account from its ARN
	prefix   string          // namePrefix, while the name is not known
	uniqueID string
	provider resource.URN
	trust    docVerdict
	trustees []trustee // who the trust policy lets assume the role
}

// trustee is one trust policy statement that lets principals assume the role.
type trustee struct {
	stmt  int
	named []roleRef
	set   *principalSet
}

func (d *roleDecl) display() string {
	switch {
	case d.id.Name != "":
		return d.id.Name
	case d.uniqueID != "":
		return d.uniqueID
	case d.urn != "":
		return d.urn.Name()
	}
	return "?"
}

// policyDecl is a customer managed policy declared in the stack.
type policyDecl struct {
	urn      resource.URN
	id       awsfacts.IAMRef
	arn      string
	provider resource.URN
	doc      docVerdict
}

// grantKind says how a grant reaches a role, which decides how it is judged and fixed.
type grantKind int

const (
	viaIdentityDoc    grantKind = iota // a role policy or the role's inline policy: a document
	viaManagedPolicy                   // an attachment of a managed policy, by ARN
	viaResourcePolicy                  // a bucket or access point policy naming the role
)

// grant is one way S3 may reach a role.
type grant struct {
	source resource.URN
	kind   grantKind
	where  path          // how the grant is made, for messages
	to     roleRef       // the role named
	set    *principalSet // resource policies: Principal "*"/NotPrincipal, decided per role
	doc    docVerdict    // documents
	stmt   int           // resource policies: the statement that concerns this principal (0: every one)
	// Attachments: the managed policy, its ARN as written and parsed (policyOK: it is a policy ARN).
	policyARN  string
	policyID   awsfacts.IAMRef
	policyOK   bool
	arnUnknown bool
	policyDeps []resource.URN
}

// execUse makes a role an ECS task execution role: a task definition naming it, or the managed
// execution policy on it.
type execUse struct {
	source        resource.URN
	role          roleRef
	byTaskDef     bool
	where         path     // the attachment of the managed execution policy
	envFiles      []string // S3 object ARNs the task definition lists in environmentFiles
	envUnknown    bool     // the container definitions are not known yet
	managedPolicy bool     // AmazonECSTaskExecutionRolePolicy: counts unless the trust shows another service
}

// via says, for messages, what makes the role an execution role. It is rendered only when a
// message needs it.
func (u *execUse) via() string {
	if u.byTaskDef {
		return fmt.Sprintf("task definition %q names it as executionRoleArn", u.source.Name())
	}
	return fmt.Sprintf("it carries %s (%s)", awsfacts.ExecutionRolePolicyName, u.where)
}

// taskUse is a task definition naming a role as its task role.
type taskUse struct {
	source resource.URN
	role   roleRef
}

// resourceFacts is what one resource contributes to the execution-role join.
type resourceFacts struct {
	urn      resource.URN
	grants   []*grant
	execUses []*execUse
	taskUses []*taskUse
	role     *roleDecl
	policy   *policyDecl
	// account is the account of the resource's provider, when the resource shows it.
	account  string
	provider resource.URN
}

// empty says the resource contributes nothing to the join.
func (f *resourceFacts) empty() bool {
	return len(f.grants) == 0 && len(f.execUses) == 0 && len(f.taskUses) == 0 && f.role == nil && f.policy == nil &&
		f.account == ""
}

// joinTypes are the resource types that contribute to the join.
var joinTypes = []string{
	awsfacts.TypeRole, awsfacts.TypePolicy, awsfacts.TypeRolePolicy, awsfacts.TypeRolePolicyAttachment,
	awsfacts.TypeRolePolicyAttachmentsExclusive, awsfacts.TypePolicyAttachment, awsfacts.TypeTaskDefinition,
	awsfacts.TypeBucketPolicy, awsfacts.TypeBucketV2, awsfacts.TypeBucket, awsfacts.TypeS3AccessPoint,
	awsfacts.TypeS3ControlAccessPointPol, awsfacts.TypeS3ControlObjectLambdaPol, awsfacts.TypeS3ControlMultiRegionPol,
	awsfacts.TypeS3ControlBucketPolicy,
}

// resourcePolicyKinds name, per resource type, the resource policy it carries and the property
// that holds it.
var resourcePolicyKinds = map[string]struct {
	label string
	path  []resource.PropertyKey
}{
	awsfacts.TypeBucketPolicy:             {"bucket policy", []resource.PropertyKey{"policy"}},
	awsfacts.TypeBucketV2:                 {"bucket policy", []resource.PropertyKey{"policy"}},
	awsfacts.TypeBucket:                   {"bucket policy", []resource.PropertyKey{"policy"}},
	awsfacts.TypeS3AccessPoint:            {"access point policy", []resource.PropertyKey{"policy"}},
	awsfacts.TypeS3ControlAccessPointPol:  {"access point policy", []resource.PropertyKey{"policy"}},
	awsfacts.TypeS3ControlObjectLambdaPol: {"Object Lambda access point policy", []resource.PropertyKey{"policy"}},
	awsfacts.TypeS3ControlMultiRegionPol:  {"Multi-Region access point policy", []resource.PropertyKey{"details", "policy"}},
	awsfacts.TypeS3ControlBucketPolicy:    {"S3 on Outposts bucket policy", []resource.PropertyKey{"policy"}},
}

// path is how a grant is made, for messages: what (a document, an attachment) on which resource.
// It is rendered only when a message needs it.
type path struct {
	what string
	urn  resource.URN
}

func where(what string, urn resource.URN) path { return path{what, urn} }

func (p path) String() string { return fmt.Sprintf("%s (%s %q)", p.what, p.urn.Type(), p.urn.Name()) }

// extractFacts reads what a resource grants to which role and which roles it uses. deps is the
// engine's property dependencies (AnalyzeStack; nil in Analyze).
func extractFacts(r *AnalyzerResource, deps map[resource.PropertyKey][]resource.URN, docs *docCache,
	containers *containersOnce,
) *resourceFacts {
	f := &resourceFacts{urn: r.URN}
	if r.Provider != nil {
		f.provider = r.Provider.URN
		if ids, _ := getStrings(r.Provider.Properties, "allowedAccountIds"); len(ids) == 1 {
			f.account = ids[0]
		}
	}
	props := r.Properties
	typ := string(r.Type)
	switch typ {
	case awsfacts.TypeRole:
		f.addRole(props, docs)
	case awsfacts.TypeRolePolicy:
		to := roleRefFromName(getString(props, "role"), deps["role"], f.provider)
		dv := docs.judgeValue(props, "policy")
		if dv.state == docAbsent {
			dv = docVerdict{state: docMalformed, detail: "the policy document is missing"}
		}
		f.grants = append(f.grants, &grant{source: r.URN, kind: viaIdentityDoc, to: to, doc: dv,
			where: where(fmt.Sprintf("inline role policy %q", getString(props, "name").s), r.URN)})
	case awsfacts.TypeRolePolicyAttachment:
		to := roleRefFromName(getString(props, "role"), deps["role"], f.provider)
		f.addAttachment(to, getString(props, "policyArn"), deps["policyArn"], where("policy attachment", r.URN))
	case awsfacts.TypeRolePolicyAttachmentsExclusive:
		to := roleRefFromName(getString(props, "roleName"), deps["roleName"], f.provider)
		arns, arnsUnknown := getStrings(props, "policyArns")
		w := where("exclusive policy attachments", r.URN)
		for _, arn := range arns {
			f.addAttachment(to, str{s: arn, state: known}, nil, w)
		}
		if arnsUnknown {
			f.addAttachment(to, str{state: unknown}, deps["policyArns"], w)
		}
	case awsfacts.TypePolicyAttachment:
		roles, rolesUnknown := getStrings(props, "roles")
		arn := getString(props, "policyArn")
		w := where("policy attachment", r.URN)
		for _, name := range roles {
			// Known names are joined by name: the dependencies cover every role of the list at once.
			f.addAttachment(roleRefFromName(str{s: name, state: known}, nil, f.provider), arn, deps["policyArn"], w)
		}
		if rolesUnknown {
			f.addAttachment(roleRef{unknown: true, urns: roleURNs(deps["roles"]), provider: f.provider}, arn, deps["policyArn"], w)
		}
	case awsfacts.TypePolicy:
		dv := docs.judgeValue(props, "policy")
		if dv.state == docAbsent {
			dv = docVerdict{state: docMalformed, detail: "the policy document is missing"}
		}
		pd := &policyDecl{urn: r.URN, provider: f.provider, doc: dv, id: awsfacts.IAMRef{Name: getString(props, "name").s}}
		if a := getString(props, "arn"); a.known() {
			if id, ok := awsfacts.ParsePolicyARN(a.s); ok {
				pd.arn, pd.id = a.s, id
				f.account = id.Account
			}
		}
		f.policy = pd
	case awsfacts.TypeTaskDefinition:
		f.addTaskDefinition(r.URN, props, deps, containers)
	}
	if k, ok := resourcePolicyKinds[typ]; ok {
		f.addResourcePolicy(r.URN, k.label, props, k.path, deps, docs)
	}
	return f
}

func (f *resourceFacts) addRole(props resource.PropertyMap, docs *docCache) {
	d := &roleDecl{urn: f.urn, provider: f.provider}
	if n := getString(props, "name"); n.known() {
		d.id.Name = n.s
	}
	if p := getString(props, "path"); p.known() && p.s != "" {
		d.id.Path = p.s
	}
	if p := getString(props, "namePrefix"); p.known() {
		d.prefix = p.s
	}
	if a := getString(props, "arn"); a.known() {
		if id, ok := awsfacts.ParseRoleARN(a.s); ok {
			d.id = id
			f.account = id.Account
		}
	}
	if u := getString(props, "uniqueId"); u.known() && awsfacts.IsRoleUniqueID(u.s) {
		d.uniqueID = u.s
	}
	d.trust = docs.judgeValue(props, "assumeRolePolicy")
	if d.trust.doc != nil {
		for i := range d.trust.doc.Statements {
			st := &d.trust.doc.Statements[i]
			if st.Effect != iampolicy.Allow || !st.ActionsMatch("sts:AssumeRole") {
				continue
			}
			named, set := principalsOf(st)
			if len(named) > 0 || set != nil {
				d.trustees = append(d.trustees, trustee{stmt: i + 1, named: named, set: set})
			}
		}
	}
	f.role = d

	self := roleRef{id: d.id, urns: []resource.URN{f.urn}, provider: f.provider, text: d.id.Name}
	inline, _ := getObjects(props, "inlinePolicies")
	for _, ip := range inline {
		dv := docs.judgeValue(ip, "policy")
		if dv.state == docAbsent {
			continue
		}
		f.grants = append(f.grants, &grant{source: f.urn, kind: viaIdentityDoc, to: self, doc: dv,
			where: where(fmt.Sprintf("the role's inline policy %q", getString(ip, "name").s), f.urn)})
	}
	arns, arnsUnknown := getStrings(props, "managedPolicyArns")
	w := where("the role's managedPolicyArns", f.urn)
	for _, arn := range arns {
		f.addAttachment(self, str{s: arn, state: known}, nil, w)
	}
	if arnsUnknown {
		f.addAttachment(self, str{state: unknown}, nil, w)
	}
}

// addAttachment records a managed policy attached to a role, and AmazonECSTaskExecutionRolePolicy
// marking the role an execution role. That policy is a grant like any other: what it grants is
// AWS's data to say (none of S3, at its real path; an ARN at another path is not verifiable).
func (f *resourceFacts) addAttachment(to roleRef, arn str, policyDeps []resource.URN, w path) {
	g := &grant{source: f.urn, kind: viaManagedPolicy, to: to, where: w, policyDeps: policyDeps}
	switch arn.state {
	case known:
		g.policyARN = strings.TrimSpace(arn.s)
		g.policyID, g.policyOK = awsfacts.ParsePolicyARN(g.policyARN)
		if g.policyOK && awsfacts.IsExecutionRolePolicy(g.policyID) {
			f.execUses = append(f.execUses, &execUse{source: f.urn, role: to, managedPolicy: true, where: w})
		}
	case unknown:
		g.arnUnknown = true
	default:
		g.doc = docVerdict{state: docMalformed, detail: "policyArn is missing"}
	}
	f.grants = append(f.grants, g)
}

// addTaskDefinition records the roles a task definition names and the environment files its
// execution role must be able to read.
func (f *resourceFacts) addTaskDefinition(urn resource.URN, props resource.PropertyMap,
	deps map[resource.PropertyKey][]resource.URN, containers *containersOnce,
) {
	exec := roleRefFromName(getString(props, "executionRoleArn"), deps["executionRoleArn"], f.provider)
	task := roleRefFromName(getString(props, "taskRoleArn"), deps["taskRoleArn"], f.provider)
	// ECS runs a task definition's roles in its own account (the roles are passed with
	// iam:PassRole), so their ARNs show the provider's account.
	for _, r := range []roleRef{exec, task} {
		if r.id.Account != "" {
			f.account = r.id.Account
		}
	}
	u := &execUse{source: urn, role: exec, byTaskDef: true}
	// Only the environment files matter here: a definition that cannot list any is not parsed
	// (the credential check parses it when it runs, which in a preview or an update is in
	// Analyze, one resource at a time, rather than here for the whole stack at once).
	var cs []container
	state, err := known, error(nil)
	if containers.treeDone || mayListEnvFiles(props) {
		cs, state, err = containers.get()
	}
	switch {
	case state == unknown:
		u.envUnknown = true
	case err == nil:
		for _, c := range cs {
			for _, ef := range c.EnvironmentFiles {
				if ef.Type == "" || strings.EqualFold(ef.Type, "s3") {
					u.envFiles = append(u.envFiles, strings.TrimSpace(ef.Value))
				}
			}
		}
	}
	if exec.unknown || exec.id.Name != "" || len(exec.urns) > 0 {
		f.execUses = append(f.execUses, u)
	}
	if task.unknown || task.id.Name != "" || len(task.urns) > 0 {
		f.taskUses = append(f.taskUses, &taskUse{source: urn, role: task})
	}
}

// mayListEnvFiles says whether a task definition's containerDefinitions may list environment
// files: it is not a JSON string, or the string names the field (in any case, as the provider
// reads it). A field name written with JSON escapes is missed, which only withholds the
// environment-file exception from the execution role: stricter, never looser.
func mayListEnvFiles(props resource.PropertyMap) bool {
	u, isKnown, _ := unwrap(props["containerDefinitions"])
	if !isKnown || !u.IsString() {
		return true
	}
	return containsFold(u.StringValue(), "environmentFiles")
}

// containsFold reports whether sub (ASCII) is in s, without letter case and without copying s.
func containsFold(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if (s[i]|0x20) == (sub[0]|0x20) && strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}

// addResourcePolicy records, for each Allow statement of a bucket or access point policy that
// grants S3, the roles it reaches.
func (f *resourceFacts) addResourcePolicy(urn resource.URN, label string, props resource.PropertyMap,
	path []resource.PropertyKey, deps map[resource.PropertyKey][]resource.URN, docs *docCache,
) {
	holder := props
	for _, k := range path[:len(path)-1] {
		objs, anyUnknown := getObjects(holder, k)
		if anyUnknown {
			holder = resource.PropertyMap{path[len(path)-1]: resource.MakeComputed(resource.NewStringProperty(""))}
			break
		}
		if len(objs) == 0 {
			return
		}
		holder = objs[0]
	}
	dv := docs.judgeValue(holder, path[len(path)-1])
	w := where(label, urn)
	switch dv.state {
	case docUnknown, docMalformed:
		// Which principals the policy names is not known (or cannot be read); the engine's
		// dependencies say which roles of the stack it may name (AnalyzeStack).
		for _, d := range roleURNs(deps[path[0]]) {
			f.grants = append(f.grants, &grant{source: urn, kind: viaResourcePolicy, where: w, doc: dv,
				to: roleRef{urns: []resource.URN{d}, provider: f.provider}})
		}
		return
	case docGrantsS3:
	default:
		return
	}
	for _, g := range dv.s3 {
		st := &dv.doc.Statements[g.Index-1]
		named, set := principalsOf(st)
		for _, r := range named {
			r.provider = f.provider
			f.grants = append(f.grants, &grant{source: urn, kind: viaResourcePolicy, where: w, doc: dv,
				stmt: g.Index, to: r})
		}
		if set != nil {
			f.grants = append(f.grants, &grant{source: urn, kind: viaResourcePolicy, where: w, doc: dv,
				stmt: g.Index, set: set})
		}
	}
}
