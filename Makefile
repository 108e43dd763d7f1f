# dockterm build and test entry points. `make help` lists the targets.
#
# Tests run against a real Docker engine: `make test` starts one if needed
# (scripts/engine.sh) and builds the fixture image (scripts/fixture-image.sh).

SHELL := /bin/bash
GO ?= go
PKGS ?= ./...
TEST_TIMEOUT ?= 20m
FUZZTIME ?= 10s
BENCH ?= .

# Go may live in /usr/local/go/bin without being on PATH (CI, sudo).
export PATH := $(PATH):/usr/local/go/bin

.DEFAULT_GOAL := help
.PHONY: help build engine image test unit fuzz bench demo demo-clean screenshots clean-test fmt vet

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## /  make \1\t/' | expand -t 24

# Static (no cgo): one file to copy to a bastion, and no dynamic loader at
# each start (measured ~8 ms less from exec to main on the bench machine).
build: ## build bin/dockterm (static)
	CGO_ENABLED=0 $(GO) build -o bin/dockterm .

engine: ## make sure a Docker engine answers (starts a throwaway dockerd if needed) and test tools are installed
	bash scripts/engine.sh

image: engine ## build the fixture image dockterm-fixture:test (only when its source changed)
	bash scripts/fixture-image.sh

test: image ## engine + image, all tests, then every fuzz target for FUZZTIME (10s)
	$(GO) test $(PKGS) -count=1 -timeout $(TEST_TIMEOUT)
	bash scripts/fuzz.sh $(FUZZTIME)

unit: image ## engine + image, all tests, no fuzzing
	$(GO) test $(PKGS) -count=1 -timeout $(TEST_TIMEOUT)

fuzz: ## every fuzz target for FUZZTIME (10s)
	bash scripts/fuzz.sh $(FUZZTIME)

bench: image ## benchmarks (go test -bench), then tools/bench if present
	$(GO) test -run='^$$' -bench='$(BENCH)' -benchmem -timeout 60m $(PKGS)
	@if [ -d tools/bench ]; then \
		echo "$(GO) run ./tools/bench"; $(GO) run ./tools/bench; \
	else \
		echo "bench: tools/bench does not exist yet, skipped"; \
	fi

demo: image ## seed the demo workload (scripts/demo-seed.sh), build and run dockterm
	bash scripts/demo-seed.sh
	$(MAKE) --no-print-directory build
	./bin/dockterm

demo-clean: ## remove the demo workload
	bash scripts/demo-seed.sh --clean

screenshots: image ## regenerate screenshots/ (scripts/screenshots.sh)
	@if [ -f scripts/screenshots.sh ]; then \
		echo "bash scripts/screenshots.sh"; bash scripts/screenshots.sh; \
	else \
		echo "screenshots: scripts/screenshots.sh does not exist yet, nothing to do"; \
	fi

clean-test: ## remove every container, network, volume and image labelled dockterm.test=1
	bash scripts/clean-label.sh dockterm.test=1

fmt: ## gofmt -s -w every Go file (not the vendored copies in third_party)
	gofmt -s -l -w $$(find . -name "*.go" -not -path "./third_party/*")

vet: ## go vet
	$(GO) vet $(PKGS)
