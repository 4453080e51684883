package offline

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

// ErrPreviewFailed is returned (wrapped) by Up when the preview it runs first fails, for
// example on a mandatory policy violation: like `pulumi up`, nothing is then updated.
var ErrPreviewFailed = errors.New("preview failed; the update was not attempted")

// PolicyResult is one policy violation reported by the engine.
type PolicyResult struct {
	Pack     string `json:"pack"`
	Policy   string `json:"policy"`
	Level    string `json:"level"` // "mandatory", "advisory", "remediate", …
	Severity string `json:"severity,omitempty"`
	URN      string `json:"urn,omitempty"` // empty for stack-level results
	Message  string `json:"message"`
	// Exceptions are the IDs of the policy exceptions that matched (the violation then does
	// not fail the operation); ExceptionReasons[i] is the reason given for Exceptions[i].
	Exceptions       []string `json:"exceptions,omitempty"`
	ExceptionReasons []string `json:"exceptionReasons,omitempty"`
}

// Blocking reports whether the violation fails the operation.
func (r PolicyResult) Blocking() bool {
	return (r.Level == "mandatory" || r.Level == "remediate") && len(r.Exceptions) == 0
}

// Report is what one operation produced.
type Report struct {
	Op string
	// PolicyPacks are the policy packs the operation was given.
	PolicyPacks []string
	// PolicyRan is set when a policy pack checked something: a resource, the stack, or (for
	// analyze) the exported state. Without it, "no violations" would mean nothing.
	PolicyRan bool
	// Analyzed is the number of resources the policy packs checked one by one (0 for analyze,
	// which the engine does not report per resource).
	Analyzed int
	Policy   []PolicyResult
	Changes  map[string]int
	// Diagnostics are the engine's error diagnostics (resource errors, program errors).
	Diagnostics []string
	Outputs     auto.OutputMap
	// Preview is the preview Up ran first.
	Preview *Report
}

// Blocking returns the violations that fail the operation.
func (r *Report) Blocking() []PolicyResult {
	var out []PolicyResult
	for _, p := range r.Policy {
		if p.Blocking() {
			out = append(out, p)
		}
	}
	return out
}

// HasPolicy reports whether policy was reported at level (any level if level is "").
func (r *Report) HasPolicy(policy, level string) bool {
	for _, p := range r.Policy {
		if p.Policy == policy && (level == "" || p.Level == level) {
			return true
		}
	}
	return false
}

// ReadEvents reads an engine event log (`pulumi … --event-log FILE`, or `pulumi policy analyze
// --json` output: one JSON event per line) into a report of operation op.
func ReadEvents(r io.Reader, op string) (*Report, error) {
	c := &collector{rep: &Report{Op: op}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var ev apitype.EngineEvent
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			return c.rep, fmt.Errorf("reading the engine's events: %w", err)
		}
		c.add(ev)
	}
	if err := sc.Err(); err != nil {
		return c.rep, fmt.Errorf("reading the engine's events: %w", err)
	}
	return c.rep, nil
}

// collector gathers the events of one operation. Its goroutine owns the report until wait
// returns.
type collector struct {
	ch       chan events.EngineEvent
	returned chan struct{}
	done     chan struct{}
	rep      *Report
	analyzed map[string]bool
}

func newCollector(op string, packs []string) *collector {
	c := &collector{
		ch:       make(chan events.EngineEvent),
		returned: make(chan struct{}),
		done:     make(chan struct{}),
		rep:      &Report{Op: op, PolicyPacks: packs},
	}
	go c.run()
	return c
}

func (c *collector) run() {
	defer close(c.done)
	for {
		select {
		case ev, ok := <-c.ch:
			if !ok {
				return
			}
			c.receive(ev)
			continue
		case <-c.returned:
		}
		// The operation has returned, so every event has been delivered (see wait): what is left
		// is at most the close of the stream, and nothing when the stream never opened.
		select {
		case ev, ok := <-c.ch:
			if !ok {
				return
			}
			c.receive(ev)
		default:
			return
		}
	}
}

func (c *collector) receive(ev events.EngineEvent) {
	if ev.Error != nil {
		c.rep.Diagnostics = append(c.rep.Diagnostics, "reading the engine's events: "+ev.Error.Error())
		return
	}
	c.add(ev.EngineEvent)
}

