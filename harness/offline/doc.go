// Package offline runs this repository's Pulumi program through the real Pulumi engine on a
// machine with no cloud access: the pinned Pulumi CLI (scripts/pulumi.sh), the Automation API
// with the program inline (no Go language host needed), a local file backend and PULUMI_HOME in
// a directory of the caller's choosing, the offline stand-in for the aws provider
// (harness/fakeaws, attached through PULUMI_DEBUG_PROVIDERS) and the policy pack built as an
// executable. harness/cmd/offline, the end-to-end tests (e2e/) and the benchmarks use it.
//
// For running the program with the CLI itself (`pulumi preview`/`pulumi up` from Pulumi.yaml, as
// teams do), EnsureLanguageHost and BuildProviderPlugin provide the Go language host and the
// stand-in as a plugin executable, CLIEnv the environment that finds both on PATH, and ReadEvents
// reads the engine's --event-log into the same Report.
//
// Typical use:
//
//	tools, _ := offline.EnsureTools(ctx, root, os.Stderr)
//	s, _ := offline.Open(ctx, offline.Options{Dir: dir, CLI: tools.CLI, Stack: "dev",
//		Program: app.Run, ProjectFile: root + "/Pulumi.yaml", StackConfigFile: root + "/Pulumi.dev.yaml",
//		PolicyPacks: []string{tools.PolicyPack}})
//	defer s.Close()
//	rep, err := s.Up(ctx) // preview first; stops on a mandatory violation
package offline
