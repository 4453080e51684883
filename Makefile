# Everything a newcomer or CI runs. The pinned Pulumi CLI and the policy pack executable are built
# by the project itself into the ignored .bin/ folder (see scripts/pulumi.sh, harness/offline).
SHELL := /bin/bash
export PULUMI_SKIP_UPDATE_CHECK := 1
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION := true

STACK ?= dev

.PHONY: demo test lint unit e2e bench pulumi policypack clean

# The main job, offline: preview then update the dev stack with the policy pack enforced.
demo:
	go run ./harness/cmd/offline up $(STACK)

# The test command (README, .ci/run): formatting, vet, every test (unit, policy, end-to-end through
# the real engine), the race detector on the concurrent analyzer, and the benchmarks compiled and run once.
test: lint
	go test -count=1 ./...
	go test -count=1 -race ./internal/pack/... ./internal/iampolicy/... ./internal/awscreds/...
	go test -count=1 -run '^$$' -bench . -benchtime=1x ./bench/...

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	go vet ./...

pulumi:
	scripts/pulumi.sh

policypack:
	go build -o .bin/railsapp-policy ./policypack

bench:
	bench/run.sh

clean:
	rm -rf .bin .offline bench/out

# ---- Release (owned by the audit/release work; kept apart from the targets above) ----
.PHONY: release
## release: cross-compile keyless-policy and keyless-audit (linux/darwin × amd64/arm64), version-stamped, with SHA256SUMS, into .bin/release/ (VERSION defaults to policypack/PulumiPolicy.yaml's)
release:
	scripts/release.sh $(VERSION)