func (c *collector) add(ev apitype.EngineEvent) {
	if p := ev.PolicyEvent; p != nil {
		c.rep.PolicyRan = true
		r := PolicyResult{Pack: p.PolicyPackName, Policy: p.PolicyName, Level: p.EnforcementLevel,
			Severity: p.Severity, URN: p.ResourceURN, Message: strings.TrimSpace(p.Message)}
		for _, e := range p.Exceptions {
			r.Exceptions = append(r.Exceptions, e.ID)
			r.ExceptionReasons = append(r.ExceptionReasons, strings.TrimSpace(e.Reason))
		}
		c.rep.Policy = append(c.rep.Policy, r)
	}
	if s := ev.PolicyAnalyzeSummaryEvent; s != nil {
		c.rep.PolicyRan = true
		if c.analyzed == nil {
			c.analyzed = map[string]bool{}
		}
		if !c.analyzed[s.ResourceURN] {
			c.analyzed[s.ResourceURN] = true
			c.rep.Analyzed++
		}
	}
	if ev.PolicyAnalyzeStackSummaryEvent != nil {
		c.rep.PolicyRan = true
	}
	if d := ev.DiagnosticEvent; d != nil && d.Severity == "error" {
		c.rep.Diagnostics = append(c.rep.Diagnostics, strings.TrimSpace(d.Message))
	}
	if s := ev.SummaryEvent; s != nil {
		c.rep.Changes = map[string]int{}
		for op, n := range s.ResourceChanges {
			c.rep.Changes[string(op)] = n
		}
	}
}

// wait returns the report once the Automation API call the collector was given to has returned.
// That call returns only after its event server has stopped gracefully, which waits for the
// stream's handler: by then every event has been delivered and the channel closed, or the CLI
// never opened the stream (it failed before its engine started) and nothing will ever come. So
// this waits for the stream, never for a clock.
func (c *collector) wait() *Report {
	close(c.returned)
	<-c.done
	return c.rep
}

// Preview runs `pulumi preview` with the session's policy packs.
func (s *Session) Preview(ctx context.Context, extra ...optpreview.Option) (*Report, error) {
	c := newCollector("preview", s.opts.PolicyPacks)
	opts := []optpreview.Option{
		optpreview.EventStreams(c.ch),
		optpreview.ProgressStreams(s.opts.Progress),
		optpreview.ErrorProgressStreams(s.opts.Progress),
	}
	if len(s.opts.PolicyPacks) > 0 {
		opts = append(opts, optpreview.PolicyPacks(s.opts.PolicyPacks...))
	}
	if len(s.opts.PolicyPackConfigs) > 0 {
		opts = append(opts, optpreview.PolicyPackConfigs(s.opts.PolicyPackConfigs...))
	}
	_, err := s.Stack.Preview(ctx, append(opts, extra...)...)
	rep := c.wait()
	if err != nil {
		return rep, fmt.Errorf("preview of stack %s: %w", s.opts.Stack, err)
	}
	return rep, nil
}

// Up runs a preview first, as `pulumi up` does, and stops there if it fails (ErrPreviewFailed);
// otherwise it updates the stack. Both passes enforce the session's policy packs.
func (s *Session) Up(ctx context.Context) (*Report, error) {
	pre, err := s.Preview(ctx)
	if err != nil {
		return &Report{Op: "update", Preview: pre}, fmt.Errorf("%w: %w", ErrPreviewFailed, err)
	}
	rep, err := s.UpOnly(ctx)
	rep.Preview = pre
	return rep, err
}

