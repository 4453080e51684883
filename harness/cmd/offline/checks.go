package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/agext/levenshtein"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag/colors"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"

	"github.com/keyless-ecs/railsapp/harness/offline"
	"github.com/keyless-ecs/railsapp/internal/app"
	"github.com/keyless-ecs/railsapp/internal/pack"
)

// checkStackConfig refuses a stack whose config file is missing or sets railsapp: keys the
// program does not read: a misspelled key would otherwise be ignored and its default used (an
// auto-named bucket instead of the one meant). The program refuses them itself when the CLI runs
// it (the CLI passes the config in PULUMI_CONFIG); the runner runs it inline, without that.
func checkStackConfig(projectFile, stackFile string) error {
	if _, err := os.Stat(stackFile); err != nil {
		stacks, _ := filepath.Glob(filepath.Join(filepath.Dir(stackFile), "Pulumi.*.yaml"))
		for i, s := range stacks {
			stacks[i] = strings.TrimSuffix(strings.TrimPrefix(filepath.Base(s), "Pulumi."), ".yaml")
		}
		return usageError{fmt.Sprintf("no stack config %s (stacks here: %s)", filepath.Base(stackFile), strings.Join(stacks, ", "))}
	}
	project, err := workspace.LoadProject(projectFile)
	if err != nil {
		return fmt.Errorf("loading %s: %w", projectFile, err)
	}
	sink := diag.DefaultSink(io.Discard, io.Discard, diag.FormatOptions{Color: colors.Never})
	ps, err := workspace.LoadProjectStack(sink, project, stackFile)
	if err != nil {
		return fmt.Errorf("loading %s: %w", stackFile, err)
	}
	keys := make([]string, 0, len(ps.Config))
	for k := range ps.Config {
		keys = append(keys, k.String())
	}
	unknown := app.UnknownKeys(keys)
	if len(unknown) == 0 {
		return nil
	}
	known := app.KnownKeys()
	return fmt.Errorf("%s sets configuration keys the program does not read, so nothing was run: %s. Known keys: %s",
		filepath.Base(stackFile), withSuggestions(unknown, known), strings.Join(known, ", "))
}

// checkPolicyPackConfig refuses a policy pack config that names a policy the pack does not have,
// in its settings or its exceptions: the engine passes such names on and the pack ignores them,
// so a typo would silently leave a policy at its default level, or a violation unexcepted.
func checkPolicyPackConfig(ctx context.Context, file string) error {
	configured, excepted, err := offline.PolicyConfigNames(file)
	if err != nil {
		return err
	}
	info, err := pack.NewAnalyzer().GetAnalyzerInfo(ctx)
	if err != nil {
		return fmt.Errorf("reading the policy pack's policies: %w", err)
	}
	known := make([]string, 0, len(info.Policies))
	for _, p := range info.Policies {
		known = append(known, p.Name)
	}
	slices.Sort(known)
	var problems []string
	if bad := missing(configured, known); len(bad) > 0 {
		problems = append(problems, "configures "+withSuggestions(bad, known))
	}
	if bad := missing(excepted, known); len(bad) > 0 {
		problems = append(problems, "has exceptions for "+withSuggestions(bad, known))
	}
	if len(problems) == 0 {
		return nil
	}
	return fmt.Errorf("policy pack config %s %s, which the pack %s does not have, so nothing was run. Its policies: %s",
		filepath.Base(file), strings.Join(problems, " and "), info.Name, strings.Join(known, ", "))
}

// missing returns the names that are not in known.
func missing(names, known []string) []string {
	var out []string
	for _, n := range names {
		if !slices.Contains(known, n) {
			out = append(out, n)
		}
	}
	return out
}

// withSuggestions lists names, each followed by the known name it most likely meant.
func withSuggestions(names, known []string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = n
		if s := closest(n, known); s != "" {
			out[i] += " (did you mean " + s + "?)"
		}
	}
	return strings.Join(out, ", ")
}

// closest returns the known name that differs from name only in case, or else by at most two
// edits, or "".
func closest(name string, known []string) string {
	for _, k := range known {
		if strings.EqualFold(k, name) {
			return k
		}
	}
	best, bestDist := "", 3
	for _, k := range known {
		if d := levenshtein.Distance(strings.ToLower(name), strings.ToLower(k), nil); d < bestDist {
			best, bestDist = k, d
		}
	}
	return best
}
