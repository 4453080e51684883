package report

import (
	"fmt"
	"io"
	"strings"
)

// MarkdownMarker starts every Markdown report, so a pipeline can find and update its previous
// pull-request comment instead of adding one per push.
const MarkdownMarker = "<!-- keyless-policy-report -->"

// markdownLimit keeps a comment under GitHub's 65,536-character limit for comment bodies.
const markdownLimit = 60000

// writeMarkdown writes a pull-request comment: a verdict, one row per stack and one per
// violation, blocking ones first.
func writeMarkdown(w io.Writer, r *Report) error {
	var b strings.Builder
	b.WriteString(MarkdownMarker + "\n")
	verdict := "✅ No blocking policy violation"
	switch code := r.ExitCode(); {
	case code&ExitViolations != 0 && code&ExitErrors != 0:
		verdict = "❌ Blocking policy violations, and stacks that could not be checked"
	case code&ExitViolations != 0:
		verdict = "❌ Blocking policy violations"
	case code&ExitErrors != 0:
		verdict = "⚠️ Stacks that could not be checked"
	case len(r.PolicyPacks) == 0:
		verdict = "⚠️ The policy pack did not run"
	}
	fmt.Fprintf(&b, "### %s — %s\n\n", verdict, title(r))
	fmt.Fprintf(&b, "%s\n\n", mdEscape(summaryLine(r)))

	b.WriteString("| Stack | Status | Resources | Blocking | Advisory | Excepted |\n|---|---|---:|---:|---:|---:|\n")
	for _, s := range r.Stacks {
		n := summarize([]Stack{s})
		status := statusIcon(s.Status) + " " + string(s.Status)
		fmt.Fprintf(&b, "| `%s` | %s | %d | %d | %d | %d |\n", mdCode(s.FullName()), status, s.Resources, n.Blocking, n.Advisory, n.Excepted)
		if b.Len() > markdownLimit/2 {
			b.WriteString("\n_More stacks omitted; see the JSON or SARIF report._\n")
			break
		}
	}

	var rows []string
	for _, blockingPass := range []bool{true, false} {
		for _, s := range r.Stacks {
			if blockingPass && s.Error != "" {
				rows = append(rows, fmt.Sprintf("| ⚠️ unreadable | `%s` | | | %s |", mdCode(s.FullName()), mdEscape(firstLine(s.Error, 300))))
			}
			for _, v := range s.Violations {
				if v.Blocking() != blockingPass {
					continue
				}
				rows = append(rows, fmt.Sprintf("| %s | `%s` | `%s` | %s | %s |", mdEscape(violationStatus(v)),
					mdCode(s.FullName()), mdCode(v.Policy), mdEscape(resourceLabel(v)), mdEscape(firstLine(v.Message, 300))))
			}
		}
	}
	if len(rows) > 0 {
		b.WriteString("\n<details open><summary>Violations</summary>\n\n")
		b.WriteString("| | Stack | Policy | Resource | Message |\n|---|---|---|---|---|\n")
		for i, row := range rows {
			if b.Len()+len(row) > markdownLimit {
				fmt.Fprintf(&b, "\n_%d more rows omitted; see the JSON or SARIF report._\n", len(rows)-i)
				break
			}
			b.WriteString(row + "\n")
		}
		b.WriteString("\n</details>\n")
	}
	if help := policyHelp(r); help != "" {
		b.WriteString("\n<details><summary>How to fix</summary>\n\n" + help + "\n</details>\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// policyHelp lists the remediation of each policy that has a violation.
func policyHelp(r *Report) string {
	seen := map[string]bool{}
	var b strings.Builder
	for _, s := range r.Stacks {
		for _, v := range s.Violations {
			key := v.PolicyPack + "/" + v.Policy
			if seen[key] {
				continue
			}
			seen[key] = true
			p, ok := r.policy(v.PolicyPack, v.Policy)
			if !ok || p.Remediation == "" {
				continue
			}
			fmt.Fprintf(&b, "- **`%s`**: %s\n", mdCode(p.Name), mdEscape(strings.Join(strings.Fields(p.Remediation), " ")))
		}
	}
	return b.String()
}

func title(r *Report) string {
	switch r.Kind {
	case KindAudit:
		return "audit of " + plural(len(r.Stacks), "stack")
	default:
		names := make([]string, len(r.Stacks))
		for i, s := range r.Stacks {
			names[i] = "`" + mdCode(s.Name) + "`"
		}
		return r.Kind + " of " + strings.Join(names, ", ")
	}
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func statusIcon(s Status) string {
	switch s {
	case StatusPass:
		return "✅"
	case StatusWarn:
		return "🟡"
	case StatusFail:
		return "❌"
	default:
		return "⚠️"
	}
}

// mdEscape makes text safe in a table cell: no pipes, no line breaks, no HTML.
func mdEscape(s string) string {
	r := strings.NewReplacer("|", `\|`, "\r", " ", "\n", " ", "<", "&lt;", ">", "&gt;", "`", "'")
	return r.Replace(s)
}

// mdCode makes text safe inside a code span in a table cell.
func mdCode(s string) string {
	return strings.NewReplacer("`", "'", "|", `\|`, "\n", " ").Replace(s)
}
