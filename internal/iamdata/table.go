package iamdata

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The table is text, so that a data update reads as a diff in review:
//
//	# comment lines
//	snapshot 2026-08-22
//	actions <n>
//	<n lines: one S3-family action each, sorted case-insensitively>
//	policies <m>
//	<m lines: key TAB flags TAB actions TAB why>
//
// key is the policy's path without its leading "/" followed by its name
// ("service-role/AmazonECSTaskExecutionRolePolicy"), lines sorted by key case-insensitively;
// flags is "-" or some of "d" (deprecated) and "f" (may grant S3-family actions the catalog does
// not list), in that order; actions is "-" or ascending index ranges into the action list
// ("0-15,17"); why is a Go-quoted string naming the first statement that grants S3, or "".

const (
	tagSnapshot = "snapshot"
	tagActions  = "actions"
	tagPolicies = "policies"
	flagDepr    = 'd'
	flagFuture  = 'f'
	none        = "-"
)

// Table is the derived data in full: what the generator writes and what tests check.
type Table struct {
	// Snapshot is the date (YYYY-MM-DD) of the AWS data the table was derived from.
	Snapshot string
	// Header holds comment lines written at the top, without their "# ".
	Header []string
	// Actions is the S3-family action catalog, sorted case-insensitively.
	Actions  []string
	Policies []Policy
}

// Policy is what the table says about one AWS managed policy.
type Policy struct {
	// Path is the policy's path with both slashes ("/", "/service-role/").
	Path       string
	Name       string
	Deprecated bool
	// Actions are the indexes into Table.Actions of the S3-family actions the policy grants,
	// ascending.
	Actions []int
	// Future is true when the policy may also grant S3-family actions the catalog does not list.
	Future bool
	// Why names the first statement that grants S3 ("" when none does).
	Why string
}

// Key is the policy's path without the leading "/", then its name: the table's sort key.
func (p Policy) Key() string { return strings.TrimPrefix(p.Path, "/") + p.Name }

// MarshalText renders the table, checking that it is well-formed.
func (t *Table) MarshalText() ([]byte, error) {
	if err := t.validate(); err != nil {
		return nil, err
	}
	var b strings.Builder
	for _, h := range t.Header {
		if strings.ContainsAny(h, "\r\n") {
			return nil, fmt.Errorf("header line %q spans lines", h)
		}
		b.WriteString("# " + h + "\n")
	}
	fmt.Fprintf(&b, "%s %s\n%s %d\n", tagSnapshot, t.Snapshot, tagActions, len(t.Actions))
	for _, a := range t.Actions {
		b.WriteString(a + "\n")
	}
	fmt.Fprintf(&b, "%s %d\n", tagPolicies, len(t.Policies))
	for _, p := range t.Policies {
		flags := ""
		if p.Deprecated {
			flags += string(flagDepr)
		}
		if p.Future {
			flags += string(flagFuture)
		}
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\n", p.Key(), orNone(flags), orNone(formatRanges(p.Actions)), strconv.Quote(p.Why))
	}
	return []byte(b.String()), nil
}

func orNone(s string) string {
	if s == "" {
		return none
	}
	return s
}

// validate checks what UnmarshalText checks, so that what is written can be read back.
func (t *Table) validate() error {
	if !isDate(t.Snapshot) {
		return fmt.Errorf("snapshot date %q is not YYYY-MM-DD", t.Snapshot)
	}
	if err := checkActions(t.Actions); err != nil {
		return err
	}
	for i, p := range t.Policies {
		if err := checkKey(p.Path, p.Name); err != nil {
			return err
		}
		if !slices.IsSorted(p.Actions) || (len(p.Actions) > 0 && (p.Actions[0] < 0 || p.Actions[len(p.Actions)-1] >= len(t.Actions))) ||
			len(slices.Compact(slices.Clone(p.Actions))) != len(p.Actions) {
			return fmt.Errorf("policy %s: action indexes must be distinct, ascending and below %d", p.Key(), len(t.Actions))
		}
		if i > 0 && compareFold(t.Policies[i-1].Key(), p.Key()) >= 0 {
			return fmt.Errorf("policy %s: policies must be sorted case-insensitively and unique", p.Key())
		}
	}
	return nil
}

