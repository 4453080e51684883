package pack

import (
	"strings"
	"sync"
	"sync/atomic"

	"github.com/keyless-ecs/railsapp/internal/iampolicy"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// docState is what the pack knows about one IAM policy document.
type docState int

const (
	docAbsent    docState = iota // no document (property absent, null or empty)
	docNoS3                      // read: no Allow statement grants an S3 action
	docGrantsS3                  // read: some Allow statement grants an S3 action
	docMalformed                 // cannot be read: never a pass where S3 matters
	docUnknown                   // not known yet (preview)
)

// docVerdict is a policy document, parsed once, and what it means for S3.
type docVerdict struct {
	state  docState
	doc    *iampolicy.Document
	s3     []iampolicy.S3Grant // the statements that grant S3 (docGrantsS3)
	detail string              // why it cannot be read or is not known; never a value
	fix    string              // how to proceed, when the verdict needs its own fix
}

func judgeDoc(doc *iampolicy.Document) docVerdict {
	if g := doc.S3Grants(); len(g) > 0 {
		return docVerdict{state: docGrantsS3, doc: doc, s3: g}
	}
	return docVerdict{state: docNoS3, doc: doc}
}

// docCache memoizes the parse and S3 verdict of policy documents by their JSON text. Stacks repeat
// documents (every ECS role has the same trust policy; generated stacks repeat whole policies),
// and Analyze and AnalyzeStack read the same ones, so each distinct document is parsed once per
// analyzer. Entries are immutable and depend only on the text, so concurrent calls share them;
// the cache stops growing at its limit rather than evicting. A nil cache parses every time.
type docCache struct {
	m     sync.Map // string → *docVerdict
	n     atomic.Int64
	limit int64
}

// docCacheLimit bounds the memory a stack of many distinct documents can pin.
const docCacheLimit = 16384

func newDocCache() *docCache { return &docCache{limit: docCacheLimit} }

// judge returns the verdict for a JSON policy document.
func (c *docCache) judge(text string) docVerdict {
	if c == nil {
		return judgeText(text)
	}
	if v, ok := c.m.Load(text); ok {
		return *v.(*docVerdict)
	}
	dv := judgeText(text)
	if c.n.Load() < c.limit {
		if _, loaded := c.m.LoadOrStore(text, &dv); !loaded {
			c.n.Add(1)
		}
	}
	return dv
}

// judgeText parses a JSON policy document and judges it.
func judgeText(text string) docVerdict {
	doc, err := iampolicy.ParseJSON(text)
	if err != nil {
		return docVerdict{state: docMalformed, detail: "the policy document cannot be read: " + err.Error()}
	}
	return judgeDoc(doc)
}

// judgeValue judges the policy document in props[key], a JSON string or an object.
func (c *docCache) judgeValue(props resource.PropertyMap, key resource.PropertyKey) docVerdict {
	v, ok := props[key]
	if !ok {
		return docVerdict{}
	}
	plain, isKnown := toPlain(v)
	if !isKnown {
		return docVerdict{state: docUnknown, detail: "the policy document is not known yet (preview)"}
	}
	switch x := plain.(type) {
	case nil:
		return docVerdict{}
	case string:
		if strings.TrimSpace(x) == "" {
			// An empty document is how pulumi-aws spells "no inline policy" (inlinePolicies: [{}]).
			return docVerdict{}
		}
		return c.judge(x)
	}
	doc, err := iampolicy.Parse(plain)
	if err != nil {
		return docVerdict{state: docMalformed, detail: "the policy document cannot be read: " + err.Error()}
	}
	return judgeDoc(doc)
}
