package report

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// JSONSchema is the JSON Schema (draft 2020-12) of the JSON report.
//
//go:embed schema/report.schema.json
var JSONSchema []byte

// Format is an output format.
type Format string

// The formats.
const (
	Table    Format = "table"
	JSON     Format = "json"
	SARIF    Format = "sarif"
	JUnit    Format = "junit"
	Markdown Format = "markdown"
)

// Formats lists every format.
var Formats = []Format{Table, JSON, SARIF, JUnit, Markdown}

// ParseFormat accepts a format name (and "md" for markdown, "xml" for junit).
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(s) {
	case "md":
		return Markdown, nil
	case "xml":
		return JUnit, nil
	}
	f := Format(strings.ToLower(s))
	if !slices.Contains(Formats, f) {
		return "", fmt.Errorf("unknown format %q (want one of %s)", s, formatList())
	}
	return f, nil
}

func formatList() string {
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = string(f)
	}
	return strings.Join(names, ", ")
}

// Write writes r, which must be normalized (see Normalize), in format f.
func Write(w io.Writer, f Format, r *Report) error {
	switch f {
	case Table:
		return writeTable(w, r)
	case JSON:
		return writeJSON(w, r)
	case SARIF:
		return writeSARIF(w, r)
	case JUnit:
		return writeJUnit(w, r)
	case Markdown:
		return writeMarkdown(w, r)
	default:
		return fmt.Errorf("unknown format %q", f)
	}
}

// WriteFile writes r in format f to the file at path.
func WriteFile(path string, f Format, r *Report) error {
	out, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("writing the %s report: %w", f, err)
	}
	if err := Write(out, f, r); err != nil {
		_ = out.Close()
		return fmt.Errorf("writing the %s report to %s: %w", f, path, err)
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("writing the %s report to %s: %w", f, path, err)
	}
	return nil
}

func writeJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// ReadJSON reads a JSON report (as written by Write with JSON), checking its schema version.
func ReadJSON(rd io.Reader) (*Report, error) {
	dec := json.NewDecoder(rd)
	dec.DisallowUnknownFields()
	var r Report
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("reading a JSON report: %w", err)
	}
	if r.SchemaVersion != SchemaVersion {
		return nil, fmt.Errorf("report schema version %d is not supported (want %d)", r.SchemaVersion, SchemaVersion)
	}
	return &r, nil
}

// ReadJSONFile reads a JSON report file.
func ReadJSONFile(path string) (*Report, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading a JSON report: %w", err)
	}
	defer f.Close()
	r, err := ReadJSON(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return r, nil
}
