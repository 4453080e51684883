package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/keyless-ecs/railsapp/components"
	"github.com/keyless-ecs/railsapp/internal/awsfacts"
)

// Namespace is the config namespace of every program setting (the Pulumi project name).
const Namespace = "railsapp"

// RegionKey is the provider setting that chooses the region.
const RegionKey = "aws:region"

// EnvironmentDefault is what the program uses when railsapp:environment is not set.
const EnvironmentDefault = "the stack name"

// KnownKeys returns every config key the program reads under Namespace (one per component
// setting, components.Settings), fully qualified and sorted.
func KnownKeys() []string {
	var out []string
	for _, s := range components.Settings() {
		out = append(out, qualify(s.Key))
	}
	slices.Sort(out)
	return out
}

// ConfigError lists every problem found in the stack's configuration. Each problem starts with the
// fully qualified key it is about.
type ConfigError struct {
	Stack    string
	Problems []string
}

func (e *ConfigError) Error() string {
	return fmt.Sprintf("invalid configuration for stack %q (nothing was deployed):\n  %s",
		e.Stack, strings.Join(e.Problems, "\n  "))
}

// LoadArgs reads the stack configuration into component arguments, one components.Setting per
// key. It registers nothing. Values that cannot be read
// (a word for a number, a string for a list, no region) are a *ConfigError, which then also lists
// every problem of the values that could be read, so one run reports everything; otherwise the
// values are checked once, by components.NewActiveStorage.
func LoadArgs(ctx *pulumi.Context) (*components.ActiveStorageArgs, error) {
	var probs []string
	region, _ := ctx.GetConfig(RegionKey)
	switch {
	case region == "":
		probs = append(probs, RegionKey+": is not set; set the AWS region, e.g. `pulumi config set aws:region ap-northeast-1`")
	case !awsfacts.IsRegion(region):
		probs = append(probs, fmt.Sprintf("%s: %q is not an AWS region name (e.g. ap-northeast-1)", RegionKey, region))
		region = ""
	}

	args := &components.ActiveStorageArgs{}
	for _, s := range components.Settings() {
		key := qualify(s.Key)
		text, ok := ctx.GetConfig(key)
		if !ok {
			continue
		}
		if err := s.Set(args, text); err != nil {
			if ctx.IsConfigSecret(key) {
				probs = append(probs, fmt.Sprintf("%s: is a secret config value that is not a valid %s", key, s.Type))
			} else {
				probs = append(probs, key+": "+err.Error())
			}
		}
	}
	if args.Environment == "" {
		args.Environment = ctx.Stack()
	}
	// The container's environment ends up in plain text in the task definition: a secret there
	// belongs in railsapp:secrets (an SSM/Secrets Manager ARN) instead.
	if ctx.IsConfigSecret(qualify("containerEnv")) {
		probs = append(probs, qualify("containerEnv")+": is a secret config value, but the container environment is stored in plain text in the task definition; put secrets in SSM Parameter Store or Secrets Manager and list their ARNs in "+qualify("secrets"))
	}

	if len(probs) > 0 {
		probs = append(probs, qualifyProblems(args.Validate(region))...)
		return nil, &ConfigError{Stack: ctx.Stack(), Problems: dedupe(probs)}
	}
	return args, nil
}

// asConfigError turns the component's *ArgsError into a *ConfigError naming config keys.
func asConfigError(stack string, err error) error {
	if probs := qualifyProblems(err); probs != nil {
		return &ConfigError{Stack: stack, Problems: probs}
	}
	return err
}

func qualifyProblems(err error) []string {
	var ae *components.ArgsError
	if !errors.As(err, &ae) {
		return nil
	}
	out := make([]string, len(ae.Problems))
	for i, p := range ae.Problems {
		out[i] = qualify(p.Field) + ": " + p.Message
	}
	return out
}

// UnknownKeys returns, sorted, the keys in the railsapp namespace among the given fully qualified
// config keys that the program does not read.
func UnknownKeys(keys []string) []string {
	known := KnownKeys()
	var unknown []string
	for _, k := range keys {
		if strings.HasPrefix(k, Namespace+":") && !slices.Contains(known, k) {
			unknown = append(unknown, k)
		}
	}
	slices.Sort(unknown)
	return unknown
}

// unknownConfigKeys is UnknownKeys of a stack configuration as the Go language host passes it in
// PULUMI_CONFIG: a JSON object of fully qualified keys.
func unknownConfigKeys(configJSON string) ([]string, error) {
	var all map[string]any
	if err := json.Unmarshal([]byte(configJSON), &all); err != nil {
		return nil, fmt.Errorf("parse stack configuration: %w", err)
	}
	return UnknownKeys(slices.Collect(maps.Keys(all))), nil
}

func qualify(key string) string { return Namespace + ":" + key }

func dedupe(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
