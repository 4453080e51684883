package awscreds

import (
	"slices"
	"strings"

	"github.com/keyless-ecs/railsapp/internal/awsfacts"
)

// TextFinding is a Finding in a text file, with the line (1-based) it starts on.
type TextFinding struct {
	Finding
	Line int
}

// ScanText scans the text of a file (an asset, a file of an archive, a script, a .env, a JSON
// or YAML config): everything Scan finds, and every credential name assigned a value
// (AWS_ACCESS_KEY_ID=…, export AWS_SECRET_ACCESS_KEY=$(…), aws_session_token: …,
// "secretAccessKey": …, access_key_id: <%= ENV[…] %>, -Daws.accessKeyId=…), whatever the
// value: a .env file handed to ECS as environmentFiles, or a script that exports the variable,
// sets the name the SDK reads. References ($AWS_ACCESS_KEY_ID, ${AWS_SECRET_ACCESS_KEY}),
// comparisons (==) and empty assignments are not assignments.
func ScanText(text string) []TextFinding {
	sc := scanner{assign: true}
	if len(text) >= awsfacts.AccessKeyIDLen {
		sc.scan(text, nameClass{}, 0, nil)
	}
	sc.assignments(text, nil)
	fs := sc.sorted()
	if len(fs) == 0 {
		return nil
	}
	out := make([]TextFinding, len(fs))
	line, at := 1, 0
	for i, f := range fs {
		line += strings.Count(text[at:f.Offset], "\n")
		at = f.Offset
		out[i] = TextFinding{Finding: f, Line: line}
	}
	return out
}

// ArgFinding is a Finding in one argument of a command (index Arg).
type ArgFinding struct {
	Finding
	Arg int
}

// ScanArgs scans a command (a container's command, entryPoint or healthCheck.command, an
// argument list): each argument as text (ScanText, so `sh -c "export AWS_ACCESS_KEY_ID=…"` is
// caught), each argument under the name of the one before it (--aws-secret-access-key <key>,
// `aws configure set aws_secret_access_key <key>`), and a credential flag followed by a value.
func ScanArgs(args []string) []ArgFinding {
	var out []ArgFinding
	for i, a := range args {
		sc := scanner{assign: true}
		var outer nameClass
		if i > 0 {
			outer = classify(args[i-1])
		}
		if len(a) >= awsfacts.AccessKeyIDLen {
			sc.scan(a, outer, 0, nil)
		}
		sc.assignments(a, nil)
		if strings.HasPrefix(a, "-") && !strings.Contains(a, "=") && i+1 < len(args) &&
			!strings.HasPrefix(args[i+1], "-") && IsCredentialName(a) {
			sc.out = append(sc.out, Finding{Kind: CredentialName, Redacted: RedactAll(a), Len: len(a)})
		}
		for _, f := range sc.sorted() {
			out = append(out, ArgFinding{Finding: f, Arg: i})
		}
	}
	return out
}

// assignments appends a CredentialName finding for every credential name in s that is assigned
// a value. enc is set when s is text decoded from base64: the findings are then reported at the
// encoded run, like the values found in it.
func (sc *scanner) assignments(s string, enc *span) {
	for i := 0; i < len(s); {
		if !isNameChar(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isNameChar(s[j]) {
			j++
		}
		name, end := s[i:j], j
		if strings.HasSuffix(name, ":") { // YAML key: the colon is the assignment
			name, end = strings.TrimRight(name, ":"), i+len(strings.TrimRight(name, ":"))
		}
		if v, ok := assignment(s, name, end); ok && !isReference(s, i) && IsCredentialName(name) && !emptyValue(s, v) {
			f := Finding{Kind: CredentialName, Redacted: RedactAll(name), Offset: i, Len: len(name)}
			if enc != nil {
				f.Offset, f.Len, f.Encoding = enc.off, enc.len, "base64"
			}
			sc.out = append(sc.out, f)
		}
		i = j
	}
}

// isReference reports whether the name at s[i] is read, not written: $NAME, ${NAME}, %NAME%.
func isReference(s string, i int) bool {
	return i > 0 && (s[i-1] == '$' || s[i-1] == '%' || s[i-1] == '{' && i > 1 && s[i-2] == '$')
}

// assignment reports whether a value is assigned to the name that ends at s[end], and where the
// value starts: after optional quotes, blanks or a closing bracket (os.environ["NAME"] = …)
// comes =, : or => (not ==), or the name is a flag (-x, --x) followed by a blank.
func assignment(s, name string, end int) (int, bool) {
	if name == "" {
		return 0, false
	}
	j := end
	for j < len(s) && j-end < 3 && strings.IndexByte("\"' \t]", s[j]) >= 0 {
		j++
	}
	switch {
	case strings.HasPrefix(s[j:], "=="):
		return 0, false
	case strings.HasPrefix(s[j:], "=>"):
		return j + 2, true
	case j < len(s) && (s[j] == '=' || s[j] == ':'):
		return j + 1, true
	case name[0] == '-' && j > end && (s[end] == ' ' || s[end] == '\t') && !strings.HasPrefix(s[j:], "-"):
		return j, true // --aws-secret-access-key VALUE
	}
	return 0, false
}

// emptyValue reports whether the value at s[j] assigns nothing: the end of the line, an empty
// string, null. Only the start of the next word is read, so the scan stays linear.
func emptyValue(s string, j int) bool {
	for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
		j++
	}
	k := j
	for k < len(s) && k-j < maxEmptyValueLen && s[k] != ' ' && s[k] != '\t' && s[k] != '\r' && s[k] != '\n' {
		k++
	}
	return slices.Contains(emptyValues, s[j:k])
}

// emptyValues assign nothing; maxEmptyValueLen is one more than the longest.
var emptyValues = []string{"", `""`, "''", `"",`, "'',", ",", "}", "null", "nil", "~"}

const maxEmptyValueLen = 5
