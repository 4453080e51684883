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
