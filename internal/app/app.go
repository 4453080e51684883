// Package app is the program that main.go runs (and the offline runner runs inline).
package app

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

// Run is the Pulumi program. Placeholder: replaced by the real program.
func Run(ctx *pulumi.Context) error { return nil }