// UnmarshalText parses and checks a whole table.
func (t *Table) UnmarshalText(text []byte) error {
	ix, err := newIndex(string(text))
	if err != nil {
		return err
	}
	*t = Table{Snapshot: ix.date, Header: ix.header, Actions: ix.actions, Policies: make([]Policy, 0, len(ix.lines))}
	for i, line := range ix.lines {
		p, err := parsePolicy(line, len(ix.actions))
		if err != nil {
			return err
		}
		if i > 0 && compareFold(t.Policies[i-1].Key(), p.Key()) >= 0 {
			return fmt.Errorf("policy %s: policies must be sorted case-insensitively and unique", p.Key())
		}
		t.Policies = append(t.Policies, p)
	}
	return nil
}

// head is the start of a table, read without touching the policy lines: the header, the date and
// the catalog, which is all the action catalog needs.
type head struct {
	date     string
	header   []string
	actions  []string
	policies string // the rest of the text, from the policies count line
}

// index is a table read only as far as lookups need: the head parsed, the policy lines kept as
// they are (substrings of the text) and parsed when looked up.
type index struct {
	*head
	lines []string
}

// lineReader yields the lines of a text in which every line ends with a newline.
type lineReader struct{ rest string }

func (r *lineReader) next() (string, bool) {
	line, after, ok := strings.Cut(r.rest, "\n")
	if !ok {
		return "", false
	}
	r.rest = after
	return line, true
}

func readHead(text string) (*head, error) {
	h := &head{}
	r := &lineReader{rest: text}
	line, ok := r.next()
	for ok && strings.HasPrefix(line, "#") {
		h.header = append(h.header, strings.TrimPrefix(strings.TrimPrefix(line, "#"), " "))
		line, ok = r.next()
	}
	date, found := strings.CutPrefix(line, tagSnapshot+" ")
	if !ok || !found || !isDate(date) {
		return nil, errors.New(`the table does not start with "snapshot YYYY-MM-DD"`)
	}
	h.date = date
	n, err := count(r, tagActions)
	if err != nil {
		return nil, err
	}
	for range n {
		a, ok := r.next()
		if !ok {
			return nil, errors.New("the table ends inside its action list")
		}
		h.actions = append(h.actions, a)
	}
	if err := checkActions(h.actions); err != nil {
		return nil, err
	}
	h.policies = r.rest
	return h, nil
}

// index reads the policy lines that follow the head.
func (h *head) index() (*index, error) {
	r := &lineReader{rest: h.policies}
	n, err := count(r, tagPolicies)
	if err != nil {
		return nil, err
	}
	ix := &index{head: h, lines: make([]string, 0, n)}
	for range n {
		l, ok := r.next()
		if !ok {
			return nil, errors.New("the table ends inside its policy list")
		}
		ix.lines = append(ix.lines, l)
	}
	if r.rest != "" {
		return nil, errors.New("the table has data after its policy list")
	}
	return ix, nil
}

func newIndex(text string) (*index, error) {
	h, err := readHead(text)
	if err != nil {
		return nil, err
	}
	return h.index()
}

// maxCount bounds the counts a table may declare, so that a corrupt one cannot ask for a huge
// allocation.
const maxCount = 1 << 20

func count(r *lineReader, tag string) (int, error) {
	line, ok := r.next()
	s, found := strings.CutPrefix(line, tag+" ")
	n, err := strconv.Atoi(s)
	if !ok || !found || err != nil || n < 0 || n > maxCount {
		return 0, fmt.Errorf("the table has no %q count line", tag)
	}
	return n, nil
}

