package pack

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/keyless-ecs/railsapp/internal/awscreds"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// credWalk reads every string of a resource's inputs for AWS credentials: values, map keys,
// names that say a value is a key, lists as commands, asset text and the files of assets and
// archives. It collects one message line per finding, with the property path where it is.
type credWalk struct {
	extra []string // the organization's further forbidden variable names
	// label starts a line about a path (Input containerDefinitions[0]…); root names the whole
	// (The resource sets …).
	label, root string
	// path is where the walk is; it is rendered only for a finding, so clean inputs cost no
	// allocation for it.
	path      []pathElem
	keys      []resource.PropertyKey // the keys of the objects being walked, one run per level
	args      []string               // reused for the strings of a list
	msgs      []string
	undecided []string
	files     fileBudget
}

// maxCredLines bounds the lines of one resource's message: past it, the message says how many
// more there are (an archive full of keys would otherwise make a message nobody reads).
const maxCredLines = 25

const (
	inputLabel   = "Input"
	resourceRoot = "The resource"
)

// pathElem is one step of a property path: a key, or an index in a list.
type pathElem struct {
	key     string
	index   int
	isIndex bool
}

// walks keeps walkers between resources: their path and key stacks are reused, so a resource
// with nothing to report costs no allocation for them (the engine analyses one resource after
// another, in parallel at most by its worker count).
var walks = sync.Pool{New: func() any { return &credWalk{} }}

// newCredWalk returns a walker with nothing found; release it when its findings are taken.
func newCredWalk(extra []string) *credWalk {
	w := walks.Get().(*credWalk)
	w.extra, w.label, w.root = extra, inputLabel, resourceRoot
	return w
}

func (w *credWalk) release() {
	// No value or name outlives the resource it came from.
	clear(w.args[:cap(w.args)])
	clear(w.keys[:cap(w.keys)])
	clear(w.path[:cap(w.path)])
	*w = credWalk{path: w.path[:0], keys: w.keys[:0], args: w.args[:0]}
	walks.Put(w)
}

func (w *credWalk) pushKey(k string) { w.path = append(w.path, pathElem{key: k}) }
func (w *credWalk) pushIndex(i int)  { w.path = append(w.path, pathElem{index: i, isIndex: true}) }
func (w *credWalk) pop()             { w.path = w.path[:len(w.path)-1] }

// where renders the current path: keys joined by dots, indexes and keys that are not plain
// words in brackets (environment.variables.KEY, containerDefinitions[0].environment[2],
// dockerLabels["com.example.key"], code["config/.env"]).
func (w *credWalk) where() string { return renderPath(w.path) }

func renderPath(path []pathElem) string {
	var b strings.Builder
	for i, e := range path {
		switch {
		case e.isIndex:
			b.WriteString("[" + strconv.Itoa(e.index) + "]")
		case isPlainKey(e.key):
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(e.key)
		default:
			b.WriteString("[" + strconv.Quote(e.key) + "]")
		}
	}
	return b.String()
}

func isPlainKey(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == ':') {
			return false
		}
	}
	return true
}

func (w *credWalk) add(line string) { w.msgs = append(w.msgs, line) }

// under is the name a value sits under, and what it says.
type under struct {
	name string
	kind credentialNameKind
	// ref is set when the value is a reference to where the value is kept (an ECS secret's
	// valueFrom), not the value itself.
	ref bool
	// reported is set once the name itself has been reported.
	reported bool
	// pair is set when the name is a name/value pair's name rather than the value's key.
	pair bool
}

func (w *credWalk) under(name string) under {
	return under{name: name, kind: classifyCredentialName(name, w.extra)}
}

// Name/value pairs: an object that sets the variable its name key names to its value key
// ({"name":…,"value":…} in ECS environments and secrets, CodeBuild and Beanstalk settings, an
// SSM parameter's own name and value, tag lists). Keys are compared without letter case, as
// encoding/json (and so the provider) reads container definitions.
type pairKey int

const (
	notPairKey pairKey = iota
	pairName           // the name
	pairValue
	pairRef // a reference to where the value is kept (an ECS secret's valueFrom)
)

