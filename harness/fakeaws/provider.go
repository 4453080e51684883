package fakeaws

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"math/big"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
)

// Version is the pulumi-aws version the stand-in reports: the one the aws Go SDK in go.mod
// asks for, so the engine accepts it without a version warning.
const Version = "6.83.4"

// DefaultAccount is the fake AWS account ID getCallerIdentity returns and ARNs carry.
const DefaultAccount = "123456789012"

// Provider implements plugin.Provider for the `aws` package (see the package comment for what
// it simulates). Serve it with Start, or wrap it with plugin.NewProviderServer.
type Provider struct {
	plugin.UnimplementedProvider

	account string
	clock   func() time.Time

	mu     sync.Mutex
	region string
	// revisions is the last task definition revision seen per family (from Diff, Read, Create).
	revisions map[string]int
	// rolePolicies and roleInline track inline policy sizes per role name, for IAM's aggregate
	// 10,240-character quota.
	rolePolicies map[string]map[string]int
	roleInline   map[string]int
}

// Options configure a Provider. The zero value is usable.
type Options struct {
	// Account is the fake account ID (default DefaultAccount).
	Account string
	// Region is used until a provider configuration sets `region`.
	Region string
}

// New returns a stand-in provider.
func New(opts Options) *Provider {
	if opts.Account == "" {
		opts.Account = DefaultAccount
	}
	return &Provider{
		account:      opts.Account,
		region:       opts.Region,
		clock:        time.Now,
		revisions:    map[string]int{},
		rolePolicies: map[string]map[string]int{},
		roleInline:   map[string]int{},
	}
}

var _ plugin.GrpcProvider = (*Provider)(nil)

// Attach is called when the engine attaches to an already running provider
// (PULUMI_DEBUG_PROVIDERS); there is nothing to set up.
func (p *Provider) Attach(string) error { return nil }

// Close implements io.Closer.
func (p *Provider) Close() error { return nil }

// SignalCancellation implements plugin.Provider; nothing runs long enough to cancel.
func (p *Provider) SignalCancellation(context.Context) error { return nil }

// Handshake accepts secrets and resource references, as the real provider does.
func (p *Provider) Handshake(context.Context, plugin.ProviderHandshakeRequest) (*plugin.ProviderHandshakeResponse, error) {
	return &plugin.ProviderHandshakeResponse{AcceptSecrets: true, AcceptResources: true, AcceptOutputs: true}, nil
}

// GetPluginInfo reports the pulumi-aws version the SDK expects.
func (p *Provider) GetPluginInfo(context.Context) (plugin.PluginInfo, error) {
	v := semver.MustParse(Version)
	return plugin.PluginInfo{Version: &v}, nil
}

// GetSchema returns only the package name and version: the stand-in has no full schema, and the
// engine needs none for deployments.
func (p *Provider) GetSchema(context.Context, plugin.GetSchemaRequest) (plugin.GetSchemaResponse, error) {
	return plugin.GetSchemaResponse{Schema: []byte(`{"name":"aws","version":"` + Version + `"}`)}, nil
}

// CheckConfig requires a region, as the real provider does.
func (p *Provider) CheckConfig(_ context.Context, req plugin.CheckConfigRequest) (plugin.CheckConfigResponse, error) {
	resp := plugin.CheckConfigResponse{Properties: req.News}
	if v, ok := req.News["region"]; !ok || v.IsNull() {
		p.mu.Lock()
		fallback := p.region
		p.mu.Unlock()
		if fallback == "" {
			resp.Failures = append(resp.Failures, plugin.CheckFailure{Property: "region",
				Reason: `Missing required configuration key "aws:region": The region where AWS operations will take place. ` +
					`Set a value with "pulumi config set aws:region <value>".`})
		}
	}
	return resp, nil
}

// DiffConfig reports changed provider settings; none of them replaces the provider.
func (p *Provider) DiffConfig(_ context.Context, req plugin.DiffConfigRequest) (plugin.DiffConfigResponse, error) {
	return diffProps(req.OldInputs, req.NewInputs, kind{}), nil
}

// Configure records the region.
func (p *Provider) Configure(_ context.Context, req plugin.ConfigureRequest) (plugin.ConfigureResponse, error) {
	if r, ok := stringProp(req.Inputs, "region"); ok && r != "" {
		p.mu.Lock()
		p.region = r
		p.mu.Unlock()
	}
	return plugin.ConfigureResponse{}, nil
}

