package iampolicy

import "strings"

// MatchAction reports whether an IAM action pattern matches an action. Both sides are compared
// case-insensitively (IAM: "iam:ListAccessKeys is the same as IAM:listaccesskeys"); `*` matches
// any run of characters and `?` exactly one, anywhere in the pattern.
func MatchAction(pattern, action string) bool {
	return globMatch(strings.ToLower(pattern), strings.ToLower(action))
}

// MatchResource reports whether a resource pattern matches a resource ARN. ARNs are compared
// case-sensitively, as S3 does.
func MatchResource(pattern, arn string) bool { return globMatch(pattern, arn) }

// globMatch matches s against p with `*` and `?` wildcards, iteratively (no backtracking blowup).
func globMatch(p, s string) bool {
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == s[si]):
			pi++
			si++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// globsIntersect reports whether some string matches both glob patterns a and b. It explores the
// product of the two patterns' positions; patterns are short, so this is cheap.
func globsIntersect(a, b string) bool {
	if !strings.ContainsAny(a, "*?") {
		return globMatch(b, a)
	}
	if !strings.ContainsAny(b, "*?") {
		return globMatch(a, b)
	}
	// Depth-first search over the product of positions, with a flat visited set.
	w := len(b) + 1
	seen := make([]bool, (len(a)+1)*w)
	stack := make([]int, 0, 16)
	stack = append(stack, 0)
	for len(stack) > 0 {
		st := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[st] {
			continue
		}
		seen[st] = true
		i, j := st/w, st%w
		if i == len(a) && j == len(b) {
			return true
		}
		// A `*` may match the empty string.
		if i < len(a) && a[i] == '*' {
			stack = append(stack, (i+1)*w+j)
		}
		if j < len(b) && b[j] == '*' {
			stack = append(stack, i*w+j+1)
		}
		// Or both sides consume one common character.
		if i < len(a) && j < len(b) {
			ca, cb := a[i], b[j]
			litA := ca != '*' && ca != '?'
			litB := cb != '*' && cb != '?'
			if litA && litB && ca != cb {
				continue
			}
			ni, nj := i+1, j+1
			if ca == '*' {
				ni = i
			}
			if cb == '*' {
				nj = j
			}
			if ni != i || nj != j {
				stack = append(stack, ni*w+nj)
			}
		}
	}
	return false
}

// S3Namespaces are the IAM service prefixes whose actions read or write S3 data:
// general purpose buckets, Object Lambda access points and directory buckets.
var S3Namespaces = []string{"s3", "s3-object-lambda", "s3express"}

// s3ActionProbes are real S3 actions (and one that cannot exist, standing for "any other") used to
// decide whether a NotAction list leaves some S3 action allowed.
var s3ActionProbes = []string{
	"s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket", "s3:GetObjectVersion",
	"s3:PutObjectAcl", "s3:GetBucketLocation", "s3:ListAllMyBuckets", "s3:DeleteBucket",
	"s3:PutBucketPolicy", "s3:GetBucketPolicy", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts",
	"s3:RestoreObject", "s3:ReplicateObject", "s3:PutLifecycleConfiguration", "s3:CreateBucket",
	"s3:Zz9NoSuchAction", "s3-object-lambda:GetObject", "s3-object-lambda:Zz9NoSuchAction",
	"s3express:CreateSession", "s3express:Zz9NoSuchAction",
}

// patternMayMatchS3 reports whether an action pattern matches at least one S3 action.
func patternMayMatchS3(pattern string) bool {
	p := strings.ToLower(pattern)
	for _, ns := range S3Namespaces {
		if globsIntersect(p, ns+":?*") {
			return true
		}
	}
	return false
}

// patternCoversAllS3 reports whether an action pattern matches every action of the `s3` service
// (like `s3:*`, `*`, `*:*`, `S3:*`, `s?:*`).
func patternCoversAllS3(pattern string) bool {
	p := strings.ToLower(pattern)
	for _, probe := range []string{"s3:getobject", "s3:putobject", "s3:listbucket", "s3:zz9nosuchaction", "s3:a"} {
		if !globMatch(p, probe) {
			return false
		}
	}
	return true
}

// resourceMayBeS3 reports whether a resource pattern could name an S3 bucket, object, access point
// or directory bucket, or is the `*` that S3 list actions use.
func resourceMayBeS3(pattern string) bool {
	if pattern == "*" {
		return true
	}
	// A wildcard in the resource part cannot change the service: judge the service segment alone
	// when the ARN has all its segments.
	if parts := strings.SplitN(pattern, ":", 6); len(parts) == 6 {
		return strings.EqualFold(parts[0], "arn") && globsIntersect(strings.ToLower(parts[2]), "s3*")
	}
	return globsIntersect(pattern, "arn:*:s3*:*")
}
