package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/keyless-ecs/railsapp/components"
)

// Namespace is the config namespace of every program setting (the Pulumi project name).
const Namespace = "railsapp"

// RegionKey is the provider setting that chooses the region.
const RegionKey = "aws:region"

// Config keys under Namespace, by kind. Each is also the `key` tag of a components.ActiveStorageArgs
// field; a test keeps the two in step.
var (
	stringKeys = []string{"environment", "bucketName", "kmsKeyArn", "policyName", "taskRoleName",
		"executionRoleName", "executionRoleArn", "family", "containerName", "image", "cpuArchitecture"}
	boolKeys = []string{"forceDestroy", "protectBucket", "versioning", "allowAbortMultipartUpload"}
	intKeys  = []string{"noncurrentVersionExpirationDays", "abortIncompleteMultipartUploadDays",
		"containerPort", "cpu", "memory", "logRetentionDays"}
	listKeys = []string{"corsOrigins"}
	mapKeys  = []string{"containerEnv", "secrets", "tags"}
)

// KnownKeys returns every config key the program reads, fully qualified and sorted.
func KnownKeys() []string {
	var out []string
	for _, group := range [][]string{stringKeys, boolKeys, intKeys, listKeys, mapKeys} {
		for _, k := range group {
			out = append(out, Namespace+":"+k)
		}
	}
	sort.Strings(out)
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

var regionRe = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d+$`)

// LoadArgs reads the stack configuration into validated component arguments. It returns a
// *ConfigError naming every bad key; it registers nothing.
func LoadArgs(ctx *pulumi.Context) (*components.ActiveStorageArgs, error) {
	cfg := config.New(ctx, Namespace)
	var probs []string
	bad := func(key, format string, args ...any) {
		probs = append(probs, qualify(key)+": "+fmt.Sprintf(format, args...))
	}

	if region, _ := ctx.GetConfig(RegionKey); region == "" {
		probs = append(probs, RegionKey+": is not set; set the AWS region, e.g. `pulumi config set aws:region ap-northeast-1`")
	} else if !regionRe.MatchString(region) {
		probs = append(probs, fmt.Sprintf("%s: %q is not an AWS region name (e.g. ap-northeast-1)", RegionKey, region))
	}

	str := func(key string) string { return strings.TrimSpace(cfg.Get(key)) }
	boolean := func(key string) bool {
		v, err := cfg.TryBool(key)
		if err != nil && !errors.Is(err, config.ErrMissingVar) {
			bad(key, "%q is not a boolean; allowed: true, false", cfg.Get(key))
		}
		return v
	}
	integer := func(key string) int {
		v, err := cfg.TryInt(key)
		if err != nil && !errors.Is(err, config.ErrMissingVar) {
			bad(key, "%q is not an integer", cfg.Get(key))
			return 0
		}
		if err == nil && v == 0 {
			// 0 would silently mean "default" to the component.
			bad(key, "0 is out of range; leave the key unset for the default")
		}
		return v
	}
	list := func(key string) []string {
		var v []string
		if err := cfg.TryObject(key, &v); err != nil && !errors.Is(err, config.ErrMissingVar) {
			bad(key, "must be a list of strings, e.g. [\"https://www.example.com\"]")
		}
		return v
	}
	object := func(key string) map[string]string {
		var v map[string]string
		if err := cfg.TryObject(key, &v); err != nil && !errors.Is(err, config.ErrMissingVar) {
			bad(key, "must be a map of string to string, e.g. {\"RAILS_ENV\": \"production\"}")
		}
		return v
	}

	env := str("environment")
	if env == "" {
		env = ctx.Stack()
	}
	args := &components.ActiveStorageArgs{
		Environment:                        env,
		BucketName:                         str("bucketName"),
		ForceDestroy:                       boolean("forceDestroy"),
		ProtectBucket:                      boolean("protectBucket"),
		Versioning:                         boolean("versioning"),
		NoncurrentVersionExpirationDays:    integer("noncurrentVersionExpirationDays"),
		AbortIncompleteMultipartUploadDays: integer("abortIncompleteMultipartUploadDays"),
		AllowAbortMultipartUpload:          boolean("allowAbortMultipartUpload"),
		KMSKeyArn:                          str("kmsKeyArn"),
		CORSOrigins:                        list("corsOrigins"),
		PolicyName:                         str("policyName"),
		TaskRoleName:                       str("taskRoleName"),
		ExecutionRoleName:                  str("executionRoleName"),
		ExecutionRoleArn:                   str("executionRoleArn"),
		Family:                             str("family"),
		ContainerName:                      str("containerName"),
		Image:                              str("image"),
		ContainerPort:                      integer("containerPort"),
		CPU:                                integer("cpu"),
		Memory:                             integer("memory"),
		CPUArchitecture:                    str("cpuArchitecture"),
		LogRetentionDays:                   integer("logRetentionDays"),
		ContainerEnv:                       object("containerEnv"),
		Secrets:                            object("secrets"),
		Tags:                               object("tags"),
	}
	// Safe defaults for the data: a stack must opt out of protection and versioning explicitly.
	if _, set := ctx.GetConfig(qualify("protectBucket")); !set {
		args.ProtectBucket = true
	}
	if _, set := ctx.GetConfig(qualify("versioning")); !set {
		args.Versioning = true
	}
	// The container's environment ends up in plain text in the task definition: a secret there
	// belongs in railsapp:secrets (an SSM/Secrets Manager ARN) instead.
	if ctx.IsConfigSecret(qualify("containerEnv")) {
		bad("containerEnv", "is a secret config value, but the container environment is stored in plain text in the task definition; put secrets in SSM Parameter Store or Secrets Manager and list their ARNs in %s", qualify("secrets"))
	}
	if args.Tags == nil {
		args.Tags = map[string]string{}
	}
	if _, ok := args.Tags["Environment"]; !ok {
		args.Tags["Environment"] = env
	}

	if err := args.Validate(); err != nil {
		var ae *components.ArgsError
		if !errors.As(err, &ae) {
			return nil, fmt.Errorf("validate configuration: %w", err)
		}
		for _, p := range ae.Problems {
			probs = append(probs, qualify(p.Field)+": "+p.Message)
		}
	}
	if len(probs) > 0 {
		return nil, &ConfigError{Stack: ctx.Stack(), Problems: dedupe(probs)}
	}
	return args, nil
}

// UnknownKeys returns the keys in the railsapp namespace of a stack configuration (as the CLI
// passes it in PULUMI_CONFIG: a JSON object of fully qualified keys) that the program does not read.
func UnknownKeys(configJSON string) ([]string, error) {
	var all map[string]any
	if err := json.Unmarshal([]byte(configJSON), &all); err != nil {
		return nil, fmt.Errorf("parse stack configuration: %w", err)
	}
	known := map[string]bool{}
	for _, k := range KnownKeys() {
		known[k] = true
	}
	var unknown []string
	for k := range all {
		if strings.HasPrefix(k, Namespace+":") && !known[k] {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	return unknown, nil
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
