// Package reporttest checks reports the way their readers do: JSON against the report's schema,
// SARIF against the official SARIF 2.1.0 schema (committed beside this file, source in
// SOURCE.md), JUnit XML against the JUnit schema's rules, and every format for credentials.
package reporttest

import (
	"bytes"
	_ "embed"
	"fmt"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/keyless-ecs/railsapp/internal/report"
)

// SARIFSchema is the OASIS SARIF 2.1.0 (errata 01) JSON schema.
//
//go:embed sarif-schema-2.1.0.json
var SARIFSchema []byte

// Check writes r in every format, validates JSON, SARIF and JUnit, and fails if any output
// contains one of the secrets (or its first 12 characters). It returns the outputs.
func Check(t testing.TB, r *report.Report, secrets ...string) map[report.Format]string {
	t.Helper()
	out := map[report.Format]string{}
	for _, f := range report.Formats {
		var buf bytes.Buffer
		if err := report.Write(&buf, f, r); err != nil {
			t.Fatalf("writing the %s report: %v", f, err)
		}
		out[f] = buf.String()
		for _, s := range secrets {
			if s == "" {
				continue
			}
			if strings.Contains(out[f], s) || (len(s) > 12 && strings.Contains(out[f], s[:12])) {
				t.Errorf("the %s report shows a credential value (starts %q)", f, s[:min(4, len(s))])
			}
		}
	}
	if err := ValidateJSON(report.JSONSchema, out[report.JSON]); err != nil {
		t.Errorf("JSON report: %v", err)
	}
	if err := ValidateJSON(SARIFSchema, out[report.SARIF]); err != nil {
		t.Errorf("SARIF report: %v", err)
	}
	if err := ValidateJUnit(strings.NewReader(out[report.JUnit])); err != nil {
		t.Errorf("JUnit report: %v", err)
	}
	return out
}

// Normalized fails unless r is normalized: normalizing a copy of it changes nothing, so it is
// sorted, redacted and summarized as Normalize leaves it. It never prints the report (an
// unnormalized one may hold a credential).
func Normalized(t testing.TB, r *report.Report) {
	t.Helper()
	var before bytes.Buffer
	if err := report.Write(&before, report.JSON, r); err != nil {
		t.Fatalf("writing the JSON report: %v", err)
	}
	c, err := report.ReadJSON(bytes.NewReader(before.Bytes()))
	if err != nil {
		t.Fatalf("the report is not normalized: %v", err)
	}
	c.Normalize()
	var after bytes.Buffer
	if err := report.Write(&after, report.JSON, c); err != nil {
		t.Fatalf("writing the JSON report: %v", err)
	}
	if !bytes.Equal(before.Bytes(), after.Bytes()) {
		a, b := before.Bytes(), after.Bytes()
		i := 0
		for i < min(len(a), len(b)) && a[i] == b[i] {
			i++
		}
		t.Errorf("the report is not normalized: normalizing it changes its JSON from line %d", bytes.Count(a[:i], []byte("\n"))+1)
	}
}

// ValidateJSON validates doc against a JSON schema (any draft the schema names).
func ValidateJSON(schema []byte, doc string) error {
	s, err := jsonschema.UnmarshalJSON(bytes.NewReader(schema))
	if err != nil {
		return fmt.Errorf("reading the schema: %w", err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("schema.json", s); err != nil {
		return err
	}
	compiled, err := c.Compile("schema.json")
	if err != nil {
		return fmt.Errorf("compiling the schema: %w", err)
	}
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(doc))
	if err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	return compiled.Validate(inst)
}
