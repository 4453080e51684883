package awscreds

import (
	"encoding/base64"
	"regexp"
	"strings"
)

// Fake credentials are assembled at run time so that repository secret scanners do not flag
// this package. They are not AWS's documentation examples, which are allow-listed.
func fakeKeyID(prefix string) string { return prefix + "Z7QX2MWR" + "5TBN4HJK" }

func fakeSecret() string {
	return "q8Vt3" + "LmZ9x/Rk2" + "Wp7Nc+Hs4" + "Jd6Fy1Gb5" + "Te0Ua8Kv"
}

// fakeToken is shaped like an STS session token: a long base64 string of binary data.
func fakeToken() string {
	b := make([]byte, 300)
	for i := range b {
		b[i] = byte(i*131 + i*i*7 + 29)
	}
	return "IQoJb3JpZ2lu" + base64.StdEncoding.EncodeToString(b)
}

// appSecret is a 40-character high-entropy secret that is not an AWS key (a JWT signing key).
func appSecret() string { return "Kf83jsQx" + "p2Lx9Vm4" + "Rt7Wc1Zb" + "6Yh0Na5q" + "Ud3Ge8Po" }

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// wrap breaks s into lines of width w, each line after the first indented.
func wrap(s string, w int, indent string) string {
	var b strings.Builder
	for i := 0; i < len(s); i += w {
		if i > 0 {
			b.WriteString("\n" + indent)
		}
		b.WriteString(s[i:min(i+w, len(s))])
	}
	return b.String()
}

// kinds lists the kinds of findings, for compact assertions.
func kinds(fs []Finding) []Kind {
	out := make([]Kind, len(fs))
	for i, f := range fs {
		out[i] = f.Kind
	}
	return out
}

// mustOracle is gitleaks' aws-access-token regular expression (cmd/generate/config/rules/aws.go),
// used only as a test oracle.
func mustOracle() *regexp.Regexp {
	return regexp.MustCompile(`\b((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b`)
}
