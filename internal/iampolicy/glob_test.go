package iampolicy

import "testing"

// TestGlobSetMatches checks where each reading lets a wildcard match a colon.
func TestGlobSetMatches(t *testing.T) {
	cases := []struct {
		p, s string
		r    wildcardRule
		want bool
	}{
		// The widest reading: wildcards match colons.
		{"arn:*", "arn:aws:s3:::b", anywhere, true},
		{"s3*", "s3:getobject", anywhere, true},
		// IAM's reading: a `*` ending a segment spills over colons, one inside a segment does not.
		{"arn:*", "arn:aws:s3:::b", arnRule, true},
		{"arn:aws:s3:*", "arn:aws:s3:::b/k", arnRule, true},
		{"arn:aws:*3:::b", "arn:aws:s3:::b", arnRule, true},
		{"arn:a*s:s3:::b", "arn:a:x:s:s3:::b", arnRule, false},
		{"arn:a?s:s3:::b", "arn:a:s:s3:::b", arnRule, false},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b/a:b:c", arnRule, true},
		{"arn:aws:s3:::b?c", "arn:aws:s3:::b:c", arnRule, true},
		{"s3*", "s3:getobject", actionRule, true},
		{"*:*", "s3:getobject", actionRule, true},
		{"s*3:*", "sx:y3:getobject", actionRule, false},
		// Shapes: no colon inside a segment but the last, whatever the wildcard.
		{"arn:?*:s3:*:*:*", "arn:aws:s3:::b", arnShape, true},
		{"arn:?*:s3:*:*:*", "arn:aws:logs:us-east-1:1:log-group:s3:x", arnShape, false},
		{"arn:?*:s3:*:*:*", "arn:aws:s3:us-east-1:1:accesspoint/a:b", arnShape, true},
	}
	for _, c := range cases {
		if got := newGlobSet([]string{c.p}, c.r).matches(c.s); got != c.want {
			t.Errorf("newGlobSet(%q, %+v).matches(%q) = %v, want %v", c.p, c.r, c.s, got, c.want)
		}
		// A text, read as a pattern with no wildcard, meets the glob exactly when it matches.
		if got := intersects(c.p, c.r, c.s, anywhere); got != c.want {
			t.Errorf("intersects(%q, %+v, %q) = %v, want %v", c.p, c.r, c.s, got, c.want)
		}
	}
}

func TestIntersects(t *testing.T) {
	cases := []struct {
		a    string
		ra   wildcardRule
		b    string
		rb   wildcardRule
		want bool
	}{
		{"s3:get*", anywhere, "s3:?*", actionShape, true},
		{"s*:list*", anywhere, "s3express:?*", actionShape, true},
		{"*", anywhere, "s3tables:?*", actionShape, true},
		{"s3?:*", anywhere, "s3:?*", actionShape, false},
		{"ec2:*", anywhere, "s3:?*", actionShape, false},
		{"arn:*:s3*:*", anywhere, familyARN("s3vectors"), arnShape, true},
		{"arn:aws-cn:s3:::*", anywhere, familyARN("s3"), arnShape, true},
		{"arn:aws:logs:us-east-1:1:log-group:s3:*", anywhere, familyARN("s3"), arnShape, false},
		{"arn:aws:*", anywhere, familyARN("s3"), arnShape, true},
		{"arn:aws:s?:::*", anywhere, familyARN("s3"), arnShape, true},
		{"arn:aws:sqs:*:*:*", anywhere, familyARN("s3"), arnShape, false},
		// Both sides with wildcards, colons only through a spilling star.
		{"a*:b", arnRule, "a:*:b", arnShape, true},
		{"a?:b", actionRule, "a:*:b", anywhere, false},
	}
	for _, c := range cases {
		if got := intersects(c.a, c.ra, c.b, c.rb); got != c.want {
			t.Errorf("intersects(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
		if got := intersects(c.b, c.rb, c.a, c.ra); got != c.want {
			t.Errorf("intersects(%q, %q) = %v, want %v (swapped)", c.b, c.a, got, c.want)
		}
	}
}

func TestCovers(t *testing.T) {
	cases := []struct {
		pats   []string
		r      wildcardRule
		target string
		tr     wildcardRule
		want   bool
	}{
		{[]string{"s3:*"}, actionRule, "s3:?*", actionShape, true},
		{[]string{"*"}, actionRule, "s3:?*", actionShape, true},
		{[]string{"*:*"}, actionRule, "s3:?*", actionShape, true},
		{[]string{"s3*:*"}, actionRule, "s3express:?*", actionShape, true},
		{[]string{"s3*"}, actionRule, "s3express:?*", actionShape, true},
		{[]string{"s3:?*"}, actionRule, "s3:?*", actionShape, true},
		{[]string{"s3:get*", "s3:put*"}, actionRule, "s3:?*", actionShape, false},
		{[]string{"s3:?", "s3:??*"}, actionRule, "s3:?*", actionShape, true},
		{[]string{"s3:getobject"}, actionRule, "s3:?*", actionShape, false},
		{[]string{"iam:*"}, actionRule, "s3:?*", actionShape, false},
		{[]string{"*"}, arnRule, familyARN("s3"), arnShape, true},
		{[]string{"arn:*"}, arnRule, familyARN("s3"), arnShape, true},
		{[]string{"arn:*:s3*:*"}, arnRule, familyARN("s3tables"), arnShape, true},
		{[]string{"arn:*:s3:*:*:*"}, arnRule, familyARN("s3"), arnShape, true},
		{[]string{"arn:aws:s3:::*"}, arnRule, familyARN("s3"), arnShape, false},
		{[]string{"arn:aws:s3:*:*:*", "arn:aws-cn:s3:*:*:*"}, arnRule, familyARN("s3"), arnShape, false},
		// A `?` does not spill over a colon the way a segment-ending `*` does.
		{[]string{"arn:?*:s3:*:*:*"}, arnRule, familyARN("s3"), arnShape, true},
		{[]string{"arn:a?s:s3:*:*:*"}, arnRule, familyARN("s3"), arnShape, false},
	}
	for _, c := range cases {
		if got := covers(c.pats, c.r, c.target, c.tr); got != c.want {
			t.Errorf("covers(%q, %q) = %v, want %v", c.pats, c.target, got, c.want)
		}
	}
}

// TestCoversGivesUpClosed checks that a subset construction larger than its bound answers "not
// covered", the answer that keeps a grant counted.
func TestCoversGivesUpClosed(t *testing.T) {
	pats := []string{"s3:?", "s3:??*"}
	if !coversWithin(defaultCoverBudget, pats, actionRule, "s3:?*", actionShape) {
		t.Fatal("names of one character and of more do not cover every name")
	}
	if coversWithin(coverBudget{states: 2, work: 1 << 20}, pats, actionRule, "s3:?*", actionShape) {
		t.Fatal("a construction stopped by its state bound answered covered")
	}
	if coversWithin(coverBudget{states: 1 << 12, work: 10}, pats, actionRule, "s3:?*", actionShape) {
		t.Fatal("a construction stopped by its work bound answered covered")
	}
}
