package awsfacts

import (
	"maps"
	"slices"
)

// ECSTasksPrincipal is the service principal ECS tasks (task and execution roles) are trusted by.
const ECSTasksPrincipal = "ecs-tasks.amazonaws.com"

// ExecutionRolePolicyName is AWS's managed policy for the ECS agent (ECR pulls, CloudWatch Logs),
// at the path ExecutionRolePolicyPath.
const (
	ExecutionRolePolicyName = "AmazonECSTaskExecutionRolePolicy"
	ExecutionRolePolicyPath = "/service-role/"
)

// ExecutionRolePolicyARN is the ARN of AmazonECSTaskExecutionRolePolicy in a partition.
func ExecutionRolePolicyARN(partition string) string {
	return PolicyARN(partition, "aws", ExecutionRolePolicyPath, ExecutionRolePolicyName)
}

// IsExecutionRolePolicy reports whether a parsed policy ARN (ParsePolicyARN) names
// AmazonECSTaskExecutionRolePolicy, in any partition and at any path.
func IsExecutionRolePolicy(id IAMRef) bool {
	return id.Account == AWSManagedPolicyAccount && id.Name == ExecutionRolePolicyName
}

// fargateMemory lists, per Fargate task CPU size, the memory sizes (MiB) Fargate accepts on Linux.
var fargateMemory = map[int][]int{
	256:   {512, 1024, 2048},
	512:   steps(1024, 4096, 1024),
	1024:  steps(2048, 8192, 1024),
	2048:  steps(4096, 16384, 1024),
	4096:  steps(8192, 30720, 1024),
	8192:  steps(16384, 61440, 4096),
	16384: steps(32768, 122880, 8192),
}

func steps(from, to, step int) []int {
	var out []int
	for v := from; v <= to; v += step {
		out = append(out, v)
	}
	return out
}

// FargateCPUs returns the task CPU sizes Fargate accepts, ascending.
func FargateCPUs() []int { return slices.Sorted(maps.Keys(fargateMemory)) }

// FargateMemory returns the memory sizes (MiB) Fargate accepts with a task CPU size, ascending;
// nil when cpu is not a Fargate size.
func FargateMemory(cpu int) []int { return slices.Clone(fargateMemory[cpu]) }

// IsFargateSize reports whether Fargate runs a Linux task of this CPU and memory.
func IsFargateSize(cpu, memory int) bool { return slices.Contains(fargateMemory[cpu], memory) }

// CPUArchitectures are the runtimePlatform.cpuArchitecture values Fargate accepts.
var CPUArchitectures = []string{"X86_64", "ARM64"}
