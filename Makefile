# VideoAssist: `make run` starts the platform on this machine, `make test`
# runs every test. Both install what they need first (idempotently).

SHELL := /bin/bash
.DEFAULT_GOAL := help

# A build cache outside the clone keeps fresh clones (CI) fast.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/videoassist/target
export CARGO_TERM_COLOR ?= never

# `make run PROFILE=debug` runs a debug build (the tests use that).
PROFILE ?= release

.PHONY: help setup setup-test run build test lint fmt bench bench-sfu clean-data

help:
	@echo "make run    start the whole platform on this machine (prints URLs and the admin login)"
	@echo "make test   install test dependencies and run every test (fmt, clippy, unit, system)"
	@echo "make bench  run the benchmarks (see docs/benchmarks.md)"
	@echo "make bench-sfu  our media gateway vs Janus, side by side (BENCH_ARGS=--quick for a short run)"

setup:
	@scripts/setup.sh run

setup-test:
	@scripts/setup.sh test

build: setup
	cargo build --locked $(if $(filter release,$(PROFILE)),--release,) --workspace --bins

run: build
	@PROFILE=$(PROFILE) scripts/run.sh

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets --locked -- -D warnings
	npm run --silent typecheck
	npm test --silent

fmt:
	cargo fmt --all

test: setup-test lint
	@scripts/test.sh

bench: setup
	cargo bench --locked -p vc-auth --bench tokens
	cargo build --release --locked -p videoassist   # the transfer bench runs the release all-in-one
	cargo bench --locked -p vc-fileserver --bench transfer
	cargo bench --locked -p vc-records --bench merge
	cargo bench --locked -p vc-server --bench export

# Our media gateway vs Janus (docs/benchmarks.md): installs Janus, builds
# the release all-in-one and the benchmark, and runs it (BENCH_ARGS=--quick).
bench-sfu:
	@scripts/setup.sh bench
	cargo build --release --locked -p videoassist -p vc-loadgen --bins
	$(CARGO_TARGET_DIR)/release/vc-sfu-bench $(BENCH_ARGS)

clean-data:
	rm -rf data
