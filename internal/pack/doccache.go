package pack

import (
	"sync"
	"sync/atomic"

	"github.com/keyless-ecs/railsapp/internal/iampolicy"
)

// docCache memoizes the parse and S3 verdict of policy documents by their JSON text. Stacks repeat
// documents (every ECS role has the same trust policy; generated stacks repeat whole policies),
// and Analyze and AnalyzeStack read the same ones, so each distinct document is parsed once.
// Entries are immutable and depend only on the text, so sharing them is safe; the cache stops
// growing at its limit rather than evicting.
type docCache struct {
	m     sync.Map // string → *docVerdict
	n     atomic.Int64
	limit int64
}

var parsedDocs = &docCache{limit: 16384}

// judge returns the verdict for a JSON policy document.
func (c *docCache) judge(text string) docVerdict {
	if v, ok := c.m.Load(text); ok {
		return *v.(*docVerdict)
	}
	var dv docVerdict
	doc, err := iampolicy.ParseJSON(text)
	if err != nil {
		dv = docVerdict{v: malformed, detail: "the policy document cannot be read: " + err.Error()}
	} else {
		dv = judgeDoc(doc)
	}
	if c.n.Load() < c.limit {
		if _, loaded := c.m.LoadOrStore(text, &dv); !loaded {
			c.n.Add(1)
		}
	}
	return dv
}
