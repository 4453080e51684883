package reporttest

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// ValidateJUnit checks a JUnit XML document against the constraints of the JUnit schema CI test
// reporters accept (Jenkins' junit-10.xsd, which Ant's and Maven Surefire's output follow):
// a testsuites root of testsuite elements; testsuite with name, tests, failures and errors
// (non-negative integers, matching its test cases); testcase with name and classname; skipped,
// error and failure elements with the attributes the schema names, in its order. There is no
// maintained XSD validator for Go, so the rules are written out here.
func ValidateJUnit(r io.Reader) error {
	dec := xml.NewDecoder(r)
	var root node
	if err := dec.Decode(&root); err != nil {
		return fmt.Errorf("junit: not XML: %w", err)
	}
	if root.XMLName.Local != "testsuites" {
		return fmt.Errorf("junit: root element is %q, want testsuites", root.XMLName.Local)
	}
	if err := allowAttrs(root, "testsuites", "name", "time", "tests", "failures", "disabled", "errors", "skipped"); err != nil {
		return err
	}
	var total [4]int
	for _, suite := range root.Children {
		if suite.XMLName.Local != "testsuite" {
			return fmt.Errorf("junit: testsuites holds %q, want testsuite", suite.XMLName.Local)
		}
		counts, err := validateSuite(suite)
		if err != nil {
			return err
		}
		for i := range total {
			total[i] += counts[i]
		}
	}
	for i, a := range []string{"tests", "failures", "errors", "skipped"} {
		if v, ok := attr(root, a); ok {
			n, err := strconv.Atoi(v)
			if err != nil || n != total[i] {
				return fmt.Errorf("junit: testsuites %s=%q, but its suites add up to %d", a, v, total[i])
			}
		}
	}
	return nil
}

type node struct {
	XMLName  xml.Name
	Attrs    []xml.Attr `xml:",any,attr"`
	Children []node     `xml:",any"`
	Text     string     `xml:",chardata"`
}

func attr(n node, name string) (string, bool) {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value, true
		}
	}
	return "", false
}

func allowAttrs(n node, what string, allowed ...string) error {
	for _, a := range n.Attrs {
		ok := false
		for _, w := range allowed {
			ok = ok || a.Name.Local == w
		}
		if !ok {
			return fmt.Errorf("junit: %s has attribute %q, which the schema does not allow", what, a.Name.Local)
		}
	}
	return nil
}

func requireAttrs(n node, what string, required ...string) error {
	for _, r := range required {
		if _, ok := attr(n, r); !ok {
			return fmt.Errorf("junit: %s lacks the required attribute %q", what, r)
		}
	}
	return nil
}

// validateSuite returns the suite's tests, failures, errors and skipped.
func validateSuite(s node) ([4]int, error) {
	var counts [4]int
	name, _ := attr(s, "name")
	what := fmt.Sprintf("testsuite %q", name)
	if err := requireAttrs(s, what, "name", "tests", "failures", "errors"); err != nil {
		return counts, err
	}
	if err := allowAttrs(s, what, "name", "tests", "failures", "errors", "skipped", "disabled", "time",
		"timestamp", "hostname", "id", "package", "file", "log", "url", "version"); err != nil {
		return counts, err
	}
	// Schema order: properties?, testcase*, system-out?, system-err?
	stage := 0
	for _, c := range s.Children {
		order := map[string]int{"properties": 0, "testcase": 1, "system-out": 2, "system-err": 3}
		o, ok := order[c.XMLName.Local]
		if !ok {
			return counts, fmt.Errorf("junit: %s holds %q, which the schema does not allow", what, c.XMLName.Local)
		}
		if o < stage {
			return counts, fmt.Errorf("junit: %s has %q out of the schema's order", what, c.XMLName.Local)
		}
		stage = o
		switch c.XMLName.Local {
		case "properties":
			for _, p := range c.Children {
				if p.XMLName.Local != "property" {
					return counts, fmt.Errorf("junit: %s properties hold %q", what, p.XMLName.Local)
				}
				if err := requireAttrs(p, what+" property", "name", "value"); err != nil {
					return counts, err
				}
			}
		case "testcase":
			kind, err := validateCase(c, what)
			if err != nil {
				return counts, err
			}
			counts[0]++
			if kind > 0 {
				counts[kind]++
			}
		}
	}
	for i, a := range []string{"tests", "failures", "errors", "skipped"} {
		v, ok := attr(s, a)
		if !ok {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return counts, fmt.Errorf("junit: %s %s=%q is not a non-negative integer", what, a, v)
		}
		if n != counts[i] {
			return counts, fmt.Errorf("junit: %s %s=%d, but it has %d", what, a, n, counts[i])
		}
	}
	return counts, nil
}

// validateCase returns 1 for a failed case, 2 for an errored one, 3 for a skipped one, 0 else.
func validateCase(c node, suite string) (int, error) {
	name, _ := attr(c, "name")
	what := fmt.Sprintf("%s testcase %q", suite, name)
	if err := requireAttrs(c, what, "name", "classname"); err != nil {
		return 0, err
	}
	if err := allowAttrs(c, what, "name", "classname", "assertions", "time", "status", "file", "line"); err != nil {
		return 0, err
	}
	kind := 0
	// Schema order: skipped?, error*, failure*, system-out*, system-err*
	order := map[string]int{"skipped": 0, "error": 1, "failure": 2, "system-out": 3, "system-err": 4}
	stage := 0
	for _, e := range c.Children {
		o, ok := order[e.XMLName.Local]
		if !ok {
			return 0, fmt.Errorf("junit: %s holds %q, which the schema does not allow", what, e.XMLName.Local)
		}
		if o < stage {
			return 0, fmt.Errorf("junit: %s has %q out of the schema's order", what, e.XMLName.Local)
		}
		stage = o
		switch e.XMLName.Local {
		case "skipped":
			if err := allowAttrs(e, what+" skipped", "message"); err != nil {
				return 0, err
			}
			kind = 3
		case "error", "failure":
			if err := allowAttrs(e, what+" "+e.XMLName.Local, "message", "type"); err != nil {
				return 0, err
			}
			if e.XMLName.Local == "error" {
				kind = 2
			} else if kind != 2 {
				kind = 1
			}
		}
	}
	if kind == 3 && len(c.Children) > 1 && c.Children[1].XMLName.Local != "system-out" {
		return 0, errors.New("junit: " + what + " is both skipped and failed")
	}
	return kind, nil
}
