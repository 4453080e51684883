package pack_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
)

func readRepoFile(t *testing.T, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", rel))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func policyInfos(t *testing.T) []plugin.AnalyzerPolicyInfo {
	t.Helper()
	info, err := newPack().GetAnalyzerInfo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return info.Policies
}

// tableRows returns, for each row of the markdown table under heading whose first cell lists
// policies in backticks, those policies and the row's other cells.
func tableRows(doc, heading string) map[string][]string {
	rows := map[string][]string{}
	_, after, ok := strings.Cut(doc, heading+"\n")
	if !ok {
		return rows
	}
	for _, line := range strings.Split(after, "\n") {
		if strings.HasPrefix(line, "#") {
			break
		}
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		for _, m := range regexp.MustCompile("`([a-z0-9-]+)`").FindAllStringSubmatch(cells[0], -1) {
			rows[m[1]] = cells[1:]
		}
	}
	return rows
}

// TestDocsMatchAnalyzerInfo: docs/policies.md has, for every policy the pack reports, a table row
// and a section with its default level and severity, and documents each config property with its
// default; it names no policy the pack does not have.
func TestDocsMatchAnalyzerInfo(t *testing.T) {
	doc := readRepoFile(t, "docs/policies.md")
	rows := tableRows(doc, "## Policies")
	for _, p := range policyInfos(t) {
		row := rows[p.Name]
		if len(row) < 2 || row[0] != string(p.EnforcementLevel) || row[1] != string(p.Severity) {
			t.Errorf("docs/policies.md table: %s is %v, want %s and %s", p.Name, row, p.EnforcementLevel, p.Severity)
		}
		delete(rows, p.Name)
		heading := fmt.Sprintf("### `%s` (%s, %s)", p.Name, p.EnforcementLevel, p.Severity)
		_, section, ok := strings.Cut(doc, heading+"\n")
		if !ok {
			t.Errorf("docs/policies.md has no section %q", heading)
			continue
		}
		section, _, _ = strings.Cut(section, "\n#")
		if p.ConfigSchema == nil {
			continue
		}
		for name, schema := range p.ConfigSchema.Properties {
			if !strings.Contains(section, "`"+name+"`") {
				t.Errorf("docs/policies.md: the section of %s does not document %s", p.Name, name)
			}
			switch d := schema["default"].(type) {
			case bool:
				if !strings.Contains(section, fmt.Sprintf("default `%v`", d)) {
					t.Errorf("docs/policies.md: %s.%s: default `%v` not stated", p.Name, name, d)
				}
			case []any:
				for _, v := range d {
					if !strings.Contains(section, fmt.Sprintf("`%v`", v)) {
						t.Errorf("docs/policies.md: %s.%s: default %v not stated", p.Name, name, v)
					}
				}
			}
		}
	}
	for name := range rows {
		t.Errorf("docs/policies.md lists %s, which the pack does not have", name)
	}
}

// TestReadmePolicyTableMatchesAnalyzerInfo: the README's policy table lists every policy once,
// at its default level.
func TestReadmePolicyTableMatchesAnalyzerInfo(t *testing.T) {
	rows := tableRows(readRepoFile(t, "README.md"), "## The policy pack")
	var missing []string
	for _, p := range policyInfos(t) {
		row, ok := rows[p.Name]
		switch {
		case !ok:
			missing = append(missing, p.Name)
		case len(row) < 1 || row[0] != string(p.EnforcementLevel):
			t.Errorf("README: %s is listed as %v, want %s", p.Name, row, p.EnforcementLevel)
		}
		delete(rows, p.Name)
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		t.Errorf("README's policy table misses %s", strings.Join(missing, ", "))
	}
	for name := range rows {
		t.Errorf("README lists %s, which the pack does not have", name)
	}
}
