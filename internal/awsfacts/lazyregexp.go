package awsfacts

import (
	"regexp"
	"sync"
)

// lazyRegexp is a regular expression compiled on first use. The patterns of this package are
// package variables: compiled at start-up, their bounded repetitions ({1,512} …) cost every
// program that imports the package about a megabyte and milliseconds before main, which the
// policy pack pays before it can answer the engine, though it rarely matches any of them.
// (The standard library keeps the same helper internal: internal/lazyregexp.)
type lazyRegexp struct{ re func() *regexp.Regexp }

func lazyMustCompile(pattern string) *lazyRegexp {
	return &lazyRegexp{re: sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(pattern) })}
}

// MatchString reports whether s matches the expression.
func (r *lazyRegexp) MatchString(s string) bool { return r.re().MatchString(s) }
