//go:build tools

// Package tools pins the Pulumi CLI that the offline runner, the end-to-end tests and the
// benchmarks build (see scripts/pulumi.sh): the CLI cannot be downloaded here, but it builds
// from the Go module proxy.
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
