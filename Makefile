# Everything a newcomer or CI runs; `make help` lists the targets. The pinned Pulumi CLI, its Go
# language host, the policy pack and the offline stand-in are built by the project itself into the
# ignored .bin/ folder by scripts/build.sh, in parallel and with progress (VERBOSE=1 shows the
# builds' own output). Each target has a one-line `## ` description, which `make help` prints.
SHELL := /bin/bash
export PULUMI_SKIP_UPDATE_CHECK := 1
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION := true

STACK ?= dev
# The end-to-end tests wait for builds and engine runs however long a busy machine takes: no
# `go test` timeout (CI's job timeout is the only clock).
GO_TEST := go test -count=1 -timeout 0

.PHONY: help demo test lint unit e2e tools pulumi language-host policypack bench clean

help: ## list the targets
	@awk 'BEGIN { FS = ":" } \
		/^## / { pending = substr($$0, 4); next } \
		/^[A-Za-z0-9_.-]+:/ && $$1 != ".PHONY" { \
			text = ""; if (match($$0, / ## /)) text = substr($$0, RSTART + 4); else text = pending; \
			sub("^" $$1 ": ", "", text); \
			if (text != "") printf "  %-14s %s\n", $$1, text } \
		{ pending = "" }' $(MAKEFILE_LIST)
	@echo "  (STACK=prod for demo; VERBOSE=1 shows the builds' output)"

demo: ## offline: build what is missing (with progress), then preview and deploy the dev stack with the policy pack
	@scripts/build.sh pulumi policy-pack offline
	@.bin/offline up $(STACK)

test: lint tools ## everything CI runs: lint, unit and end-to-end tests, the race detector, the benchmarks once
	$(GO_TEST) ./...
	$(GO_TEST) -race ./internal/pack/... ./internal/iampolicy/... ./internal/iamdata ./internal/awscreds/... ./internal/audit/... ./cmd/keyless-audit/... ./harness/offline/...
	$(GO_TEST) -run '^$$' -bench . -benchtime=1x ./bench/...

lint: ## gofmt and go vet
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	go vet ./...

unit: ## unit tests: every package but e2e, without the engine (go test -short)
	go test -count=1 -short $$(go list ./... | grep -v '/e2e$$')

e2e: tools ## end-to-end tests through the real Pulumi engine: e2e/, the runner library's and the offline runner's
	$(GO_TEST) ./e2e/... ./harness/offline/... ./harness/cmd/offline/...

tools: ## build the Pulumi CLI, its Go language host, the policy pack and the stand-in, in parallel
	@scripts/build.sh pulumi language-host policy-pack fakeaws

pulumi: ## locate or build the pinned Pulumi CLI (.bin/pulumi; a pulumi >= the pinned version on PATH is used instead)
	@scripts/pulumi.sh

language-host: ## locate, link or build the Go language host next to the CLI (.bin/pulumi-language-go)
	@scripts/pulumi.sh language-host

policypack: ## build the policy pack executable .bin/keyless-policy
	@scripts/build.sh policy-pack

bench: ## the policy pack's benchmarks (bench/run.sh; BENCH_QUICK=1 for a short run)
	bench/run.sh

clean: ## delete .bin/, .offline/ and bench/out/
	rm -rf .bin .offline bench/out

# ---- Release (owned by the audit/release work; kept apart from the targets above) ----
.PHONY: release
## release: cross-compile keyless-policy and keyless-audit (linux/darwin × amd64/arm64), version-stamped, with SHA256SUMS, into .bin/release/ (VERSION defaults to policypack/PulumiPolicy.yaml's)
release:
	scripts/release.sh $(VERSION)