// UpOnly runs the Automation API's Up alone, which skips the preview (`pulumi up --yes
// --skip-preview`): only the analyzer's per-resource checks can then stop the update.
func (s *Session) UpOnly(ctx context.Context, extra ...optup.Option) (*Report, error) {
	c := newCollector("update", s.opts.PolicyPacks)
	opts := []optup.Option{
		optup.EventStreams(c.ch),
		optup.ProgressStreams(s.opts.Progress),
		optup.ErrorProgressStreams(s.opts.Progress),
	}
	if len(s.opts.PolicyPacks) > 0 {
		opts = append(opts, optup.PolicyPacks(s.opts.PolicyPacks...))
	}
	if len(s.opts.PolicyPackConfigs) > 0 {
		opts = append(opts, optup.PolicyPackConfigs(s.opts.PolicyPackConfigs...))
	}
	res, err := s.Stack.Up(ctx, append(opts, extra...)...)
	rep := c.wait()
	if err != nil {
		return rep, fmt.Errorf("update of stack %s: %w", s.opts.Stack, err)
	}
	rep.Outputs = res.Outputs
	return rep, nil
}

// Destroy deletes the stack's resources (protected resources make it fail, as they should).
func (s *Session) Destroy(ctx context.Context) (*Report, error) {
	c := newCollector("destroy", nil)
	_, err := s.Stack.Destroy(ctx,
		optdestroy.EventStreams(c.ch),
		optdestroy.ProgressStreams(s.opts.Progress),
		optdestroy.ErrorProgressStreams(s.opts.Progress),
	)
	rep := c.wait()
	if err != nil {
		return rep, fmt.Errorf("destroy of stack %s: %w", s.opts.Stack, err)
	}
	return rep, nil
}

// Outputs returns the stack's current outputs.
func (s *Session) Outputs(ctx context.Context) (auto.OutputMap, error) {
	out, err := s.Stack.Outputs(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the outputs of stack %s: %w", s.opts.Stack, err)
	}
	return out, nil
}

// ExportState writes `pulumi stack export` output to a file in the workspace and returns its path.
// The file holds every resource's inputs: the caller deletes it when done (Analyze does).
func (s *Session) ExportState(ctx context.Context) (string, error) {
	dep, err := s.Stack.Export(ctx)
	if err != nil {
		return "", fmt.Errorf("exporting stack %s: %w", s.opts.Stack, err)
	}
	b, err := json.MarshalIndent(dep, "", "  ")
	if err != nil {
		return "", fmt.Errorf("exporting stack %s: %w", s.opts.Stack, err)
	}
	path := filepath.Join(s.opts.Dir, "work", s.opts.Stack+".state.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return "", fmt.Errorf("exporting stack %s: %w", s.opts.Stack, err)
	}
	return path, nil
}

// Resources returns the resources in the stack's state.
func (s *Session) Resources(ctx context.Context) ([]apitype.ResourceV3, error) {
	dep, err := s.Stack.Export(ctx)
	if err != nil {
		return nil, fmt.Errorf("exporting stack %s: %w", s.opts.Stack, err)
	}
	if len(dep.Deployment) == 0 {
		return nil, nil
	}
	var d apitype.DeploymentV3
	if err := json.Unmarshal(dep.Deployment, &d); err != nil {
		return nil, fmt.Errorf("reading the state of stack %s: %w", s.opts.Stack, err)
	}
	return d.Resources, nil
}

// Analyze runs `pulumi policy analyze --file <exported state>` with the session's policy packs,
// which checks the deployed state without running the program or the provider.
func (s *Session) Analyze(ctx context.Context) (*Report, error) {
	if len(s.opts.PolicyPacks) == 0 {
		return nil, errors.New("analyze needs a policy pack")
	}
	state, err := s.ExportState(ctx)
	if err != nil {
		return nil, err
	}
	// The exported state holds every resource's inputs; do not leave it behind.
	defer os.Remove(state)
	args := []string{"policy", "analyze", "--json", "--file", state}
	for _, p := range s.opts.PolicyPacks {
		args = append(args, "--policy-pack", p)
	}
	for _, c := range s.opts.PolicyPackConfigs {
		args = append(args, "--policy-pack-config", c)
	}
	env := make([]string, 0, len(s.env))
	for k, v := range s.env {
		env = append(env, k+"="+v)
	}
	var stdout bytes.Buffer
	_, stderr, code, runErr := s.cmd.Run(ctx, filepath.Join(s.opts.Dir, "work"), nil,
		[]io.Writer{&stdout}, []io.Writer{s.opts.Progress}, env, args...)

	rep, readErr := ReadEvents(&stdout, "analyze")
	rep.PolicyPacks = s.opts.PolicyPacks
	// The command reports violations only: it ran the packs if it succeeded or reported any.
	rep.PolicyRan = rep.PolicyRan || runErr == nil
	if runErr != nil {
		return rep, fmt.Errorf("pulumi policy analyze on stack %s (exit %d): %w: %s", s.opts.Stack, code, runErr,
			strings.TrimSpace(stderr))
	}
	if readErr != nil {
		return rep, fmt.Errorf("pulumi policy analyze on stack %s: %w", s.opts.Stack, readErr)
	}
	return rep, nil
}