// pairKeys are the keys of name/value pairs; a name key's rank says which wins when an object
// has several (name before key before parameterName …).
var pairKeys = []struct {
	key  string
	kind pairKey
	rank int
}{
	{"name", pairName, 0}, {"key", pairName, 1}, {"parameterName", pairName, 2}, {"parameterKey", pairName, 3},
	{"variableName", pairName, 4},
	{"value", pairValue, 0}, {"insecureValue", pairValue, 0}, {"defaultValue", pairValue, 0}, {"parameterValue", pairValue, 0},
	{"valueFrom", pairRef, 0},
}

// pairKeyOf says what a key is in a name/value pair, and for a name key its rank.
func pairKeyOf(key string) (pairKey, int) {
	for _, p := range pairKeys {
		if len(p.key) == len(key) && strings.EqualFold(p.key, key) {
			return p.kind, p.rank
		}
	}
	return notPairKey, 0
}

// pairFinder finds the name of a name/value pair object, key by key: the best-ranked name key
// with a known string, once some value key is there too.
type pairFinder struct {
	name     string
	best     int
	hasValue bool
}

func (p *pairFinder) see(k resource.PropertyKey, v resource.PropertyValue) {
	switch kind, rank := pairKeyOf(string(k)); kind {
	case pairValue, pairRef:
		p.hasValue = true
	case pairName:
		if u, isKnown, _ := unwrap(v); isKnown && u.IsString() && (p.best < 0 || rank < p.best) {
			p.name, p.best = u.StringValue(), rank
		}
	}
}

// of returns the pair's name ("" when the object is not a pair).
func (p *pairFinder) of() string {
	if !p.hasValue {
		return ""
	}
	return p.name
}

// props walks a resource's inputs, but for the keys in skip (read by a check of their own).
func (w *credWalk) props(m resource.PropertyMap, skip ...resource.PropertyKey) {
	w.object(m, false, skip)
}

// object walks an object's keys in a stable order; each value sits under its key, or, in a
// name/value pair, under the pair's name.
func (w *credWalk) object(obj resource.PropertyMap, secret bool, skip []resource.PropertyKey) {
	// The keys, sorted, go on a stack shared by every level (PropertyMap.StableKeys would
	// allocate for each object); deeper levels push theirs after these and take them off.
	start := len(w.keys)
	pn := pairFinder{best: -1}
	for k, v := range obj {
		pn.see(k, v)
		if !slices.Contains(skip, k) {
			w.keys = append(w.keys, k)
		}
	}
	pair := pn.of()
	end := len(w.keys)
	slices.Sort(w.keys[start:end])
	for i := start; i < end; i++ {
		k := w.keys[i]
		key := string(k)
		w.pushKey(key)
		w.mapKey(key)
		n := under{name: key}
		if pair != "" {
			switch kind, _ := pairKeyOf(key); kind {
			case pairValue:
				n = under{name: pair, pair: true}
			case pairRef:
				n = under{name: pair, pair: true, ref: true}
			}
		}
		n.kind = classifyCredentialName(n.name, w.extra)
		w.value(obj[k], n, secret)
		w.pop()
	}
	w.keys = w.keys[:start]
}

// mapKey scans a key itself: a key ID used as a map key is as embedded as one used as a value.
func (w *credWalk) mapKey(key string) {
	for _, f := range credentialsIn("", key) {
		w.add(fmt.Sprintf("%s %s has a key shaped like an AWS %s (%s).", w.label, w.where(), f.Kind, f.Redacted))
	}
}

// value walks one value under a name.
func (w *credWalk) value(v resource.PropertyValue, n under, secret bool) {
	u, isKnown, sec := unwrap(v)
	secret = secret || sec
	if n.kind != notCredentialName && !n.reported {
		switch {
		case !isKnown:
			w.nameFinding(n, " to a value that is not known yet (another resource's output)")
			n.reported = true
		case n.ref && nonEmpty(u):
			w.nameFinding(n, " from a reference the pack cannot read")
			n.reported = true
		case n.kind == sdkCredentialName && nonEmpty(u):
			w.nameFinding(n, "")
			n.reported = true
		}
	}
	if !isKnown {
		return
	}
	switch {
	case u.IsString():
		w.text(u.StringValue(), n, secret, true)
	case u.IsArray():
		w.list(u.ArrayValue(), n, secret)
	case u.IsObject():
		w.object(u.ObjectValue(), secret, nil)
	case u.IsAsset():
		w.asset(u.AssetValue(), "", secret)
	case u.IsArchive():
		w.archive(u.ArchiveValue(), secret)
	}
}

