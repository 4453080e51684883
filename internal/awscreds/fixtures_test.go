package awscreds

import (
	"encoding/base64"
	"regexp"
	"strings"

	"github.com/keyless-ecs/railsapp/internal/awscreds/awscredstest"
)

// The fake credentials every test plants (see awscredstest).
var (
	fakeKeyID  = awscredstest.KeyID
	fakeSecret = awscredstest.Secret
	fakeToken  = awscredstest.Token
	appSecret  = awscredstest.AppSecret
)

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
