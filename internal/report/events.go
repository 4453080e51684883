package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// EventOptions complete what an engine event log does not say.
type EventOptions struct {
	Tool Tool
	// Organization, Project and Stack name the stack; Project and Stack default to those in the
	// URNs of the events.
	Organization, Project, Stack string
	// ProjectDir is the project's directory relative to the repository root (SARIF locations).
	ProjectDir string
	// Packs are the metadata of packs that may have run (descriptions and help for SARIF rules);
	// only the packs the event log says ran are reported.
	Packs []PolicyPack
}

// Events turns the engine's events of one preview or update into a report. Feed it every event
// (Add is not safe for concurrent use), then call Report.
type Events struct {
	opts       EventOptions
	stack      Stack
	urns       map[string]bool
	ran        map[string]string // pack name → version, from policy and summary events
	summary    *apitype.SummaryEvent
	errs       []string
	haveEvents bool
}

// NewEvents starts an empty conversion.
func NewEvents(opts EventOptions) *Events {
	return &Events{opts: opts, urns: map[string]bool{}, ran: map[string]string{}}
}

// Add takes one engine event.
func (e *Events) Add(ev apitype.EngineEvent) {
	e.haveEvents = true
	switch {
	case ev.PolicyEvent != nil:
		p := ev.PolicyEvent
		e.noteURN(p.ResourceURN)
		v := Violation{PolicyPack: p.PolicyPackName, PolicyPackVersion: p.PolicyPackVersion, Policy: p.PolicyName,
			Level: NormalizeLevel(p.EnforcementLevel), Severity: p.Severity, URN: p.ResourceURN, Message: p.Message}
		for _, x := range p.Exceptions {
			v.Exceptions = append(v.Exceptions, Exception{ID: x.ID, Reason: x.Reason})
		}
		e.stack.Violations = append(e.stack.Violations, v)
		if _, ok := e.ran[p.PolicyPackName]; !ok {
			e.ran[p.PolicyPackName] = p.PolicyPackVersion
		}
	case ev.ResourcePreEvent != nil:
		e.noteResource(ev.ResourcePreEvent.Metadata.URN)
	case ev.ResOutputsEvent != nil:
		e.noteResource(ev.ResOutputsEvent.Metadata.URN)
	case ev.DiagnosticEvent != nil:
		if d := ev.DiagnosticEvent; d.Severity == "error" {
			e.noteURN(d.URN)
			e.errs = append(e.errs, strings.TrimSpace(d.Message))
		}
	case ev.ErrorEvent != nil:
		e.errs = append(e.errs, strings.TrimSpace(ev.ErrorEvent.Error))
	case ev.SummaryEvent != nil:
		e.summary = ev.SummaryEvent
		// Keys are the pack's name, or for a local pack "name|local|path".
		for key, version := range ev.SummaryEvent.PolicyPacks {
			name, _, _ := strings.Cut(key, "|")
			e.ran[name] = strings.TrimPrefix(version, "v")
		}
	}
}

func (e *Events) noteResource(urn string) {
	if urn != "" && !e.urns[urn] {
		e.urns[urn] = true
	}
	e.noteURN(urn)
}

// noteURN learns the project and stack from the first valid URN.
func (e *Events) noteURN(s string) {
	if e.stack.Name != "" || s == "" {
		return
	}
	if urn := resource.URN(s); urn.IsValid() {
		e.stack.Name = string(urn.Stack())
		e.stack.Project = string(urn.Project())
	}
}

// Report returns the report of the events added so far, normalized.
func (e *Events) Report() *Report {
	r := &Report{Kind: KindPreview, Tool: e.opts.Tool}
	if e.summary != nil && !e.summary.IsPreview {
		r.Kind = KindUpdate
	}
	s := e.stack
	s.Violations = append([]Violation(nil), e.stack.Violations...)
	s.Organization = e.opts.Organization
	if e.opts.Project != "" {
		s.Project = e.opts.Project
	}
	if e.opts.Stack != "" {
		s.Name = e.opts.Stack
	}
	if s.Name == "" {
		s.Name = "unknown"
	}
	s.ProjectDir = e.opts.ProjectDir
	if s.ProjectDir == "" {
		s.ProjectDir = "."
	}
	s.Resources = len(e.urns)

	blocking := false
	for _, v := range s.Violations {
		blocking = blocking || v.Blocking()
	}
	switch {
	case !e.haveEvents:
		s.Error = "the event log is empty: the operation did not start"
	case e.summary == nil:
		s.Error = "the event log has no summary: the operation did not finish"
	}
	// A blocking violation fails the operation and the engine says so as an error; that error is
	// the violation, not a second problem.
	if len(e.errs) > 0 && s.Error == "" && !blocking {
		s.Error = strings.Join(e.errs, "\n")
	} else if len(e.errs) > 0 {
		s.Warnings = append(s.Warnings, e.errs...)
	}
	r.Stacks = []Stack{s}

	for name, version := range e.ran {
		pack := PolicyPack{Name: name, Version: version}
		for _, meta := range e.opts.Packs {
			if meta.Name == name {
				pack.Policies = meta.Policies
			}
		}
		r.PolicyPacks = append(r.PolicyPacks, pack)
	}
	r.Normalize()
	return r
}

// ReadEventLog converts an engine event log: the JSON lines `pulumi preview --event-log F` and
// `pulumi up --event-log F` write (one apitype.EngineEvent per line).
func ReadEventLog(rd io.Reader, opts EventOptions) (*Report, error) {
	e := NewEvents(opts)
	sc := bufio.NewScanner(rd)
	sc.Buffer(make([]byte, 0, 64*1024), 64*1024*1024)
	line := 0
	for sc.Scan() {
		line++
		b := sc.Bytes()
		if len(strings.TrimSpace(string(b))) == 0 {
			continue
		}
		var ev apitype.EngineEvent
		if err := json.Unmarshal(b, &ev); err != nil {
			// An engine killed mid-write leaves a torn last line; that is the end of the log,
			// and the missing summary says the operation did not finish.
			if !sc.Scan() {
				break
			}
			return nil, fmt.Errorf("event log line %d is not an engine event: %w", line, err)
		}
		e.Add(ev)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading the event log: %w", err)
	}
	return e.Report(), nil
}
