// Package fakeaws is an offline stand-in for the Pulumi `aws` resource provider (pulumi-aws
// v6.83.4). It exists only so that the offline runner (harness/cmd/offline) and the end-to-end tests (e2e/)
// can drive the real Pulumi engine on a machine with no cloud access and no provider plugin; it is
// never used by a real deployment (`pulumi up` against AWS uses the real provider).
//
// It is served in-process over gRPC (Start) and attached to the engine with
// PULUMI_DEBUG_PROVIDERS=aws:<port>, so no plugin binary is installed or downloaded.
//
// What it simulates, where our program and policy pack can tell the difference:
//   - auto-naming: a missing `bucket`/`name` becomes `<logical name>-<7 hex>` (lower-case for
//     buckets), deterministic per engine random seed and kept across updates;
//   - outputs: the checked inputs plus `id`, `arn` and the other identifiers the real provider
//     computes; they are unknown during preview and real-looking after create
//     (`arn:aws:s3:::<bucket>`, `arn:aws:iam::<account>:role/<name>`, `…:policy/<name>`,
//     `arn:aws:ecs:<region>:<account>:task-definition/<family>:<revision>`, log group ARNs);
//   - IAM policy documents given as objects are normalised to JSON strings by Check, as the
//     real provider does;
//   - Diff reports no change when the inputs are equal, an in-place update otherwise, and a
//     replacement when a force-new property changes (bucket name, role name, any task definition
//     field, …);
//   - the rejections AWS would make for input our program can produce: invalid bucket names
//     (InvalidBucketName), Fargate cpu/memory pairs that do not exist, malformed IAM policy JSON
//     (MalformedPolicyDocument) and oversized documents (LimitExceeded: 6,144 characters per
//     managed policy, 10,240 for a role's inline policies in total, 2,048 for a trust policy,
//     20 KB for a bucket policy; whitespace is not counted, as in IAM). Errors the Terraform
//     provider raises at plan time are Check failures; errors the AWS API raises are Create
//     or Update errors worded like the real ones;
//   - the invokes aws:index/getCallerIdentity, aws:index/getRegion and aws:index/getPartition,
//     with a fixed fake account (123456789012) and the region from the provider's config.
//
// What it does not simulate: credentials (any or none are accepted), global uniqueness of bucket
// names across runs, eventual consistency, resources that do not exist (a policy ARN that is not
// in the account is accepted), drift (Read returns the recorded state) and the full provider
// schema (GetSchema returns only the package name and version). All providers of one engine run
// share one server, so the last configured region wins if a program uses several regions.
package fakeaws
