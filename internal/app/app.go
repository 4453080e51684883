// Package app is the program that main.go runs (and the offline runner runs inline): stack config
// → component arguments (one components.Setting per key) → one ActiveStorage component, which
// validates them → stack outputs.
package app

import (
	"fmt"
	"os"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/keyless-ecs/railsapp/components"
)

// ComponentName is the name of the program's ActiveStorage component; child resources are named
// "<ComponentName>-<role>". Renaming it needs pulumi.Aliases on the component, or every resource
// would be replaced (docs/configuration.md, "Renaming the component").
const ComponentName = "railsapp"

// Run is the Pulumi program.
func Run(ctx *pulumi.Context) error {
	// The Go language host hands the program its config in PULUMI_CONFIG; when it is there, refuse
	// keys the program would silently ignore (typos). Inline (Automation API) runs do not set it.
	if raw := os.Getenv(pulumi.EnvConfig); raw != "" {
		unknown, err := unknownConfigKeys(raw)
		if err != nil {
			return err
		}
		if len(unknown) > 0 {
			return fmt.Errorf("unknown configuration keys %s (nothing was deployed); known keys: %s",
				strings.Join(unknown, ", "), strings.Join(KnownKeys(), ", "))
		}
	}

	args, err := LoadArgs(ctx)
	if err != nil {
		return err
	}
	storage, err := components.NewActiveStorage(ctx, ComponentName, args)
	if err != nil {
		return asConfigError(ctx.Stack(), err)
	}
	ctx.Export("bucketName", storage.BucketName)
	ctx.Export("bucketArn", storage.BucketArn)
	ctx.Export("taskRoleArn", storage.TaskRoleArn)
	ctx.Export("executionRoleArn", storage.ExecutionRoleArn)
	ctx.Export("taskDefinitionArn", storage.TaskDefinitionArn)
	ctx.Export("storageYml", storage.StorageYml)
	return nil
}