// Check auto-names, applies defaults, normalises IAM documents and reports plan-time failures.
func (p *Provider) Check(_ context.Context, req plugin.CheckRequest) (plugin.CheckResponse, error) {
	k := kindOf(string(req.Type))
	news := req.News.Copy()
	var failures []plugin.CheckFailure

	for _, key := range k.required {
		if !present(news, key) {
			failures = append(failures, plugin.CheckFailure{Property: resource.PropertyKey(key),
				Reason: fmt.Sprintf("Missing required argument: The argument %q is required, but no definition was found.", key)})
		}
	}
	if k.nameProp != "" && !present(news, k.nameProp) && (k.prefixProp == "" || !present(news, k.prefixProp)) {
		name, err := p.autoname(req, k)
		if err != nil {
			return plugin.CheckResponse{}, err
		}
		news[resource.PropertyKey(k.nameProp)] = str(name)
	}
	for key, v := range k.defaults {
		if !present(news, string(key)) {
			news[resource.PropertyKey(key)] = v
		}
	}
	for key := range k.docs {
		pk := resource.PropertyKey(key)
		if v, ok := news[pk]; ok {
			news[pk] = normaliseDocument(v)
			if doc, ok := stringProp(news, key); ok {
				if reason := checkPolicyJSON(doc); reason != "" {
					failures = append(failures, plugin.CheckFailure{Property: pk, Reason: reason})
				}
			}
		}
	}
	if req.Type == "aws:iam/role:Role" {
		failures = append(failures, normaliseInlinePolicies(news)...)
	}
	if k.check != nil {
		failures = append(failures, k.check(news)...)
	}
	return plugin.CheckResponse{Properties: news, Failures: failures}, nil
}

// normaliseInlinePolicies applies the document rules to a role's inlinePolicies[].policy.
func normaliseInlinePolicies(news resource.PropertyMap) []plugin.CheckFailure {
	v, ok := news["inlinePolicies"]
	if !ok {
		return nil
	}
	inner, secret := unwrap(v)
	if !inner.IsArray() {
		return nil
	}
	var failures []plugin.CheckFailure
	out := make([]resource.PropertyValue, 0, len(inner.ArrayValue()))
	for i, e := range inner.ArrayValue() {
		ev, esecret := unwrap(e)
		if ev.IsObject() {
			obj := ev.ObjectValue().Copy()
			if d, ok := obj["policy"]; ok {
				obj["policy"] = normaliseDocument(d)
				if doc, ok := stringProp(obj, "policy"); ok {
					if reason := checkPolicyJSON(doc); reason != "" {
						failures = append(failures, plugin.CheckFailure{
							Property: resource.PropertyKey(fmt.Sprintf("inlinePolicies[%d].policy", i)), Reason: reason})
					}
				}
			}
			ev = resource.NewObjectProperty(obj)
			if esecret {
				ev = resource.MakeSecret(ev)
			}
			e = ev
		}
		out = append(out, e)
	}
	nv := resource.NewArrayProperty(out)
	if secret {
		nv = resource.MakeSecret(nv)
	}
	news["inlinePolicies"] = nv
	return failures
}

// autoname keeps the name from the previous inputs, or generates `<name>-<7 hex>` from the
// engine's random seed, so that preview and update agree.
func (p *Provider) autoname(req plugin.CheckRequest, k kind) (string, error) {
	if old, ok := stringProp(req.Olds, k.nameProp); ok && old != "" {
		return old, nil
	}
	prefix := req.Name + "-"
	if k.lowerName {
		prefix = strings.ToLower(prefix)
	}
	seed := req.RandomSeed
	if len(seed) == 0 {
		seed = []byte(p.randomHex(16))
	}
	name, err := resource.NewUniqueName(seed, prefix, 7, k.maxName, []rune("0123456789abcdef"))
	if err != nil {
		return "", fmt.Errorf("auto-naming %s: %w", req.URN, err)
	}
	return name, nil
}

// Diff compares old and new inputs.
func (p *Provider) Diff(_ context.Context, req plugin.DiffRequest) (plugin.DiffResult, error) {
	k := kindOf(string(req.Type))
	if req.Type == "aws:ecs/taskDefinition:TaskDefinition" {
		p.noteRevision(req.OldOutputs)
	}
	d := diffProps(req.OldInputs, req.NewInputs, k)
	if len(d.ReplaceKeys) > 0 && k.nameProp != "" {
		// The physical name does not change, so the old resource must go first.
		ov, oldOK := req.OldInputs[resource.PropertyKey(k.nameProp)]
		nv, newOK := req.NewInputs[resource.PropertyKey(k.nameProp)]
		d.DeleteBeforeReplace = oldOK && newOK && ov.DeepEquals(nv)
	}
	return d, nil
}

