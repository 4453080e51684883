package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// JUnit XML as CI test reporters read it (the Jenkins/Ant schema: testsuites > testsuite >
// testcase with failure, error, skipped and system-out children).
type (
	junitSuites struct {
		XMLName  xml.Name     `xml:"testsuites"`
		Name     string       `xml:"name,attr"`
		Tests    int          `xml:"tests,attr"`
		Failures int          `xml:"failures,attr"`
		Errors   int          `xml:"errors,attr"`
		Skipped  int          `xml:"skipped,attr"`
		Suites   []junitSuite `xml:"testsuite"`
	}
	junitSuite struct {
		Name       string          `xml:"name,attr"`
		Tests      int             `xml:"tests,attr"`
		Failures   int             `xml:"failures,attr"`
		Errors     int             `xml:"errors,attr"`
		Skipped    int             `xml:"skipped,attr"`
		Properties []junitProperty `xml:"properties>property,omitempty"`
		Cases      []junitCase     `xml:"testcase"`
	}
	junitProperty struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	}
	junitCase struct {
		Name      string        `xml:"name,attr"`
		ClassName string        `xml:"classname,attr"`
		Skipped   *junitMessage `xml:"skipped,omitempty"`
		Error     *junitMessage `xml:"error,omitempty"`
		Failure   *junitMessage `xml:"failure,omitempty"`
		SystemOut string        `xml:"system-out,omitempty"`
	}
	junitMessage struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr,omitempty"`
		Text    string `xml:",chardata"`
	}
)

// writeJUnit writes one test suite per stack and one test case per stack and policy: a blocking
// violation fails it, advisory and excepted ones pass with their messages in system-out, a
// disabled policy is skipped, and an unreadable stack is one errored test case.
func writeJUnit(w io.Writer, r *Report) error {
	suites := junitSuites{Name: r.Tool.Name + " " + r.Kind}
	for _, s := range r.Stacks {
		suite := junitSuite{Name: s.FullName(), Properties: []junitProperty{
			{Name: "project", Value: s.Project}, {Name: "stack", Value: s.Name}, {Name: "resources", Value: fmt.Sprint(s.Resources)},
		}}
		if s.Organization != "" {
			suite.Properties = append(suite.Properties, junitProperty{Name: "organization", Value: s.Organization})
		}
		if s.Error != "" {
			suite.Cases = append(suite.Cases, junitCase{Name: "read and judge the stack", ClassName: s.FullName(),
				Error: &junitMessage{Message: firstLine(s.Error, 300), Type: "unreadable", Text: s.Error}})
		}
		for _, key := range junitPolicies(r, s) {
			suite.Cases = append(suite.Cases, junitCaseFor(r, s, key))
		}
		for _, c := range suite.Cases {
			suite.Tests++
			switch {
			case c.Error != nil:
				suite.Errors++
			case c.Failure != nil:
				suite.Failures++
			case c.Skipped != nil:
				suite.Skipped++
			}
		}
		suites.Tests += suite.Tests
		suites.Failures += suite.Failures
		suites.Errors += suite.Errors
		suites.Skipped += suite.Skipped
		suites.Suites = append(suites.Suites, suite)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(suites); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

type policyKey struct{ pack, name string }

// junitPolicies are the policies a stack is tested against: every policy of the packs that
// ran (none when the stack could not be read), plus any policy a violation names.
func junitPolicies(r *Report, s Stack) []policyKey {
	var keys []policyKey
	seen := map[policyKey]bool{}
	add := func(k policyKey) {
		if !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	if s.Error == "" {
		for _, p := range r.PolicyPacks {
			for _, pol := range p.Policies {
				add(policyKey{p.Name, pol.Name})
			}
		}
	}
	for _, v := range s.Violations {
		add(policyKey{v.PolicyPack, v.Policy})
	}
	return keys
}

func junitCaseFor(r *Report, s Stack, k policyKey) junitCase {
	c := junitCase{Name: k.name, ClassName: s.FullName()}
	var failing, passing []string
	for _, v := range s.Violations {
		if v.PolicyPack != k.pack || v.Policy != k.name {
			continue
		}
		line := fmt.Sprintf("%s [%s]: %s", resourceLabel(v), violationStatus(v), v.Message)
		if v.Blocking() {
			failing = append(failing, line)
		} else {
			passing = append(passing, line)
		}
	}
	if len(failing) > 0 {
		c.Failure = &junitMessage{Type: "mandatory", Text: strings.Join(failing, "\n\n"),
			Message: fmt.Sprintf("%d blocking violation(s) of %s", len(failing), k.name)}
	}
	if len(passing) > 0 {
		c.SystemOut = strings.Join(passing, "\n\n")
	}
	if p, ok := r.policy(k.pack, k.name); ok && p.Level == "disabled" && len(failing)+len(passing) == 0 {
		c.Skipped = &junitMessage{Message: "disabled by the policy config"}
	}
	return c
}
