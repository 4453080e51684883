package awsfacts

import (
	"slices"
	"strings"
)

// The shapes of AWS access keys (IAM User Guide, "IAM identifiers", unique ID prefixes; AWS
// Security Token Service API reference, Credentials).
const (
	// AccessKeyIDLen is the length of an access key ID: a 4-character prefix and a 16-character
	// base32 body (A–Z, 2–7).
	AccessKeyIDLen = 20
	// AccessKeyIDPrefixLen is the length of the prefix that says what an ID identifies.
	AccessKeyIDPrefixLen = 4
	// SecretAccessKeyLen is the length of a secret access key (40 base64 characters).
	SecretAccessKeyLen = 40
)

// accessKeyIDPrefixes are the unique ID prefixes of credentials: AKIA (an IAM user's long-term
// access key), ASIA (a temporary STS key, paired with a session token), ABIA (an STS service
// bearer token) and ACCA (a context-specific credential).
var accessKeyIDPrefixes = []string{"AKIA", "ASIA", "ABIA", "ACCA"}

// TemporaryAccessKeyIDPrefix is the prefix of a temporary key ID, which works only together with
// a session token.
const TemporaryAccessKeyIDPrefix = "ASIA"

// HasAccessKeyIDPrefix reports whether s starts with a credential prefix, including the older
// A3T form (A3T and one more upper-case letter or digit).
func HasAccessKeyIDPrefix(s string) bool {
	if len(s) < AccessKeyIDPrefixLen {
		return false
	}
	for _, p := range accessKeyIDPrefixes {
		if s[:AccessKeyIDPrefixLen] == p {
			return true
		}
	}
	c := s[3]
	return s[:3] == "A3T" && (c >= 'A' && c <= 'Z' || c >= '0' && c <= '9')
}

// uniqueIDPrefixes are the unique ID prefixes of IAM entities that are identifiers, not
// credentials: every role's uniqueId starts with AROA, every user's with AIDA.
var uniqueIDPrefixes = []string{RoleUniqueIDPrefix, "AIDA", "AGPA", "AIPA", "ANPA", "ANVA", "APKA", "ASCA"}

// UniqueIDPrefixes returns the unique ID prefixes of IAM entities that are not credentials
// (roles, users, groups, instance profiles, managed policies, policy versions, public keys,
// certificates).
func UniqueIDPrefixes() []string { return slices.Clone(uniqueIDPrefixes) }

// IsDocumentationExampleKey reports whether s is one of the keys AWS's documentation uses as an
// example: all of them carry EXAMPLE (AKIAIOSFODNN7EXAMPLE, wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY).
func IsDocumentationExampleKey(s string) bool { return strings.Contains(s, "EXAMPLE") }