func diffProps(olds, news resource.PropertyMap, k kind) plugin.DiffResult {
	keys := map[resource.PropertyKey]bool{}
	for key := range olds {
		keys[key] = true
	}
	for key := range news {
		keys[key] = true
	}
	sorted := make([]resource.PropertyKey, 0, len(keys))
	for key := range keys {
		sorted = append(sorted, key)
	}
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })

	res := plugin.DiffResult{Changes: plugin.DiffNone, DetailedDiff: map[string]plugin.PropertyDiff{}}
	for _, key := range sorted {
		ov, hasOld := olds[key]
		nv, hasNew := news[key]
		if hasOld && ov.IsNull() {
			hasOld = false
		}
		if hasNew && nv.IsNull() {
			hasNew = false
		}
		var kindOfDiff plugin.DiffKind
		switch {
		case !hasOld && !hasNew:
			continue
		case !hasOld:
			kindOfDiff = plugin.DiffAdd
		case !hasNew:
			kindOfDiff = plugin.DiffDelete
		case nv.ContainsUnknowns() || !ov.DeepEquals(nv):
			kindOfDiff = plugin.DiffUpdate
		default:
			continue
		}
		replace := k.allForceNew || slices.Contains(k.forceNew, string(key))
		if replace {
			switch kindOfDiff {
			case plugin.DiffAdd:
				kindOfDiff = plugin.DiffAddReplace
			case plugin.DiffDelete:
				kindOfDiff = plugin.DiffDeleteReplace
			default:
				kindOfDiff = plugin.DiffUpdateReplace
			}
			res.ReplaceKeys = append(res.ReplaceKeys, key)
		}
		res.Changes = plugin.DiffSome
		res.ChangedKeys = append(res.ChangedKeys, key)
		res.DetailedDiff[string(key)] = plugin.PropertyDiff{Kind: kindOfDiff, InputDiff: true}
	}
	if res.Changes == plugin.DiffNone {
		res.DetailedDiff = nil
	}
	return res
}

// Create returns unknown identifiers during preview, and real-looking ones otherwise, after the
// checks the AWS API would make.
func (p *Provider) Create(_ context.Context, req plugin.CreateRequest) (plugin.CreateResponse, error) {
	k := kindOf(string(req.Type))
	props := req.Properties.Copy()
	if k.prefixProp != "" && !present(props, k.nameProp) {
		if prefix, ok := stringProp(props, k.prefixProp); ok {
			if req.Preview {
				props[resource.PropertyKey(k.nameProp)] = computedString()
			} else {
				props[resource.PropertyKey(k.nameProp)] = str(prefix + p.randomDigits(26))
			}
		}
	}
	if req.Preview {
		for _, key := range k.computedKeys {
			props[resource.PropertyKey(key)] = computedString()
		}
		return plugin.CreateResponse{Properties: props}, nil
	}
	if err := p.apiCheck("creating", k, req.Name, props); err != nil {
		return plugin.CreateResponse{}, err
	}
	id := k.id(p, props)
	for key, v := range k.outputs(p, id, props) {
		props[key] = v
	}
	p.record(string(req.Type), props, false)
	return plugin.CreateResponse{ID: resource.ID(id), Properties: props}, nil
}

// Update keeps the computed outputs and takes the new inputs.
func (p *Provider) Update(_ context.Context, req plugin.UpdateRequest) (plugin.UpdateResponse, error) {
	k := kindOf(string(req.Type))
	props := req.OldOutputs.Copy()
	for key := range req.OldInputs {
		if _, ok := req.NewInputs[key]; !ok {
			delete(props, key)
		}
	}
	for key, v := range req.NewInputs {
		props[key] = v
	}
	if req.Preview {
		return plugin.UpdateResponse{Properties: props}, nil
	}
	if err := p.apiCheck("updating", k, req.Name, props); err != nil {
		return plugin.UpdateResponse{}, err
	}
	p.record(string(req.Type), props, false)
	return plugin.UpdateResponse{Properties: props}, nil
}

// apiCheck returns the error the AWS API would return, worded as the real provider words it.
func (p *Provider) apiCheck(verb string, k kind, name string, props resource.PropertyMap) error {
	if k.validate == nil {
		return nil
	}
	msg := k.validate(p, name, props)
	if msg == "" {
		return nil
	}
	code, text, _ := strings.Cut(msg, ": ")
	return fmt.Errorf("%s %s (%s): operation error %s: %s, https response error StatusCode: 400, "+
		"RequestID: %s, %s: %s", verb, k.label, physicalName(k, props, name), k.service, k.createOp,
		p.requestID(), code, text)
}