// PrintReport writes the policy results of rep in a readable form: each violation with its
// message and, when an exception excuses it, the exception's reason. It says "no violations" only
// when a policy pack ran and found none, and "policy pack not run" otherwise. Outputs are not
// printed (see PrintOutputs).
func PrintReport(w io.Writer, rep *Report) {
	if rep == nil {
		return
	}
	fmt.Fprintf(w, "\n== Policy results (%s) ==\n", rep.Op)
	switch {
	case !rep.PolicyRan && len(rep.PolicyPacks) == 0:
		fmt.Fprintln(w, "  policy pack not run: none given")
	case !rep.PolicyRan:
		fmt.Fprintln(w, "  policy pack not run: the operation failed before the pack checked anything (the error says why)")
	case len(rep.Policy) == 0 && rep.Analyzed > 0:
		fmt.Fprintf(w, "  no violations (%d resources checked)\n", rep.Analyzed)
	case len(rep.Policy) == 0:
		fmt.Fprintln(w, "  no violations")
	}
	for _, p := range rep.Policy {
		where := "stack"
		if p.URN != "" {
			where = ShortURN(p.URN)
		}
		level := p.Level
		if len(p.Exceptions) > 0 {
			level += ", excepted"
		}
		fmt.Fprintf(w, "  [%s] %s/%s on %s\n", level, p.Pack, p.Policy, where)
		for _, line := range strings.Split(p.Message, "\n") {
			fmt.Fprintf(w, "      %s\n", line)
		}
		for i, id := range p.Exceptions {
			reason := "(no reason given)"
			if i < len(p.ExceptionReasons) && p.ExceptionReasons[i] != "" {
				reason = p.ExceptionReasons[i]
			}
			fmt.Fprintf(w, "      excepted by %s: %s\n", id, reason)
		}
	}
}

// secretMask stands in for the value of a secret output.
const secretMask = "[secret]"

// MaskedOutputs returns the outputs' values with every secret one replaced by "[secret]": the
// one form in which the runner shows outputs, as text or as JSON, so that no secret is printed.
func MaskedOutputs(outs auto.OutputMap) map[string]any {
	plain := make(map[string]any, len(outs))
	for k, v := range outs {
		plain[k] = v.Value
		if v.Secret {
			plain[k] = secretMask
		}
	}
	return plain
}

// PrintOutputs writes stack outputs, multi-line strings (storageYml) as blocks. Secret outputs
// are masked (MaskedOutputs).
func PrintOutputs(w io.Writer, outs auto.OutputMap) {
	fmt.Fprintln(w, "\n== Stack outputs ==")
	plain := MaskedOutputs(outs)
	for _, k := range slices.Sorted(maps.Keys(plain)) {
		if s, ok := plain[k].(string); ok {
			if strings.Contains(s, "\n") {
				fmt.Fprintf(w, "  %s: |\n", k)
				for _, line := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
					fmt.Fprintf(w, "    %s\n", line)
				}
				continue
			}
			fmt.Fprintf(w, "  %s: %s\n", k, s)
			continue
		}
		b, _ := json.Marshal(plain[k])
		fmt.Fprintf(w, "  %s: %s\n", k, b)
	}
}

// ShortURN renders a URN as "name (type)".
func ShortURN(urn string) string {
	parts := strings.Split(urn, "::")
	if len(parts) < 4 {
		return urn
	}
	typ := parts[len(parts)-2]
	if i := strings.LastIndex(typ, "$"); i >= 0 {
		typ = typ[i+1:]
	}
	return fmt.Sprintf("%s (%s)", parts[len(parts)-1], typ)
}
