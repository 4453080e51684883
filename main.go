// Command railsapp is the Pulumi program: per stack, one keyless Active Storage setup for a
// Rails app on ECS Fargate (see README.md).
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/keyless-ecs/railsapp/internal/app"
)

func main() { pulumi.Run(app.Run) }