func physicalName(k kind, props resource.PropertyMap, fallback string) string {
	for _, key := range []string{k.nameProp, "bucket", "family", "role", "name"} {
		if key == "" {
			continue
		}
		if s, ok := stringProp(props, key); ok && s != "" {
			return s
		}
	}
	return fallback
}

// Read returns the recorded state: the stand-in has no cloud to look at, so there is no drift.
func (p *Provider) Read(_ context.Context, req plugin.ReadRequest) (plugin.ReadResponse, error) {
	if len(req.State) == 0 {
		return plugin.ReadResponse{}, fmt.Errorf("reading %s (%s): the offline aws stand-in only knows "+
			"resources it created", req.Type, req.ID)
	}
	if req.Type == "aws:ecs/taskDefinition:TaskDefinition" {
		p.noteRevision(req.State)
	}
	return plugin.ReadResponse{ReadResult: plugin.ReadResult{ID: req.ID, Inputs: req.Inputs, Outputs: req.State},
		Status: resource.StatusOK}, nil
}

// Delete always succeeds: deleting a non-empty bucket without forceDestroy is not simulated
// (the stand-in stores no objects).
func (p *Provider) Delete(_ context.Context, req plugin.DeleteRequest) (plugin.DeleteResponse, error) {
	p.record(string(req.Type), req.Outputs, true)
	return plugin.DeleteResponse{Status: resource.StatusOK}, nil
}

// record keeps the per-role inline policy sizes current.
func (p *Provider) record(typ string, props resource.PropertyMap, deleted bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch typ {
	case "aws:iam/rolePolicy:RolePolicy":
		role, _ := stringProp(props, "role")
		name, _ := stringProp(props, "name")
		if p.rolePolicies[role] == nil {
			p.rolePolicies[role] = map[string]int{}
		}
		if deleted {
			delete(p.rolePolicies[role], name)
			return
		}
		doc, _ := stringProp(props, "policy")
		p.rolePolicies[role][name] = policySize(doc)
	case "aws:iam/role:Role":
		name, _ := stringProp(props, "name")
		if deleted {
			delete(p.roleInline, name)
			return
		}
		total := 0
		if v, ok := props["inlinePolicies"]; ok {
			if v, _ = unwrap(v); v.IsArray() {
				for _, e := range v.ArrayValue() {
					if e, _ = unwrap(e); e.IsObject() {
						doc, _ := stringProp(e.ObjectValue(), "policy")
						total += policySize(doc)
					}
				}
			}
		}
		p.roleInline[name] = total
	}
}

func (p *Provider) rolePolicySize(role, except string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	total := 0
	for name, n := range p.rolePolicies[role] {
		if name != except {
			total += n
		}
	}
	return total
}

func (p *Provider) roleInlineSize(role string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.roleInline[role]
}

func (p *Provider) noteRevision(state resource.PropertyMap) {
	fam, _ := stringProp(state, "family")
	rev, ok := state["revision"]
	if fam == "" || !ok {
		return
	}
	if rev, _ = unwrap(rev); rev.IsNumber() {
		p.mu.Lock()
		if r := int(rev.NumberValue()); r > p.revisions[fam] {
			p.revisions[fam] = r
		}
		p.mu.Unlock()
	}
}

func (p *Provider) nextRevision(family string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.revisions[family]++
	return p.revisions[family]
}

func (p *Provider) currentRegion() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.region
}

// partition is the AWS partition of the configured region.
func (p *Provider) partition() string {
	r := p.currentRegion()
	switch {
	case strings.HasPrefix(r, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(r, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

func (p *Provider) arn(service, region, account, res string) string {
	return fmt.Sprintf("arn:%s:%s:%s:%s:%s", p.partition(), service, region, account, res)
}

func (p *Provider) now() string { return p.clock().UTC().Format(time.RFC3339) }

func (p *Provider) requestID() string {
	h := p.randomHex(16)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + p.randomHex(2) + "-" + p.randomHex(6)
}

func (p *Provider) randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)[:n]
}

func (p *Provider) randomFrom(alphabet string, n int) string {
	var b strings.Builder
	for range n {
		i, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			i = big.NewInt(0)
		}
		b.WriteByte(alphabet[i.Int64()])
	}
	return b.String()
}

func (p *Provider) randomDigits(n int) string { return p.randomFrom("0123456789", n) }

func (p *Provider) randomUpper(n int) string {
	return p.randomFrom("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", n)
}
