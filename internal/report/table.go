package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// writeTable writes one line per violation and per unreadable stack (passing stacks are only
// counted: an organization has hundreds), then the summary.
func writeTable(w io.Writer, r *Report) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	rows := 0
	for _, s := range r.Stacks {
		if s.Error != "" {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", s.FullName(), "ERROR", "-", "-", "-", firstLine(s.Error, 160))
			rows++
		}
		for _, v := range s.Violations {
			if rows == 0 {
				fmt.Fprintln(tw, "STACK\tSTATUS\tPOLICY\tLEVEL\tRESOURCE\tMESSAGE")
			}
			rows++
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", s.FullName(), violationStatus(v), v.Policy, v.Level,
				resourceLabel(v), firstLine(v.Message, 120))
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if rows > 0 {
		fmt.Fprintln(w)
	}
	_, err := fmt.Fprintln(w, summaryLine(r))
	return err
}

// violationStatus is what a violation does to the run.
func violationStatus(v Violation) string {
	switch {
	case v.Blocking():
		return "FAIL"
	case len(v.Exceptions) > 0:
		ids := make([]string, len(v.Exceptions))
		for i, e := range v.Exceptions {
			ids[i] = e.ID
		}
		return "excepted (" + strings.Join(ids, ", ") + ")"
	default:
		return "warn"
	}
}

func resourceLabel(v Violation) string {
	if v.ResourceName == "" {
		return "(stack)"
	}
	return v.ResourceName + " (" + v.ResourceType + ")"
}

// summaryLine says in one line what the report found, and whether the pack ran.
func summaryLine(r *Report) string {
	s := r.Summary
	noun := "stacks"
	if s.Stacks == 1 {
		noun = "stack"
	}
	var packs []string
	for _, p := range r.PolicyPacks {
		packs = append(packs, p.Name+" "+p.Version)
	}
	ran := "policy pack not run"
	if len(packs) > 0 {
		ran = "policy pack " + strings.Join(packs, ", ")
	}
	line := fmt.Sprintf("%d %s: %d pass, %d warn, %d fail, %d unreadable · %d violations (%d blocking, %d advisory, %d excepted) · %s",
		s.Stacks, noun, s.Passed, s.Warned, s.Failed, s.Errored, s.Violations, s.Blocking, s.Advisory, s.Excepted, ran)
	if len(r.Scope.Shards) > 0 {
		var ids []string
		for _, sh := range r.Scope.Shards {
			ids = append(ids, sh.String())
		}
		line += " · shards " + strings.Join(ids, ", ")
	}
	return line
}

// firstLine is the first line of s, cut to at most n runes.
func firstLine(s string, n int) string {
	s, _, cut := strings.Cut(strings.TrimSpace(s), "\n")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	} else if cut {
		return s + " …"
	}
	return s
}
