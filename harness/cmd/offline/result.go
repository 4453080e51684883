package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"

	"github.com/keyless-ecs/railsapp/components"
	"github.com/keyless-ecs/railsapp/harness/offline"
)

// result collects what one operation of the runner reports, and prints it once: the policy
// results of each engine run, the outputs, and the failure with its cause on the last line.
type result struct {
	opts    options
	out     io.Writer // the human-readable report (stderr with --json)
	reports []*offline.Report
	outputs auto.OutputMap
	err     error
}

// add records an engine run's report and prints its policy results.
func (r *result) add(rep *offline.Report) {
	if rep == nil {
		return
	}
	r.reports = append(r.reports, rep)
	offline.PrintReport(r.out, rep)
}

// fail records err, if any, as the operation's failure (what stopped it, when the operation
// goes on past an engine run: "stopped at the preview"), and reports whether there was one.
func (r *result) fail(err error, rep *offline.Report, stopped string) bool {
	if err == nil {
		return false
	}
	what := fmt.Sprintf("%s of stack %q failed", r.opts.op, r.opts.stack)
	if stopped != "" {
		what = fmt.Sprintf("%s of stack %q %s", r.opts.op, r.opts.stack, stopped)
	}
	r.err = fmt.Errorf("%s: %s", what, cause(err, rep))
	return true
}

// finish prints the outputs (once) and, with --json, the JSON document; it returns the failure.
func (r *result) finish(stdout io.Writer) error {
	if len(r.outputs) > 0 {
		offline.PrintOutputs(r.out, r.outputs)
	}
	if r.opts.jsonOut {
		if err := writeJSON(stdout, r); err != nil {
			return err
		}
	}
	return r.err
}

// jsonResult is the --json document.
type jsonResult struct {
	Operation string       `json:"operation"`
	Stack     string       `json:"stack"`
	OK        bool         `json:"ok"`
	Error     string       `json:"error,omitempty"`
	Reports   []jsonReport `json:"reports"`
	// Outputs are up's stack outputs; secret values are replaced by "[secret]".
	Outputs map[string]any `json:"outputs,omitempty"`
}

type jsonReport struct {
	Operation string `json:"operation"`
	// PolicyRan is false when no policy pack checked anything (--no-policy, or a failure before
	// the pack ran); the violations are then not a verdict.
	PolicyRan        bool                   `json:"policyRan"`
	ResourcesChecked int                    `json:"resourcesChecked"`
	Violations       []offline.PolicyResult `json:"violations"`
	Blocking         int                    `json:"blocking"`
	Changes          map[string]int         `json:"changes,omitempty"`
	Diagnostics      []string               `json:"diagnostics,omitempty"`
}

func writeJSON(w io.Writer, r *result) error {
	doc := jsonResult{Operation: r.opts.op, Stack: r.opts.stack, OK: r.err == nil, Reports: []jsonReport{}}
	if r.err != nil {
		doc.Error = r.err.Error()
	}
	for _, rep := range r.reports {
		v := rep.Policy
		if v == nil {
			v = []offline.PolicyResult{}
		}
		doc.Reports = append(doc.Reports, jsonReport{Operation: rep.Op, PolicyRan: rep.PolicyRan,
			ResourcesChecked: rep.Analyzed, Violations: v, Blocking: len(rep.Blocking()),
			Changes: rep.Changes, Diagnostics: rep.Diagnostics})
	}
	if len(r.outputs) > 0 {
		doc.Outputs = offline.MaskedOutputs(r.outputs)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// cause says in one line why an engine run failed: the mandatory policies it violated, the
// program's or a resource's error, or else the CLI's own error. The details are in the engine's
// output above; this is what the last line of the runner shows.
func cause(err error, rep *offline.Report) string {
	var parts []string
	if rep != nil {
		on := map[string][]string{}
		for _, p := range rep.Blocking() {
			where := "the stack"
			if p.URN != "" {
				where = offline.ShortURN(p.URN)
			}
			if !slices.Contains(on[p.Policy], where) {
				on[p.Policy] = append(on[p.Policy], where)
			}
		}
		for _, policy := range slices.Sorted(maps.Keys(on)) {
			parts = append(parts, fmt.Sprintf("mandatory policy %s violated on %s", policy, strings.Join(on[policy], ", ")))
		}
		for _, d := range rep.Diagnostics {
			if line := firstLine(d); line != "" && !slices.Contains(parts, line) {
				parts = append(parts, line)
			}
		}
	}
	if len(parts) == 0 {
		parts = append(parts, cliError(err))
	}
	return strings.Join(parts, "; ")
}

// firstLine returns the first line of an engine diagnostic that says something, without the
// wrapping the Go SDK adds to a program's error ("an unhandled error occurred: 1 error
// occurred: * …").
func firstLine(diag string) string {
	diag = strings.TrimPrefix(strings.TrimSpace(diag), "an unhandled error occurred:")
	for _, line := range strings.Split(diag, "\n") {
		line = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "* "))
		if line == "" || strings.HasSuffix(line, "error occurred:") || strings.HasSuffix(line, "errors occurred:") {
			continue
		}
		return strings.TrimSuffix(line, ":")
	}
	return ""
}

// summary is err in one line when it is an Automation API error, which carries the CLI's whole
// output (already shown above): what failed, and the CLI's reason.
func summary(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "\ncode: "); i >= 0 {
		first := msg[:strings.IndexByte(msg, '\n')]
		if reason := cliError(err); reason != first {
			return first + ": " + reason
		}
		return first
	}
	return msg
}

// cliError is the CLI's last "error:" line of an Automation API error (which carries the CLI's
// whole stdout and stderr), or the error's first line.
func cliError(err error) string {
	if err == nil {
		return "unknown failure"
	}
	msg := err.Error()
	if i := strings.Index(msg, "\nstderr: "); i >= 0 {
		var last string
		for _, line := range strings.Split(msg[i+len("\nstderr: "):], "\n") {
			if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "error: "); ok {
				last = rest
			}
		}
		if last != "" {
			return last
		}
	}
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	return msg
}

// refusedByGuard tells whether a destroy failed on the component's protected destroy guard, that
// is, on a stack whose data is protected, and not for another reason.
func refusedByGuard(err error, rep *offline.Report) bool {
	texts := []string{err.Error()}
	if rep != nil {
		texts = append(texts, rep.Diagnostics...)
	}
	for _, t := range texts {
		if strings.Contains(t, components.DestroyGuardType) && strings.Contains(t, "protect") {
			return true
		}
	}
	return false
}

// reallyDelete is what a refused destroy's last line adds: the engine's own advice (`pulumi state
// unprotect`) would strip the stack of what protects its data, so say what really deletes it.
func reallyDelete(stack string) string {
	return fmt.Sprintf("stack %q protects its data and nothing was changed; to really delete it, set "+
		"railsapp:protectBucket false in Pulumi.%s.yaml (retainBucket decides whether the data stays in AWS), "+
		"run up, then destroy (docs/configuration.md, \"Deleting a protected stack\")", stack, stack)
}