// lookup returns the policy line whose key equals key case-insensitively.
func (ix *index) lookup(key string) (string, bool) {
	i, found := slices.BinarySearchFunc(ix.lines, key, func(line, key string) int {
		k, _, _ := strings.Cut(line, "\t")
		return compareFold(k, key)
	})
	if !found {
		return "", false
	}
	return ix.lines[i], true
}

func parsePolicy(line string, nActions int) (Policy, error) {
	f := strings.Split(line, "\t")
	if len(f) != 4 {
		return Policy{}, fmt.Errorf("policy line %q does not have 4 tab-separated fields", line)
	}
	var p Policy
	i := strings.LastIndexByte(f[0], '/')
	p.Path, p.Name = "/"+f[0][:i+1], f[0][i+1:]
	if err := checkKey(p.Path, p.Name); err != nil {
		return Policy{}, err
	}
	if f[1] != none {
		flags := f[1]
		p.Deprecated = strings.HasPrefix(flags, string(flagDepr))
		flags = strings.TrimPrefix(flags, string(flagDepr))
		p.Future = flags == string(flagFuture)
		if flags != "" && !p.Future {
			return Policy{}, fmt.Errorf("policy %s: flags %q are not %q", f[0], f[1], "df")
		}
	}
	if f[2] != none {
		var err error
		if p.Actions, err = parseRanges(f[2], nActions); err != nil {
			return Policy{}, fmt.Errorf("policy %s: %w", f[0], err)
		}
	}
	why, err := strconv.Unquote(f[3])
	if err != nil {
		return Policy{}, fmt.Errorf("policy %s: the reason is not a quoted string", f[0])
	}
	p.Why = why
	return p, nil
}

func formatRanges(xs []int) string {
	var b strings.Builder
	for i := 0; i < len(xs); {
		j := i
		for j+1 < len(xs) && xs[j+1] == xs[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(xs[i]))
		if j > i {
			b.WriteString("-" + strconv.Itoa(xs[j]))
		}
		i = j + 1
	}
	return b.String()
}

// parseRanges reads "a-b,c" into ascending, distinct indexes below n.
func parseRanges(s string, n int) ([]int, error) {
	var out []int
	for r := range strings.SplitSeq(s, ",") {
		lo, hi, isRange := strings.Cut(r, "-")
		a, err1 := strconv.Atoi(lo)
		b := a
		var err2 error
		if isRange {
			b, err2 = strconv.Atoi(hi)
		}
		if err1 != nil || err2 != nil || a < 0 || b < a || b >= n || (len(out) > 0 && a <= out[len(out)-1]) {
			return nil, fmt.Errorf("action ranges %q are not ascending ranges below %d", s, n)
		}
		for i := a; i <= b; i++ {
			out = append(out, i)
		}
	}
	return out, nil
}

func checkActions(actions []string) error {
	for i, a := range actions {
		prefix, name, ok := strings.Cut(a, ":")
		if !ok || prefix == "" || name == "" || strings.ContainsAny(a, "*? \t\r\n") {
			return fmt.Errorf("catalog entry %q is not an action name", a)
		}
		if i > 0 && compareFold(actions[i-1], a) >= 0 {
			return fmt.Errorf("catalog entry %q: the catalog must be sorted case-insensitively and unique", a)
		}
	}
	return nil
}

func checkKey(path, name string) error {
	if name == "" || !strings.HasPrefix(path, "/") || !strings.HasSuffix(path, "/") || strings.Contains(path, "//") ||
		strings.ContainsAny(path+name, " \t\r\n") || strings.Contains(name, "/") {
		return fmt.Errorf("policy path %q and name %q are not an IAM path and name", path, name)
	}
	return nil
}

func isDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// compareFold compares ASCII strings as their lower-case forms would compare, without allocating.
func compareFold(a, b string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		ca, cb := lowerASCII(a[i]), lowerASCII(b[i])
		if ca != cb {
			if ca < cb {
				return -1
			}
			return 1
		}
	}
	switch {
	case len(a) < len(b):
		return -1
	case len(a) > len(b):
		return 1
	}
	return 0
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
