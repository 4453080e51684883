package pack

import (
	"sync"
	"sync/atomic"

	"github.com/keyless-ecs/railsapp/internal/iampolicy"
)

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
		return docVerdict{v: malformed, detail: "the policy document cannot be read: " + err.Error()}
	}
	return judgeDoc(doc)
}