func nonEmpty(u resource.PropertyValue) bool {
	switch {
	case u.IsNull():
		return false
	case u.IsString():
		return u.StringValue() != "" // the SDKs take " " for a key, and fail rather than use the role
	case u.IsArray():
		return len(u.ArrayValue()) > 0
	case u.IsObject():
		return len(u.ObjectValue()) > 0
	}
	return true
}

// list walks a list: a list of strings is read as a command (a flag names the argument after
// it), any other list element by element, each under the list's name.
func (w *credWalk) list(arr []resource.PropertyValue, n under, secret bool) {
	w.args = w.args[:0]
	allStrings, anySecret := len(arr) > 0, false
	for _, e := range arr {
		u, isKnown, sec := unwrap(e)
		if !isKnown || !u.IsString() {
			allStrings = false
			break
		}
		anySecret = anySecret || sec
		w.args = append(w.args, u.StringValue())
	}
	if allStrings && n.kind == notCredentialName {
		for _, f := range credentialsInArgs(w.args) {
			w.pushIndex(f.Arg)
			w.finding(f.Finding, n, 0, secret || anySecret)
			w.pop()
		}
		return
	}
	for i, e := range arr {
		w.pushIndex(i)
		w.value(e, n, secret)
		w.pop()
	}
}

// text scans a string: under a credential name as that key (a 40-character secret stands
// alone), otherwise as text that may be a file: credential-shaped values, and, when names is set,
// credential names assigned any value. A reference (valueFrom) is not the key, so its name says
// nothing about it.
func (w *credWalk) text(s string, n under, secret, names bool) {
	if n.kind != notCredentialName && !n.ref {
		for _, f := range credentialsIn(n.name, s) {
			w.finding(f, n, 0, secret)
		}
		return
	}
	multiline := strings.IndexByte(s, '\n') >= 0
	for _, f := range credentialsInText(s) {
		if f.Kind == awscreds.CredentialName && !names {
			continue
		}
		line := 0
		if multiline {
			line = f.Line
		}
		w.finding(f.Finding, n, line, secret)
	}
}

// finding renders one scanner finding at the current path (with the variable's name, for the
// value of a name/value pair).
func (w *credWalk) finding(f awscreds.Finding, n under, line int, secret bool) {
	at := w.where()
	if n.pair {
		at += " (" + n.name + ")"
	}
	if line > 0 {
		at += fmt.Sprintf(" line %d", line)
	}
	var note string
	if f.Encoding != "" {
		note += ", in " + f.Encoding
	}
	if secret {
		note += ", a secret value"
	}
	if f.Kind == awscreds.CredentialName {
		w.add(fmt.Sprintf("%s %s assigns %s, an AWS credential name%s: the name alone is forbidden, whatever its value.",
			w.label, at, f.Redacted, note))
		return
	}
	w.add(fmt.Sprintf("%s %s holds a value shaped like an AWS %s (%s)%s.", w.label, at, f.Kind, f.Redacted, note))
}

// nameFinding reports a credential name set to a value; how says how the value is set.
func (w *credWalk) nameFinding(n under, how string) {
	// The name is the last key of the path, or the pair's name: say where it is set.
	at := w.root
	if len(w.path) > 1 {
		at = w.label + " " + renderPath(w.path[:len(w.path)-1])
	}
	what := "a name meant to hold an AWS " + awscreds.ClassifyName(n.name).String()
	what = strings.TrimSuffix(what, " name")
	if n.kind == sdkCredentialName {
		what = "the AWS SDKs read static credentials from this name, ahead of the task role"
		if !awscreds.IsCredentialEnvName(n.name) {
			what = "a name forbidden by extraForbiddenEnvNames"
		}
	}
	w.add(fmt.Sprintf("%s sets %s%s: %s; the name alone is forbidden, whatever its value.", at, n.name, how, what))
}
