package awsfacts

import (
	"slices"
)

// Task definition name rules (ECS RegisterTaskDefinition): a family and a container name are up
// to 255 letters, digits, hyphens and underscores; an image reference is at most 255 characters.
const MaxImageLength = 255

var taskNameRe = lazyMustCompile(`^[A-Za-z0-9_-]{1,255}$`)

// IsTaskFamily reports whether ECS accepts s as a task definition family.
func IsTaskFamily(s string) bool { return taskNameRe.MatchString(s) }

// IsContainerName reports whether ECS accepts s as a container name.
func IsContainerName(s string) bool { return taskNameRe.MatchString(s) }

// execCommandActions are what the task role needs for ECS Exec (`aws ecs execute-command`): the
// SSM agent in the task opens its control and data channels with them. They accept only
// Resource "*".
var execCommandActions = []string{
	"ssmmessages:CreateControlChannel",
	"ssmmessages:CreateDataChannel",
	"ssmmessages:OpenControlChannel",
	"ssmmessages:OpenDataChannel",
}

// ExecCommandActions returns the task role actions ECS Exec needs, sorted.
func ExecCommandActions() []string { return slices.Clone(execCommandActions) }
